package filter

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/text"
)

// Result is one filter that matches a status, as Mastodon's FilterResult: the text
// its keywords matched, or the filtered statuses it matched by id.
type Result struct {
	Filter         *Filter
	KeywordMatches []string
	StatusMatches  []shard.ID
}

// compiled is one active filter with its keywords as one regexp.
type compiled struct {
	f  *Filter
	re *regexp.Regexp // nil without keywords
}

// Matcher decides which of a viewer's active filters match a status. It is built once
// per request (or per streamed event) and read by one goroutine.
type Matcher struct {
	viewer shard.ID
	fs     []compiled
	// any is every keyword of every active filter in one regexp: a text it does not
	// match is matched by no filter, which is what most texts are.
	any *regexp.Regexp
}

// Matcher compiles owner's filters active at the service's now.
func (s *Service) Matcher(ctx context.Context, owner shard.ID) (*Matcher, error) {
	fs, err := s.Of(ctx, owner)
	if err != nil {
		return nil, err
	}
	return Compile(owner, fs, s.now()), nil
}

// Compile builds the matcher of viewer's filters fs active at now.
func Compile(viewer shard.ID, fs []*Filter, now time.Time) *Matcher {
	m := &Matcher{viewer: viewer}
	var all []string
	for _, f := range fs {
		if f.Expired(now) {
			continue
		}
		c := compiled{f: f}
		var alts []string
		for _, k := range f.Keywords {
			alts = append(alts, keywordPattern(k))
		}
		if len(alts) > 0 {
			c.re = regexp.MustCompile("(?i)" + strings.Join(alts, "|"))
			all = append(all, alts...)
		}
		m.fs = append(m.fs, c)
	}
	if len(all) > 0 {
		m.any = regexp.MustCompile("(?i)" + strings.Join(all, "|"))
	}
	return m
}

// keywordPattern is Mastodon's CustomFilterKeyword#to_regex: a whole word is bounded
// by \b on each side that starts or ends with a word character.
func keywordPattern(k Keyword) string {
	p := regexp.QuoteMeta(k.Keyword)
	if !k.WholeWord {
		return "(?:" + p + ")"
	}
	first, _ := utf8.DecodeRuneInString(k.Keyword)
	last, _ := utf8.DecodeLastRuneInString(k.Keyword)
	if isWord(first) {
		p = `\b` + p
	}
	if isWord(last) {
		p += `\b`
	}
	return "(?:" + p + ")"
}

func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

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
	hit := m.any != nil && m.any.MatchString(t.Text)
	var out []Result
	for _, cf := range m.fs {
		if c != "" && !cf.f.In(c) {
			continue
		}
		var r Result
		if hit && cf.re != nil {
			if s := cf.re.FindString(t.Text); s != "" {
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
	parts := []string{spoiler, text.PlainText(contentHTML)}
	parts = append(parts, pollOptions...)
	parts = append(parts, descriptions...)
	return strings.Join(parts, "\n\n")
}
