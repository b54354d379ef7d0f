package api

import (
	"errors"
	"slices"
	"strings"

	"golang.org/x/text/language"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/trends"
)

// trendLanguages are the languages a viewer's trends put first, as Mastodon's
// Trends::Query preferred_languages: the viewer's chosen languages when set, else
// the language of the request's locale (Mastodon's content_locale: the `lang`
// parameter, the user's locale, the Accept-Language header's first language, the
// instance's default, in that order).
func (s *Server) trendLanguages(r *req) ([]string, error) {
	var u *account.User
	if r.viewer != 0 {
		var err error
		u, err = s.d.Accounts.User(r.context(), r.viewer)
		if err != nil && !errors.Is(err, account.ErrNotFound) {
			return nil, err
		}
	}
	if u != nil && len(u.ChosenLanguages) > 0 {
		return u.ChosenLanguages, nil
	}
	for _, l := range []string{r.p.str("lang"), userLocale(u), acceptLanguage(string(r.ctx.Request.Header.Peek("Accept-Language")))} {
		if base := baseLanguage(l); base != "" {
			return []string{base}, nil
		}
	}
	return []string{account.InstanceLocale}, nil
}

func userLocale(u *account.User) string {
	if u == nil {
		return ""
	}
	return u.Locale
}

// acceptLanguage is the language the client prefers most, "" without a usable one.
func acceptLanguage(h string) string {
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil {
		return ""
	}
	for _, t := range tags { // "*" names no language
		if t != language.Und && t.String() != "mul" {
			return t.String()
		}
	}
	return ""
}

// baseLanguage is a locale's language without its region or script (pt-BR: pt),
// "" for something that is no locale.
func baseLanguage(l string) string {
	t, err := language.Parse(l)
	if err != nil || t == language.Und {
		return ""
	}
	b, _ := t.Base()
	return b.String()
}

// preferLanguages orders ranked items in the viewer's languages first, keeping the
// ranking within each part, as Mastodon's language_order_clause; langOf gives an
// item's language, "" when unknown.
func preferLanguages(ranked []trends.Ranked, langs []string, langOf func(trends.Ranked) string) []trends.Ranked {
	preferred := func(it trends.Ranked) bool {
		l := langOf(it)
		return l != "" && slices.ContainsFunc(langs, func(p string) bool { return strings.EqualFold(p, l) })
	}
	out := make([]trends.Ranked, 0, len(ranked))
	for _, it := range ranked {
		if preferred(it) {
			out = append(out, it)
		}
	}
	for _, it := range ranked {
		if !preferred(it) {
			out = append(out, it)
		}
	}
	return out
}
