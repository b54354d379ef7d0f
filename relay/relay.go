// Package relay owns the ActivityPub relays the instance subscribes to: each relay's
// inbox, its actor once known, the protocol it speaks (Mastodon's, where the instance
// actor follows the public collection at the relay's inbox, or LitePub's, where it
// follows the relay's actor), the id of the Follow sent and the subscription's state
// (idle, pending, accepted, rejected), as Mastodon's Relay model keeps them; and, when
// the instance itself runs as a relay (relay mode), the servers subscribed to it and
// what it already passed on (subscriber.go). It does not send or receive anything (package activitypub does, with these records), and it
// must not know HTTP or engines.
package relay

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// tRelays holds every relay in one partition: they are few, and read together.
const tRelays = "relays"

var allKey = []byte("all")

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return append(append(store.Schema{{Name: tRelays}}, subscriberSchema()...), statsSchema()...)
}

// ErrNotFound is a relay that does not exist.
var ErrNotFound = errors.New("relay: not found")

// Validation is a refused relay, with the message an admin sees.
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

// State is where a subscription stands.
type State string

const (
	// Idle: no Follow is outstanding (a disabled relay).
	Idle State = "idle"
	// Pending: the Follow was sent and is not answered yet.
	Pending State = "pending"
	// Accepted: the relay accepted the Follow; public posts go to it and what it
	// forwards is taken in.
	Accepted State = "accepted"
	// Rejected: the relay refused the Follow.
	Rejected State = "rejected"
)

// Protocol is how the subscription is made.
type Protocol string

const (
	// Mastodon: a Follow of the public collection, sent to the relay's inbox.
	Mastodon Protocol = "mastodon"
	// LitePub: a Follow of the relay's actor (Pleroma's relays), whose Announces carry
	// the relayed objects.
	LitePub Protocol = "litepub"
)

// Relay is one subscription.
type Relay struct {
	ID shard.ID `cbor:"1,keyasint"`
	// Inbox is where the instance actor's Follow and the public posts go.
	Inbox string `cbor:"2,keyasint"`
	// Actor is the relay's actor id: known at once for LitePub, from its Accept for
	// Mastodon's protocol.
	Actor    string   `cbor:"3,keyasint,omitempty"`
	Protocol Protocol `cbor:"4,keyasint"`
	// FollowID is the id of the Follow last sent, which the Accept or Reject names.
	FollowID  string    `cbor:"5,keyasint,omitempty"`
	State     State     `cbor:"6,keyasint"`
	CreatedAt time.Time `cbor:"7,keyasint"`
}

// Enabled reports whether the relay accepted the subscription.
func (r *Relay) Enabled() bool { return r.State == Accepted }

// Service keeps the relays.
type Service struct {
	st  store.Store
	ids *shard.Generator
	now func() time.Time
	// cache is the node's copy of the fan-out's subscribers (allowed.go).
	cache fanoutCache
	// pending gathers the relay actor's delivery outcomes (stats.go).
	pending pendingStats
}

// New returns the relay records on st; now defaults to time.Now.
func New(st store.Store, ids *shard.Generator, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, ids: ids, now: now}
}

// Create records a new relay of inbox (already validated by the caller), idle.
func (s *Service) Create(ctx context.Context, inbox, actor string, p Protocol) (*Relay, error) {
	all, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if r.Inbox == inbox {
			return nil, &Validation{Msg: "Inbox url has already been taken"}
		}
	}
	r := &Relay{ID: s.ids.Next(), Inbox: inbox, Actor: actor, Protocol: p, State: Idle, CreatedAt: s.now().UTC()}
	return r, s.Save(ctx, r)
}

// Save writes a relay as it is.
func (s *Service) Save(ctx context.Context, r *Relay) error {
	b, err := store.Marshal(r)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tRelays, allKey, r.ID.Bytes(), b, 0); err != nil {
		return fmt.Errorf("save relay %d: %w", r.ID, err)
	}
	return nil
}

// Get returns one relay.
func (s *Service) Get(ctx context.Context, id shard.ID) (*Relay, error) {
	b, err := s.st.Get(ctx, tRelays, allKey, id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("relay %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var r Relay
	return &r, store.Unmarshal(b, &r)
}

// List returns every relay, oldest first.
func (s *Service) List(ctx context.Context) ([]*Relay, error) {
	rows, err := s.st.Scan(ctx, tRelays, allKey, store.Range{})
	if err != nil {
		return nil, err
	}
	out := make([]*Relay, 0, len(rows))
	for _, row := range rows {
		var r Relay
		if err := store.Unmarshal(row.Value, &r); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, nil
}

// Delete removes a relay; it is idempotent.
func (s *Service) Delete(ctx context.Context, id shard.ID) error {
	return s.st.Delete(ctx, tRelays, allKey, id.Bytes())
}

// ByFollowID finds the relay whose last Follow has this id.
func (s *Service) ByFollowID(ctx context.Context, followID string) (*Relay, error) {
	return s.find(ctx, func(r *Relay) bool { return followID != "" && r.FollowID == followID })
}

// ByActor finds the relay of an actor id, whatever its state.
func (s *Service) ByActor(ctx context.Context, actor string) (*Relay, error) {
	return s.find(ctx, func(r *Relay) bool { return actor != "" && r.Actor == actor })
}

// AcceptedByActor finds the accepted relay of an actor id.
func (s *Service) AcceptedByActor(ctx context.Context, actor string) (*Relay, error) {
	return s.find(ctx, func(r *Relay) bool { return actor != "" && r.Actor == actor && r.Enabled() })
}

// Inboxes lists the inboxes of the accepted relays.
func (s *Service) Inboxes(ctx context.Context) ([]string, error) {
	all, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range all {
		if r.Enabled() {
			out = append(out, r.Inbox)
		}
	}
	return out, nil
}

func (s *Service) find(ctx context.Context, match func(*Relay) bool) (*Relay, error) {
	all, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if match(r) {
			return r, nil
		}
	}
	return nil, ErrNotFound
}
