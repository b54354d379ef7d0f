package text

import "testing"

func TestNormalizeTag(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hello", "hello"},
		{"HeLLo", "hello"},
		{"Café", "cafe"},
		{"ÀÉÎÕÜ", "aeiou"},
		{"Straße", "straße"},
		{"Łódź", "lodz"},
		{"ＴＥＳＴ", "test"}, // full width, by NFKC
		{"ｶﾀｶﾅ", "カタカナ"}, // half-width katakana, by NFKC
		{"日本語", "日本語"},
		{"foo·bar", "foo·bar"}, // separators stay
		{"foo・bar", "foo・bar"},
		{"foo_bar", "foo_bar"},
		{"foo\u200cbar", "foo\u200cbar"},
		{"foo-bar!", "foobar"},   // anything else goes
		{"İstanbul", "istanbul"}, // dotted capital I: i + U+0307, then the dot goes
		{"ΣΟΦΟΣ", "σοφοσ"},       // no final-sigma rule, as in Ruby
		{"Ⅻ", "xii"},             // NFKC
		{"ﬁne", "fine"},          // ligature, by NFKC
		{"①", "1"},               // NFKC
		{"e\u0301", "e"},         // composed by NFKC, then folded
		{"हिन्दी", "हिनदी"},      // the virama is not alphanumeric
		{"x\xff", "x"},           // invalid UTF-8 becomes U+FFFD, which is dropped
	}
	for _, tt := range tests {
		if got := NormalizeTag(tt.in); got != tt.want {
			t.Errorf("NormalizeTag(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHashtagName(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for no hashtag
	}{
		{"#a", "a"},
		{"#ab", "ab"},
		{"#1", ""},
		{"#123", ""},
		{"#1a", "1a"},
		{"#a1", "a1"},
		{"#1_2", "1_2"}, // FIRST allows digits around a separator
		{"#_", ""},
		{"#__", ""},
		{"#_a", "_a"},
		{"#a·", "a"},
		{"#·a", ""},
		{"#a·b", "a·b"},
		{"#1·2", "1·2"},
		{"#a\u200db", "a"}, // ZWJ is not a separator
		{"#a\u200cb", "a\u200cb"},
		{"#한국어", "한국어"},
		{"#ไทย", "ไทย"}, // Thai vowel signs are marks
		{"#café", "café"},
		{"#e\u0301", "e\u0301"},
		{"#a-b", "a"},
	}
	for _, tt := range tests {
		es := scanTags(tt.in)
		got := ""
		if len(es) > 0 {
			got = es[0].value
		}
		if got != tt.want {
			t.Errorf("scanTags(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
