package text

import (
	"math/rand"
	"strings"
	"testing"
)

// rel is what SanitizeRemote adds to every link.
const rel = ` rel="nofollow noopener" target="_blank"`

var sanitizeTests = []struct{ name, in, want string }{
	{"mastodon status", `<p><span class="h-card" translate="no"><a href="https://a.example/@x" class="u-url mention">@<span>x</span></a></span> hi <a href="https://a.example/tags/t" class="mention hashtag" rel="tag">#<span>t</span></a></p>`,
		`<p><span class="h-card" translate="no"><a class="u-url mention" href="https://a.example/@x"` + rel + `>@<span>x</span></a></span> hi <a class="mention hashtag" href="https://a.example/tags/t"` + rel + `>#<span>t</span></a></p>`},
	{"script removed with contents", `<p>Hello <script>alert(1)</script>world</p>`, `<p>Hello world</p>`},
	{"style and svg removed", `<style>p{}</style><svg><a href="https://x.example">y</a></svg>z`, `z`},
	{"iframe removed", `a<iframe src="https://x.example">b</iframe>c`, `ac`},
	{"event handlers removed", `<p onclick="x()">a<span onmouseover="y()">b</span></p>`, `<p>a<span>b</span></p>`},
	{"style attribute removed", `<span style="color:red">x</span>`, `<span>x</span>`},
	{"javascript href becomes text", `<a href="javascript:alert(1)"><b>click</b></a>`, `click`},
	{"javascript with spaces", `<a href="  JavaScript:alert(1)">x</a>`, `x`},
	{"entity-encoded colon", `<a href="javascript&#58;alert(1)">x</a>`, `x`},
	{"data href", `<a href="data:text/html,hi">x</a>`, `x`},
	// Profile field values and notes are sanitised the same way: no script scheme
	// survives, however it is spelt.
	{"vbscript href", `<a href="vbscript:msgbox(1)">x</a>`, `x`},
	{"control character before javascript", "<a href=\"\x01javascript:alert(1)\">x</a>", `x`},
	{"entity-encoded javascript", `<a href="&#106;avascript:alert(1)">x</a>`, `x`},
	{"tab inside the scheme", `<a href="java&#9;script:alert(1)">x</a>`, `x`},
	{"newline inside the scheme", "<a href=\"java\nscript:alert(1)\">x</a>", `x`},
	{"field value link kept", `<a href="https://alice.example/" rel="me">alice.example</a>`,
		`<a href="https://alice.example/"` + rel + `>alice.example</a>`},
	{"relative href becomes text", `<a href="/relative">rel</a> <a href="//x.example/">pr</a> <a href="#f">frag</a>`, `rel pr frag`},
	{"missing href becomes text", `<a>none</a>`, `none`},
	{"allowed schemes kept", `<a href="gemini://x.example/">g</a><a href="MAGNET:?xt=1">m</a>`,
		`<a href="gemini://x.example/"` + rel + `>g</a><a href="MAGNET:?xt=1"` + rel + `>m</a>`},
	{"href spaces escaped", `<a href=" https://x.example/a b&quot;c ">x</a>`, `<a href="https://x.example/a%20b%22c"` + rel + `>x</a>`},
	{"href ampersand", `<a href="https://x.example/?a=1&amp;b=2">x</a>`, `<a href="https://x.example/?a=1&amp;b=2"` + rel + `>x</a>`},
	{"rel and target replaced", `<a href="https://x.example/" rel="me" target="_self" title="t">x</a>`, `<a href="https://x.example/" rel="nofollow noopener" target="_blank">x</a>`},
	{"duplicate attributes", `<a href="https://x.example/" href="javascript:x">x</a>`, `<a href="https://x.example/"` + rel + `>x</a>`},
	{"h1 becomes strong", `<h1 class="x">Title</h1><p>body</p>`, `<p><strong>Title</strong></p><p>body</p>`},
	{"h6 becomes strong", `<h6>T</h6>`, `<p><strong>T</strong></p>`},
	{"allowed classes", `<span class="ellipsis invisible other  h-card p-name u-url dt-x e-content mention hashtag quote-inline">x</span>`,
		`<span class="ellipsis invisible h-card p-name u-url dt-x e-content mention hashtag quote-inline">x</span>`},
	{"class emptied", `<span class="foo">x</span>`, `<span class="">x</span>`},
	{"class dropped where not allowed", `<strong class="h-card">x</strong>`, `<strong>x</strong>`},
	{"translate only no", `<span translate="yes">a</span><span translate="no">b</span>`, `<span>a</span><span translate="no">b</span>`},
	{"lists", `<ol start="3" reversed type="a"><li value="2" class="x">x</li></ol><ul><li>y</li></ul>`,
		`<ol reversed="" start="3"><li value="2">x</li></ol><ul><li>y</li></ul>`},
	{"formatting kept", `<p><b>b</b><i>i</i><u>u</u><em>e</em><strong>s</strong><del>d</del><s>s</s><code>c</code></p><pre>p</pre><blockquote cite="x">q</blockquote>`,
		`<p><b>b</b><i>i</i><u>u</u><em>e</em><strong>s</strong><del>d</del><s>s</s><code>c</code></p><pre>p</pre><blockquote>q</blockquote>`},
	{"ruby kept", `<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>`, `<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>`},
	{"block elements unwrapped with spaces", `<div>a</div><div>b</div>`, ` a  b `},
	{"inline elements unwrapped", `<font color="red">a</font><sub>b</sub>`, `ab`},
	{"empty block element", `a<hr>b`, `a b`},
	{"image dropped", `<img src=x onerror=alert(1)>text`, `text`},
	{"table unwrapped", `<table><tr><td>cell</td></tr></table>`, `cell`},
	{"comment removed", `<!-- comment --><p>x</p>`, `<p>x</p>`},
	{"br", `<p>a<br/>b<br>c</p>`, `<p>a<br>b<br>c</p>`},
	{"entities", `<p>&amp; &lt; &gt; &nbsp; &quot; &#39; &eacute;</p>`, "<p>&amp; &lt; &gt; &nbsp; \" ' é</p>"},
	{"pre newline kept", "<pre>\n\ncode</pre>", "<pre>\n\ncode</pre>"},
	{"math tex", `<math><semantics><mi>x</mi><annotation encoding="application/x-tex">x^2</annotation></semantics></math>`, `$x^2$`},
	{"math tex block", `<math display="block"><semantics><mi>x</mi><annotation encoding="application/x-tex">x&lt;2</annotation></semantics></math>`, `$$x&lt;2$$`},
	{"math plain", `<math><semantics><mi>x</mi><annotation encoding="text/plain">x squared</annotation></semantics></math>`, `x squared`},
	{"math without annotation", `a<math><mi>x</mi></math>b`, `ab`},
	{"control characters removed", "a\x01b\x7fc\u0085d\ufdd0e", "abcde"},
	{"nested p settles", `<p><object><h1>x</h1></object></p>`, `<p></p><p><strong>x</strong></p><p></p>`},
	{"link in link settles", `<a href="https://x.example/"><table><pre><a href="https://y.example/">y`,
		`<a href="https://x.example/"` + rel + `></a><pre><a href="https://x.example/"` + rel + `></a><a href="https://y.example/"` + rel + `>y</a></pre>`},
	{"plain text", `just text & more`, `just text &amp; more`},
	{"empty", ``, ``},
}

func TestSanitizeRemote(t *testing.T) {
	for _, tt := range sanitizeTests {
		t.Run(tt.name, func(t *testing.T) {
			got := SanitizeRemote(tt.in)
			if got != tt.want {
				t.Errorf("SanitizeRemote(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
			if again := SanitizeRemote(got); again != got {
				t.Errorf("not stable: %q → %q", got, again)
			}
		})
	}
}

func TestSanitizeRemoteKeepsRenderedText(t *testing.T) {
	r := Render("@alice see https://example.com/a/very/long/path/that/is/cut #Tag\n\nbye", testResolver, testOpts)
	if got, want := PlainText(SanitizeRemote(r.HTML)), PlainText(r.HTML); got != want {
		t.Errorf("text changed by sanitising: %q → %q", want, got)
	}
}

// TestSanitizeRemoteStableOnTagSoup feeds SanitizeRemote random sequences of
// the tags that make HTML parsers restructure (tables, scope markers,
// misnested formatting, foreign content), which a byte-level fuzzer is slow
// to assemble, and checks the result is stable and clean.
func TestSanitizeRemoteStableOnTagSoup(t *testing.T) {
	toks := strings.Fields(`<p> </p> <a_href='https://x.example/'> <a_href='javascript:x'> </a> <object> </object>
		<h1> </h1> <ul> <li> </li> </ul> <table> <tr> <td> </td> <div> </div> <svg> </svg> <math> <mi>
		<annotation_encoding='text/plain'> <semantics> <pre> </pre> <b> </b> <i> </i> x <select> <option>
		<button> <template> </template> <marquee> <applet> <caption> <th> <form> <textarea> <ruby> <rt> <rp>
		<span_class='h-card_x'> </span> <br> <hr> <img> <blockquote> <code> <s> <nobr> <frameset> <body>
		<html> <head> <title> <plaintext> <xmp> <noscript> <iframe> <style> <foreignObject> <desc> &amp;
		&#1; &nbsp; <h2_translate='no'> <ol_start=2> <!-- --> <![CDATA[ ]]> <dl> <dt> <dd> <font> <center>
		<em> </em> <strong> </strong> <del> <u>`)
	toks = append(toks, "\n", " ")
	r := rand.New(rand.NewSource(1))
	for range 20000 {
		var b strings.Builder
		for range 1 + r.Intn(20) {
			b.WriteString(strings.ReplaceAll(toks[r.Intn(len(toks))], "_", " "))
		}
		in := b.String()
		out := SanitizeRemote(in)
		if again := SanitizeRemote(out); again != out {
			t.Fatalf("not stable on %q:\n once  %q\n twice %q", in, out, again)
		}
		checkSanitized(t, in, out)
	}
}
