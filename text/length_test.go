package text

import (
	"strings"
	"testing"
)

func TestLength(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"   \n ", 0},
		{"hello", 5},
		{" hello ", 7},
		{"héllo", 5},
		{"e\u0301", 1}, // one grapheme, two code points
		{"👋🏽", 1},      // emoji with skin tone
		{"👨‍👩‍👧‍👦", 1}, // family (ZWJ sequence)
		{"🇫🇷", 1},      // flag
		{"日本語", 3},
		{"\r\n", 0},   // blank
		{"a\r\nb", 3}, // CRLF is one grapheme
		{"https://example.com", 23},
		{"https://example.com/a/very/long/path/indeed/it/is/longer/than/twenty/three", 23},
		{"see https://x.com", 4 + 23},
		{"https://example.com.", 24},
		{"example.com", 11}, // not a URL without a scheme
		{"@alice", 6},
		{"@alice@remote.example", 6},
		{"@alice@remote.example hi", 9},
		{"a@b.example", 11}, // not a mention
		{"#hashtag", 8},     // hashtags count in full
		{"https://example.com/@alice@remote.example", 23},
		{strings.Repeat("x", 500), 500},
	}
	for _, tt := range tests {
		if got := Length(tt.in); got != tt.want {
			t.Errorf("Length(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestStatusLength(t *testing.T) {
	tests := []struct {
		spoiler, text string
		want          int
	}{
		{"", "hello", 5},
		{"cw", "hello", 7},
		{"https://example.com", "", 19}, // URLs in the spoiler count in full
		{"cw", "https://example.com", 25},
		{"cw", "  ", 2},
	}
	for _, tt := range tests {
		if got := StatusLength(tt.spoiler, tt.text); got != tt.want {
			t.Errorf("StatusLength(%q, %q) = %d, want %d", tt.spoiler, tt.text, got, tt.want)
		}
	}
}

func TestStrip(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  a b  ", "a b"},
		{"\n\na\n\n", "a"},
		{"\x00\t a \v\f\r", "a"},
		{"\u00a0a\u3000", "\u00a0a\u3000"}, // only ASCII white space
	}
	for _, tt := range tests {
		if got := Strip(tt.in); got != tt.want {
			t.Errorf("Strip(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
