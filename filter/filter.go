// Package filter owns an account's keyword filters as Mastodon 4 has them: the filter
// (title, contexts, action, expiry), its keywords and its filtered statuses, Mastodon's
// validation messages, and the matcher that decides, for a status's text and a context,
// which of a viewer's active filters match and by what. It does not render filter
// results, nor decide which statuses a response shows (package api), and it must not
// know HTTP or engines.
package filter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/stream"
)

const (
	tFilters  = "filters"         // owner → filter id → Filter (with its keywords and statuses)
	tVersions = "filter_versions" // owner → "v" → id of the last change
)

// Schema lists the tables this package uses.
func Schema() store.Schema { return store.Schema{{Name: tFilters}, {Name: tVersions}} }

// ErrNotFound is a filter, keyword or filtered status that does not exist or is not
// the caller's.
var ErrNotFound = errors.New("filter: not found")

// Validation is a refused change, with Mastodon's message.
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

// Context is where a filter applies.
type Context string

// The contexts of Mastodon's CustomFilter::VALID_CONTEXTS.
const (
	Home          Context = "home"
	Notifications Context = "notifications"
	Public        Context = "public"
	Thread        Context = "thread"
	Account       Context = "account"
)

var validContexts = []Context{Home, Notifications, Public, Thread, Account}

// Action is what a matching filter does to a status.
type Action string

// The actions of Mastodon's CustomFilter.
const (
	Warn Action = "warn"
	Hide Action = "hide"
	Blur Action = "blur"
)

// ParseAction reads a filter_action parameter.
func ParseAction(s string) (Action, error) {
	switch a := Action(s); a {
	case Warn, Hide, Blur:
		return a, nil
	}
	return "", &Validation{"Filter action is not included in the list"}
}

// Keyword is a word or phrase a filter matches.
type Keyword struct {
	ID        shard.ID `cbor:"1,keyasint"`
	Keyword   string   `cbor:"2,keyasint"`
	WholeWord bool     `cbor:"3,keyasint,omitempty"`
}

// Status is a status a filter matches by id.
type Status struct {
	ID       shard.ID `cbor:"1,keyasint"`
	StatusID shard.ID `cbor:"2,keyasint"`
}

// Filter is one filter of an account.
type Filter struct {
	ID        shard.ID  `cbor:"1,keyasint"`
	Owner     shard.ID  `cbor:"2,keyasint"`
	Title     string    `cbor:"3,keyasint"`
	Context   []Context `cbor:"4,keyasint"`
	Action    Action    `cbor:"5,keyasint"`
	ExpiresAt time.Time `cbor:"6,keyasint,omitempty"`
	Keywords  []Keyword `cbor:"7,keyasint,omitempty"`
	Statuses  []Status  `cbor:"8,keyasint,omitempty"`
}

// Expired reports whether the filter has expired at now.
func (f *Filter) Expired(now time.Time) bool {
	return !f.ExpiresAt.IsZero() && !now.Before(f.ExpiresAt)
}

// In reports whether the filter applies in c.
func (f *Filter) In(c Context) bool { return slices.Contains(f.Context, c) }

// KeywordChange is one entry of keywords_attributes: with no ID a new keyword, with an
// ID a change of that keyword, or its removal with Destroy.
type KeywordChange struct {
	ID        shard.ID
	Keyword   *string
	WholeWord *bool
	Destroy   bool
}

// Changes are the fields of a create or an update; nil keeps the current value (or
// the default on create).
type Changes struct {
	Title   *string
	Context *[]string
	Action  *Action
	// ExpiresIn sets the expiry this many seconds from now; a pointer to zero removes it.
	ExpiresIn *int
	Keywords  []KeywordChange
}

// publisher is the part of stream.Router that tells an owner's connections of a change.
type publisher interface {
	Publish(key stream.Key, e stream.Event)
}

// Options configure the service.
type Options struct {
	// Now is the clock of expiries; default time.Now.
	Now func() time.Time
	// Streams, if set, receives filters_changed on the owner's user channel after
	// every change.
	Streams publisher
}

// Service keeps filters.
type Service struct {
	st    store.Store
	ids   *shard.Generator
	now   func() time.Time
	pub   publisher
	cache cache
}

// New returns the filter service.
func New(st store.Store, ids *shard.Generator, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{st: st, ids: ids, now: o.Now, pub: o.Streams}
}

// changed records a change of owner's filters, after its rows are written, and tells
// owner's connections.
func (s *Service) changed(ctx context.Context, owner shard.ID) error {
	if err := s.st.Put(ctx, tVersions, owner.Bytes(), versionKey, s.ids.Next().Bytes(), 0); err != nil {
		return fmt.Errorf("filters of %d changed: %w", owner, err)
	}
	if s.pub != nil {
		s.pub.Publish(stream.User(owner), stream.Event{Kind: stream.FiltersChanged})
	}
	return nil
}

func (s *Service) put(ctx context.Context, f *Filter) error {
	b, err := store.Marshal(f)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tFilters, f.Owner.Bytes(), f.ID.Bytes(), b, 0); err != nil {
		return fmt.Errorf("save filter %d: %w", f.ID, err)
	}
	return s.changed(ctx, f.Owner)
}

// Create makes a filter of owner.
func (s *Service) Create(ctx context.Context, owner shard.ID, c Changes) (*Filter, error) {
	f := &Filter{Owner: owner, Action: Warn}
	if err := s.apply(f, c); err != nil {
		return nil, err
	}
	f.ID = s.ids.Next()
	return f, s.put(ctx, f)
}

// Update changes owner's filter id.
func (s *Service) Update(ctx context.Context, owner, id shard.ID, c Changes) (*Filter, error) {
	f, err := s.Get(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	if err := s.apply(f, c); err != nil {
		return nil, err
	}
	return f, s.put(ctx, f)
}

func (s *Service) apply(f *Filter, c Changes) error {
	if c.Title != nil {
		f.Title = *c.Title
	}
	if c.Context != nil {
		f.Context = f.Context[:0:0]
		for _, v := range *c.Context {
			if v == "" {
				continue
			}
			if !slices.Contains(validContexts, Context(v)) {
				return &Validation{"Context none or invalid context supplied"}
			}
			if !slices.Contains(f.Context, Context(v)) {
				f.Context = append(f.Context, Context(v))
			}
		}
	}
	if c.Action != nil {
		f.Action = *c.Action
	}
	if c.ExpiresIn != nil {
		f.ExpiresAt = time.Time{}
		if *c.ExpiresIn > 0 {
			f.ExpiresAt = s.now().Add(time.Duration(*c.ExpiresIn) * time.Second).UTC()
		}
	}
	if err := s.applyKeywords(f, c.Keywords); err != nil {
		return err
	}
	if strings.TrimSpace(f.Title) == "" {
		return &Validation{"Title can't be blank"}
	}
	if len(f.Context) == 0 {
		return &Validation{"Context can't be blank"}
	}
	return nil
}

func (s *Service) applyKeywords(f *Filter, cs []KeywordChange) error {
	for _, kc := range cs {
		if kc.ID == 0 {
			if kc.Destroy {
				continue
			}
			k := Keyword{ID: s.ids.Next(), WholeWord: true}
			if err := kc.set(&k); err != nil {
				return err
			}
			f.Keywords = append(f.Keywords, k)
			continue
		}
		i := slices.IndexFunc(f.Keywords, func(k Keyword) bool { return k.ID == kc.ID })
		if i < 0 {
			return fmt.Errorf("keyword %d of filter %d: %w", kc.ID, f.ID, ErrNotFound)
		}
		if kc.Destroy {
			f.Keywords = slices.Delete(f.Keywords, i, i+1)
			continue
		}
		if err := kc.set(&f.Keywords[i]); err != nil {
			return err
		}
	}
	return nil
}

func (kc KeywordChange) set(k *Keyword) error {
	if kc.Keyword != nil {
		k.Keyword = *kc.Keyword
	}
	if kc.WholeWord != nil {
		k.WholeWord = *kc.WholeWord
	}
	if strings.TrimSpace(k.Keyword) == "" {
		return &Validation{"Keyword can't be blank"}
	}
	return nil
}

// Get returns owner's filter id, or ErrNotFound (also for another account's filter).
func (s *Service) Get(ctx context.Context, owner, id shard.ID) (*Filter, error) {
	b, err := s.st.Get(ctx, tFilters, owner.Bytes(), id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("filter %d of %d: %w", id, owner, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load filter %d: %w", id, err)
	}
	var f Filter
	if err := store.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// Of returns owner's filters, oldest first, expired ones included (Mastodon lists them).
func (s *Service) Of(ctx context.Context, owner shard.ID) ([]*Filter, error) {
	rows, err := s.st.Scan(ctx, tFilters, owner.Bytes(), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("filters of %d: %w", owner, err)
	}
	out := make([]*Filter, 0, len(rows))
	for _, r := range rows {
		var f Filter
		if err := store.Unmarshal(r.Value, &f); err != nil {
			return nil, err
		}
		out = append(out, &f)
	}
	return out, nil
}

// Delete removes owner's filter id.
func (s *Service) Delete(ctx context.Context, owner, id shard.ID) error {
	if _, err := s.Get(ctx, owner, id); err != nil {
		return err
	}
	if err := s.st.Delete(ctx, tFilters, owner.Bytes(), id.Bytes()); err != nil {
		return fmt.Errorf("delete filter %d: %w", id, err)
	}
	return s.changed(ctx, owner)
}
