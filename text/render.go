package text

import (
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// ErrNoDomain is returned by Options.Validate when Domain is empty.
var ErrNoDomain = errors.New("text: Options.Domain is empty")

// ErrBadDomain is returned by Options.Validate for a domain that is not a
// bare host (with an optional port).
var ErrBadDomain = errors.New("text: Options.Domain must be a bare host")

// ResolvedMention is the account a mention refers to.
type ResolvedMention struct {
	AccountID string
	// Acct is "user" for a local account and "user@domain" for a remote one,
	// as in the API's Account entity.
	Acct string
	// URL is the account's profile page, the href of the mention link. A URL that
	// CleanURL (with http allowed) rejects leaves the mention as text.
	URL string
	// Username is the account's username as stored (its canonical case).
	Username string
}

// Resolver looks up the account a mention refers to. The Mention's Domain is
// "" for a local account (a domain equal to Options.Domain or
// Options.WebDomain is cleared first) and otherwise lower-cased and in
// ASCII, an internationalised domain in Punycode; the Username is as typed,
// to be compared ignoring case. It returns false for an unknown account, which
// is then left as plain text.
//
// Render calls it once per distinct mention, in order of appearance. It is
// where I/O (a database read, a WebFinger lookup) belongs.
type Resolver func(m Mention) (ResolvedMention, bool)

// Options configure Render. The zero value of each optional field is its
// documented default.
type Options struct {
	// Domain is the local domain (Mastodon's LOCAL_DOMAIN), e.g.
	// "herd.example". Required.
	Domain string
	// WebDomain is the host that serves the web interface (WEB_DOMAIN).
	// Default: Domain.
	WebDomain string
	// TagURL returns the href of a hashtag link for the name as typed.
	// Default: "https://" + WebDomain + "/tags/" + the path-escaped name.
	TagURL func(name string) string
	// Author is the author of the status, if known. Mastodon renders a status
	// knowing its author and mentioned accounts together: when two of them
	// share a username, mentions of them show the full acct rather than the
	// bare username. Optional.
	Author ResolvedMention
	// SingleLine leaves line breaks alone instead of making paragraphs
	// (Mastodon's multiline: false, as for profile field values).
	SingleLine bool
	// RelMe adds "me" to the rel of links (Mastodon's with_rel_me, for
	// profile field values).
	RelMe bool
}

// Validate reports whether the options are usable.
func (o Options) Validate() error {
	if o.Domain == "" {
		return ErrNoDomain
	}
	for _, d := range []string{o.Domain, o.WebDomain} {
		if strings.ContainsAny(d, "/ \t\r\n@?#") {
			return ErrBadDomain
		}
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.WebDomain == "" {
		o.WebDomain = o.Domain
	}
	return o
}

// tagURL is Options.TagURL or its default.
func (o *Options) tagURL(name string) string {
	if o.TagURL != nil {
		return o.TagURL(name)
	}
	return "https://" + o.WebDomain + "/tags/" + url.PathEscape(name)
}

// Result is a rendered status.
type Result struct {
	// HTML is the status content.
	HTML string
	// Mentions are the resolved mentions, distinct by account, in order of
	// appearance. Unresolved mentions are not listed.
	Mentions []ResolvedMention
	// Tags are the hashtags, distinct by normalised name, in order of
	// appearance; Display keeps the first spelling.
	Tags []Tag
	// Links are the distinct http(s) URLs, as typed, in order of appearance.
	Links []string
}

// Render formats a plain-text status as Mastodon's TextFormatter does:
// the text is HTML-escaped; URLs, hashtags and resolved mentions become
// links; with multiline formatting (the default) blank lines separate
// <p> paragraphs and single newlines become <br />. A blank input renders
// as "".
//
// Render takes the text as stored; Mastodon strips a status's text (see
// Strip) before saving it. Invalid UTF-8 is replaced by U+FFFD.
//
// Known differences from Mastodon: xmpp: and magnet: URIs are left as text;
// a URL Mastodon's Addressable would fail to parse is linked anyway;
// Mastodon rewrites a mention's text to the account's canonical acct before
// formatting, which Render leaves to the caller (it shows only in the
// source text, never in the HTML); and Result lists exactly the mentions
// and hashtags the HTML links, where Mastodon's ProcessHashtagsService scans
// the raw text and also records a tag inside a URL (https://x.example/a-#tag).
func Render(input string, resolve Resolver, opts Options) Result {
	opts = opts.withDefaults()
	s := strings.ToValidUTF8(input, "\uFFFD")
	if isBlank(s) {
		return Result{}
	}
	ents := extractEntities(s)
	r := renderer{opts: opts, seen: make(map[string]bool)}
	r.resolveMentions(ents, resolve)

	var b strings.Builder
	b.Grow(len(s) + len(ents)*160)
	last := 0
	for _, e := range ents {
		escapeTo(&b, s[last:e.start])
		switch e.kind {
		case kindURL:
			writeLink(&b, e.value, opts.RelMe)
			r.res.Links = appendLink(r.res.Links, r.seen, e.value)
		case kindTag:
			r.writeTag(&b, e.value)
			r.res.Tags = appendTag(r.res.Tags, r.seen, e.value)
		case kindMention:
			r.writeMention(&b, e.value)
		}
		last = e.end
	}
	escapeTo(&b, s[last:])
	r.res.HTML = b.String()
	if !opts.SingleLine {
		r.res.HTML = simpleFormat(r.res.HTML)
	}
	return r.res
}

// Mentions returns the distinct mentions of input exactly as Render would hand them
// to its Resolver, in the same order, so that a caller can resolve them ahead of
// Render (concurrently, under a deadline) and answer its Resolver from the results.
func Mentions(input string, opts Options) []Mention {
	r := renderer{opts: opts.withDefaults()}
	seen := make(map[string]bool)
	var out []Mention
	for _, e := range extractEntities(strings.ToValidUTF8(input, "\uFFFD")) {
		if e.kind != kindMention {
			continue
		}
		if m, key := r.mention(e.value); !seen[key] {
			seen[key] = true
			out = append(out, m)
		}
	}
	return out
}

// renderer holds the state of one Render call.
type renderer struct {
	opts Options
	seen map[string]bool
	// accounts maps a mention key to its account; nil for an unknown one.
	accounts map[string]*ResolvedMention
	res      Result
}

// mention returns the mention to resolve for a screen name, with the local
// domain cleared and any other normalised, and the key that identifies it.
func (r *renderer) mention(screenName string) (Mention, string) {
	m := splitScreenName(screenName)
	if strings.EqualFold(m.Domain, r.opts.Domain) || strings.EqualFold(m.Domain, r.opts.WebDomain) {
		m.Domain = ""
	}
	m.Domain = normalizeDomain(m.Domain)
	return m, strings.ToLower(m.Username) + "@" + m.Domain
}

// normalizeDomain lower-cases a domain and writes it in ASCII (Punycode), as
// Mastodon's TagManager#normalize_domain does before looking an account up.
func normalizeDomain(d string) string {
	d = strings.ToLower(d)
	if isASCII(d) {
		return d
	}
	if a, err := idna.Punycode.ToASCII(norm.NFC.String(d)); err == nil {
		return a
	}
	return d
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// resolveMentions resolves every distinct mention once, in order, and
// records the resolved accounts in Result.Mentions.
func (r *renderer) resolveMentions(ents []entity, resolve Resolver) {
	r.accounts = make(map[string]*ResolvedMention)
	for _, e := range ents {
		if e.kind != kindMention {
			continue
		}
		m, key := r.mention(e.value)
		if _, done := r.accounts[key]; done {
			continue
		}
		r.accounts[key] = nil
		if resolve == nil {
			continue
		}
		acc, ok := resolve(m)
		if !ok {
			continue
		}
		r.accounts[key] = &acc
		if !r.seen["@"+acc.AccountID] {
			r.seen["@"+acc.AccountID] = true
			r.res.Mentions = append(r.res.Mentions, acc)
		}
	}
}

// displayName is TextFormatter's choice between username and acct: the
// acct when another account among the author and the mentioned ones has the
// same username.
func (r *renderer) displayName(acc *ResolvedMention) string {
	others := r.res.Mentions
	if r.opts.Author.AccountID != "" {
		others = append(others[:len(others):len(others)], r.opts.Author)
	}
	for _, o := range others {
		if o.AccountID != acc.AccountID && strings.EqualFold(o.Username, acc.Username) {
			return acc.Acct
		}
	}
	return acc.Username
}

func (r *renderer) writeMention(b *strings.Builder, screenName string) {
	_, key := r.mention(screenName)
	acc := r.accounts[key]
	// An account whose URL is not http(s) (an old record, a careless resolver) is
	// shown as text: no other scheme ever reaches an href.
	if acc == nil || CleanURL(acc.URL, true) == "" {
		b.WriteByte('@')
		escapeTo(b, screenName)
		return
	}
	b.WriteString(`<span class="h-card" translate="no"><a href="`)
	escapeTo(b, acc.URL)
	b.WriteString(`" class="u-url mention">@<span>`)
	escapeTo(b, r.displayName(acc))
	b.WriteString(`</span></a></span>`)
}

func (r *renderer) writeTag(b *strings.Builder, name string) {
	b.WriteString(`<a href="`)
	escapeTo(b, r.opts.tagURL(name))
	b.WriteString(`" class="mention hashtag" rel="tag">#<span>`)
	escapeTo(b, name)
	b.WriteString(`</span></a>`)
}

// linkDisplayLength is how many characters of a URL (after its scheme and
// "www.") TextFormatter shows before an ellipsis.
const linkDisplayLength = 30

// writeLink is TextFormatter.shortened_link.
func writeLink(b *strings.Builder, u string, relMe bool) {
	prefix := urlPrefix(u)
	rest := u[len(prefix):]
	display, suffix, cutoff := rest, "", false
	if n := utf8.RuneCountInString(rest); n > linkDisplayLength+1 {
		// A suffix of one character is shown rather than hidden.
		i := runeOffset(rest, linkDisplayLength)
		display, suffix, cutoff = rest[:i], rest[i:], true
	}
	b.WriteString(`<a href="`)
	escapeTo(b, u)
	b.WriteString(`" target="_blank" rel="nofollow noopener`)
	if relMe {
		b.WriteString(" me")
	}
	b.WriteString(`" translate="no"><span class="invisible">`)
	escapeTo(b, prefix)
	if cutoff {
		b.WriteString(`</span><span class="ellipsis">`)
	} else {
		b.WriteString(`</span><span class="">`)
	}
	escapeTo(b, display)
	b.WriteString(`</span><span class="invisible">`)
	escapeTo(b, suffix)
	b.WriteString(`</span></a>`)
}

// urlPrefix matches TextFormatter::URL_PREFIX_REGEX, \A(https?://(www\.)?|xmpp:),
// which is case-sensitive.
func urlPrefix(u string) string {
	var p string
	switch {
	case strings.HasPrefix(u, "https://"):
		p = "https://"
	case strings.HasPrefix(u, "http://"):
		p = "http://"
	case strings.HasPrefix(u, "xmpp:"):
		return "xmpp:"
	default:
		return ""
	}
	if strings.HasPrefix(u[len(p):], "www.") {
		p += "www."
	}
	return p
}

// runeOffset returns the byte offset of the n-th rune of s.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// escapeTo writes s HTML-escaped as ERB::Util.html_escape does.
func escapeTo(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// simpleFormat is Rails' simple_format(html, {}, sanitize: false) followed
// by .delete("\n"), as TextFormatter applies it: CRLF and CR become LF,
// runs of two or more newlines separate <p> paragraphs, a newline between
// two other characters becomes <br />, and every newline is then dropped.
func simpleFormat(html string) string {
	if strings.IndexByte(html, '\r') >= 0 {
		html = strings.ReplaceAll(html, "\r\n", "\n")
		html = strings.ReplaceAll(html, "\r", "\n")
	}
	paras := splitParagraphs(html)
	if len(paras) == 0 {
		return "<p></p>"
	}
	var b strings.Builder
	b.Grow(len(html) + 7*len(paras) + 32)
	for _, p := range paras {
		b.WriteString("<p>")
		for i := 0; i < len(p); i++ {
			if p[i] != '\n' {
				b.WriteByte(p[i])
				continue
			}
			if i > 0 && p[i-1] != '\n' && i+1 < len(p) && p[i+1] != '\n' {
				b.WriteString("<br />")
			}
		}
		b.WriteString("</p>")
	}
	return b.String()
}

// splitParagraphs is Ruby's str.split(/\n\n+/): a leading empty paragraph
// is kept, trailing empty ones are not.
func splitParagraphs(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "\n\n")
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i])
		j := i + 2
		for j < len(s) && s[j] == '\n' {
			j++
		}
		s = s[j:]
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}
