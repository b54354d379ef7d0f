package text

import (
	"unicode"
	"unicode/utf8"
)

// Character classes of the Ruby regular expressions this package follows.
// Onigmo (Ruby's engine) defines its POSIX brackets on Unicode strings as:
//
//	[[:alpha:]] Alphabetic (L, Nl, Other_Alphabetic)
//	[[:alnum:]] Alphabetic | Nd
//	[[:word:]]  Alphabetic | M | Nd | Pc
//
// while \w stays ASCII-only ([a-zA-Z0-9_]).

// isAlpha reports whether r is in Ruby's [[:alpha:]].
func isAlpha(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r|0x20 && r|0x20 <= 'z'
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_Alphabetic, r)
}

// isAlnum reports whether r is in Ruby's [[:alnum:]].
func isAlnum(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(r)
	}
	return isAlpha(r) || unicode.Is(unicode.Nd, r)
}

// isWord reports whether r is in Ruby's [[:word:]].
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIWord(r)
	}
	return isAlpha(r) || unicode.Is(unicode.M, r) || unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Pc, r)
}

// isASCIIWord reports whether r is in Ruby's \w.
func isASCIIWord(r rune) bool {
	return isASCIIAlnum(r) || r == '_'
}

func isASCIIAlnum(r rune) bool {
	return ('0' <= r && r <= '9') || ('a' <= r|0x20 && r|0x20 <= 'z')
}

func isASCIIDigit(r rune) bool { return '0' <= r && r <= '9' }

// isHashtagSeparator reports whether r is in Tag::HASHTAG_SEPARATORS.
func isHashtagSeparator(r rune) bool {
	return r == '_' || r == '\u00b7' || r == '\u30fb' || r == '\u200c'
}

// isLatinAccent reports whether r is in twitter-text's LATIN_ACCENTS.
func isLatinAccent(r rune) bool {
	switch {
	case r < 0xc0:
		return false
	case r <= 0xff:
		return r != 0xd7 && r != 0xf7
	case r <= 0x24f:
		return true
	case r == 0x253, r == 0x254, r == 0x256, r == 0x257, r == 0x259, r == 0x25b,
		r == 0x263, r == 0x268, r == 0x26f, r == 0x272, r == 0x289, r == 0x28b, r == 0x2bb:
		return true
	case 0x300 <= r && r <= 0x36f:
		return true
	case 0x1e00 <= r && r <= 0x1eff:
		return true
	}
	return false
}

// isTwitterSpace reports whether r is in twitter-text's UNICODE_SPACES.
func isTwitterSpace(r rune) bool {
	switch {
	case 0x09 <= r && r <= 0x0d, r == 0x20, r == 0x85, r == 0xa0, r == 0x1680, r == 0x180e:
		return true
	case 0x2000 <= r && r <= 0x200a:
		return true
	case r == 0x2028, r == 0x2029, r == 0x202f, r == 0x205f, r == 0x3000:
		return true
	}
	return false
}

// isDirectional reports whether r is in twitter-text's DIRECTIONAL_CHARACTERS.
func isDirectional(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f ||
		(0x202a <= r && r <= 0x202e) || (0x2066 <= r && r <= 0x2069)
}

// isInvalidChar reports whether r is in twitter-text's INVALID_CHARACTERS.
func isInvalidChar(r rune) bool {
	return r == 0xfffe || r == 0xfeff || r == 0xffff
}

// isDomainChar reports whether r is in twitter-text's DOMAIN_VALID_CHARS:
// anything but ASCII punctuation, spaces, control, directional and invalid
// characters.
func isDomainChar(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(r)
	}
	return !isTwitterSpace(r) && !isDirectional(r) && !isInvalidChar(r)
}

// isURLPreceding reports whether r may stand right before a URL
// (valid_url_preceding_chars).
func isURLPreceding(r rune) bool {
	if isASCIIAlnum(r) {
		return false
	}
	switch r {
	case '@', '＠', '$', '#', '＃', 0xfffe, 0xfeff, 0xffff:
		return false
	}
	return true
}

// isPathChar is Mastodon's valid_general_url_path_chars: anything but white
// space, angle brackets, parentheses and the question mark.
func isPathChar(r rune) bool {
	switch r {
	case '<', '>', '(', ')', '?':
		return false
	}
	return !unicode.Is(unicode.White_Space, r)
}

// isPathEnding is Mastodon's valid_url_path_ending_chars (the character part).
func isPathEnding(r rune) bool {
	switch r {
	case '(', ')', '?', '!', '*', '"', '\'', '「', '」', '<', '>', ';', ':', '=', ',', '.', '$', '%', '[', ']', '~', '&', '|', '@':
		return false
	}
	return !unicode.Is(unicode.White_Space, r)
}

// isTwitterPathChar is twitter-text's own valid_general_url_path_chars, which
// still decides whether a parenthesised group may end a URL path (Mastodon
// redefines the balanced-parens pattern only after the ending-chars pattern
// has captured the original).
func isTwitterPathChar(r rune) bool {
	if isASCIIAlnum(r) || isLatinAccent(r) {
		return true
	}
	switch r {
	case '!', '*', '\'', ';', ':', '=', '+', ',', '.', '$', '/', '%', '#', '[', ']', '_', '~', '&', '|', '@':
		return true
	}
	return unicode.Is(unicode.Cyrillic, r) || unicode.Is(unicode.Pd, r)
}

// isUChar is the UCHARS set Mastodon adds to URL query characters.
func isUChar(r rune) bool {
	switch {
	case 0xa0 <= r && r <= 0xd7ff, 0xf900 <= r && r <= 0xfdcf, 0xfdf0 <= r && r <= 0xffef:
		return true
	case 0xe000 <= r && r <= 0xf8ff:
		return true
	case r >= 0x10000 && r <= 0x10fffd:
		// Every plane from 1 to 16 minus its last two code points, except
		// that plane 14 starts at U+E1000.
		if r&0xfffe == 0xfffe {
			return false
		}
		return r < 0xe0000 || r >= 0xe1000
	}
	return false
}

// isQueryChar is Mastodon's valid_url_query_chars.
func isQueryChar(r rune) bool {
	if isASCIIAlnum(r) || isUChar(r) {
		return true
	}
	switch r {
	case '!', '?', '*', '\'', '(', ')', ';', ':', '&', '=', '+', '$', '/', '%', '#', '[', ']', '-', '_', '.', ',', '~', '|', '@', '^':
		return true
	}
	return false
}

// isQueryEnding is Mastodon's valid_url_query_ending_chars.
func isQueryEnding(r rune) bool {
	if isASCIIAlnum(r) || isUChar(r) {
		return true
	}
	switch r {
	case '_', '&', '=', '#', '/', '-':
		return true
	}
	return false
}

// isRubySpace is Ruby's [[:space:]] (the White_Space property), which
// ActiveSupport's String#blank? uses.
func isRubySpace(r rune) bool {
	return unicode.IsSpace(r)
}

// isBlank reports whether s is blank in ActiveSupport's sense.
func isBlank(s string) bool {
	for _, r := range s {
		if !isRubySpace(r) {
			return false
		}
	}
	return true
}

// lastRune returns the rune ending at byte offset i of s and its width.
func lastRune(s string, i int) (rune, int) {
	return utf8.DecodeLastRuneInString(s[:i])
}
