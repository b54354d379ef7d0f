package activitypub

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/herd-social/herd/relay"
	"github.com/herd-social/herd/shard"
)

// Relays is the part of relay.Service that federation keeps its subscriptions in.
type Relays interface {
	Create(ctx context.Context, inbox, actor string, p relay.Protocol) (*relay.Relay, error)
	Save(ctx context.Context, r *relay.Relay) error
	Get(ctx context.Context, id shard.ID) (*relay.Relay, error)
	List(ctx context.Context) ([]*relay.Relay, error)
	Delete(ctx context.Context, id shard.ID) error
	ByFollowID(ctx context.Context, followID string) (*relay.Relay, error)
	ByActor(ctx context.Context, actor string) (*relay.Relay, error)
	AcceptedByActor(ctx context.Context, actor string) (*relay.Relay, error)
	Inboxes(ctx context.Context) ([]string, error)
}

// errNoRelays is the relay admin of a node built without relay records.
var errNoRelays = errors.New("activitypub: relays are not configured")

// relayActorTypes are the actor types a relay's document has (LitePub relays are
// Applications; others name themselves Service or Group).
var relayActorTypes = []string{"Application", "Service", "Group", "Organization", "Person"}

// Relays lists the relays the instance subscribes to, oldest first.
func (s *Service) Relays(ctx context.Context) ([]*relay.Relay, error) {
	if s.relays == nil {
		return nil, errNoRelays
	}
	return s.relays.List(ctx)
}

// AddRelay subscribes to a relay by its inbox URL (Mastodon's protocol) or its actor
// URL (LitePub's, found by the actor document the URL serves): the URL must be https
// (or http where federation over http is allowed) and, unless private addresses are
// allowed, name a public host. The instance actor's Follow is sent at once; the relay
// is pending until it answers.
func (s *Service) AddRelay(ctx context.Context, raw string) (*relay.Relay, error) {
	if s.relays == nil {
		return nil, errNoRelays
	}
	inbox, err := s.checkRelayURL(ctx, strings.TrimSpace(raw))
	if err != nil {
		return nil, err
	}
	actor, proto := "", relay.Mastodon
	doc, ferr := s.Fetch(ctx, inbox)
	switch {
	case ferr == nil && slices.Contains(relayActorTypes, str2(doc, "type")) && str2(doc, "inbox") != "":
		// The URL is a relay's actor: LitePub's protocol, through its inbox.
		if id := str2(doc, "id"); id != inbox || s.remoteURL(str2(doc, "inbox")) == "" || !sameHost(str2(doc, "inbox"), id) {
			return nil, &relay.Validation{Msg: "Inbox url is an actor whose document names another id or inbox"}
		}
		actor, proto, inbox = inbox, relay.LitePub, str2(doc, "inbox")
	case errors.Is(ferr, ErrForbiddenAddress):
		return nil, &relay.Validation{Msg: "Inbox url is not a public address"}
	}
	// Any other answer (a relay's inbox answers GET with 405, or with nothing we read)
	// leaves Mastodon's protocol, whose relay names its actor when it accepts.
	r, err := s.relays.Create(ctx, inbox, actor, proto)
	if err != nil {
		return nil, err
	}
	return s.EnableRelay(ctx, r.ID)
}

// checkRelayURL validates an inbox or actor URL of a relay and returns it cleaned.
func (s *Service) checkRelayURL(ctx context.Context, raw string) (string, error) {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return "", &relay.Validation{Msg: "Inbox url is invalid"}
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && s.opts.Client.AllowHTTP) {
		return "", &relay.Validation{Msg: "Inbox url must be https"}
	}
	clean := s.remoteURL(u.String())
	if clean == "" || s.isLocal(clean) {
		return "", &relay.Validation{Msg: "Inbox url is invalid"}
	}
	if s.opts.Client.AllowPrivate {
		return clean, nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", u.Hostname())
	if err != nil || len(addrs) == 0 {
		return "", &relay.Validation{Msg: "Inbox url names a host that does not resolve"}
	}
	for _, a := range addrs {
		if !publicAddr(a) {
			return "", &relay.Validation{Msg: "Inbox url is not a public address"}
		}
	}
	return clean, nil
}

// relayFollow is the instance actor's Follow of a relay: of the public collection
// (Mastodon's protocol) or of the relay's actor (LitePub's).
func (s *Service) relayFollow(r *relay.Relay) map[string]any {
	object := Public
	if r.Protocol == relay.LitePub {
		object = r.Actor
	}
	return map[string]any{"id": r.FollowID, "type": "Follow", "actor": instanceActorURI(s.opts), "object": object}
}

// EnableRelay sends a new Follow to a relay and makes it pending.
func (s *Service) EnableRelay(ctx context.Context, id shard.ID) (*relay.Relay, error) {
	if s.relays == nil {
		return nil, errNoRelays
	}
	r, err := s.relays.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	r.FollowID = instanceActorURI(s.opts) + "#follows/relays/" + r.ID.String() + "/" + nonce()
	r.State = relay.Pending
	if err := s.relays.Save(ctx, r); err != nil { // before the Follow: its Accept finds it
		return nil, err
	}
	if err := s.send(ctx, 0, s.relayFollow(r), []string{r.Inbox}); err != nil {
		return nil, fmt.Errorf("follow relay %s: %w", r.Inbox, err)
	}
	return r, nil
}

// DisableRelay undoes the Follow of a relay and makes it idle: nothing goes to it
// any more, and what it forwards is refused.
func (s *Service) DisableRelay(ctx context.Context, id shard.ID) (*relay.Relay, error) {
	if s.relays == nil {
		return nil, errNoRelays
	}
	r, err := s.relays.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.State != relay.Idle && r.FollowID != "" {
		follow := s.relayFollow(r)
		undo := map[string]any{"id": r.FollowID + "/undo", "type": "Undo", "actor": instanceActorURI(s.opts), "object": follow}
		if err := s.send(ctx, 0, undo, []string{r.Inbox}); err != nil {
			return nil, fmt.Errorf("unfollow relay %s: %w", r.Inbox, err)
		}
	}
	r.State = relay.Idle
	return r, s.relays.Save(ctx, r)
}

// RemoveRelay disables a relay (its Follow undone) and forgets it.
func (s *Service) RemoveRelay(ctx context.Context, id shard.ID) error {
	if _, err := s.DisableRelay(ctx, id); err != nil {
		return err
	}
	return s.relays.Delete(ctx, id)
}

// relayAnswer applies an Accept or Reject of one of the instance actor's relay
// Follows; handled is false when the activity answers no relay Follow.
func (s *Service) relayAnswer(ctx context.Context, actor string, act map[string]any, accepted bool) (bool, error) {
	followID := idAny(act["object"])
	if s.relays == nil || !strings.HasPrefix(followID, instanceActorURI(s.opts)+"#follows/relays/") {
		return false, nil
	}
	r, err := s.relays.ByFollowID(ctx, followID)
	if errors.Is(err, relay.ErrNotFound) {
		return true, fmt.Errorf("%w: answer to a Follow of a relay no longer followed", ErrNotFound)
	}
	if err != nil {
		return true, err
	}
	if r.Actor == "" { // Mastodon's protocol: the relay names its actor now
		if !sameHost(actor, r.Inbox) {
			return true, fmt.Errorf("%w: %s answers a Follow sent to %s", ErrInvalid, actor, r.Inbox)
		}
		r.Actor = actor
	}
	if r.Actor != actor {
		return true, fmt.Errorf("%w: %s answers the Follow of relay %s", ErrInvalid, actor, r.Actor)
	}
	r.State = relay.Rejected
	if accepted {
		r.State = relay.Accepted
	}
	return true, s.relays.Save(ctx, r)
}
