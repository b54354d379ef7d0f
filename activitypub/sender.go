package activitypub

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Sender sends activities signed by local accounts: the relationship changes a
// remote server must hear of (Follow, Block, Like and their Undo; Accept and Reject of
// a remote Follow; Add and Remove of a pin), the reports forwarded from the instance
// actor (Flag), and, for Service, every other outgoing activity. It needs no inbox,
// so that the action layer, which the inbox applies activities through, can be built
// with it before Service. Service embeds one.
type Sender struct {
	st       store.Store
	accounts Accounts
	statuses Statuses
	delivery Deliverer
	keys     *Keys
	emojis   Emojis
	media    Media
	opts     Options
}

// SenderDeps are what the sender reads and sends through.
type SenderDeps struct {
	// Store keeps the ids of remote Follows (to answer them).
	Store store.Store
	// Accounts names the parties, Statuses the objects of a Flag.
	Accounts Accounts
	Statuses Statuses
	// Deliverer delivers; nil sends nothing.
	Deliverer Deliverer
	// Keys holds the local actors' keys, which actor documents publish.
	Keys *Keys
	// Emojis and Media, if set, give actor documents their emoji and pictures.
	Emojis Emojis
	Media  Media
}

// NewSender returns the sender of the activities of local accounts, which also builds
// their actor documents (an Update of a profile carries one).
func NewSender(d SenderDeps, opts Options) *Sender {
	return &Sender{st: d.Store, accounts: d.Accounts, statuses: d.Statuses, delivery: d.Deliverer, keys: d.Keys,
		emojis: d.Emojis, media: d.Media, opts: opts}
}

// Base is the public base URL, such as https://example.com.
func (s *Sender) Base() string { return baseURL(s.opts) }

// ProfileURL is the web page of a local account.
func (s *Sender) ProfileURL(username string) string {
	return s.Base() + "/@" + url.PathEscape(username)
}

// ActorURI is the id of a local actor.
func (s *Sender) ActorURI(username string) string { return actorURI(s.opts, username) }

func baseURL(o Options) string { return o.Scheme + "://" + o.Domain }

func actorURI(o Options, username string) string {
	return baseURL(o) + "/users/" + url.PathEscape(username)
}

// send delivers an activity signed by a local account to inboxes.
func (s *Sender) send(ctx context.Context, signer shard.ID, act map[string]any, inboxes []string) error {
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
func (s *Sender) sendResponse(ctx context.Context, kind string, local, remote *account.Account, followID string) error {
	me := s.ActorURI(local.Username)
	return s.send(ctx, local.ID, map[string]any{"id": me + "#" + strings.ToLower(kind) + "s/follows/" + remote.ID.String() + "/" + nonce(),
		"type": kind, "actor": me, "object": map[string]any{"id": followID, "type": "Follow", "actor": remote.URI, "object": me}},
		[]string{remote.InboxURL})
}

// Respond sends the Accept or Reject of a remote follower's request that a local
// owner authorized or rejected.
func (s *Sender) Respond(ctx context.Context, local shard.ID, follower shard.ID, accepted bool) error {
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
func (s *Sender) Relate(ctx context.Context, kind string, local, remote shard.ID, object string, undo bool) error {
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

// StatusURI is the id of a local status object.
func (s *Sender) StatusURI(username string, id shard.ID) string {
	return s.ActorURI(username) + "/statuses/" + id.String()
}

// SendFeatured tells the remote followers of a local account that it pinned (Add) or
// unpinned (Remove) one of its statuses: the target is its featured collection, as
// Mastodon's PinsController sends.
func (s *Sender) SendFeatured(ctx context.Context, accountID, statusID shard.ID, pinned bool) error {
	a, err := s.accounts.Get(ctx, accountID)
	if err != nil || !a.Local() {
		return err
	}
	kind := "Remove"
	if pinned {
		kind = "Add"
	}
	actor := s.ActorURI(a.Username)
	inboxes, err := s.followerInboxes(ctx, a.ID)
	if err != nil {
		return err
	}
	act := map[string]any{"id": actor + "#" + strings.ToLower(kind) + "s/featured/" + statusID.String() + "/" + nonce(),
		"type": kind, "actor": actor, "object": s.StatusURI(a.Username, statusID), "target": actor + "/collections/featured"}
	return s.send(ctx, a.ID, act, inboxes)
}

// SendFeaturedTag tells the remote followers of a local account that it featured the
// tag name (Add) or stopped (Remove): the object is the Hashtag and the target its
// featured collection, as Mastodon's AddHashtagSerializer sends.
func (s *Sender) SendFeaturedTag(ctx context.Context, accountID shard.ID, name string, added bool) error {
	a, err := s.accounts.Get(ctx, accountID)
	if err != nil || !a.Local() {
		return err
	}
	kind := "Remove"
	if added {
		kind = "Add"
	}
	actor := s.ActorURI(a.Username)
	inboxes, err := s.followerInboxes(ctx, a.ID)
	if err != nil {
		return err
	}
	act := map[string]any{"id": actor + "#" + strings.ToLower(kind) + "s/featured_tags/" + url.PathEscape(name) + "/" + nonce(),
		"type": kind, "actor": actor, "object": s.hashtag(name), "target": actor + "/collections/featured"}
	return s.send(ctx, a.ID, act, inboxes)
}

// hashtag is the Hashtag object of a tag of this server.
func (s *Sender) hashtag(name string) Tag {
	return Tag{Type: "Hashtag", Href: s.Base() + "/tags/" + name, Name: "#" + name}
}

// followerInboxes lists the distinct inboxes of an account's remote followers,
// shared inboxes first.
func (s *Sender) followerInboxes(ctx context.Context, author shard.ID) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	err := s.eachFollowerPage(ctx, author, func(page map[shard.ID]*account.Account) {
		for _, a := range page {
			if a.Local() || a.Suspended {
				continue
			}
			if in := inboxOf(a); in != "" && !seen[in] {
				seen[in] = true
				out = append(out, in)
			}
		}
	})
	return out, err
}

func (s *Sender) eachFollowerPage(ctx context.Context, author shard.ID, f func(map[shard.ID]*account.Account)) error {
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
