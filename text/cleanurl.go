package text

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// MaxURLLength bounds the URLs CleanURL accepts, in bytes; longer ones are dropped.
const MaxURLLength = 4096

// CleanURL returns raw when it is an absolute https URL (or http, when allowHTTP) with
// a host, and "" otherwise. It is the rule for every URL that comes from another
// server (actor links, endpoints, keys, status URLs) before it is stored, and for
// every href rendered from a stored URL.
//
// Dropped: other schemes (javascript:, data:, vbscript:, in any case), relative and
// protocol-relative URLs (//host), userinfo (user@host), opaque forms (https:x),
// empty hosts, backslashes (browsers read them as slashes), and any space, control
// character, quote or angle bracket (a valid URL escapes them; a browser would strip
// leading ones and so read a scheme Herd did not see). Invalid UTF-8 and URLs longer
// than MaxURLLength are dropped too. The value is returned as given, never
// re-encoded, so that it still equals the id it was compared with.
func CleanURL(raw string, allowHTTP bool) string {
	if raw == "" || len(raw) > MaxURLLength || !utf8.ValidString(raw) {
		return ""
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c == 0x7f || strings.IndexByte(`"<>\`, c) >= 0 {
			return ""
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.User != nil || u.Hostname() == "" {
		return ""
	}
	if u.Scheme != "https" && (u.Scheme != "http" || !allowHTTP) {
		return ""
	}
	return raw
}
