package activitypub

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/herd-social/herd/relay"
	"github.com/herd-social/herd/shard"
)

// Relay mode: the instance runs a relay actor (/relay) that other servers subscribe
// to, as they subscribe to pub-relay, ActivityRelay or Aode's relay (FEP-ae0c), and
// passes on the public activities each subscriber sends it to every other one.
// Mastodon subscribes by a Follow of the public collection sent to the relay's inbox,
// LitePub (Pleroma, Akkoma) by a Follow of the relay's actor, which the relay follows
// back. This file holds the actor and the subscriptions; relayforward.go the inbox and
// the fan-out.

// RelayMode configures the relay actor; off by default.
type RelayMode struct {
	// Enabled serves the relay actor and its inbox.
	Enabled bool
	// ManualApproval leaves new subscriptions pending until an admin approves them;
	// otherwise they are accepted at once.
	ManualApproval bool
	// AllowList lets only the domains on the relay's allow list subscribe; a Follow
	// from any other is answered Reject.
	AllowList bool
}

// RelayActorID is the key owner of the relay actor among the local actors' keys (0
// is the instance actor; account ids are time-ordered, far above 1).
const RelayActorID shard.ID = 1

// relayUsername is the relay actor's preferredUsername, found by WebFinger.
const relayUsername = "relay"

func relayActorURI(o Options) string { return baseURL(o) + "/relay" }

// RelaySubscribers is the part of relay.Service that relay mode keeps its
// subscribers and its memory of what it passed on in.
type RelaySubscribers interface {
	Subscribe(ctx context.Context, sub relay.Subscriber, st relay.State) (*relay.Subscriber, error)
	SaveSubscriber(ctx context.Context, sub *relay.Subscriber) error
	Subscriber(ctx context.Context, domain string) (*relay.Subscriber, error)
	SubscriberByID(ctx context.Context, id shard.ID) (*relay.Subscriber, error)
	Subscribers(ctx context.Context) ([]*relay.Subscriber, error)
	Unsubscribe(ctx context.Context, domain string) error
	Forwarded(ctx context.Context, id string) (bool, error)
	MarkForwarded(ctx context.Context, ids ...string) error
	Fanout(ctx context.Context) (*relay.Fanout, error)
	AllowDomain(ctx context.Context, domain string) (*relay.AllowedDomain, error)
	DisallowDomain(ctx context.Context, domain string) error
	AllowedDomains(ctx context.Context) ([]*relay.AllowedDomain, error)
	CountReceived(ctx context.Context, sub *relay.Subscriber) error
	ObserveForwarded(inboxes []string)
	Stats(ctx context.Context, subs []*relay.Subscriber) ([]relay.Stats, error)
}

// errRelayOff is the relay admin of an instance not in relay mode.
var errRelayOff = fmt.Errorf("%w: %w: relay mode is off", ErrNotFound, relay.ErrNotFound)

// RelayEnabled reports whether the instance runs as a relay.
func (s *Service) RelayEnabled() bool { return s.opts.Relay.Enabled && s.subscribers != nil }

// RelayActor is the relay actor's document.
func (s *Service) RelayActor(ctx context.Context) (*Actor, error) {
	if !s.RelayEnabled() {
		return nil, errRelayOff
	}
	pem, err := s.Keys.PublicKeyPEM(ctx, RelayActorID)
	if err != nil {
		return nil, err
	}
	id := relayActorURI(s.opts)
	return &Actor{Context: actorContext, ID: id, Type: "Application", Inbox: id + "/inbox", Outbox: id + "/outbox",
		Followers: id + "/followers", Following: id + "/following", PreferredUsername: relayUsername,
		Name: s.opts.Domain + " relay", Summary: "ActivityPub relay of " + s.opts.Domain, URL: id,
		ManuallyApprovesFollowers: s.opts.Relay.ManualApproval, Published: midnight(time.Unix(0, 0)),
		PublicKey: PublicKey{ID: id + "#main-key", Owner: id, PublicKeyPem: pem},
		Tag:       []any{}, Attachment: []PropertyValue{}, Endpoints: map[string]any{"sharedInbox": id + "/inbox"}}, nil
}

// RelayCollection is one of the relay actor's collections: its outbox and following
// are empty, its followers give only their count (the subscribers are not listed).
func (s *Service) RelayCollection(ctx context.Context, name string) (map[string]any, error) {
	if !s.RelayEnabled() {
		return nil, errRelayOff
	}
	total := 0
	if name == "followers" {
		all, err := s.subscribers.Subscribers(ctx)
		if err != nil {
			return nil, err
		}
		for _, sub := range all {
			if sub.State == relay.Accepted {
				total++
			}
		}
	}
	doc := map[string]any{"@context": collectionContext, "id": relayActorURI(s.opts) + "/" + name,
		"type": "OrderedCollection", "totalItems": total}
	if name != "followers" {
		doc["orderedItems"] = []any{}
	}
	return doc, nil
}

// RelaySubscriberList lists the servers subscribed to the relay, pending ones too.
func (s *Service) RelaySubscriberList(ctx context.Context) ([]*relay.Subscriber, error) {
	if !s.RelayEnabled() {
		return nil, errRelayOff
	}
	return s.subscribers.Subscribers(ctx)
}

// RelaySubscriberStats returns the figures of each subscriber given, in order.
func (s *Service) RelaySubscriberStats(ctx context.Context, subs []*relay.Subscriber) ([]relay.Stats, error) {
	if !s.RelayEnabled() {
		return nil, errRelayOff
	}
	return s.subscribers.Stats(ctx, subs)
}

// ApproveSubscriber accepts a subscription (pending or rejected): the relay answers
// its Follow with Accept and, for LitePub's protocol, follows the subscriber back.
func (s *Service) ApproveSubscriber(ctx context.Context, id shard.ID) (*relay.Subscriber, error) {
	sub, err := s.subscriberByID(ctx, id)
	if err != nil {
		return nil, err
	}
	sub.State = relay.Accepted
	if err := s.subscribers.SaveSubscriber(ctx, sub); err != nil {
		return nil, err
	}
	return sub, s.answerSubscriber(ctx, sub, "Accept")
}

// RejectSubscriber refuses a subscription: its Follow is answered with Reject and
// nothing is relayed to or from it; the record stays, so that an admin sees it.
func (s *Service) RejectSubscriber(ctx context.Context, id shard.ID) (*relay.Subscriber, error) {
	sub, err := s.subscriberByID(ctx, id)
	if err != nil {
		return nil, err
	}
	sub.State = relay.Rejected
	if err := s.subscribers.SaveSubscriber(ctx, sub); err != nil {
		return nil, err
	}
	return sub, s.answerSubscriber(ctx, sub, "Reject")
}

// RemoveSubscriber ends a subscription: its Follow is answered with Reject (so that
// the subscriber stops sending) and the record is forgotten; the server may follow
// again.
func (s *Service) RemoveSubscriber(ctx context.Context, id shard.ID) error {
	sub, err := s.subscriberByID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.subscribers.Unsubscribe(ctx, sub.Domain); err != nil {
		return err
	}
	return s.answerSubscriber(ctx, sub, "Reject")
}

func (s *Service) subscriberByID(ctx context.Context, id shard.ID) (*relay.Subscriber, error) {
	if !s.RelayEnabled() {
		return nil, errRelayOff
	}
	sub, err := s.subscribers.SubscriberByID(ctx, id)
	if errors.Is(err, relay.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return sub, err
}

// answerSubscriber sends the Accept or Reject of a subscriber's Follow, and after an
// Accept the relay's own Follow of a LitePub subscriber.
func (s *Service) answerSubscriber(ctx context.Context, sub *relay.Subscriber, kind string) error {
	me := relayActorURI(s.opts)
	object := Public
	if sub.Protocol == relay.LitePub {
		object = me
	}
	answer := map[string]any{"id": me + "#" + kind + "s/" + sub.ID.String() + "/" + nonce(), "type": kind, "actor": me,
		"object": map[string]any{"id": sub.FollowID, "type": "Follow", "actor": sub.Actor, "object": object}}
	if err := s.send(ctx, RelayActorID, answer, []string{sub.Inbox}); err != nil {
		return fmt.Errorf("relay %s to %s: %w", kind, sub.Domain, err)
	}
	if kind != "Accept" || sub.Protocol != relay.LitePub {
		return nil
	}
	follow := map[string]any{"id": me + "#follows/" + sub.ID.String() + "/" + nonce(), "type": "Follow", "actor": me,
		"object": sub.Actor, "to": []string{sub.Actor}}
	if err := s.send(ctx, RelayActorID, follow, []string{sub.Inbox}); err != nil {
		return fmt.Errorf("relay follow of %s: %w", sub.Domain, err)
	}
	return nil
}

// relaySubscribe records a server's Follow of the relay (object: the public
// collection, or the relay actor), accepted at once unless subscriptions wait for
// an admin. A server the moderators suspended never gets here (the inbox refuses it).
func (s *Service) relaySubscribe(ctx context.Context, act map[string]any) error {
	actorURI := idAny(act["actor"])
	proto := relay.Mastodon
	switch idAny(act["object"]) {
	case Public:
	case relayActorURI(s.opts):
		proto = relay.LitePub
	default:
		return fmt.Errorf("%w: Follow of %q at the relay", ErrUnhandled, idAny(act["object"]))
	}
	actor, err := s.RemoteAccount(ctx, actorURI, false)
	if err != nil {
		return err
	}
	sub := relay.Subscriber{Domain: serverOf(actorURI), Actor: actor.URI, Inbox: inboxOf(actor), Protocol: proto,
		FollowID: str2(act, "id")}
	if ok, err := s.relayAllows(ctx, sub.Domain); err != nil || !ok {
		if err == nil {
			s.log.Info("activitypub: relay subscription refused, not on the allow list", "domain", sub.Domain)
			err = s.answerSubscriber(ctx, &sub, "Reject")
		}
		return err
	}
	state := relay.Accepted
	if s.opts.Relay.ManualApproval {
		// A server accepted before (following again, as Mastodon does when its admin
		// enables the relay anew) is accepted again; any other waits for an admin.
		old, err := s.subscribers.Subscriber(ctx, serverOf(actor.URI))
		if err != nil && !errors.Is(err, relay.ErrNotFound) {
			return err
		}
		if old == nil || old.State != relay.Accepted {
			state = relay.Pending
		}
	}
	saved, err := s.subscribers.Subscribe(ctx, sub, state)
	if err != nil {
		return err
	}
	s.log.Info("activitypub: relay subscription", "domain", saved.Domain, "protocol", saved.Protocol, "state", saved.State)
	if state != relay.Accepted {
		return nil
	}
	return s.answerSubscriber(ctx, saved, "Accept")
}

// relayUnsubscribe applies a subscriber's Undo of its Follow.
func (s *Service) relayUnsubscribe(ctx context.Context, act map[string]any) error {
	actorURI := idAny(act["actor"])
	sub, err := s.subscribers.Subscriber(ctx, serverOf(actorURI))
	if errors.Is(err, relay.ErrNotFound) || (err == nil && sub.Actor != actorURI) {
		return fmt.Errorf("%w: Undo by %s, no subscriber", ErrUnhandled, actorURI)
	}
	if err != nil {
		return err
	}
	inner, _ := act["object"].(map[string]any)
	if idAny(act["object"]) != sub.FollowID && str2(inner, "type") != "Follow" {
		return fmt.Errorf("%w: Undo of %q at the relay", ErrUnhandled, idAny(act["object"]))
	}
	s.log.Info("activitypub: relay unsubscription", "domain", sub.Domain)
	return s.subscribers.Unsubscribe(ctx, sub.Domain)
}

// serverOf is the host (and port) of an actor id in lower case: the key of a
// subscription, one per server.
func serverOf(uri string) string { return strings.ToLower(hostOf(uri)) }
