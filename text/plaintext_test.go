package text

import "testing"

func TestPlainText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"text", "hello", "hello"},
		{"paragraph", "<p>hello</p>", "hello"},
		{"paragraphs", "<p>one</p><p>two</p>", "one\n\ntwo"},
		{"br", "<p>one<br>two<br />three</p>", "one\ntwo\nthree"},
		{"double br", "<p>one<br><br>two</p>", "one\n\ntwo"},
		{"entities", "<p>&amp; &lt;b&gt; &quot;q&quot; &#39;a&#39; &nbsp;x &eacute;</p>", "& <b> \"q\" 'a' \u00a0x é"},
		{"link keeps hidden parts", `<p><a href="https://example.com/long/path"><span class="invisible">https://</span><span class="ellipsis">example.com/lo</span><span class="invisible">ng/path</span></a></p>`,
			"https://example.com/long/path"},
		{"mention", `<p><span class="h-card"><a href="https://x/@a" class="u-url mention">@<span>a</span></a></span> hi</p>`, "@a hi"},
		{"script dropped", "<p>a<script>alert(1)</script>b</p><style>p{}</style>", "ab"},
		{"svg and math dropped", "a<svg><text>t</text></svg>b<math><mi>x</mi></math>c", "abc"},
		{"list", "<p>intro</p><ul><li>one</li><li>two</li></ul><p>end</p>", "intro\n\none\ntwo\n\nend"},
		{"blockquote", "<blockquote><p>quoted</p></blockquote><p>reply</p>", "quoted\n\nreply"},
		{"source newlines between paragraphs", "<p>one</p>\n<p>two</p>\n", "one\n\ntwo"},
		{"heading", "<h1>Title</h1><p>body</p>", "Title\n\nbody"},
		{"leading and trailing breaks", "<br><p>x</p><br>", "x"},
		{"bare text around block", "a<p>b</p>c", "a\n\nb\n\nc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.in); got != tt.want {
				t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPlainTextRoundTrip(t *testing.T) {
	for _, in := range []string{
		"hello <world> & \"friends\"",
		"one\ntwo\n\nthree",
		"@alice see https://example.com/a/very/long/path/that/is/cut?x=1&y=2 #Tag",
		"@carl@remote.example is unknown",
	} {
		if got := PlainText(Render(in, testResolver, testOpts).HTML); got != in {
			t.Errorf("PlainText(Render(%q)) = %q", in, got)
		}
	}
	// A known remote account shows as @username only, as in Mastodon.
	if got := PlainText(Render("@bob@remote.example", testResolver, testOpts).HTML); got != "@bob" {
		t.Errorf("remote mention reads %q", got)
	}
}
