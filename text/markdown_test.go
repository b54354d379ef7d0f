package text

import (
	"strings"
	"testing"
)

func TestMarkdown(t *testing.T) {
	got, err := Markdown([]byte("# Rules\n\nBe **kind**; see https://example.com.\n\n<script>alert(1)</script>\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h1>Rules</h1>", "<strong>kind</strong>", `<a href="https://example.com">`} {
		if !strings.Contains(got, want) {
			t.Errorf("Markdown gave %q, without %q", got, want)
		}
	}
	if strings.Contains(got, "<script>") {
		t.Errorf("raw HTML kept: %q", got)
	}
}
