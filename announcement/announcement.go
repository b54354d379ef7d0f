// Package announcement owns the instance's announcements, as Mastodon's: the text an
// admin publishes to every user (with an optional event time, all-day or not, and a
// publication time), each user's dismissals of them, and the emoji reactions users add
// (counted per name, at most eight names per announcement). It publishes the
// announcement events (announcement, announcement.reaction, announcement.delete) to
// the stream router it is built with. It stores the text as written: rendering it
// (HTML, mentions, tags, emoji) is the API's. It must not know HTTP or engines.
package announcement

import (
	"cmp"
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

// Tables of this package.
const (
	tAnnouncements = "announcements"               // "all" → announcement id → Announcement
	tDismissed     = "announcement_dismissals"     // account → announcement id → —
	tNames         = "announcement_reaction_names" // announcement id → name → —
	tCounts        = "announcement_reactions"      // announcement id → name → count (counters)
	tReacted       = "announcement_reacted"        // account ‖ announcement id → name → —
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tAnnouncements}, {Name: tDismissed}, {Name: tNames},
		{Name: tCounts, Kind: store.Counters}, {Name: tReacted}}
}

var allKey = []byte("all")

// MaxAnnouncements bounds how many announcements are kept (listed whole on every
// read, as an instance has a handful).
const MaxAnnouncements = 200

var (
	// ErrNotFound is an announcement that does not exist, or is not published and
	// current where only such are wanted.
	ErrNotFound = errors.New("announcement: not found")
)

// Validation is a refused change, with Mastodon's message.
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

// Announcement is one announcement.
type Announcement struct {
	ID   shard.ID `cbor:"1,keyasint"`
	Text string   `cbor:"2,keyasint"`
	// StartsAt and EndsAt are the time of the event it announces, both or neither;
	// an announcement is no longer listed once EndsAt has passed.
	StartsAt time.Time `cbor:"3,keyasint,omitempty"`
	EndsAt   time.Time `cbor:"4,keyasint,omitempty"`
	// AllDay shows StartsAt and EndsAt as dates.
	AllDay bool `cbor:"5,keyasint,omitempty"`
	// Published announcements are listed from PublishedAt on.
	Published   bool      `cbor:"6,keyasint,omitempty"`
	PublishedAt time.Time `cbor:"7,keyasint,omitempty"`
	UpdatedAt   time.Time `cbor:"8,keyasint"`
}

// Listed reports whether users see a at now: published, from its publication time,
// until its end.
func (a *Announcement) Listed(now time.Time) bool {
	return a.Published && !a.PublishedAt.After(now) && (a.EndsAt.IsZero() || a.EndsAt.After(now))
}

// Change sets fields of an announcement; nil leaves a field as it is (for Add: its
// zero value, and Published true).
type Change struct {
	Text             *string
	StartsAt, EndsAt *time.Time // a pointer to the zero time removes it
	AllDay           *bool
	Published        *bool
	// PublishAt is the publication time; zero (or unset when publishing) is now.
	PublishAt *time.Time
}

// publisher is the part of stream.Router that announcement events go through.
type publisher interface {
	Publish(key stream.Key, e stream.Event)
}

// emojiChecker says whether a local custom emoji of that shortcode exists and is
// enabled; package emoji's service, through node, is one.
type emojiChecker interface {
	LocalEmoji(ctx context.Context, shortcode string) (bool, error)
}

// Options configure the service.
type Options struct {
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Streams, if set, receives the announcement events.
	Streams publisher
	// Emoji, if set, allows reactions with the local custom emoji; unset, only
	// unicode emoji are accepted.
	Emoji emojiChecker
}

// Service keeps announcements.
type Service struct {
	st   store.Store
	ids  *shard.Generator
	opts Options
	// saved wakes RunScheduled after a save, which may have scheduled a publication.
	saved chan struct{}
}

// New returns the announcement service.
func New(st store.Store, ids *shard.Generator, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{st: st, ids: ids, opts: o, saved: make(chan struct{}, 1)}
}

// All returns every announcement, listed or not, soonest first (by event start, else
// publication).
func (s *Service) All(ctx context.Context) ([]*Announcement, error) {
	rows, err := s.st.Scan(ctx, tAnnouncements, allKey, store.Range{Limit: MaxAnnouncements})
	if err != nil {
		return nil, fmt.Errorf("announcements: %w", err)
	}
	out := make([]*Announcement, 0, len(rows))
	for _, r := range rows {
		a := new(Announcement)
		if err := store.Unmarshal(r.Value, a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *Announcement) int {
		return cmp.Or(sortTime(a).Compare(sortTime(b)), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

func sortTime(a *Announcement) time.Time {
	if !a.StartsAt.IsZero() {
		return a.StartsAt
	}
	return a.PublishedAt
}

// Listed returns the announcements users see now, soonest first.
func (s *Service) Listed(ctx context.Context) ([]*Announcement, error) {
	all, err := s.All(ctx)
	if err != nil {
		return nil, err
	}
	now := s.opts.Now()
	return slices.DeleteFunc(all, func(a *Announcement) bool { return !a.Listed(now) }), nil
}

// Get returns one announcement, listed or not.
func (s *Service) Get(ctx context.Context, id shard.ID) (*Announcement, error) {
	b, err := s.st.Get(ctx, tAnnouncements, allKey, id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("announcement %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load announcement %d: %w", id, err)
	}
	a := new(Announcement)
	return a, store.Unmarshal(b, a)
}

// listed returns the announcement if users see it now, else ErrNotFound.
func (s *Service) listed(ctx context.Context, id shard.ID) (*Announcement, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Listed(s.opts.Now()) {
		return nil, fmt.Errorf("announcement %d not listed: %w", id, ErrNotFound)
	}
	return a, nil
}

// Add creates an announcement (published now unless the change says otherwise) and
// tells the user streams if it is listed.
func (s *Service) Add(ctx context.Context, c Change) (*Announcement, error) {
	rows, err := s.st.Scan(ctx, tAnnouncements, allKey, store.Range{Limit: MaxAnnouncements})
	if err != nil {
		return nil, fmt.Errorf("announcements: %w", err)
	}
	if len(rows) >= MaxAnnouncements {
		return nil, &Validation{fmt.Sprintf("There can be at most %d announcements", MaxAnnouncements)}
	}
	if c.Published == nil {
		t := true
		c.Published = &t
	}
	a := &Announcement{ID: s.ids.Next()}
	if err := s.apply(a, c); err != nil {
		return nil, err
	}
	return a, s.save(ctx, a, false)
}

// Update changes an announcement and tells the user streams: the announcement again
// if it is listed, its withdrawal if it no longer is.
func (s *Service) Update(ctx context.Context, id shard.ID, c Change) (*Announcement, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	was := a.Listed(s.opts.Now())
	if err := s.apply(a, c); err != nil {
		return nil, err
	}
	return a, s.save(ctx, a, was)
}

// Remove deletes an announcement and its reactions' counts' names, and tells the
// user streams. Users' dismissals and reactions of it stay, unread.
func (s *Service) Remove(ctx context.Context, id shard.ID) error {
	if _, err := s.Get(ctx, id); err != nil {
		return err
	}
	err := s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Delete, Table: tAnnouncements, PK: allKey, CK: id.Bytes()},
		{Kind: store.DeletePartition, Table: tNames, PK: id.Bytes()},
	})
	if err != nil {
		return fmt.Errorf("remove announcement %d: %w", id, err)
	}
	s.publish(stream.Event{Kind: stream.AnnouncementDelete, ID: id})
	return nil
}

// apply checks and applies a change.
func (s *Service) apply(a *Announcement, c Change) error {
	now := s.opts.Now()
	if c.Text != nil {
		a.Text = strings.TrimSpace(*c.Text)
	}
	if a.Text == "" {
		return &Validation{"Text can't be blank"}
	}
	if c.StartsAt != nil {
		a.StartsAt = c.StartsAt.UTC()
	}
	if c.EndsAt != nil {
		a.EndsAt = c.EndsAt.UTC()
	}
	switch {
	case a.StartsAt.IsZero() != a.EndsAt.IsZero():
		return &Validation{"Starts at and ends at must be given together"}
	case !a.EndsAt.IsZero() && !a.EndsAt.After(a.StartsAt):
		return &Validation{"Ends at must be after starts at"}
	}
	if c.AllDay != nil {
		a.AllDay = *c.AllDay
	}
	if c.Published != nil && *c.Published != a.Published {
		a.Published = *c.Published
		if a.Published && c.PublishAt == nil {
			a.PublishedAt = now
		}
	}
	if c.PublishAt != nil {
		a.PublishedAt = c.PublishAt.UTC()
		if a.PublishedAt.IsZero() {
			a.PublishedAt = now
		}
	}
	a.UpdatedAt = now
	return nil
}

// save writes an announcement and publishes its event: the announcement if it is
// listed, a delete if it was and is no longer.
func (s *Service) save(ctx context.Context, a *Announcement, wasListed bool) error {
	b, err := store.Marshal(a)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tAnnouncements, allKey, a.ID.Bytes(), b, 0); err != nil {
		return fmt.Errorf("save announcement %d: %w", a.ID, err)
	}
	select {
	case s.saved <- struct{}{}:
	default: // a wake-up is pending already
	}
	switch {
	case a.Listed(s.opts.Now()):
		s.publish(stream.Event{Kind: stream.Announcement, ID: a.ID})
	case wasListed:
		s.publish(stream.Event{Kind: stream.AnnouncementDelete, ID: a.ID})
	}
	return nil
}

func (s *Service) publish(e stream.Event) {
	if s.opts.Streams != nil {
		s.opts.Streams.Publish(stream.Announcements(), e)
	}
}

// Dismiss marks a listed announcement read by account; dismissing twice changes
// nothing.
func (s *Service) Dismiss(ctx context.Context, account, id shard.ID) error {
	if _, err := s.listed(ctx, id); err != nil {
		return err
	}
	if err := s.st.Put(ctx, tDismissed, account.Bytes(), id.Bytes(), []byte{}, 0); err != nil {
		return fmt.Errorf("dismiss announcement %d: %w", id, err)
	}
	return nil
}

// Dismissed reports which of ids account has dismissed: one multi-get.
func (s *Service) Dismissed(ctx context.Context, account shard.ID, ids []shard.ID) (map[shard.ID]bool, error) {
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = store.Key{PK: account.Bytes(), CK: id.Bytes()}
	}
	vals, err := s.st.MultiGet(ctx, tDismissed, keys)
	if err != nil {
		return nil, fmt.Errorf("announcement dismissals: %w", err)
	}
	out := map[shard.ID]bool{}
	for i, v := range vals {
		if v != nil {
			out[ids[i]] = true
		}
	}
	return out, nil
}
