package rules

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Action is what a matching content rule does to a post.
type Action string

// The actions of a content rule.
const (
	// Reject refuses a local post (422) and drops a remote one.
	Reject Action = "reject"
	// Sensitive marks the post sensitive.
	Sensitive Action = "sensitive"
	// Report files a report about the post for moderators; the post stands.
	Report Action = "report"
	// Unlist makes a public post unlisted: it stays out of public timelines.
	Unlist Action = "unlist"
)

// Actions lists the valid actions.
var Actions = []Action{Reject, Sensitive, Report, Unlist}

// Limits of a content rule's pattern.
const (
	MaxPhrase = 200
	MaxRegexp = 500
)

// ContentRule is one content rule: a phrase (matched without regard to case,
// optionally only as whole words) or a regular expression (Go's RE2 syntax, as given:
// (?i) makes it ignore case).
type ContentRule struct {
	ID        shard.ID `cbor:"1,keyasint"`
	Pattern   string   `cbor:"2,keyasint"`
	Regexp    bool     `cbor:"3,keyasint,omitempty"`
	WholeWord bool     `cbor:"4,keyasint,omitempty"`
	Action    Action   `cbor:"5,keyasint"`
	// CreatedBy is the admin who made the rule (zero from the command line); the
	// reports of a Report rule are filed in their name.
	CreatedBy shard.ID  `cbor:"6,keyasint,omitempty"`
	CreatedAt time.Time `cbor:"7,keyasint"`
	UpdatedAt time.Time `cbor:"8,keyasint"`
}

// ContentChange is what an admin gives; nil leaves a field alone on update.
type ContentChange struct {
	Pattern           *string
	Regexp, WholeWord *bool
	Action            *Action
}

func (r *ContentRule) apply(c ContentChange) error {
	if c.Pattern != nil {
		r.Pattern = *c.Pattern
	}
	if c.Regexp != nil {
		r.Regexp = *c.Regexp
	}
	if c.WholeWord != nil {
		r.WholeWord = *c.WholeWord
	}
	if c.Action != nil {
		r.Action = *c.Action
	}
	switch {
	case !slices.Contains(Actions, r.Action):
		return invalid("Action is not included in the list")
	case strings.TrimSpace(r.Pattern) == "":
		return invalid("Pattern can't be blank")
	case r.Regexp && utf8.RuneCountInString(r.Pattern) > MaxRegexp:
		return invalid("Pattern is too long (maximum is %d characters)", MaxRegexp)
	case !r.Regexp && utf8.RuneCountInString(r.Pattern) > MaxPhrase:
		return invalid("Pattern is too long (maximum is %d characters)", MaxPhrase)
	}
	if r.Regexp {
		if _, err := regexp.Compile(r.Pattern); err != nil {
			return invalid("Pattern is not a valid regular expression: %v", err)
		}
	}
	return nil
}

// ContentRules returns every content rule, oldest first.
func (s *Service) ContentRules(ctx context.Context) ([]*ContentRule, error) {
	rows, err := s.st.Scan(ctx, tContent, all, store.Range{})
	if err != nil {
		return nil, fmt.Errorf("load content rules: %w", err)
	}
	out := make([]*ContentRule, 0, len(rows))
	for _, row := range rows {
		var r ContentRule
		if err := store.Unmarshal(row.Value, &r); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, nil
}

// ContentRule returns one content rule.
func (s *Service) ContentRule(ctx context.Context, id shard.ID) (*ContentRule, error) {
	b, err := s.st.Get(ctx, tContent, all, id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("content rule %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load content rule %d: %w", id, err)
	}
	var r ContentRule
	if err := store.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// AddContentRule creates a content rule made by admin (zero: the command line).
func (s *Service) AddContentRule(ctx context.Context, admin shard.ID, c ContentChange) (*ContentRule, error) {
	now := s.now().UTC()
	r := &ContentRule{ID: s.ids.Next(), CreatedBy: admin, CreatedAt: now, UpdatedAt: now}
	if err := r.apply(c); err != nil {
		return nil, err
	}
	return r, s.putContent(ctx, r)
}

// UpdateContentRule changes a content rule; its hits are kept.
func (s *Service) UpdateContentRule(ctx context.Context, id shard.ID, c ContentChange) (*ContentRule, error) {
	r, err := s.ContentRule(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := r.apply(c); err != nil {
		return nil, err
	}
	r.UpdatedAt = s.now().UTC()
	return r, s.putContent(ctx, r)
}

// RemoveContentRule deletes a content rule. Its counter stays: a counter must never
// be added to again once deleted, and the id is never reused.
func (s *Service) RemoveContentRule(ctx context.Context, id shard.ID) (*ContentRule, error) {
	r, err := s.ContentRule(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.st.Delete(ctx, tContent, all, id.Bytes()); err != nil {
		return nil, fmt.Errorf("delete content rule %d: %w", id, err)
	}
	return r, s.changed(ctx)
}

// Hits returns how many posts each rule matched, in order.
func (s *Service) Hits(ctx context.Context, rs []*ContentRule) ([]int64, error) {
	keys := make([]store.Key, len(rs))
	for i, r := range rs {
		keys[i] = store.Key{PK: r.ID.Bytes(), CK: hitKey}
	}
	n, err := s.st.Counters(ctx, tHits, keys)
	if err != nil {
		return nil, fmt.Errorf("load content rule hits: %w", err)
	}
	return n, nil
}

var (
	hitKey     = []byte("n")
	versionKey = []byte("v")
)

func (s *Service) putContent(ctx context.Context, r *ContentRule) error {
	b, err := store.Marshal(r)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tContent, all, r.ID.Bytes(), b, 0); err != nil {
		return fmt.Errorf("save content rule %d: %w", r.ID, err)
	}
	return s.changed(ctx)
}

// changed records a change of the content rules, after its rows are written, so that
// every node's matcher is compiled again at its next post.
func (s *Service) changed(ctx context.Context) error {
	if err := s.st.Put(ctx, tVersions, all, versionKey, s.ids.Next().Bytes(), 0); err != nil {
		return fmt.Errorf("content rules changed: %w", err)
	}
	return nil
}
