package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// inboxSchema lists the inbox's tables.
func inboxSchema() store.Schema { return store.Schema{{Name: tSeen, TTL: seenTTL}} }

// InboxTopic carries accepted incoming activities, keyed by actor, to the workers
// that apply them.
const InboxTopic = "inbox"

// InboxGroup is the consumer group of the inbox workers.
const InboxGroup = "inbox"

const tSeen = "inbox_seen"

// seenTTL is how long an applied activity id is remembered, so redeliveries are no-ops.
const seenTTL = 7 * 24 * time.Hour

// envelope is what the inbox reads of an activity before accepting it.
type envelope struct {
	ID     string          `json:"id"`
	Type   string          `json:"type"`
	Actor  json.RawMessage `json:"actor"`
	Object json.RawMessage `json:"object"`
}

// idOf reads an id given as a string or as an object with an id.
func idOf(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &o) == nil {
		return o.ID
	}
	return ""
}

// Inbox verifies, accepts and queues one POSTed activity. It answers quickly: the
// activity is applied by the inbox workers.
func (h *Server) inbox(ctx *fasthttp.RequestCtx) {
	body, env, actor, ok := h.posted(ctx)
	if !ok {
		return
	}
	if env.Type == "Delete" && idOf(env.Object) == actor {
		// A deleted actor we never knew: nothing to do, and no fetch to amplify it.
		if _, err := h.s.accounts.ByURI(ctx, actor); err != nil {
			ctx.SetStatusCode(202)
			return
		}
	}
	sreq := httpsig.FromFastHTTP(&ctx.Request)
	sreq.Scheme = h.s.opts.Scheme
	// Not derived from ctx itself: a deadline's timer reads its parent's values, and
	// fasthttp's RequestCtx keeps them in the request, reset once the request ends.
	fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.s.opts.KeyFetchBudget)
	defer cancel()
	keyID, err := httpsig.Verify(fetchCtx, sreq, h.s.now(), h.s.lookupVerifyKey)
	if err != nil {
		h.log.Info("activitypub: inbox signature refused", "actor", actor, "err", err)
		h.reject(ctx, 401, err.Error())
		return
	}
	signer, err := h.s.signerOf(fetchCtx, keyID)
	if err != nil {
		h.reject(ctx, 401, "Signature does not belong to the activity's actor")
		return
	}
	if signer.URI != actor { // a relay's forwarding, or refused (relayin.go)
		if body, err = h.s.relayedBody(fetchCtx, signer.URI, body, actor); err != nil || body == nil {
			h.relayRefused(ctx, actor, err)
			return
		}
	}
	if !signer.SuspendedAt.IsZero() {
		h.reject(ctx, 403, "Account is suspended")
		return
	}
	if h.s.onSignedRequest != nil {
		h.s.onSignedRequest(ctx, signer.Domain)
	}
	if err := h.s.bus.Publish(ctx, bus.Message{Topic: InboxTopic, Key: []byte(actor), Value: body}); err != nil {
		h.fail(ctx, err)
		return
	}
	ctx.SetStatusCode(202)
}

// relayRefused answers a relayed activity that is not queued: 401 when its signer is
// no relay or its signature is forged, 202 when it is dropped (nothing to fetch).
func (h *Server) relayRefused(ctx *fasthttp.RequestCtx, actor string, err error) {
	switch {
	case err == nil:
		ctx.SetStatusCode(202)
	case errors.Is(err, errNotRelay):
		h.reject(ctx, 401, "Signature does not belong to the activity's actor")
	case errors.Is(err, errForged), errors.Is(err, ErrInvalid):
		h.log.Info("activitypub: relayed activity refused", "actor", actor, "err", err)
		h.reject(ctx, 401, "Relayed activity is not authentic")
	default:
		h.fail(ctx, err)
	}
}

// posted reads a POSTed activity, its envelope and its actor, for the inboxes. It
// answers 400 to a malformed activity or one without an acceptable actor, and 403 to
// an actor whose domain is refused; ok is false when it has answered.
func (h *Server) posted(ctx *fasthttp.RequestCtx) (body []byte, env envelope, actor string, ok bool) {
	body = append([]byte(nil), ctx.PostBody()...)
	if err := json.Unmarshal(body, &env); err != nil || env.Type == "" {
		h.reject(ctx, 400, "Malformed activity")
		return nil, env, "", false
	}
	actor = idOf(env.Actor)
	if actor == "" || h.s.isLocal(actor) {
		h.reject(ctx, 400, "Activity has no acceptable actor")
		return nil, env, "", false
	}
	refused, err := h.s.refusedDomain(ctx, actor)
	if err != nil {
		h.fail(ctx, err)
		return nil, env, "", false
	}
	if refused {
		h.reject(ctx, 403, "Domain not allowed")
		return nil, env, "", false
	}
	return body, env, actor, true
}

// refusedDomain reports whether the host of an actor id is suspended by a domain
// block (its own or a parent's) or, in limited-federation mode, not allowed.
func (s *Service) refusedDomain(ctx context.Context, actor string) (bool, error) {
	if s.domains == nil {
		return false, nil
	}
	u, err := url.Parse(actor)
	if err != nil {
		return false, nil // the signature check refuses it
	}
	return s.domains.Refused(ctx, u.Hostname())
}

func (h *Server) reject(ctx *fasthttp.RequestCtx, code int, msg string) {
	ctx.SetStatusCode(code)
	ctx.SetContentType("application/json; charset=utf-8")
	b, _ := json.Marshal(map[string]string{"error": msg})
	ctx.SetBody(b)
}

// permanent reports whether applying an activity failed for a reason that trying again
// cannot change: it is malformed, names nothing we know, or is not allowed.
func permanent(err error) bool {
	var av *account.Validation
	var sv *status.Validation
	if ignorable(err) || errors.As(err, &av) || errors.As(err, &sv) {
		return true
	}
	for _, target := range []error{ErrInvalid, ErrForbiddenAddress, ErrTooLarge} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// ignorable reports whether an activity failed because it has nothing to act on here:
// an object or account we do not know, a blocked actor, a type we do not handle. That
// is ordinary federation traffic (Mastodon sends a Delete of every status to every
// server it ever reached), dropped as Mastodon drops it, not set aside as a dead
// letter.
func ignorable(err error) bool {
	for _, target := range []error{ErrUnhandled, ErrRefused, ErrNotFound, account.ErrNotFound, account.ErrSelf,
		account.ErrBlocked, status.ErrNotFound, status.ErrForbidden} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// RunInbox applies queued activities until ctx is done (inboxapply.go). An activity
// that can never apply, or whose application kept failing for a reason that may pass
// (a peer that does not answer a fetch) for as many tries as Mastodon's processing
// worker makes (8), is set aside as a dead letter.
func (s *Service) RunInbox(ctx context.Context) error {
	return s.bus.Consume(ctx, InboxGroup, InboxTopic, bus.ConsumeOptions{MaxBatch: 32}, syncedOnce(s.applyBatch))
}

// syncedOnce makes the store writes of a batch durable together, once, before the bus
// commits the batch (store.Defer), rather than each write on its own: a status
// created from an activity was three synced writes (its URI, its rows, its event),
// now the event's publish syncs what came before it. A crash before the sync
// delivers the batch again, and applying an activity again changes nothing
// (inbox_seen, and status.CreateRemote's URI reservation).
func syncedOnce(h bus.Handler) bus.Handler {
	return func(ctx context.Context, msgs []bus.Message) error {
		dctx, d := store.Defer(ctx)
		if err := h(dctx, msgs); err != nil {
			return errors.Join(err, d.Sync(ctx))
		}
		return d.Sync(ctx)
	}
}
