package filter

import (
	"context"
	"html"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/herd-social/herd/shard"
)

// Result is one filter that matches a status, as Mastodon's FilterResult: the text
// its keywords matched, or the filtered statuses it matched by id.
type Result struct {
	Filter         *Filter
	KeywordMatches []string
	StatusMatches  []shard.ID
}

// compiled is one active filter with its keywords folded to lower case.
type compiled struct {
	f        *Filter
	keywords []folded
}

// folded is a keyword ready to be searched for in lower-cased text: its text, and
// whether each end must sit on a word boundary (Mastodon puts \b at an end of a
// whole-word keyword only where the keyword has a word character).
type folded struct {
	text           string
	boundL, boundR bool
}

// Matcher decides which of a viewer's active filters match a status. It is built once
// per request (or per streamed event) and read by one goroutine at a time.
//
// Mastodon matches each filter's keywords with one case-insensitive regexp. Keywords
// are literals, so the matcher searches for them instead: the text is folded to lower
// case once, and each keyword is a substring search (strings.Index, vectorised) with
// the word-boundary test done by hand at the ends. With a hundred keywords this is
// some microseconds per status, where a regexp of a hundred alternatives costs its
// compilation on every request and far more per match.
type Matcher struct {
	viewer shard.ID
	fs     []compiled
}

// Matcher compiles owner's filters active at the service's now. The filters are read
// from the cache when owner's version row says they have not changed since.
func (s *Service) Matcher(ctx context.Context, owner shard.ID) (*Matcher, error) {
	v, err := s.version(ctx, owner)
	if err != nil {
		return nil, err
	}
	return s.MatcherAt(ctx, owner, v)
}

// MatcherAt is Matcher of owner whose version (Versions) was read already.
func (s *Service) MatcherAt(ctx context.Context, owner, v shard.ID) (*Matcher, error) {
	fs, ok := s.cache.get(owner, v)
	var err error
	if !ok {
		if fs, err = s.Of(ctx, owner); err != nil {
			return nil, err
		}
		s.cache.put(owner, v, fs)
	}
	return Compile(owner, fs, s.now()), nil
}

// Compile builds the matcher of viewer's filters fs active at now.
func Compile(viewer shard.ID, fs []*Filter, now time.Time) *Matcher {
	m := &Matcher{viewer: viewer}
	for _, f := range fs {
		if f.Expired(now) {
			continue
		}
		c := compiled{f: f}
		for _, k := range f.Keywords {
			kf := folded{text: strings.ToLower(k.Keyword)}
			if kf.text == "" {
				continue
			}
			if k.WholeWord {
				first, _ := utf8.DecodeRuneInString(k.Keyword)
				last, _ := utf8.DecodeLastRuneInString(k.Keyword)
				kf.boundL, kf.boundR = isWord(first), isWord(last)
			}
			c.keywords = append(c.keywords, kf)
		}
		m.fs = append(m.fs, c)
	}
	return m
}

// isWord is a word character of a regexp's \b: a letter, a mark, a digit or a
// connector such as _.
func isWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Pc, r)
}

// find returns the leftmost match of k in lower (the text folded), as a byte range, or
// -1.
func (k folded) find(lower string) (int, int) {
	for from := 0; from <= len(lower); {
		i := strings.Index(lower[from:], k.text)
		if i < 0 {
			return -1, -1
		}
		i += from
		j := i + len(k.text)
		okL := !k.boundL || i == 0 || !isWord(lastRune(lower[:i]))
		okR := !k.boundR || j == len(lower) || !isWord(firstRune(lower[j:]))
		if okL && okR {
			return i, j
		}
		_, size := utf8.DecodeRuneInString(lower[i:])
		from = i + max(size, 1)
	}
	return -1, -1
}

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }

func lastRune(s string) rune { r, _ := utf8.DecodeLastRuneInString(s); return r }

// Empty reports whether no filter is active.
func (m *Matcher) Empty() bool { return m == nil || len(m.fs) == 0 }

// Target is what a matcher reads of a status: its id, the original's id for a boost
// (matched as the original), its author and its searchable text.
type Target struct {
	ID, ReblogOf, Author shard.ID
	Text                 string
}

// Match returns the filters that match t in c, or in any context when c is empty (a
// status's own GET, as Mastodon's REST rendering). The viewer's own statuses match
// none, as Mastodon skips them.
func (m *Matcher) Match(t Target, c Context) []Result {
	if m.Empty() || t.Author == m.viewer {
		return nil
	}
	var lower string
	folded := false
	var out []Result
	for _, cf := range m.fs {
		if c != "" && !cf.f.In(c) {
			continue
		}
		var r Result
		if len(cf.keywords) > 0 {
			if !folded {
				lower, folded = strings.ToLower(t.Text), true
			}
			if s := cf.firstMatch(t.Text, lower); s != "" {
				r.KeywordMatches = []string{s}
			}
		}
		for _, st := range cf.f.Statuses {
			if st.StatusID == t.ID || (t.ReblogOf != 0 && st.StatusID == t.ReblogOf) {
				r.StatusMatches = append(r.StatusMatches, st.StatusID)
			}
		}
		if r.KeywordMatches != nil || r.StatusMatches != nil {
			r.Filter = cf.f
			out = append(out, r)
		}
	}
	return out
}

// firstMatch returns the text of the leftmost keyword match, as Ruby's match of the
// union of the keywords gives it (the first keyword on a tie), or "". The text is
// sliced from the original where folding kept byte offsets, else from the folded text.
func (cf compiled) firstMatch(text, lower string) string {
	bi, bj := -1, -1
	for _, k := range cf.keywords {
		if i, j := k.find(lower); i >= 0 && (bi < 0 || i < bi) {
			bi, bj = i, j
		}
	}
	if bi < 0 {
		return ""
	}
	if len(lower) == len(text) {
		return text[bi:bj]
	}
	return lower[bi:bj]
}

// Hides reports whether a hide filter is among rs.
func Hides(rs []Result) bool {
	for _, r := range rs {
		if r.Filter.Action == Hide {
			return true
		}
	}
	return false
}

// SearchableText is the text keywords are matched on, as Mastodon's
// Status#searchable_text: the spoiler text, the content without HTML, the poll
// options and the media descriptions, one blank line apart.
func SearchableText(spoiler, contentHTML string, pollOptions, descriptions []string) string {
	parts := []string{spoiler, stripHTML(contentHTML)}
	parts = append(parts, pollOptions...)
	parts = append(parts, descriptions...)
	return strings.Join(parts, "\n\n")
}

// stripHTML is the text of status HTML for matching: tags removed (a line break for
// <br> and the end of a paragraph, so that words on either side stay apart, nothing
// for inline tags such as the spans that split a link), entities decoded. It is what
// text.PlainText gives for matching purposes, without building a parse tree: the
// content was sanitised when stored, so tags are well formed.
func stripHTML(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		tag := strings.ToLower(s[i+1 : i+j])
		if strings.HasPrefix(tag, "br") || strings.HasPrefix(tag, "/p") || strings.HasPrefix(tag, "/li") ||
			strings.HasPrefix(tag, "/blockquote") || strings.HasPrefix(tag, "/pre") {
			b.WriteByte('\n')
		}
		s = s[i+j+1:]
	}
	return strings.TrimSpace(html.UnescapeString(b.String()))
}
