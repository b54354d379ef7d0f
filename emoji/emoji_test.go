package emoji

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// scanRE is the definition Used implements by hand: Mastodon's CustomEmoji::SCAN_RE,
// with touching shortcodes (":a::b:") split apart first.
var scanRE = regexp.MustCompile(`(?:^|[^a-zA-Z0-9:]):([a-zA-Z0-9_]{2,}):`)

func usedByRE(texts ...string) []string {
	var out []string
	for _, t := range texts {
		for _, m := range scanRE.FindAllStringSubmatch(strings.ReplaceAll(t, "::", ": :"), -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

func TestUsed(t *testing.T) {
	for text, want := range map[string][]string{
		"":                                 nil,
		"no emoji at https://example.com/": nil,
		":blobcat: hello :blobcat:":        {"blobcat"},
		":a::bb::cc:":                      {"bb", "cc"},
		":ab::cd:":                         {"ab", "cd"},
		"word:ab: not one, _:ab_2: one":    {"ab_2"},
		"é:ab:":                            {"ab"},
		":::ab:":                           nil,
		"::ab:":                            {"ab"},
		"<p>:ab:</p>":                      {"ab"},
		":ab:cd:":                          {"ab"},
	} {
		if got := Used(text); !slices.Equal(got, want) {
			t.Errorf("Used(%q) = %q, want %q", text, got, want)
		}
		if got := usedByRE(text); !slices.Equal(got, want) {
			t.Errorf("the definition finds %q in %q, the table says %q", got, text, want)
		}
	}
}

// FuzzUsed: the scanner finds what the regular expression of its definition finds.
func FuzzUsed(f *testing.F) {
	for _, s := range []string{":ab:", ":a::bb::cc:", "x:::ab:", "é:ab:", "a_:ab:", ":ab:cd:ef:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Used(s), usedByRE(s); !slices.Equal(got, want) {
			t.Fatalf("Used(%q) = %q, the definition finds %q", s, got, want)
		}
	})
}
