package httpsig

import (
	"fmt"
	"strings"
)

// parseSignatureParams parses a draft-cavage Signature header with Mastodon's
// grammar: comma-separated name=value pairs, each value a token or a quoted string,
// white space allowed around '=' and ',', and an optional "Signature " prefix that
// old node-http-signature versions add. Names are case-sensitive; a repeated name
// keeps its last value.
func parseSignatureParams(s string) (map[string]string, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "Signature ")
	params := make(map[string]string, 6)
	i := 0
	for {
		start := i
		for i < len(s) && isTokenChar(s[i]) {
			i++
		}
		name := s[start:i]
		if name == "" {
			return nil, malformedAt(s, i, "expected a parameter name")
		}
		i = skipSpace(s, i)
		if i >= len(s) || s[i] != '=' {
			return nil, malformedAt(s, i, "expected '='")
		}
		i = skipSpace(s, i+1)
		val, next, err := scanValue(s, i)
		if err != nil {
			return nil, err
		}
		params[name] = val
		i = skipSpace(s, next)
		if i == len(s) {
			return params, nil
		}
		if s[i] != ',' {
			return nil, malformedAt(s, i, "expected ','")
		}
		i = skipSpace(s, i+1)
	}
}

// scanValue reads a token or a quoted string (with backslash escapes) at s[i:].
func scanValue(s string, i int) (val string, next int, err error) {
	if i < len(s) && s[i] == '"' {
		var b strings.Builder
		for i++; i < len(s); i++ {
			switch c := s[i]; c {
			case '"':
				return b.String(), i + 1, nil
			case '\\':
				if i+1 == len(s) {
					return "", 0, malformedAt(s, i, "dangling escape")
				}
				i++
				b.WriteByte(s[i])
			default:
				b.WriteByte(c)
			}
		}
		return "", 0, malformedAt(s, i, "unterminated quoted string")
	}
	start := i
	for i < len(s) && isTokenChar(s[i]) {
		i++
	}
	if i == start {
		return "", 0, malformedAt(s, i, "expected a value")
	}
	return s[start:i], i, nil
}

func malformedAt(s string, i int, what string) error {
	return fmt.Errorf("%w: Signature header: %s at offset %d of %d", ErrMalformedSignature, what, i, len(s))
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n' || s[i] == '\f' || s[i] == '\v') {
		i++
	}
	return i
}

// isToken reports whether s is an HTTP token (RFC 9110), as header names are.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
