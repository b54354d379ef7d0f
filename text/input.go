package text

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// The rules for strings entering Herd, from a client or from another server.
//
// Every string Herd stores must read back: the value codec refuses text that is not
// valid UTF-8, and a NUL is a string terminator to half of the tools that will read it
// (Mastodon's PostgreSQL refuses it outright, so no Mastodon-compatible client sends
// one on purpose). Other control characters are kept: Mastodon keeps them, they
// encode and render safely, and clients rely on tabs and line breaks.
var (
	// ErrInvalidUTF8 is text that is not valid UTF-8 (an overlong form, an encoded
	// surrogate, a stray continuation byte, a truncated sequence).
	ErrInvalidUTF8 = errors.New("text: not valid UTF-8")
	// ErrNUL is text holding a NUL character.
	ErrNUL = errors.New("text: contains a NUL character")
)

// CheckInput reports whether s may enter Herd from a client as it is: valid UTF-8
// without NUL. Clients get an error for anything else (they sent something no
// keyboard types), never a silently altered post.
func CheckInput(s string) error {
	if !utf8.ValidString(s) {
		return ErrInvalidUTF8
	}
	if strings.IndexByte(s, 0) >= 0 {
		return ErrNUL
	}
	return nil
}

// CleanRemote makes a string from another server's document safe to keep: invalid
// UTF-8 becomes U+FFFD and NUL characters are removed. Remote documents are cleaned
// rather than refused, so that one odd byte in a profile does not cut a server off,
// as Mastodon's JSON parsing replaces what it cannot read.
func CleanRemote(s string) string {
	if CheckInput(s) == nil {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
