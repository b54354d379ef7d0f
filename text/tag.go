package text

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeTag returns a hashtag's identity as Mastodon's HashtagNormalizer
// computes it: NFKC (which also folds full- and half-width forms), lower
// case, Mastodon's ASCII folding of Latin letters with diacritics (é → e,
// ß is left alone), then every character that is neither alphanumeric nor a
// hashtag separator (_ · ・ ZWNJ) removed.
//
// Lower-casing is Ruby's String#downcase: full Unicode mapping without
// context, so a final capital sigma becomes σ, not ς.
func NormalizeTag(name string) string {
	s := norm.NFKC.String(strings.ToValidUTF8(name, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r == 'İ' {
			// The one unconditional multi-rune lower-case mapping: "i̇".
			// Its combining dot is not alphanumeric and goes below.
			r = 'i'
		} else {
			r = unicode.ToLower(r)
		}
		if f, ok := asciiFold[r]; ok {
			r = f
		}
		if isAlnum(r) || isHashtagSeparator(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TagDisplay is a tag's display name as Mastodon makes it from a spelling: the
// characters a hashtag cannot hold removed, the case kept.
func TagDisplay(name string) string { return stripInvalidTagChars(name) }

// stripInvalidTagChars removes what Tag::HASHTAG_INVALID_CHARS_RE matches,
// as Mastodon does to a new tag's display name.
func stripInvalidTagChars(name string) string {
	return strings.Map(func(r rune) rune {
		if isAlnum(r) || isHashtagSeparator(r) {
			return r
		}
		return -1
	}, name)
}

// Mastodon's ASCIIFolding: String#tr from the first string to the second.
const (
	foldFrom = "ÀÁÂÃÄÅàáâãäåĀāĂăĄąÇçĆćĈĉĊċČčÐðĎďĐđÈÉÊËèéêëĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħÌÍÎÏìíîïĨĩĪīĬĭĮįİıĴĵĶķĸĹĺĻļĽľĿŀŁłÑñŃńŅņŇňŉŊŋÒÓÔÕÖØòóôõöøŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšſŢţŤťŦŧÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲųŴŵÝýÿŶŷŸŹźŻżŽž"
	foldTo   = "AAAAAAaaaaaaAaAaAaCcCcCcCcCcDdDdDdEEEEeeeeEeEeEeEeEeGgGgGgGgHhHhIIIIiiiiIiIiIiIiIiJjKkkLlLlLlLlLlNnNnNnNnnNnOOOOOOooooooOoOoOoRrRrRrSsSsSsSssTtTtTtUUUUuuuuUuUuUuUuUuUuWwYyyYyYZzZzZz"
)

var asciiFold = func() map[rune]rune {
	from, to := []rune(foldFrom), []rune(foldTo)
	if len(from) != len(to) {
		panic("text: ASCII folding tables differ in length")
	}
	m := make(map[rune]rune, len(from))
	for i, r := range from {
		m[r] = to[i]
	}
	return m
}()
