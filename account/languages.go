package account

import (
	"slices"
	"strings"
)

// MaxLanguages bounds a list of languages a user picks: the chosen languages of the
// public timelines, or the languages of one follow.
const MaxLanguages = 100

// maxLanguageCode is the longest language code taken, as for a status's language.
const maxLanguageCode = 16

// CleanLanguages reads a list of languages as given to the API: blank entries and
// repeats dropped, codes in lower case; nil when none is left (every language). ok
// is false when the list is too long or holds something longer than a language code.
func CleanLanguages(list []string) (out []string, ok bool) {
	if len(list) > MaxLanguages {
		return nil, false
	}
	for _, l := range list {
		l = strings.ToLower(strings.TrimSpace(l))
		if len(l) > maxLanguageCode {
			return nil, false
		}
		if l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out, true
}

// LanguageShown reports whether a status in lang passes a list of languages: every
// status passes an empty list, and a status of unknown language ("") passes any, as
// Mastodon's streaming server and FeedManager judge them. Case is ignored.
func LanguageShown(langs []string, lang string) bool {
	return lang == "" || len(langs) == 0 ||
		slices.ContainsFunc(langs, func(l string) bool { return strings.EqualFold(l, lang) })
}

// ShowsLanguage reports whether the user's public and hashtag timelines show a
// status in lang (User.ChosenLanguages).
func (u *User) ShowsLanguage(lang string) bool { return LanguageShown(u.ChosenLanguages, lang) }

// ShowsLanguage reports whether the follow brings the followed account's statuses
// in lang into the follower's home (Follow.Languages).
func (f *Follow) ShowsLanguage(lang string) bool { return LanguageShown(f.Languages, lang) }
