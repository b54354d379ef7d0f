// Package schedule owns scheduled statuses as Mastodon has them: a post kept with the
// time it is to be published (its parameters, its attachments held for it, its poll
// asked), Mastodon's limits and messages, the index of the times to come by hour,
// and the publishing of those whose time has come, exactly once in a cluster. It
// makes the status through the status service's own Create, under an id reserved
// when the post was scheduled. It must not know HTTP or engines.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

const (
	tScheduled = "scheduled_statuses"     // account → scheduled id (Desc) → Scheduled
	tClaims    = "scheduled_claims"       // scheduled id → — (TTL: a claim's lease)
	tReserved  = "scheduled_reserved_ids" // reserved status id → scheduled id
	tIdem      = "scheduled_idempotency"  // account → Idempotency-Key → scheduled id (TTL)
)

// Mastodon's ScheduledStatus limits.
const (
	// TotalLimit is how many statuses an account may have scheduled at once.
	TotalLimit = 300
	// DailyLimit is how many it may have scheduled for one day (UTC).
	DailyLimit = 25
	// MinLead is how far ahead a status must be scheduled.
	MinLead = 5 * time.Minute
)

var empty = []byte{}

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return append(store.Schema{{Name: tScheduled, Order: store.Desc},
		{Name: tClaims, TTL: time.Hour}, {Name: tReserved}, {Name: tIdem, TTL: status.IdempotencyTTL}}, times.Schema()...)
}

// ErrNotFound is a scheduled status that does not exist, is not the caller's, or is
// being published.
var ErrNotFound = errors.New("schedule: not found")

// Validation is a refused schedule, with Mastodon's message (Mastodon answers 422).
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

// Poll is the poll a scheduled status asks, as given.
type Poll struct {
	Options    []string `cbor:"1,keyasint"`
	ExpiresIn  int64    `cbor:"2,keyasint,omitempty"` // seconds
	Multiple   bool     `cbor:"3,keyasint,omitempty"`
	HideTotals bool     `cbor:"4,keyasint,omitempty"`
}

// Params are the parameters the status will be posted with, the author's defaults
// filled in when it was scheduled.
type Params struct {
	Text        string     `cbor:"1,keyasint,omitempty"`
	SpoilerText string     `cbor:"2,keyasint,omitempty"`
	Visibility  string     `cbor:"3,keyasint"`
	Language    string     `cbor:"4,keyasint,omitempty"`
	Sensitive   bool       `cbor:"5,keyasint,omitempty"`
	InReplyToID shard.ID   `cbor:"6,keyasint,omitempty"`
	MediaIDs    []shard.ID `cbor:"7,keyasint,omitempty"`
	Poll        *Poll      `cbor:"8,keyasint,omitempty"`
	Idempotency string     `cbor:"9,keyasint,omitempty"`
	AppName     string     `cbor:"10,keyasint,omitempty"`
	AppWebsite  string     `cbor:"11,keyasint,omitempty"`
	// QuotedStatusID and QuotePolicy are the quote's (status.Post's).
	QuotedStatusID shard.ID `cbor:"12,keyasint,omitempty"`
	QuotePolicy    string   `cbor:"13,keyasint,omitempty"`
}

// Scheduled is one scheduled status.
type Scheduled struct {
	ID        shard.ID `cbor:"1,keyasint"`
	AccountID shard.ID `cbor:"2,keyasint"`
	// AtMS is when it is to be published, in Unix milliseconds (the store keeps a
	// time.Time to the second).
	AtMS int64 `cbor:"3,keyasint"`
	// StatusID is the id reserved for the status: publishing makes it under this id
	// only, so that publishing twice makes one status.
	StatusID shard.ID `cbor:"4,keyasint"`
	Params   Params   `cbor:"5,keyasint"`
}

// statuses is the part of status.Service that scheduling needs.
type statuses interface {
	Prepare(ctx context.Context, author shard.ID, p *status.Post) ([]store.Mutation, error)
	Create(ctx context.Context, author shard.ID, p status.Post) (*status.Status, error)
}

// attachments is the part of media.Service that scheduling needs.
type attachments interface {
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*media.Attachment, error)
	Release(ctx context.Context, ids []shard.ID, keep bool) error
}

// Options configure the service.
type Options struct {
	// Now is the clock; default time.Now.
	Now func() time.Time
	// MinLead is how far ahead a status must be scheduled; default MinLead (tests
	// shorten it; the API cannot).
	MinLead time.Duration
	// Lease is how long a publisher (or a change) holds a scheduled status before
	// another node may take it over; default one minute. Publishing gives up after
	// half of it.
	Lease time.Duration
	// Logger logs the statuses that could not be published; default slog.Default.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MinLead <= 0 {
		o.MinLead = MinLead
	}
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Service keeps scheduled statuses and publishes them.
type Service struct {
	st       store.Store
	ids      *shard.Generator
	statuses statuses
	media    attachments
	opts     Options
}

// New returns a service; media may be nil when attachments are not supported.
func New(st store.Store, ids *shard.Generator, sts statuses, m attachments, opts Options) *Service {
	return &Service{st: st, ids: ids, statuses: sts, media: m, opts: opts.withDefaults()}
}

// At is when it is to be published.
func (sc *Scheduled) At() time.Time { return time.UnixMilli(sc.AtMS).UTC() }

// Post is the status.Post the scheduled status publishes.
func (sc *Scheduled) Post() status.Post {
	p := sc.Params
	post := status.Post{ID: sc.StatusID, Text: p.Text, SpoilerText: p.SpoilerText, Visibility: status.Visibility(p.Visibility),
		Language: p.Language, Sensitive: &p.Sensitive, InReplyToID: p.InReplyToID, MediaIDs: p.MediaIDs,
		AppName: p.AppName, AppWebsite: p.AppWebsite, QuotedStatusID: p.QuotedStatusID, QuotePolicy: status.QuotePolicy(p.QuotePolicy)}
	if p.Poll != nil {
		post.Poll = &poll.Ask{Options: p.Poll.Options, ExpiresIn: time.Duration(p.Poll.ExpiresIn) * time.Second,
			Multiple: p.Poll.Multiple, HideTotals: p.Poll.HideTotals}
	}
	return post
}

// Later reports whether at is still to come; a post whose scheduled_at has passed is
// posted at once, as Mastodon does.
func (s *Service) Later(at time.Time) bool { return at.After(s.opts.Now()) }

// Get returns one of account's scheduled statuses.
func (s *Service) Get(ctx context.Context, account, id shard.ID) (*Scheduled, error) {
	b, err := s.st.Get(ctx, tScheduled, account.Bytes(), id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("scheduled status %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load scheduled status %d: %w", id, err)
	}
	var sc Scheduled
	if err := store.Unmarshal(b, &sc); err != nil {
		return nil, err
	}
	return &sc, nil
}

// List returns a page of account's scheduled statuses, newest id first, as Mastodon
// pages them.
func (s *Service) List(ctx context.Context, account shard.ID, p paging.Page) ([]*Scheduled, error) {
	rows, err := s.st.Scan(ctx, tScheduled, account.Bytes(), p.Range())
	if err != nil {
		return nil, fmt.Errorf("scheduled statuses of %d: %w", account, err)
	}
	return decodeAll(p.Newest(rows))
}

func (s *Service) all(ctx context.Context, account shard.ID) ([]*Scheduled, error) {
	rows, err := s.st.Scan(ctx, tScheduled, account.Bytes(), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("scheduled statuses of %d: %w", account, err)
	}
	return decodeAll(rows)
}

func decodeAll(rows []store.Row) ([]*Scheduled, error) {
	out := make([]*Scheduled, 0, len(rows))
	for _, r := range rows {
		var sc Scheduled
		if err := store.Unmarshal(r.Value, &sc); err != nil {
			return nil, err
		}
		out = append(out, &sc)
	}
	return out, nil
}
