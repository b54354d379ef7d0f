package activitypub

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
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
	body := append([]byte(nil), ctx.PostBody()...)
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Type == "" {
		h.reject(ctx, 400, "Malformed activity")
		return
	}
	actor := idOf(env.Actor)
	if actor == "" || h.s.isLocal(actor) {
		h.reject(ctx, 400, "Activity has no acceptable actor")
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
	fetchCtx, cancel := context.WithTimeout(ctx, h.s.opts.KeyFetchBudget)
	defer cancel()
	keyID, err := httpsig.Verify(fetchCtx, sreq, h.s.now(), h.s.lookupKey)
	if err != nil {
		h.log.Info("activitypub: inbox signature refused", "actor", actor, "err", err)
		h.reject(ctx, 401, err.Error())
		return
	}
	signer, err := h.s.RemoteAccount(fetchCtx, keyID, false)
	if err != nil || signer.URI != actor {
		h.reject(ctx, 401, "Signature does not belong to the activity's actor")
		return
	}
	if h.s.OnSignedRequest != nil {
		h.s.OnSignedRequest(ctx, signer.Domain)
	}
	if err := h.s.bus.Publish(ctx, bus.Message{Topic: InboxTopic, Key: []byte(actor), Value: body}); err != nil {
		h.fail(ctx, err)
		return
	}
	ctx.SetStatusCode(202)
}

func (h *Server) reject(ctx *fasthttp.RequestCtx, code int, msg string) {
	ctx.SetStatusCode(code)
	ctx.SetContentType("application/json; charset=utf-8")
	b, _ := json.Marshal(map[string]string{"error": msg})
	ctx.SetBody(b)
}

// lookupKey finds the public key of a keyId, fetching the actor when needed.
func (s *Service) lookupKey(ctx context.Context, keyID string, refresh bool) (*rsa.PublicKey, error) {
	a, err := s.RemoteAccount(ctx, keyID, refresh)
	if err != nil {
		return nil, err
	}
	if a.PublicKeyID != "" && a.PublicKeyID != keyID && strings.Contains(keyID, "#") {
		return nil, fmt.Errorf("key %s is not the key of %s", keyID, a.URI)
	}
	return httpsig.DecodePublicKeyPEM(a.PublicKeyPEM)
}

// permanent reports whether applying an activity failed for a reason that trying again
// cannot change: it is malformed, names nothing we know, or is not allowed.
func permanent(err error) bool {
	var av *account.Validation
	var sv *status.Validation
	for _, target := range []error{ErrInvalid, ErrNotFound, ErrForbiddenAddress, ErrTooLarge,
		account.ErrNotFound, account.ErrSelf, account.ErrBlocked, status.ErrNotFound, status.ErrForbidden} {
		if errors.Is(err, target) {
			return true
		}
	}
	return errors.As(err, &av) || errors.As(err, &sv)
}

// maxApplyTries bounds how often an activity is tried when it keeps failing for a
// reason that may pass (a peer that does not answer a fetch), as Mastodon's
// processing worker retries 8 times.
const maxApplyTries = 8

// retriedEnough counts a failed try of an activity and reports whether it had its
// share. Counts are per node and kept for the activities being retried only.
func (s *Service) retriedEnough(id string) bool {
	s.tries.Lock()
	defer s.tries.Unlock()
	if s.tries.m == nil || len(s.tries.m) > 10_000 {
		s.tries.m = map[string]int{}
	}
	s.tries.m[id]++
	if s.tries.m[id] >= maxApplyTries {
		delete(s.tries.m, id)
		return true
	}
	return false
}

// RunInbox applies queued activities until ctx is done.
func (s *Service) RunInbox(ctx context.Context) error {
	return s.bus.Consume(ctx, InboxGroup, InboxTopic, bus.ConsumeOptions{MaxBatch: 32}, func(ctx context.Context, msgs []bus.Message) error {
		for _, m := range msgs {
			if err := s.applyOnce(ctx, m.Value); err != nil {
				return err
			}
		}
		return nil
	})
}

// applyOnce applies an activity unless its id was applied before. Activities that can
// never apply (malformed, pointing at nothing) are logged and dropped; failures that
// may pass (a fetch, the store) are returned so the bus delivers them again.
func (s *Service) applyOnce(ctx context.Context, body []byte) error {
	var act map[string]any
	if err := json.Unmarshal(body, &act); err != nil {
		return nil
	}
	id := str2(act, "id")
	if id != "" {
		if _, err := s.st.Get(ctx, tSeen, []byte(id), []byte{}); err == nil {
			return nil
		}
	}
	err := s.apply(ctx, act)
	if err != nil && (permanent(err) || s.retriedEnough(id)) {
		s.log.Info("activitypub: activity dropped", "id", id, "type", act["type"], "err", err)
		err = nil
	}
	if err != nil {
		return err
	}
	if id != "" {
		if err := s.st.Put(ctx, tSeen, []byte(id), []byte{}, []byte{}, 0); err != nil {
			return fmt.Errorf("remember activity %s: %w", id, err)
		}
	}
	return nil
}
