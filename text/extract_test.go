package text

import (
	"strings"
	"testing"
)

func TestScanURLsLongDottedText(t *testing.T) {
	// Quadratic scanning would take minutes here.
	for _, s := range []string{
		strings.Repeat("é.a", 20000),
		strings.Repeat("é", 60000),
		strings.Repeat("é", 30000) + "." + strings.Repeat("é", 30000),
		strings.Repeat("(é", 30000),
		"x.com/" + strings.Repeat("(é", 30000),
		strings.Repeat("x.com/(é ", 10000),
	} {
		s += " https://example.com"
		es := scanURLs(s)
		if len(es) != 1 || es[0].value != "https://example.com" {
			t.Fatalf("got %+v", es)
		}
	}
}
