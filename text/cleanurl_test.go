package text

import (
	"strings"
	"testing"
)

func TestCleanURL(t *testing.T) {
	long := "https://a.example/" + strings.Repeat("x", MaxURLLength-len("https://a.example/"))
	for _, c := range []struct {
		name, in  string
		allowHTTP bool
		want      string
	}{
		{"https", "https://a.example/@alice", false, "https://a.example/@alice"},
		{"https with port, query and fragment", "https://a.example:8443/u?x=1#f", false, "https://a.example:8443/u?x=1#f"},
		{"scheme case kept", "HTTPS://a.example/", false, "HTTPS://a.example/"},
		{"international host", "https://bücher.example/", false, "https://bücher.example/"},
		{"IPv6 host", "https://[2001:db8::1]/x", false, "https://[2001:db8::1]/x"},
		{"http allowed", "http://a.example/", true, "http://a.example/"},
		{"http not allowed", "http://a.example/", false, ""},
		{"javascript", "javascript:alert(document.domain)", true, ""},
		{"javascript mixed case", "JaVaScRiPt:alert(1)", true, ""},
		{"javascript upper case", "JAVASCRIPT:alert(1)", true, ""},
		{"javascript with slashes", "javascript://a.example/%0aalert(1)", true, ""},
		{"data", "data:text/html,<script>alert(1)</script>", true, ""},
		{"data base64", "data:text/html;base64,PHNjcmlwdD4=", true, ""},
		{"vbscript", "vbscript:msgbox(1)", true, ""},
		{"file", "file:///etc/passwd", true, ""},
		{"ftp", "ftp://a.example/", true, ""},
		{"leading control character", "\x01javascript:alert(1)", true, ""},
		{"leading control before https", "\x01https://a.example/", true, ""},
		{"leading space", " https://a.example/", true, ""},
		{"leading tab in javascript", "\tjavascript:alert(1)", true, ""},
		{"tab inside scheme", "java\tscript:alert(1)", true, ""},
		{"newline inside", "https://a.example/\nx", true, ""},
		{"DEL", "https://a.example/\x7f", true, ""},
		{"no-break space before javascript", "\u00a0javascript:alert(1)", true, ""},
		{"zero width space before javascript", "\u200bjavascript:alert(1)", true, ""},
		{"relative", "/users/alice", true, ""},
		{"relative without slash", "users/alice", true, ""},
		{"fragment only", "#x", true, ""},
		{"protocol-relative", "//evil.example/x", true, ""},
		{"no host", "https:///x", true, ""},
		{"port only", "https://:443/", true, ""},
		{"opaque", "https:evil.example", true, ""},
		{"backslash", `https:\\evil.example`, true, ""},
		{"backslash in host", `https://good.example\@evil.example/`, true, ""},
		{"userinfo", "https://user:pass@a.example/", true, ""},
		{"user only", "https://good.example@evil.example/", true, ""},
		{"quote", `https://a.example/"onmouseover="alert(1)`, true, ""},
		{"angle bracket", "https://a.example/<script>", true, ""},
		{"space inside", "https://a.example/a b", true, ""},
		{"at the length limit", long, false, long},
		{"very long", long + "x", false, ""},
		{"invalid UTF-8", "https://a.example/\xff", false, ""},
		{"invalid UTF-8 host", "https://a\xc3.example/", false, ""},
		{"empty", "", true, ""},
		{"bad escape", "https://a.example/%zz", true, ""},
		{"bad port", "https://a.example:x/", true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := CleanURL(c.in, c.allowHTTP); got != c.want {
				t.Errorf("CleanURL(%q, %v) = %q, want %q", c.in, c.allowHTTP, got, c.want)
			}
		})
	}
}

// FuzzCleanURL: CleanURL returns its input or "", and what it returns is an http(s)
// URL with a host and nothing a browser would strip or reinterpret.
func FuzzCleanURL(f *testing.F) {
	for _, s := range []string{"https://a.example/", "javascript:alert(1)", "\x01javascript:", "//evil", "http://a@b/", "HTTPS://X"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, allowHTTP bool) {
		got := CleanURL(raw, allowHTTP)
		if got == "" {
			return
		}
		lower := strings.ToLower(got)
		if got != raw || !(strings.HasPrefix(lower, "https://") || allowHTTP && strings.HasPrefix(lower, "http://")) {
			t.Fatalf("CleanURL(%q) = %q", raw, got)
		}
		if strings.ContainsAny(got, "\x00\t\n\r \"<>\\") {
			t.Fatalf("CleanURL(%q) kept a character to strip", raw)
		}
	})
}
