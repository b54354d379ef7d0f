package text

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText turns status HTML back into text, for search, notifications and
// the text of a delete-and-redraft when only HTML exists: entities are
// decoded, <br> becomes a newline, paragraphs and other blocks (p, pre,
// blockquote, ul, ol, div, headings) are separated by a blank line, list
// items start on a new line, and the contents of elements SanitizeRemote
// removes whole (script, style, svg, math, …) are dropped. Leading and
// trailing newlines are trimmed. Link text is kept in full, including the
// parts of a URL Mastodon hides.
//
// Mastodon's PlainTextFormatter puts a single newline after each run of
// </p> and <br> tags; PlainText separates paragraphs by a blank line
// instead, which is what Render turns back into paragraphs, so that
// PlainText(Render(s).HTML) gives s back for a status without leading
// newlines or runs of three or more.
func PlainText(src string) string {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(strings.ToValidUTF8(src, "\uFFFD")), body)
	if err != nil {
		return ""
	}
	var w plainWriter
	for _, n := range nodes {
		w.node(n)
	}
	return strings.Trim(w.b.String(), "\n")
}

// plainWriter accumulates text, holding back line breaks until text
// follows them so that breaks never pile up.
type plainWriter struct {
	b       strings.Builder
	pending int // newlines owed before the next text
	trail   int // newlines at the end of b
}

var plainBlocks = set("p", "pre", "blockquote", "ul", "ol", "div", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "aside", "nav", "address", "dl", "table", "figure")

func (w *plainWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	if n.Namespace != "" || removeContents[n.Data] {
		return
	}
	switch {
	case n.Data == "br":
		w.write("\n")
		return
	case plainBlocks[n.Data]:
		w.brk(2)
		defer w.brk(2)
	case n.Data == "li" || n.Data == "tr" || n.Data == "dt" || n.Data == "dd":
		w.brk(1)
		defer w.brk(1)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

// brk asks for at least k newlines before the next text, unless nothing has
// been written yet.
func (w *plainWriter) brk(k int) {
	if w.b.Len() > 0 {
		w.pending = max(w.pending, k-w.trail)
	}
}

// text writes a text node. White space with a newline in it, between
// blocks, is source formatting and is dropped.
func (w *plainWriter) text(s string) {
	if s == "" {
		return
	}
	if (w.b.Len() == 0 || w.pending > 0 || w.trail > 0) && strings.Contains(s, "\n") && strings.TrimSpace(s) == "" {
		return
	}
	w.write(s)
}

func (w *plainWriter) write(s string) {
	if w.pending > 0 {
		w.b.WriteString(strings.Repeat("\n", w.pending))
		w.trail += w.pending
		w.pending = 0
	}
	w.b.WriteString(s)
	t := len(s) - len(strings.TrimRight(s, "\n"))
	if t == len(s) {
		w.trail += t
	} else {
		w.trail = t
	}
}
