package activitypub

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/visibility"
)

// OutboxGroup is the consumer group that turns local status events into deliveries.
const OutboxGroup = "federation"

const tFollowIDs = "ap_follow_ids"

// Deliverer is the part of the delivery service that federation needs.
type Deliverer interface {
	Enqueue(ctx context.Context, activity []byte, signer shard.ID, inboxes []string) error
}

func followKey(follower, target shard.ID) []byte { return append(follower.Bytes(), target.Bytes()...) }

// remember keeps the id of a remote Follow, to answer it later (locked accounts).
func (s *Service) remember(ctx context.Context, key []byte, activityID string) error {
	if activityID == "" {
		return nil
	}
	if err := s.st.Put(ctx, tFollowIDs, key, []byte{}, []byte(activityID), 0); err != nil {
		return fmt.Errorf("remember follow %s: %w", activityID, err)
	}
	return nil
}

// recall finds the local follower of one of our own Follow activity ids, which are
// `<actor>#follows/<target id>`.
func (s *Service) recall(_ context.Context, activityID string) string {
	actor, _, ok := strings.Cut(activityID, "#follows/")
	if !ok || !s.isLocal(actor) {
		return ""
	}
	return actor
}

// send delivers an activity signed by a local account to inboxes.
func (s *Service) send(ctx context.Context, signer shard.ID, act map[string]any, inboxes []string) error {
	if len(inboxes) == 0 || s.delivery == nil {
		return nil
	}
	act["@context"] = noteContext // defines sensitive, atomUri and the rest Notes use
	b, err := json.Marshal(act)
	if err != nil {
		return err
	}
	return s.delivery.Enqueue(ctx, b, signer, inboxes)
}

func inboxOf(a *account.Account) string {
	if a.SharedInboxURL != "" {
		return a.SharedInboxURL
	}
	return a.InboxURL
}

// sendResponse answers a remote Follow with Accept or Reject.
func (s *Service) sendResponse(ctx context.Context, kind string, local, remote *account.Account, followID string) error {
	me := s.ActorURI(local.Username)
	return s.send(ctx, local.ID, map[string]any{"id": me + "#" + strings.ToLower(kind) + "s/follows/" + remote.ID.String() + "/" + nonce(),
		"type": kind, "actor": me, "object": map[string]any{"id": followID, "type": "Follow", "actor": remote.URI, "object": me}},
		[]string{remote.InboxURL})
}

// Respond sends the Accept or Reject of a remote follower's request that a local
// owner authorized or rejected.
func (s *Service) Respond(ctx context.Context, local shard.ID, follower shard.ID, accepted bool) error {
	remote, err := s.accounts.Get(ctx, follower)
	if err != nil || remote.Local() {
		return err
	}
	me, err := s.accounts.Get(ctx, local)
	if err != nil {
		return err
	}
	id, err := s.st.Get(ctx, tFollowIDs, followKey(remote.ID, local), []byte{})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	kind := "Reject"
	if accepted {
		kind = "Accept"
	}
	return s.sendResponse(ctx, kind, me, remote, string(id))
}

// Relate tells a remote account of a local relationship change: kind is Follow,
// Block, or Like (object is the liked status URI), undone when undo is set.
func (s *Service) Relate(ctx context.Context, kind string, local, remote shard.ID, object string, undo bool) error {
	them, err := s.accounts.Get(ctx, remote)
	if err != nil || them.Local() {
		return err
	}
	me, err := s.accounts.Get(ctx, local)
	if err != nil {
		return err
	}
	actor := s.ActorURI(me.Username)
	if object == "" {
		object = them.URI
	}
	// Ids are fresh each time: peers apply an activity id once, and a follow may be
	// undone and made again.
	act := map[string]any{"id": actor + "#" + strings.ToLower(kind) + "s/" + them.ID.String() + "/" + nonce(), "type": kind,
		"actor": actor, "object": object}
	if kind == "Like" {
		act["id"] = actor + "#likes/" + shortHash(object) + "/" + nonce()
	}
	if undo {
		act = map[string]any{"id": act["id"].(string) + "/undo", "type": "Undo", "actor": actor, "object": act}
	}
	return s.send(ctx, local, act, []string{them.InboxURL})
}

// nonce makes activity ids unique.
func nonce() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported platforms
	return hex.EncodeToString(b)
}

// shortHash names an object in an activity id.
func shortHash(s string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return fmt.Sprintf("%x", h)
}

// RunOutbox turns local status events into deliveries until ctx is done. An event
// that can never be federated (undecodable, naming a record that cannot be decoded or
// an author that is gone) is set aside as a dead letter.
func (s *Service) RunOutbox(ctx context.Context) error {
	return s.bus.Consume(ctx, OutboxGroup, status.Topic, bus.ConsumeOptions{}, s.dead.Handler(OutboxGroup, s.federateMessage))
}

func (s *Service) federateMessage(ctx context.Context, m bus.Message) error {
	e, err := status.DecodeEvent(m)
	if err != nil {
		return fmt.Errorf("activitypub: status event: %w", err)
	}
	if err := s.federate(ctx, e); err != nil {
		err = fmt.Errorf("activitypub: federate %s %d: %w", e.Kind, e.StatusID, err)
		if permanent(err) {
			return bus.Permanent(err)
		}
		return err
	}
	return nil
}

func (s *Service) federate(ctx context.Context, e status.Event) error {
	st := e.Status
	if st == nil {
		got, err := s.statuses.Get(ctx, e.StatusID)
		if errors.Is(err, status.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		st = got
	}
	if !st.Local {
		return nil
	}
	author, err := s.accounts.Get(ctx, st.AccountID)
	if err != nil {
		return err
	}
	act, err := s.statusActivity(ctx, e.Kind, author, st)
	if err != nil || act == nil {
		return err
	}
	inboxes, err := s.audience(ctx, author, st)
	if err != nil {
		return err
	}
	return s.send(ctx, author.ID, act, inboxes)
}

// statusActivity is the activity of a status event.
func (s *Service) statusActivity(ctx context.Context, kind string, author *account.Account, st *status.Status) (map[string]any, error) {
	actor := s.ActorURI(author.Username)
	uri := s.StatusURI(author.Username, st.ID)
	if st.ReblogOfID != 0 {
		orig, err := s.objectURI(ctx, st.ReblogOfID)
		if err != nil {
			return nil, nil // the original is gone
		}
		ann := map[string]any{"id": uri + "/activity", "type": "Announce", "actor": actor, "object": orig,
			"published": st.CreatedAt.UTC().Format(timeFormat), "to": []string{Public}, "cc": []string{actor + "/followers"}}
		if kind == status.Deleted {
			return map[string]any{"id": uri + "#undo", "type": "Undo", "actor": actor, "object": ann}, nil
		}
		return ann, nil
	}
	switch kind {
	case status.Deleted:
		return map[string]any{"id": uri + "#delete", "type": "Delete", "actor": actor,
			"object": map[string]any{"id": uri, "type": "Tombstone", "atomUri": uri}, "to": []string{Public}}, nil
	case status.Updated:
		n, err := s.note(ctx, author, st)
		if err != nil {
			return nil, err
		}
		return map[string]any{"id": uri + "#updates/" + fmt.Sprint(st.EditedAt.Unix()), "type": "Update",
			"actor": actor, "to": n.To, "cc": n.CC, "object": n}, nil
	}
	n, err := s.note(ctx, author, st)
	if err != nil {
		return nil, err
	}
	return map[string]any{"id": uri + "/activity", "type": "Create", "actor": actor, "published": n.Published,
		"to": n.To, "cc": n.CC, "object": n}, nil
}

// audience lists the distinct inboxes a status goes to: remote followers (shared
// inboxes first) unless it is direct, mentioned remote accounts, and the remote author
// of what it replies to or boosts.
func (s *Service) audience(ctx context.Context, author *account.Account, st *status.Status) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(a *account.Account) {
		if a == nil || a.Local() || a.Suspended {
			return
		}
		if in := inboxOf(a); in != "" && !seen[in] {
			seen[in] = true
			out = append(out, in)
		}
	}
	others := append([]shard.ID{}, st.Mentions...)
	for _, id := range []shard.ID{st.InReplyToAccountID} {
		if id != 0 {
			others = append(others, id)
		}
	}
	if st.ReblogOfID != 0 {
		if orig, err := s.statuses.Get(ctx, st.ReblogOfID); err == nil {
			others = append(others, orig.AccountID)
		}
	}
	accs, err := s.accounts.GetMany(ctx, others)
	if err != nil {
		return nil, err
	}
	for _, a := range accs {
		add(a)
	}
	if !visibility.ToFollowers(st) {
		return out, nil
	}
	err = s.eachFollowerPage(ctx, author.ID, func(page map[shard.ID]*account.Account) {
		for _, a := range page {
			add(a)
		}
	})
	return out, err
}

func (s *Service) eachFollowerPage(ctx context.Context, author shard.ID, f func(map[shard.ID]*account.Account)) error {
	var cursor shard.ID
	for {
		ids, next, err := s.accounts.FollowerIDs(ctx, author, cursor, 1000)
		if err != nil {
			return err
		}
		accs, err := s.accounts.GetMany(ctx, ids)
		if err != nil {
			return err
		}
		f(accs)
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// SignPost signs an outgoing delivery as the local account signer (zero: the
// instance actor), for the delivery service.
func (s *Service) SignPost(ctx context.Context, req *http.Request, body []byte, signer shard.ID) error {
	keyID := s.InstanceActorURI() + "#main-key"
	if signer != 0 {
		a, err := s.accounts.Get(ctx, signer)
		if err != nil {
			return err
		}
		keyID = s.ActorURI(a.Username) + "#main-key"
	}
	key, err := s.PrivateKey(ctx, signer)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", s.userAgent())
	return httpsig.Sign(req, body, keyID, key, s.now())
}
