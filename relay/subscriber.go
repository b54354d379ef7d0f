package relay

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// The other side: when the instance runs as a relay (relay mode), the servers that
// subscribe to it. One subscription per domain: a second Follow from the same server
// replaces the first.
const (
	// tSubscribers holds every subscriber in one partition, keyed by domain: the
	// fan-out of each relayed activity reads them all.
	tSubscribers = "relay_subscribers"
	// tForwarded remembers the ids of the activities and objects the relay passed on,
	// so that a loop or a redelivery does not re-broadcast, and so that an Update or a
	// Delete is passed on only for an object that was.
	tForwarded = "relay_forwarded"
)

// ForwardedTTL is how long the relay remembers what it passed on.
const ForwardedTTL = 30 * 24 * time.Hour

// Subscriber is one server subscribed to this relay.
type Subscriber struct {
	ID shard.ID `cbor:"1,keyasint"`
	// Domain is the host of the subscriber's actor (with its port, if any).
	Domain string `cbor:"2,keyasint"`
	// Actor is the actor that followed the relay (a server's instance or relay actor).
	Actor string `cbor:"3,keyasint"`
	// Inbox is where relayed activities go: the actor's shared inbox, or its inbox.
	Inbox string `cbor:"4,keyasint"`
	// Protocol is Mastodon when the Follow named the public collection, LitePub when
	// it named the relay's actor.
	Protocol Protocol `cbor:"5,keyasint"`
	// FollowID is the id of the subscriber's Follow, which the Accept or Reject names.
	FollowID  string    `cbor:"6,keyasint,omitempty"`
	State     State     `cbor:"7,keyasint"`
	CreatedAt time.Time `cbor:"8,keyasint"`
}

// Schema of the relay mode's tables, included in Schema.
func subscriberSchema() store.Schema {
	return store.Schema{{Name: tSubscribers}, {Name: tForwarded, TTL: ForwardedTTL}, {Name: tAllowed}}
}

// Subscribe records the Follow of a server: a new subscriber, or the new Follow of a
// known one (its actor, inbox, protocol and Follow replaced), in state st.
func (s *Service) Subscribe(ctx context.Context, sub Subscriber, st State) (*Subscriber, error) {
	old, err := s.Subscriber(ctx, sub.Domain)
	switch {
	case err == nil:
		sub.ID, sub.CreatedAt = old.ID, old.CreatedAt
	case errors.Is(err, ErrNotFound):
		sub.ID, sub.CreatedAt = s.ids.Next(), s.now().UTC()
	default:
		return nil, err
	}
	sub.State = st
	return &sub, s.SaveSubscriber(ctx, &sub)
}

// SaveSubscriber writes a subscriber as it is.
func (s *Service) SaveSubscriber(ctx context.Context, sub *Subscriber) error {
	b, err := store.Marshal(sub)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tSubscribers, allKey, []byte(sub.Domain), b, 0); err != nil {
		return fmt.Errorf("save relay subscriber %s: %w", sub.Domain, err)
	}
	s.cache.invalidate()
	return nil
}

// Subscriber returns the subscriber of a domain.
func (s *Service) Subscriber(ctx context.Context, domain string) (*Subscriber, error) {
	b, err := s.st.Get(ctx, tSubscribers, allKey, []byte(domain))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("relay subscriber %s: %w", domain, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var sub Subscriber
	return &sub, store.Unmarshal(b, &sub)
}

// SubscriberByID returns a subscriber by its id.
func (s *Service) SubscriberByID(ctx context.Context, id shard.ID) (*Subscriber, error) {
	all, err := s.Subscribers(ctx)
	if err != nil {
		return nil, err
	}
	for _, sub := range all {
		if sub.ID == id {
			return sub, nil
		}
	}
	return nil, fmt.Errorf("relay subscriber %d: %w", id, ErrNotFound)
}

// Subscribers returns every subscriber, whatever its state, by domain.
func (s *Service) Subscribers(ctx context.Context) ([]*Subscriber, error) {
	rows, err := s.st.Scan(ctx, tSubscribers, allKey, store.Range{})
	if err != nil {
		return nil, fmt.Errorf("relay subscribers: %w", err)
	}
	out := make([]*Subscriber, 0, len(rows))
	for _, row := range rows {
		var sub Subscriber
		if err := store.Unmarshal(row.Value, &sub); err != nil {
			return nil, err
		}
		out = append(out, &sub)
	}
	return out, nil
}

// Unsubscribe forgets the subscriber of a domain; it is idempotent.
func (s *Service) Unsubscribe(ctx context.Context, domain string) error {
	defer s.cache.invalidate()
	sub, err := s.Subscriber(ctx, domain)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, kind := range []string{ckDelivered, ckFailed} { // its counters stay: never deleted
		if err := s.st.Delete(ctx, tLast, allKey, lastKey(sub.ID, kind)); err != nil {
			return err
		}
	}
	return s.st.Delete(ctx, tSubscribers, allKey, []byte(domain))
}

// Forwarded reports whether the relay passed on an activity or object of this id.
func (s *Service) Forwarded(ctx context.Context, id string) (bool, error) {
	if id == "" {
		return false, nil
	}
	_, err := s.st.Get(ctx, tForwarded, []byte(id), []byte{})
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	}
	return false, fmt.Errorf("relay forwarded %s: %w", id, err)
}

// MarkForwarded remembers ids (empty ones are skipped) as passed on.
func (s *Service) MarkForwarded(ctx context.Context, ids ...string) error {
	for _, id := range ids {
		if id == "" {
			continue
		}
		if err := s.st.Put(ctx, tForwarded, []byte(id), []byte{}, []byte{}, ForwardedTTL); err != nil {
			return fmt.Errorf("relay mark forwarded %s: %w", id, err)
		}
	}
	return nil
}
