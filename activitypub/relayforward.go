package activitypub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/relay"
)

// RelayTopic carries what the relay's inbox accepted, keyed by the sending server, to
// the workers that subscribe, unsubscribe and fan out (one server's activities keep
// their order, and a loop's copies of one activity meet in one partition).
const RelayTopic = "relay"

// RelayGroup is the consumer group of the relay workers.
const RelayGroup = "relay"

// forwardedTypes are the activities the relay passes on (Mastodon sends Create,
// Update, Delete and Move to relays; LitePub servers send Announce).
var forwardedTypes = []string{"Create", "Announce", "Update", "Delete", "Move"}

// relayInbox verifies and queues one activity POSTed to the relay's inbox: signed (by
// its actor, or by another actor of the actor's server, as a LitePub server's relay
// actor signs for it), from a domain not refused.
func (h *Server) relayInbox(ctx *fasthttp.RequestCtx) {
	if !h.s.RelayEnabled() {
		h.fail(ctx, errRelayOff)
		return
	}
	body, env, actor, ok := h.posted(ctx)
	if !ok {
		return
	}
	if env.Type == "Delete" && idOf(env.Object) == actor {
		// An actor's deletion: the relay passed on no actor, and no key fetch for it.
		ctx.SetStatusCode(202)
		return
	}
	sreq := httpsig.FromFastHTTP(&ctx.Request)
	sreq.Scheme = h.s.opts.Scheme
	fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.s.opts.KeyFetchBudget)
	defer cancel()
	keyID, err := httpsig.Verify(fetchCtx, sreq, h.s.now(), h.s.lookupVerifyKey)
	if err != nil {
		h.reject(ctx, 401, err.Error())
		return
	}
	signer, err := h.s.signerOf(fetchCtx, keyID)
	if err != nil || !sameHost(signer.URI, actor) {
		h.reject(ctx, 401, "Signature does not belong to the activity's server")
		return
	}
	if h.s.onSignedRequest != nil {
		h.s.onSignedRequest(ctx, signer.Domain)
	}
	if err := h.s.bus.Publish(ctx, bus.Message{Topic: RelayTopic, Key: []byte(serverOf(actor)), Value: body}); err != nil {
		h.fail(ctx, err)
		return
	}
	ctx.SetStatusCode(202)
}

// RunRelay applies what the relay's inbox queued until ctx is done.
func (s *Service) RunRelay(ctx context.Context) error {
	return s.bus.Consume(ctx, RelayGroup, RelayTopic, bus.ConsumeOptions{MaxBatch: 32}, s.dead.Handler(RelayGroup, s.relayMessage))
}

func (s *Service) relayMessage(ctx context.Context, m bus.Message) error {
	if !s.RelayEnabled() {
		return nil // relay mode was turned off after it was queued
	}
	act, err := decodeDocument(m.Value)
	if err != nil {
		return bus.Permanent(fmt.Errorf("activitypub: undecodable relayed activity: %w", err))
	}
	switch str2(act, "type") {
	case "Follow":
		err = s.relaySubscribe(ctx, act)
	case "Undo":
		err = s.relayUnsubscribe(ctx, act)
	case "Accept", "Reject":
		return nil // a LitePub subscriber's answer to the relay's Follow: nothing hangs on it
	default:
		err = s.relayForward(ctx, act, m.Value)
	}
	switch {
	case err == nil:
		return nil
	case ignorable(err):
		s.log.Debug("activitypub: relay dropped an activity", "id", str2(act, "id"), "err", err)
		return nil
	case permanent(err):
		return bus.Permanent(err)
	}
	return err
}

// relayForward passes a subscriber's public activity on to every other accepted
// subscriber, once (by activity id): unchanged to Mastodon's protocol when it bears a
// Linked Data signature, which Mastodon checks; else, and always for LitePub's
// protocol, a Create or Announce becomes the relay's Announce of the object, which
// the subscriber fetches from its origin. Update, Delete and Move go unchanged, and
// only for an object the relay passed on.
func (s *Service) relayForward(ctx context.Context, act map[string]any, body []byte) error {
	typ, id, actor := str2(act, "type"), str2(act, "id"), idAny(act["actor"])
	object := idAny(act["object"])
	if !slices.Contains(forwardedTypes, typ) || id == "" || object == "" {
		return fmt.Errorf("%w: %q at the relay", ErrUnhandled, typ)
	}
	from, err := s.subscribers.Subscriber(ctx, serverOf(actor))
	if errors.Is(err, relay.ErrNotFound) || (err == nil && from.State != relay.Accepted) {
		return fmt.Errorf("%w: %s is no subscriber", ErrRefused, serverOf(actor))
	}
	if err != nil {
		return err
	}
	if ok, err := s.relayAllows(ctx, from.Domain); err != nil || !ok {
		return errors.Join(err, fmt.Errorf("%w: %s is not on the allow list", ErrRefused, from.Domain))
	}
	if refused, err := s.refusedDomain(ctx, actor); err != nil || refused {
		return errors.Join(err, fmt.Errorf("%w: %s is not allowed", ErrRefused, serverOf(actor)))
	}
	if done, err := s.subscribers.Forwarded(ctx, id); err != nil || done {
		return err
	}
	if ok, err := s.relayable(ctx, from, act); err != nil || !ok {
		return err
	}
	if err := s.fanOutRelayed(ctx, act, body, from.Domain); err != nil {
		return err
	}
	if err := s.subscribers.CountReceived(ctx, from); err != nil {
		s.log.Warn("activitypub: relay stats", "subscriber", from.Domain, "err", err) // a figure, not worth a retry
	}
	marks := []string{id}
	if typ == "Create" || typ == "Announce" {
		marks = append(marks, object)
	}
	return s.subscribers.MarkForwarded(ctx, marks...)
}

// relayable reports whether an activity of a subscriber is one the relay passes on: a
// public Create or Announce (addressed to the public collection, it or its embedded
// object), an Announce by the subscriber's own actor (a LitePub server's relay actor
// addresses its Announces to its followers, and announces only public objects, which
// the others fetch from their origin), or an Update, Delete or Move of an object (or
// actor) it passed on before.
func (s *Service) relayable(ctx context.Context, from *relay.Subscriber, act map[string]any) (bool, error) {
	switch str2(act, "type") {
	case "Announce":
		if idAny(act["actor"]) == from.Actor {
			return true, nil
		}
		fallthrough
	case "Create":
		obj, _ := act["object"].(map[string]any)
		return addressedToPublic(act) || (obj != nil && addressedToPublic(obj)), nil
	case "Move":
		return addressedToPublic(act), nil
	}
	return s.subscribers.Forwarded(ctx, idAny(act["object"]))
}

func addressedToPublic(m map[string]any) bool {
	isPublic := func(s string) bool { return s == Public || s == "as:Public" || s == "Public" }
	return slices.ContainsFunc(asStrings(m["to"]), isPublic) || slices.ContainsFunc(asStrings(m["cc"]), isPublic)
}

// fanOutRelayed enqueues the relayed activity for every accepted subscriber but the
// origin's server (and those off the allow list, under it), in the body each one's
// protocol takes, signed by the relay actor. The subscribers come from the node's
// copy (relay.Fanout), not read whole from the store each time.
func (s *Service) fanOutRelayed(ctx context.Context, act map[string]any, body []byte, origin string) error {
	f, err := s.subscribers.Fanout(ctx)
	if err != nil {
		return err
	}
	var asIs, wrapped []string
	wrap := str2(act, "type") == "Create" || str2(act, "type") == "Announce"
	_, signed := act["signature"].(map[string]any)
	for _, sub := range f.Accepted {
		switch {
		case sub.Domain == origin || (s.opts.Relay.AllowList && !f.Allowed[sub.Domain]):
		case wrap && (sub.Protocol == relay.LitePub || !signed):
			wrapped = append(wrapped, sub.Inbox)
		default:
			asIs = append(asIs, sub.Inbox)
		}
	}
	s.subscribers.ObserveForwarded(append(slices.Clip(asIs), wrapped...))
	if len(asIs) > 0 {
		if err := s.delivery.Enqueue(ctx, body, RelayActorID, asIs); err != nil {
			return fmt.Errorf("relay %s: %w", str2(act, "id"), err)
		}
	}
	if len(wrapped) == 0 {
		return nil
	}
	announce, err := json.Marshal(s.relayAnnounce(act))
	if err != nil {
		return err
	}
	if err := s.delivery.Enqueue(ctx, announce, RelayActorID, wrapped); err != nil {
		return fmt.Errorf("relay announce of %s: %w", str2(act, "id"), err)
	}
	return nil
}

// relayAnnounce is the relay actor's Announce of what a Create or Announce carries.
// Its id derives from the activity's, so that a retry sends the same one.
func (s *Service) relayAnnounce(act map[string]any) map[string]any {
	me := relayActorURI(s.opts)
	sum := sha256.Sum256([]byte(str2(act, "id")))
	return map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": me + "/announces/" + hex.EncodeToString(sum[:16]), "type": "Announce", "actor": me,
		"object": idAny(act["object"]), "to": []string{me + "/followers"}, "cc": []string{Public},
		"published": s.now().UTC().Format("2006-01-02T15:04:05Z")}
}
