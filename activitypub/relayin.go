package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/activitypub/ldsig"
	"github.com/herd-social/herd/relay"
)

// errForged is a relayed activity whose Linked Data signature does not match.
var errForged = errors.New("activitypub: relayed activity with a forged signature")

// relayedTypes are the activities of other servers that a relay forwards and that are
// taken in by fetching their object from its origin when they carry no signature this
// server can check.
var relayedTypes = []string{"Create", "Update", "Announce"}

// relayed decides what to do with an activity that an accepted relay (the HTTP
// signer) forwards for another actor. With a valid Linked Data signature by a key of
// that actor, the activity is taken as the actor's own (the body is returned as it
// is). A signature that is checked and fails is refused (errForged). Without one that
// can be checked, the object a Create, Update or Announce names is fetched from its
// origin by the inbox workers (the body returned is an Announce of it by the relay,
// which the workers treat so); anything else is dropped (nil body).
func (s *Service) relayed(ctx context.Context, r *relay.Relay, body []byte, actor string) ([]byte, error) {
	doc, err := decodeDocument(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	keyID, err := ldsig.Verify(ctx, doc, s.lookupKey)
	switch {
	case err == nil:
		owner, err := s.signerOf(ctx, keyID)
		if err != nil || owner.URI != actor {
			return nil, fmt.Errorf("%w: signed by %s, not by the actor %s", errForged, keyID, actor)
		}
		if !owner.SuspendedAt.IsZero() {
			return nil, nil // as its own POST would be refused
		}
		return body, nil
	case errors.Is(err, ldsig.ErrBadSignature):
		return nil, fmt.Errorf("%w: %s: %v", errForged, str2(doc, "id"), err)
	}
	s.log.Debug("activitypub: relayed activity without a signature to check", "id", str2(doc, "id"), "err", err)
	object := idAny(doc["object"])
	if !slices.Contains(relayedTypes, str2(doc, "type")) || s.remoteURL(object) == "" || s.isLocal(object) {
		return nil, nil
	}
	return json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": str2(doc, "id") + "#relayed", "type": "Announce", "actor": r.Actor, "object": object})
}

// relayActivity applies what an accepted relay's own actor sends: an Announce is the
// relay handing on an object (LitePub's relays, and the objects of activities
// forwarded without a signature to check), which is fetched from its origin and
// stored as its author's status, not as a boost by the relay. handled is false for an
// actor that is no accepted relay, or another activity type.
func (s *Service) relayActivity(ctx context.Context, actor *account.Account, act map[string]any) (bool, error) {
	if s.relays == nil {
		return false, nil
	}
	if str2(act, "type") == "Follow" && idAny(act["object"]) == instanceActorURI(s.opts) {
		return s.relayFollowsBack(ctx, actor, act)
	}
	if str2(act, "type") != "Announce" {
		return false, nil
	}
	if _, err := s.relays.AcceptedByActor(ctx, actor.URI); errors.Is(err, relay.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return true, err
	}
	object := idAny(act["object"])
	if s.remoteURL(object) == "" || s.isLocal(object) {
		return true, fmt.Errorf("%w: relay Announce of %q", ErrInvalid, object)
	}
	if _, err := s.statuses.ByURI(ctx, object); err == nil {
		return true, nil // known already
	}
	doc, err := s.Fetch(ctx, object)
	if err != nil {
		return true, err
	}
	if t := str2(doc, "type"); t == "Create" || t == "Update" {
		// Some relays announce the activity (Mastodon serves a status's Create at
		// its /activity URL): the note is its object, on the same host.
		inner := idAny(doc["object"])
		if !sameHost(inner, object) || s.isLocal(inner) {
			return true, fmt.Errorf("%w: %s names the object %q", ErrInvalid, object, inner)
		}
		if _, err := s.statuses.ByURI(ctx, inner); err == nil {
			return true, nil
		}
		_, err = s.fetchNote(ctx, inner)
		return true, err
	}
	_, err = s.fetchedNote(ctx, object, doc)
	return true, err
}

// relayedBody returns what the inbox queues for an activity whose signer is not its
// actor: the relayed body when the signer is an accepted relay (see relayed), or
// errNotRelay.
func (s *Service) relayedBody(ctx context.Context, signer string, body []byte, actor string) ([]byte, error) {
	if s.relays == nil {
		return nil, errNotRelay
	}
	r, err := s.relays.AcceptedByActor(ctx, signer)
	if errors.Is(err, relay.ErrNotFound) {
		return nil, errNotRelay
	}
	if err != nil {
		return nil, err
	}
	return s.relayed(ctx, r, body, actor)
}

var errNotRelay = errors.New("activitypub: signer is not an accepted relay")

// relayFollowsBack answers the Follow of the instance actor that a LitePub relay
// sends back to its subscribers with an Accept, as Pleroma does; the instance actor
// follows back no one else.
func (s *Service) relayFollowsBack(ctx context.Context, actor *account.Account, act map[string]any) (bool, error) {
	r, err := s.relays.ByActor(ctx, actor.URI)
	if errors.Is(err, relay.ErrNotFound) || (err == nil && r.State == relay.Idle) {
		return true, fmt.Errorf("%w: Follow of the instance actor by %s", ErrUnhandled, actor.URI)
	}
	if err != nil {
		return true, err
	}
	me := instanceActorURI(s.opts)
	accept := map[string]any{"id": me + "#accepts/relays/" + r.ID.String() + "/" + nonce(), "type": "Accept", "actor": me,
		"object": map[string]any{"id": str2(act, "id"), "type": "Follow", "actor": actor.URI, "object": me}}
	return true, s.send(ctx, 0, accept, []string{r.Inbox})
}
