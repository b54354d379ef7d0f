package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"mvdan.cc/xurls/v2"
)

// URL extraction follows twitter-text's extract_urls_with_indices as Mastodon
// configures it (extract_url_without_protocol: false, and the patterns of
// config/initializers/twitter_regex.rb). The grammar is
//
//	preceding  := start of line | a character other than [A-Za-z0-9@＠$#＃]
//	url        := protocol? domain (":" port)? ("/" path)? ("?" query)?
//	domain     := (label ".")* label "." TLD
//
// matched the way Ruby's String#scan does: leftmost first, and a match that is
// then thrown away (no protocol, domain too long) still consumes its text.
// xurls supplies the list of top-level domains; the rest is written out here
// because its trimming rules (which trailing characters and parentheses belong
// to a URL) are Mastodon's and differ from xurls' own.

// urlSchemes are the protocols Mastodon's valid_url accepts, longest first
// where one is a prefix of another.
var urlSchemes = []string{"https://", "http://", "dat://", "dweb://", "ipfs://", "ipns://", "ssb://", "gopher://", "gemini://"}

// maxURLLength is twitter-text's MAX_URL_LENGTH.
const maxURLLength = 4096

// maxTCOSlugLength is twitter-text's MAX_TCO_SLUG_LENGTH.
const maxTCOSlugLength = 40

// maxTLDBytes bounds the scan for a top-level domain; the longest known one
// is 33 bytes of UTF-8.
const maxTLDBytes = 64

// tlds holds every known top-level domain, lower-cased.
var tlds = func() map[string]struct{} {
	m := make(map[string]struct{}, len(xurls.TLDs))
	for _, t := range xurls.TLDs {
		m[strings.ToLower(t)] = struct{}{}
	}
	return m
}()

// urlScanner finds URLs in one text. It memoises domain matches by start
// offset, so a text full of dots is scanned in linear time.
type urlScanner struct {
	s       string
	memo    map[int]int // domain start → domain end or -1
	tldMemo map[int]int // TLD start → TLD end or -1

	// The last label run computed, so that starts inside one run reuse it.
	runFrom, runTo, runUnderscore int
}

type urlMatch struct {
	start, end int // the URL, without its preceding character
	protocol   bool
	domainEnd  int // end of the domain (before any port)
	hostStart  int // start of the domain
}

// scanURLs returns the URL entities of s in order.
func scanURLs(s string) []entity {
	if !strings.Contains(s, "://") {
		return nil // every scheme Mastodon links is followed by "://"
	}
	sc := &urlScanner{s: s, runFrom: -1, runUnderscore: -1}
	var out []entity
	for pos := 0; pos < len(s); {
		if c := s[pos]; c < utf8.RuneSelf && isASCIIAlnum(rune(c)) && pos > 0 && s[pos-1] != '\n' {
			pos++ // neither a preceding character nor a line start
			continue
		}
		m, ok := sc.matchAt(pos)
		if !ok {
			_, n := utf8.DecodeRuneInString(s[pos:])
			pos += n
			continue
		}
		if e, ok := sc.entity(m); ok {
			out = append(out, e)
		}
		pos = m.end
	}
	return out
}

// matchAt tries valid_url at pos: first with a preceding character at pos,
// then with the start-of-line anchor.
func (sc *urlScanner) matchAt(pos int) (urlMatch, bool) {
	r, n := utf8.DecodeRuneInString(sc.s[pos:])
	if isURLPreceding(r) {
		if m, ok := sc.urlAt(pos + n); ok {
			return m, true
		}
	}
	if pos == 0 || sc.s[pos-1] == '\n' {
		return sc.urlAt(pos)
	}
	return urlMatch{}, false
}

// urlAt matches protocol? domain port? path? query? starting at q.
func (sc *urlScanner) urlAt(q int) (urlMatch, bool) {
	if n := schemeLen(sc.s[q:]); n > 0 {
		if m, ok := sc.restAt(q, q+n); ok {
			m.protocol = true
			return m, true
		}
	}
	return sc.restAt(q, q)
}

func schemeLen(s string) int {
	if s == "" {
		return 0
	}
	switch s[0] | 0x20 {
	case 'h', 'd', 'i', 's', 'g':
	default:
		return 0
	}
	for _, p := range urlSchemes {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return len(p)
		}
	}
	return 0
}

// restAt matches domain port? path? query? at h; the URL starts at q.
func (sc *urlScanner) restAt(q, h int) (urlMatch, bool) {
	s := sc.s
	d := sc.domainAt(h)
	if d < 0 {
		return urlMatch{}, false
	}
	end := d
	if end+1 < len(s) && s[end] == ':' && isASCIIDigit(rune(s[end+1])) {
		end++
		for end < len(s) && isASCIIDigit(rune(s[end])) {
			end++
		}
	}
	if end < len(s) && s[end] == '/' {
		end = sc.pathEnd(end + 1)
	}
	if end < len(s) && s[end] == '?' {
		if e := sc.queryEnd(end + 1); e > end+1 {
			end = e
		}
	}
	return urlMatch{start: q, end: end, hostStart: h, domainEnd: d}, true
}

// entity turns a match into a URL entity, applying the checks twitter-text
// makes after the pattern matched.
func (sc *urlScanner) entity(m urlMatch) (entity, bool) {
	if !m.protocol {
		return entity{}, false
	}
	url := sc.s[m.start:m.end]
	if slug, n := tcoSlug(url); n > 0 {
		if len(slug) > maxTCOSlugLength {
			return entity{}, false
		}
		url = url[:n]
	}
	if !validDomainLength(url, sc.s[m.hostStart:m.domainEnd]) {
		return entity{}, false
	}
	return entity{kind: kindURL, start: m.start, end: m.start + len(url), value: url}, true
}

// tcoSlug matches /^https?:\/\/t\.co\/([a-z0-9]+)/i, returning the slug and
// the length of the match.
func tcoSlug(url string) (string, int) {
	n := 0
	for _, p := range []string{"https://t.co/", "http://t.co/"} {
		if len(url) >= len(p) && strings.EqualFold(url[:len(p)], p) {
			n = len(p)
			break
		}
	}
	if n == 0 {
		return "", 0
	}
	e := n
	for e < len(url) && isASCIIAlnum(rune(url[e])) {
		e++
	}
	if e == n {
		return "", 0
	}
	return url[n:e], e
}

// validDomainLength is twitter-text's is_valid_domain: the URL, with its
// domain in Punycode, must fit in maxURLLength characters. twitter-text also
// rejects domains libidn's IDNA2003 refuses; Go has no IDNA2003, so that part
// is not replicated.
func validDomainLength(url, domain string) bool {
	n := utf8.RuneCountInString(url)
	ascii, err := idna.Punycode.ToASCII(domain)
	if err != nil {
		return false
	}
	if grow := len(ascii) - utf8.RuneCountInString(domain); grow > 0 {
		n += grow
	}
	return n <= maxURLLength
}

// label is one "name." of a domain.
type label struct {
	start, dot int
	name       bool // valid as the registered name (no underscore)
}

// labelAt matches (?:D(?:[_-]|D)*)?D\. at i, D being a domain character.
func (sc *urlScanner) labelAt(i int) (label, bool) {
	s := sc.s
	if i >= len(s) {
		return label{}, false
	}
	first, _ := utf8.DecodeRuneInString(s[i:])
	if !isDomainChar(first) {
		return label{}, false
	}
	to, underscore := sc.run(i)
	if to >= len(s) || s[to] != '.' {
		return label{}, false
	}
	if last, _ := lastRune(s, to); !isDomainChar(last) {
		return label{}, false
	}
	return label{start: i, dot: to, name: underscore < i}, true
}

// run returns the end of the run of label characters starting at i, and the
// offset of the last underscore in it (below i when there is none).
func (sc *urlScanner) run(i int) (to, underscore int) {
	if sc.runFrom <= i && i < sc.runTo {
		return sc.runTo, sc.runUnderscore
	}
	s := sc.s
	j, u := i, -1
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if r == '_' {
			u = j
		} else if r != '-' && !isDomainChar(r) {
			break
		}
		j += n
	}
	sc.runFrom, sc.runTo, sc.runUnderscore = i, j, u
	return j, u
}

// domainAt matches valid_domain at i and returns its end, or -1. With the
// greedy (label ".")* of the pattern, the domain uses as many labels as it
// can: domainAt(label) = domainAt(next label) if that matches, else the TLD
// right after this label's dot.
func (sc *urlScanner) domainAt(i int) int {
	if v, ok := sc.memo[i]; ok {
		return v
	}
	first, ok := sc.labelAt(i)
	if !ok {
		return -1 // the common case, a word not followed by a dot
	}
	if sc.memo == nil {
		sc.memo = make(map[int]int)
	}
	// The scan will try starts inside this first run next; keep it cached
	// rather than the runs further along.
	from, to, underscore := sc.runFrom, sc.runTo, sc.runUnderscore
	var buf [8]label
	chain := append(buf[:0], first)
	res := -1
	for at := first.dot + 1; ; {
		if v, ok := sc.memo[at]; ok {
			res = v
			break
		}
		l, ok := sc.labelAt(at)
		if !ok {
			sc.memo[at] = -1
			break
		}
		chain = append(chain, l)
		at = l.dot + 1
	}
	sc.runFrom, sc.runTo, sc.runUnderscore = from, to, underscore
	for k := len(chain) - 1; k >= 0; k-- {
		l := chain[k]
		if res < 0 && l.name {
			res = sc.tldAt(l.dot + 1)
		}
		sc.memo[l.start] = res
	}
	return res
}

// tldAt matches a known top-level domain followed by (?=[^0-9a-z@+-]|$), or
// a Punycode one, at i. It returns the end of the TLD or -1.
func (sc *urlScanner) tldAt(i int) int {
	if v, ok := sc.tldMemo[i]; ok {
		return v
	}
	if sc.tldMemo == nil {
		sc.tldMemo = make(map[int]int)
	}
	v := sc.matchTLD(i)
	sc.tldMemo[i] = v
	return v
}

func (sc *urlScanner) matchTLD(i int) int {
	s := sc.s
	limit := min(len(s), i+maxTLDBytes)
	j := i
	for j < limit {
		r, n := utf8.DecodeRuneInString(s[j:])
		if !(r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)) {
			break
		}
		j += n
	}
	// Longest candidate first; a shorter one is only possible where the next
	// character is not ASCII (else the lookahead fails).
	for b := j; b > i; {
		if tldBoundary(s, b) {
			if _, ok := tlds[strings.ToLower(s[i:b])]; ok {
				return b
			}
		}
		_, n := utf8.DecodeLastRuneInString(s[i:b])
		b -= n
	}
	if len(s)-i > 4 && strings.EqualFold(s[i:i+4], "xn--") && isASCIIAlnum(rune(s[i+4])) {
		e := i + 4
		for e < len(s) && isASCIIAlnum(rune(s[e])) {
			e++
		}
		return e
	}
	return -1
}

// tldBoundary is the lookahead (?=[^0-9a-z@+-]|$) (case-insensitive) at b.
func tldBoundary(s string, b int) bool {
	if b >= len(s) {
		return true
	}
	c := rune(s[b])
	return !(isASCIIAlnum(c) || c == '@' || c == '+' || c == '-')
}

// pathEnd returns the end of the path that starts after a slash at i: the
// longest run of path characters and balanced parentheses that ends in a
// valid ending character or in a group twitter-text's own pattern accepts.
func (sc *urlScanner) pathEnd(i int) int {
	s := sc.s
	end := i
	for j := i; j < len(s); {
		r, n := utf8.DecodeRuneInString(s[j:])
		switch {
		case r == '(':
			g, ok := balancedParens(s, j, isPathChar)
			if !ok {
				return end
			}
			if _, ok := balancedParens(s, j, isTwitterPathChar); ok {
				end = g
			}
			j = g
		case isPathChar(r):
			j += n
			if isPathEnding(r) {
				end = j
			}
		default:
			return end
		}
	}
	return end
}

// balancedParens matches valid_url_balanced_parens at j (where s[j] is '('):
// \( (?: C+ | C* \( C+ \) C* ) \) for the character class C.
func balancedParens(s string, j int, class func(rune) bool) (int, bool) {
	k := spanClass(s, j+1, class)
	if k > j+1 && k < len(s) && s[k] == ')' {
		return k + 1, true
	}
	if k >= len(s) || s[k] != '(' {
		return 0, false
	}
	m := spanClass(s, k+1, class)
	if m == k+1 || m >= len(s) || s[m] != ')' {
		return 0, false
	}
	e := spanClass(s, m+1, class)
	if e >= len(s) || s[e] != ')' {
		return 0, false
	}
	return e + 1, true
}

func spanClass(s string, i int, class func(rune) bool) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !class(r) {
			break
		}
		i += n
	}
	return i
}

// queryEnd returns the end of the query that starts after a '?' at i: the
// longest run of query characters cut back to its last ending character.
func (sc *urlScanner) queryEnd(i int) int {
	s := sc.s
	end := i
	for j := i; j < len(s); {
		r, n := utf8.DecodeRuneInString(s[j:])
		if !isQueryChar(r) {
			break
		}
		j += n
		if isQueryEnding(r) {
			end = j
		}
	}
	return end
}
