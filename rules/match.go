package rules

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Matcher is a set of content rules compiled for matching: phrases lowered once,
// regular expressions compiled once. It is immutable and safe for concurrent use.
type Matcher struct {
	phrases []phrase
	regexps []compiled
}

type phrase struct {
	rule  *ContentRule
	lower string
}

type compiled struct {
	rule *ContentRule
	re   *regexp.Regexp
	// needs is a lowered literal every match contains, if the expression has one of
	// at least three characters: a text whose lowered form lacks it is not asked
	// (Go's matcher is linear but slow, and slower still when it ignores case).
	needs string
}

// Compile makes the matcher of rs.
func Compile(rs []*ContentRule) (*Matcher, error) {
	m := &Matcher{}
	for _, r := range rs {
		if !r.Regexp {
			m.phrases = append(m.phrases, phrase{rule: r, lower: strings.ToLower(r.Pattern)})
			continue
		}
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			return nil, fmt.Errorf("content rule %d: %w", r.ID, err)
		}
		m.regexps = append(m.regexps, compiled{rule: r, re: re, needs: requiredLiteral(r.Pattern)})
	}
	return m, nil
}

// Len is the number of rules in m.
func (m *Matcher) Len() int { return len(m.phrases) + len(m.regexps) }

// Match returns the rules that match any of texts, each once, phrases first.
func (m *Matcher) Match(texts ...string) []*ContentRule {
	if m.Len() == 0 {
		return nil
	}
	nonEmpty := make([]string, 0, len(texts))
	lowered := make([]string, 0, len(texts))
	for _, t := range texts {
		if t != "" {
			nonEmpty, lowered = append(nonEmpty, t), append(lowered, strings.ToLower(t))
		}
	}
	var out []*ContentRule
	for _, p := range m.phrases {
		for _, t := range lowered {
			if containsPhrase(t, p.lower, p.rule.WholeWord) {
				out = append(out, p.rule)
				break
			}
		}
	}
	for _, c := range m.regexps {
		for i, t := range nonEmpty {
			if (c.needs == "" || strings.Contains(lowered[i], c.needs)) && c.re.MatchString(t) {
				out = append(out, c.rule)
				break
			}
		}
	}
	return out
}

// requiredLiteral returns, lowered, the longest literal of at least three characters
// that every match of the expression contains, or "" when it has none: the
// expression itself, or a piece of its top-level concatenation (through groups).
func requiredLiteral(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return ""
	}
	re = re.Simplify()
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	var best string
	consider := func(r *syntax.Regexp) {
		if r.Op == syntax.OpLiteral && len(r.Rune) >= 3 && len(r.Rune) > utf8.RuneCountInString(best) {
			best = strings.ToLower(string(r.Rune))
		}
	}
	switch re.Op {
	case syntax.OpLiteral:
		consider(re)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			for sub.Op == syntax.OpCapture {
				sub = sub.Sub[0]
			}
			consider(sub)
		}
	}
	return best
}

// containsPhrase reports whether p occurs in t, as a whole word when whole: not
// preceded or followed by a letter, digit or underscore.
func containsPhrase(t, p string, whole bool) bool {
	for from := 0; from <= len(t)-len(p); {
		i := strings.Index(t[from:], p)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(p)
		if !whole || (boundaryBefore(t, start) && boundaryAfter(t, end)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(t[start:])
		from = start + size
	}
	return false
}

func wordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

func boundaryBefore(t string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(t[:i])
	return i == 0 || !wordRune(r)
}

func boundaryAfter(t string, i int) bool {
	r, _ := utf8.DecodeRuneInString(t[i:])
	return i == len(t) || !wordRune(r)
}

// Verdict is what the content rules say of a post.
type Verdict struct {
	// Matched are the rules that matched, each once.
	Matched []*ContentRule
}

// Rejected returns the first matching Reject rule, or nil.
func (v Verdict) Rejected() *ContentRule { return v.first(Reject) }

// Sensitive reports whether a matching rule marks the post sensitive.
func (v Verdict) Sensitive() bool { return v.first(Sensitive) != nil }

// Unlisted reports whether a matching rule keeps the post out of public timelines.
func (v Verdict) Unlisted() bool { return v.first(Unlist) != nil }

// Reports returns the matching Report rules.
func (v Verdict) Reports() []*ContentRule {
	var out []*ContentRule
	for _, r := range v.Matched {
		if r.Action == Report {
			out = append(out, r)
		}
	}
	return out
}

func (v Verdict) first(a Action) *ContentRule {
	for _, r := range v.Matched {
		if r.Action == a {
			return r
		}
	}
	return nil
}

// ErrRejected is the refusal of a local post that a Reject rule matched.
var ErrRejected = &Validation{Msg: "Text contains content that is not allowed on this server"}

// Check matches texts (a post's text, content warning, poll options and media
// descriptions, as plain text) against the content rules and counts a hit for each
// rule that matched. The matcher is compiled again only when the rules changed
// since this node last compiled them (one small read per check).
func (s *Service) Check(ctx context.Context, texts ...string) (Verdict, error) {
	m, err := s.matcher(ctx)
	if err != nil {
		return Verdict{}, err
	}
	v := Verdict{Matched: m.Match(texts...)}
	for _, r := range v.Matched {
		if err := s.st.Add(ctx, tHits, r.ID.Bytes(), hitKey, 1); err != nil {
			return Verdict{}, fmt.Errorf("count a hit of content rule %d: %w", r.ID, err)
		}
	}
	return v, nil
}

// matcherCache holds the matcher compiled at a version of the content rules.
type matcherCache struct {
	mu struct {
		sync.Mutex
		version shard.ID
		m       *Matcher
	}
}

func (c *matcherCache) get(version shard.ID) *Matcher {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.m != nil && c.mu.version == version {
		return c.mu.m
	}
	return nil
}

func (c *matcherCache) put(version shard.ID, m *Matcher) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.version, c.mu.m = version, m
}

// matcher returns the matcher of the current rules. A change writes its rows, then a
// new version, so a reader that sees a change's version also sees its rows.
func (s *Service) matcher(ctx context.Context) (*Matcher, error) {
	var version shard.ID
	b, err := s.st.Get(ctx, tVersions, all, versionKey)
	switch {
	case errors.Is(err, store.ErrNotFound): // never changed: no rules
		return &Matcher{}, nil
	case err != nil:
		return nil, fmt.Errorf("version of the content rules: %w", err)
	}
	version = shard.FromBytes(b)
	if m := s.cache.get(version); m != nil {
		return m, nil
	}
	rs, err := s.ContentRules(ctx)
	if err != nil {
		return nil, err
	}
	m, err := Compile(rs)
	if err != nil {
		return nil, err
	}
	s.cache.put(version, m)
	return m, nil
}
