// Package rules owns the instance's rules: the server rules people agree to and
// reports cite (Mastodon's Rule: text, hint, order), and Herd's content rules, an
// admin's list of phrases and regular expressions with what a post matching one
// suffers (rejected, marked sensitive, reported, unlisted), their matcher compiled
// once per change and cached per node, and the count of each rule's hits. It does
// not act on a post (package action and the inbox apply the verdict), and it must not
// know HTTP, ActivityPub or engines.
package rules

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

const (
	tServer   = "server_rules"          // "all" → rule id → Rule
	tContent  = "content_rules"         // "all" → rule id → ContentRule
	tVersions = "content_rule_versions" // "all" → "v" → id of the last change
	tHits     = "content_rule_hits"     // rule id → "n" → hits (counter)
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tServer}, {Name: tContent}, {Name: tVersions},
		{Name: tHits, Kind: store.Counters}}
}

// ErrNotFound is a rule that does not exist.
var ErrNotFound = errors.New("rules: not found")

// Validation is a refused change or post, with the message people see.
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

func invalid(format string, args ...any) error {
	return &Validation{Msg: fmt.Sprintf(format, args...)}
}

// Limits of a server rule, as Mastodon's (text up to 300 characters; the hint is
// not limited there, 1000 here).
const (
	MaxText = 300
	MaxHint = 1000
)

// Rule is one server rule.
type Rule struct {
	ID        shard.ID  `cbor:"1,keyasint"`
	Text      string    `cbor:"2,keyasint"`
	Hint      string    `cbor:"3,keyasint,omitempty"`
	Priority  int       `cbor:"4,keyasint,omitempty"`
	CreatedAt time.Time `cbor:"5,keyasint"`
	UpdatedAt time.Time `cbor:"6,keyasint"`
}

// RuleChange is what an admin gives; nil leaves a field alone on update.
type RuleChange struct {
	Text, Hint *string
	Priority   *int
}

// Options configure the service.
type Options struct {
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Service keeps the rules and matches content against them.
type Service struct {
	st    store.Store
	ids   *shard.Generator
	now   func() time.Time
	cache matcherCache
}

// New returns the rules service on st.
func New(st store.Store, ids *shard.Generator, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{st: st, ids: ids, now: o.Now}
}

var (
	all   = []byte("all")
	empty = []byte{}
)

// Rules returns the server rules in their order: by priority, then by creation.
func (s *Service) Rules(ctx context.Context) ([]*Rule, error) {
	rows, err := s.st.Scan(ctx, tServer, all, store.Range{})
	if err != nil {
		return nil, fmt.Errorf("load server rules: %w", err)
	}
	out := make([]*Rule, 0, len(rows))
	for _, row := range rows {
		var r Rule
		if err := store.Unmarshal(row.Value, &r); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	slices.SortStableFunc(out, func(a, b *Rule) int {
		return cmp.Or(cmp.Compare(a.Priority, b.Priority), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Rule returns one server rule.
func (s *Service) Rule(ctx context.Context, id shard.ID) (*Rule, error) {
	b, err := s.st.Get(ctx, tServer, all, id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("server rule %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load server rule %d: %w", id, err)
	}
	var r Rule
	if err := store.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ValidRules reports whether every id names a server rule; a malformed id names none.
func (s *Service) ValidRules(ctx context.Context, ids []string) (bool, error) {
	keys := make([]store.Key, 0, len(ids))
	for _, v := range ids {
		id, err := shard.Parse(v)
		if err != nil {
			return false, nil
		}
		keys = append(keys, store.Key{PK: all, CK: id.Bytes()})
	}
	vals, err := s.st.MultiGet(ctx, tServer, keys)
	if err != nil {
		return false, fmt.Errorf("load server rules: %w", err)
	}
	for _, v := range vals {
		if v == nil {
			return false, nil
		}
	}
	return true, nil
}

// AddRule creates a server rule; its text is required.
func (s *Service) AddRule(ctx context.Context, c RuleChange) (*Rule, error) {
	now := s.now().UTC()
	r := &Rule{ID: s.ids.Next(), CreatedAt: now, UpdatedAt: now}
	if c.Text == nil {
		c.Text = new(string)
	}
	if err := r.apply(c); err != nil {
		return nil, err
	}
	return r, s.putRule(ctx, r)
}

// UpdateRule changes a server rule.
func (s *Service) UpdateRule(ctx context.Context, id shard.ID, c RuleChange) (*Rule, error) {
	r, err := s.Rule(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := r.apply(c); err != nil {
		return nil, err
	}
	r.UpdatedAt = s.now().UTC()
	return r, s.putRule(ctx, r)
}

// RemoveRule deletes a server rule. Reports that cite it keep its id.
func (s *Service) RemoveRule(ctx context.Context, id shard.ID) (*Rule, error) {
	r, err := s.Rule(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.st.Delete(ctx, tServer, all, id.Bytes()); err != nil {
		return nil, fmt.Errorf("delete server rule %d: %w", id, err)
	}
	return r, nil
}

func (r *Rule) apply(c RuleChange) error {
	if c.Text != nil {
		t := strings.TrimSpace(*c.Text)
		switch {
		case t == "":
			return invalid("Text can't be blank")
		case utf8.RuneCountInString(t) > MaxText:
			return invalid("Text is too long (maximum is %d characters)", MaxText)
		}
		r.Text = t
	}
	if c.Hint != nil {
		if utf8.RuneCountInString(*c.Hint) > MaxHint {
			return invalid("Hint is too long (maximum is %d characters)", MaxHint)
		}
		r.Hint = strings.TrimSpace(*c.Hint)
	}
	if c.Priority != nil {
		r.Priority = *c.Priority
	}
	return nil
}

func (s *Service) putRule(ctx context.Context, r *Rule) error {
	b, err := store.Marshal(r)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tServer, all, r.ID.Bytes(), b, 0); err != nil {
		return fmt.Errorf("save server rule %d: %w", r.ID, err)
	}
	return nil
}
