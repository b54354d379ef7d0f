package text

import (
	"strings"

	"github.com/rivo/uniseg"
)

// CharactersReservedPerURL is how many characters a URL counts for, whatever
// its length (configuration.statuses.characters_reserved_per_url).
const CharactersReservedPerURL = 23

// Length is how long a status text counts against the character limit, as
// Mastodon's StatusLengthValidator measures it: every URL counts as
// CharactersReservedPerURL characters, a remote mention @user@domain counts
// as @user, and characters are extended grapheme clusters (so an emoji
// built of several code points counts once). A blank text counts 0.
//
// Mastodon counts grapheme clusters (String#each_grapheme_cluster), not
// code points; so does Length. For a status with a content warning, use
// StatusLength.
func Length(text string) int {
	return graphemes(countableText(strings.ToValidUTF8(text, "\uFFFD")))
}

// StatusLength is the length Mastodon checks against the limit for a status
// with a content warning: spoiler text and countable text together.
func StatusLength(spoilerText, text string) int {
	s := strings.ToValidUTF8(spoilerText, "\uFFFD") + countableText(strings.ToValidUTF8(text, "\uFFFD"))
	return graphemes(s)
}

// graphemes counts extended grapheme clusters. In ASCII, every character
// is one, except that CR LF is one together.
func graphemes(s string) int {
	if isASCII(s) {
		return len(s) - strings.Count(s, "\r\n")
	}
	return uniseg.GraphemeClusterCount(s)
}

// countableText replaces each URL by CharactersReservedPerURL x's and each
// mention by @username, using URL and mention entities only (as the
// validator does).
func countableText(s string) string {
	if isBlank(s) {
		return ""
	}
	ents := removeOverlapping(append(scanURLs(s), scanMentions(s)...))
	if len(ents) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, e := range ents {
		b.WriteString(s[last:e.start])
		if e.kind == kindURL {
			b.WriteString(strings.Repeat("x", CharactersReservedPerURL))
		} else {
			user, _, _ := strings.Cut(e.value, "@")
			b.WriteString("@" + user)
		}
		last = e.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// Strip trims a text as Ruby's String#strip does (NUL and ASCII white
// space at both ends). Mastodon strips a status's text and spoiler text
// before saving them, so Render and Length see stripped text.
func Strip(s string) string {
	return strings.Trim(s, "\x00\t\n\v\f\r ")
}
