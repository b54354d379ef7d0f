package text

import (
	"math/rand"
	"strings"
	"testing"
)

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
