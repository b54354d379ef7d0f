package text

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// SanitizeRemote reduces HTML from another server to what Mastodon shows:
// Sanitize.fragment(html, Sanitize::Config::MASTODON_STRICT), which is
//
//   - elements p, br, span, a, del, s, pre, blockquote, code, b, strong, u,
//     i, em, ul, ol, li, ruby, rt, rp; any other element is unwrapped (its
//     children kept, with a space either side for block elements), except
//     that iframe, math, noembed, noframes, noscript, plaintext, script,
//     style, svg and xmp go with their contents; comments go too;
//   - attributes a[href rel class translate], span[class translate],
//     ol[start reversed], li[value], p[class]; nothing else;
//   - class keeps only microformats (h-*, p-*, u-*, dt-*, e-*), mention,
//     hashtag, ellipsis, invisible and quote-inline; translate only "no";
//   - h1 to h6 become <strong> inside a <p>;
//   - a link whose href is relative, missing or not http, https, dat, dweb,
//     ipfs, ipns, ssb, gopher, xmpp, magnet or gemini becomes its text;
//   - every link gets rel="nofollow noopener" and target="_blank";
//   - <math> with a TeX or plain-text annotation becomes that text.
//
// Mastodon's list is followed rather than the shorter one in older
// documentation (it also keeps s, ruby, li value and p class).
//
// The result is serialised as HTML5 does (<br>, attributes in double
// quotes, here in name order) and is stable: sanitising it again returns it
// unchanged. The HTML parser can build trees that do not survive being
// written out and parsed again (a link inside a link through a table's
// foster parenting, a <p> in a <p> after unwrapping), so the output is
// parsed and cleaned again until it settles; content that has not settled
// after a few rounds is reduced to its text.
func SanitizeRemote(src string) string {
	s := cleanInput(src)
	for range maxSanitizePasses {
		out := sanitizePass(s)
		if out == s {
			return out
		}
		s = out
	}
	return escapedText(s)
}

// maxSanitizePasses bounds the parse-and-clean rounds of SanitizeRemote.
// Content from real servers settles in two.
const maxSanitizePasses = 4

// escapedText is the text of an HTML fragment, escaped: the fallback for
// content that will not settle.
func escapedText(s string) string {
	var b strings.Builder
	escapeHTML5(&b, PlainText(s), false)
	return b.String()
}

// unsuitableChars is Sanitize::REGEX_UNSUITABLE_CHARS: control characters
// other than tab, newline, form feed and carriage return, and
// non-characters.
var unsuitableChars = regexp.MustCompile("[\u0001-\u0008\u000b\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]+")

func cleanInput(src string) string {
	return stripUnsuitable(strings.ToValidUTF8(src, "\uFFFD"))
}

// stripUnsuitable removes unsuitableChars. Sanitize does so before parsing
// only; doing it to parsed text as well catches those written as character
// references (&#1;), which would otherwise go on the second sanitising.
func stripUnsuitable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r >= 0x7f }) < 0 {
		return s
	}
	return unsuitableChars.ReplaceAllString(s, "")
}

// sanitizePass parses, cleans and serialises once.
func sanitizePass(s string) string {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		return ""
	}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	var c cleaner
	c.children(body)
	var b strings.Builder
	b.Grow(len(s))
	for n := body.FirstChild; n != nil; n = n.NextSibling {
		render(&b, n)
	}
	return b.String()
}

var (
	allowedElements = set("p", "br", "span", "a", "del", "s", "pre", "blockquote", "code", "b", "strong", "u", "i", "em", "ul", "ol", "li", "ruby", "rt", "rp")
	allowedAttrs    = map[string]map[string]bool{
		"a":    set("href", "rel", "class", "translate"),
		"span": set("class", "translate"),
		"ol":   set("start", "reversed"),
		"li":   set("value"),
		"p":    set("class"),
	}
	removeContents     = set("iframe", "math", "noembed", "noframes", "noscript", "plaintext", "script", "style", "svg", "xmp")
	whitespaceElements = set("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "nav", "ol", "p", "pre", "section", "ul")
	headings           = set("h1", "h2", "h3", "h4", "h5", "h6")
	linkSchemes        = set("http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini")
)

func set(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// cleaner applies Mastodon's transformers and Sanitize's CleanElement to a
// tree, in document order.
type cleaner struct{}

// children cleans the children of n in place.
func (c *cleaner) children(n *html.Node) {
	for child := n.FirstChild; child != nil; {
		next := child.NextSibling
		c.node(child)
		child = next
	}
}

// node cleans n, which may be replaced, unwrapped or removed.
func (c *cleaner) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		n.Data = stripUnsuitable(n.Data)
		return
	case html.ElementNode:
	default: // comments, doctypes
		n.Parent.RemoveChild(n)
		return
	}
	name := n.Data
	n.Attr = dedupeAttrs(n.Attr)
	for i := range n.Attr {
		n.Attr[i].Val = stripUnsuitable(n.Attr[i].Val)
	}
	if n.Namespace == "" {
		filterClass(n)
		filterTranslate(n)
	}
	if name == "math" && n.Namespace == "math" {
		if t, ok := mathText(n); ok {
			replaceWithText(n, t)
			return
		}
	}
	if n.Namespace == "" && headings[name] {
		n.Data, n.DataAtom = "strong", atom.Strong
		p := &html.Node{Type: html.ElementNode, Data: "p", DataAtom: atom.P}
		n.Parent.InsertBefore(p, n)
		n.Parent.RemoveChild(n)
		p.AppendChild(n)
		name = "strong"
	}
	if n.Namespace == "" && name == "a" && !supportedHref(n) {
		replaceWithText(n, textContent(n))
		return
	}
	if n.Namespace != "" || !allowedElements[name] {
		c.unwrap(n)
		return
	}
	filterAttrs(n)
	c.children(n)
}

// unwrap replaces n by its cleaned children, or removes it with them.
func (c *cleaner) unwrap(n *html.Node) {
	parent := n.Parent
	ws := n.Namespace == "" && whitespaceElements[n.Data]
	if ws {
		parent.InsertBefore(&html.Node{Type: html.TextNode, Data: " "}, n)
	}
	if n.FirstChild != nil {
		if ws {
			parent.InsertBefore(&html.Node{Type: html.TextNode, Data: " "}, n.NextSibling)
		}
		if !removeContents[n.Data] {
			for child := n.FirstChild; child != nil; {
				next := child.NextSibling
				n.RemoveChild(child)
				parent.InsertBefore(child, n)
				c.node(child)
				child = next
			}
		}
	}
	parent.RemoveChild(n)
}

func replaceWithText(n *html.Node, text string) {
	n.Parent.InsertBefore(&html.Node{Type: html.TextNode, Data: stripUnsuitable(text)}, n)
	n.Parent.RemoveChild(n)
}

// filterClass is ALLOWED_CLASS_TRANSFORMER.
func filterClass(n *html.Node) {
	for i, a := range n.Attr {
		if a.Namespace != "" || a.Key != "class" {
			continue
		}
		var kept []string
		for _, cl := range strings.FieldsFunc(a.Val, isHTMLSpace) {
			if allowedClass(cl) {
				kept = append(kept, cl)
			}
		}
		n.Attr[i].Val = strings.Join(kept, " ")
	}
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r'
}

func allowedClass(cl string) bool {
	for _, p := range []string{"h-", "p-", "u-", "dt-", "e-"} {
		if strings.HasPrefix(cl, p) {
			return true
		}
	}
	switch cl {
	case "mention", "hashtag", "ellipsis", "invisible", "quote-inline":
		return true
	}
	return false
}

// filterTranslate is TRANSLATE_TRANSFORMER.
func filterTranslate(n *html.Node) {
	n.Attr = deleteAttrs(n.Attr, func(a html.Attribute) bool {
		return a.Namespace == "" && a.Key == "translate" && a.Val != "no"
	})
}

// dedupeAttrs keeps the first of attributes sharing a name, as browsers
// and Nokogiri do (the Go tokenizer keeps them all).
func dedupeAttrs(attrs []html.Attribute) []html.Attribute {
	if len(attrs) < 2 {
		return attrs
	}
	seen := make(map[[2]string]bool, len(attrs))
	return deleteAttrs(attrs, func(a html.Attribute) bool {
		k := [2]string{a.Namespace, a.Key}
		dup := seen[k]
		seen[k] = true
		return dup
	})
}

func deleteAttrs(attrs []html.Attribute, drop func(html.Attribute) bool) []html.Attribute {
	out := attrs[:0]
	for _, a := range attrs {
		if !drop(a) {
			out = append(out, a)
		}
	}
	return out
}

// filterAttrs is the attribute part of Sanitize's CleanElement, with the
// add_attributes of the config.
func filterAttrs(n *html.Node) {
	allowed := allowedAttrs[n.Data]
	n.Attr = deleteAttrs(n.Attr, func(a html.Attribute) bool {
		return a.Namespace != "" || !allowed[a.Key]
	})
	for i, a := range n.Attr {
		if a.Key == "href" {
			// Sanitize escapes spaces and quotes in hrefs. It would also
			// escape leading and trailing spaces, turning " https://x" into
			// a relative link; those are trimmed first, as a browser would.
			v := strings.Trim(a.Val, " \t\n\f\r")
			n.Attr[i].Val = strings.NewReplacer(" ", "%20", `"`, "%22").Replace(v)
		}
	}
	if n.Data == "a" {
		setAttr(n, "rel", "nofollow noopener")
		setAttr(n, "target", "_blank")
	}
	// The Go parser sorts the attributes of formatting elements (a, b, …)
	// but no others; sorting all of them keeps the output stable.
	slices.SortFunc(n.Attr, func(a, b html.Attribute) int { return strings.Compare(a.Key, b.Key) })
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// supportedHref is UNSUPPORTED_HREF_TRANSFORMER's test: the href's scheme,
// as Sanitize::REGEX_PROTOCOL finds it, is one of the link schemes.
func supportedHref(n *html.Node) bool {
	href, ok := attr(n, "href")
	if !ok {
		return false
	}
	scheme, ok := hrefScheme(href)
	return ok && linkSchemes[strings.ToLower(scheme)]
}

// protocolEnd matches the end of REGEX_PROTOCOL, (?::|&#0*58|&#x0*3a)/i.
var protocolEnd = regexp.MustCompile(`(?i)^(?::|&#0*58|&#x0*3a)`)

// hrefScheme is Sanitize::REGEX_PROTOCOL, \A\s*([^\/#]*?)(?::|&#0*58|&#x0*3a)/i:
// the shortest prefix free of '/' and '#' that ends before a colon.
func hrefScheme(href string) (string, bool) {
	s := strings.TrimLeft(href, " \t\n\v\f\r")
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '/', '#':
			return "", false
		case ':', '&':
			if protocolEnd.MatchString(s[i:]) {
				return s[:i], true
			}
		}
	}
	return "", false
}

// mathText is MATH_TRANSFORMER: a <math> whose first element child is
// <semantics> with an application/x-tex annotation becomes "$tex$" ("$$tex$$"
// for display="block"); one with a text/plain annotation becomes that text.
func mathText(n *html.Node) (string, bool) {
	sem := n.FirstChild
	for sem != nil && sem.Type != html.ElementNode {
		sem = sem.NextSibling
	}
	if sem == nil || sem.Data != "semantics" {
		return "", false
	}
	if a := annotation(sem, "application/x-tex"); a != nil {
		if d, _ := attr(n, "display"); d == "block" {
			return "$$" + textContent(a) + "$$", true
		}
		return "$" + textContent(a) + "$", true
	}
	if a := annotation(sem, "text/plain"); a != nil {
		return textContent(a), true
	}
	return "", false
}

func annotation(sem *html.Node, encoding string) *html.Node {
	for c := sem.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "annotation" {
			if e, ok := attr(c, "encoding"); ok && e == encoding {
				return c
			}
		}
	}
	return nil
}

// textContent is the concatenated text of n's subtree (Nokogiri's #text).
func textContent(n *html.Node) string {
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
	walk(n)
	return b.String()
}

var voidElements = set("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")

// render serialises n by the HTML5 fragment serialisation algorithm, with
// < and > also escaped in attribute values.
func render(b *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		escapeHTML5(b, n.Data, false)
		return
	case html.ElementNode:
	default:
		return
	}
	b.WriteByte('<')
	b.WriteString(n.Data)
	for _, a := range n.Attr {
		b.WriteByte(' ')
		b.WriteString(a.Key)
		b.WriteString(`="`)
		escapeHTML5(b, a.Val, true)
		b.WriteByte('"')
	}
	b.WriteByte('>')
	if voidElements[n.Data] {
		return
	}
	if n.Data == "pre" && n.FirstChild != nil && n.FirstChild.Type == html.TextNode && strings.HasPrefix(n.FirstChild.Data, "\n") {
		b.WriteByte('\n')
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		render(b, c)
	}
	b.WriteString("</")
	b.WriteString(n.Data)
	b.WriteByte('>')
}

func escapeHTML5(b *strings.Builder, s string, attr bool) {
	last := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch {
		case r == '&':
			esc = "&amp;"
		case r == '\u00a0':
			esc = "&nbsp;"
		case r == '<':
			esc = "&lt;"
		case r == '>':
			esc = "&gt;"
		case r == '"' && attr:
			esc = "&quot;"
		}
		if esc != "" {
			b.WriteString(s[last:i])
			b.WriteString(esc)
			last = i + n
		}
		i += n
	}
	b.WriteString(s[last:])
}
