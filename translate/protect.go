package translate

import (
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/herd-social/herd/text"
)

// protect marks what a translation must leave alone in a fragment of HTML, as
// Mastodon does: mentions and hashtags get translate="no", and each known custom
// emoji shortcode in the text is wrapped in a <span translate="no">.
func protect(fragment string, emojis []string) string {
	nodes := parse(fragment)
	root := nodes[0].Parent
	for _, n := range nodes {
		if n.Type == html.TextNode {
			wrapShortcodes(n, emojis)
		} else {
			protectNode(n, emojis)
		}
	}
	return renderChildren(root)
}

func protectNode(n *html.Node, emojis []string) {
	if n.Type == html.ElementNode {
		if mention(n) {
			setAttr(n, "translate", "no")
		}
		if attr(n, "translate") == "no" || hasClass(n, "invisible") {
			return
		}
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.TextNode {
			wrapShortcodes(c, emojis)
		} else {
			protectNode(c, emojis)
		}
		c = next
	}
}

// mention is a link to an account or a hashtag, or the h-card around one.
func mention(n *html.Node) bool {
	return (n.DataAtom == atom.A && (hasClass(n, "mention") || hasClass(n, "hashtag"))) ||
		(n.DataAtom == atom.Span && hasClass(n, "h-card"))
}

// wrapShortcodes splits a text node around the known :shortcode:s it holds, each
// put in a <span translate="no">.
func wrapShortcodes(t *html.Node, emojis []string) {
	if len(emojis) == 0 || !strings.Contains(t.Data, ":") {
		return
	}
	s, last, open := t.Data, 0, -1
	var out []*html.Node
	for i := 0; i < len(s); i++ {
		if s[i] != ':' {
			continue
		}
		if open < 0 {
			open = i
			continue
		}
		code := s[open+1 : i]
		start := open
		open = -1
		if !slices.Contains(emojis, code) {
			continue
		}
		if start > last {
			out = append(out, &html.Node{Type: html.TextNode, Data: s[last:start]})
		}
		span := &html.Node{Type: html.ElementNode, Data: "span", DataAtom: atom.Span,
			Attr: []html.Attribute{{Key: "translate", Val: "no"}}}
		span.AppendChild(&html.Node{Type: html.TextNode, Data: ":" + code + ":"})
		out = append(out, span)
		last = i + 1
	}
	if len(out) == 0 {
		return
	}
	if last < len(s) {
		out = append(out, &html.Node{Type: html.TextNode, Data: s[last:]})
	}
	for _, n := range out {
		t.Parent.InsertBefore(n, t)
	}
	t.Parent.RemoveChild(t)
}

// unprotectHTML undoes protect on a translated fragment and sanitises it as any
// HTML from elsewhere.
func unprotectHTML(fragment string) string {
	nodes := parse(fragment)
	var out []*html.Node
	for _, n := range nodes {
		out = append(out, unwrapSpans(n)...)
	}
	return text.SanitizeRemote(renderAll(out))
}

// unwrapSpans drops the translate="no" of the spans protect made, and the spans
// themselves when nothing else is left on them; it returns what stands for n.
func unwrapSpans(n *html.Node) []*html.Node {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		repl := unwrapSpans(c)
		if len(repl) != 1 || repl[0] != c {
			for _, r := range repl {
				n.InsertBefore(r, c)
			}
			n.RemoveChild(c)
		}
		c = next
	}
	if n.Type != html.ElementNode || n.DataAtom != atom.Span || attr(n, "translate") != "no" {
		return []*html.Node{n}
	}
	n.Attr = slices.DeleteFunc(n.Attr, func(a html.Attribute) bool { return a.Key == "translate" })
	if len(n.Attr) > 0 {
		return []*html.Node{n}
	}
	var kids []*html.Node
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		n.RemoveChild(c)
		kids = append(kids, c)
		c = next
	}
	return kids
}

// unprotectText is the text of a translated fragment of plain text.
func unprotectText(fragment string) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range parse(fragment) {
		walk(n)
	}
	return b.String()
}

var body = &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}

// parse reads a fragment of HTML as the children of a <body>; a fragment it
// cannot read is its text.
func parse(fragment string) []*html.Node {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), body)
	if err != nil {
		return []*html.Node{{Type: html.TextNode, Data: fragment}}
	}
	// ParseFragment's nodes share no parent: give them one, so that they can be
	// edited in place.
	root := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return nodes
}

func renderChildren(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		_ = html.Render(&b, c)
	}
	return b.String()
}

func renderAll(nodes []*html.Node) string {
	var b strings.Builder
	for _, n := range nodes {
		_ = html.Render(&b, n)
	}
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}
