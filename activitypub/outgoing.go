package activitypub

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
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
	if e.Kind == status.Revoked {
		return s.federateRevoke(ctx, st)
	}
	if !st.Local {
		return nil
	}
	if e.Kind == status.Voted {
		if sent, err := s.countsSentSince(ctx, st.ID, e.CountedAt); sent || err != nil {
			return err
		}
	}
	author, err := s.accounts.Get(ctx, st.AccountID)
	if err != nil {
		return err
	}
	act, err := s.statusActivity(ctx, e.Kind, author, st)
	if err != nil || act == nil {
		return err
	}
	// A poll's voters hear of its changes; its Create goes to its audience alone, however
	// soon a vote arrives after it.
	inboxes, err := s.audience(ctx, author, st, e.Kind != status.Created)
	if err != nil {
		return err
	}
	if inboxes, err = s.withRelays(ctx, st, inboxes); err != nil {
		return err
	}
	if err := s.sendStatusActivity(ctx, author, st, act, inboxes); err != nil || e.Kind != status.Created {
		return err
	}
	return s.requestQuote(ctx, author, st)
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
	case status.Updated, status.Voted, status.PollEnded, status.QuoteStateChanged, status.PolicyChanged:
		n, err := s.note(ctx, author, st)
		if err != nil {
			return nil, err
		}
		id := uri + "#updates/" + fmt.Sprint(st.EditedAt.Unix())
		switch kind {
		case status.Voted, status.PollEnded: // the poll's counts, or its end, sent again
			id = uri + "#updates/votes/" + fmt.Sprint(s.now().UnixMilli())
		case status.QuoteStateChanged, status.PolicyChanged: // its quote, or who may quote it
			id = uri + "#updates/quotes/" + fmt.Sprint(s.now().UnixMilli())
		}
		return map[string]any{"id": id, "type": "Update", "actor": actor, "to": n.To, "cc": n.CC, "object": n}, nil
	}
	n, err := s.note(ctx, author, st)
	if err != nil {
		return nil, err
	}
	return map[string]any{"id": uri + "/activity", "type": "Create", "actor": actor, "published": n.Published,
		"to": n.To, "cc": n.CC, "object": n}, nil
}

// audience lists the distinct inboxes a status goes to: remote followers (shared
// inboxes first) unless it is direct, mentioned remote accounts, the remote author
// of what it replies to or boosts, and with voters its poll's remote voters.
func (s *Service) audience(ctx context.Context, author *account.Account, st *status.Status, voters bool) ([]string, error) {
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
	if voters {
		ids, err := s.statuses.Voters(ctx, st, false) // they see the poll's counts too
		if err != nil {
			return nil, err
		}
		others = append(others, ids...)
	}
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
	if st.Quote != nil && st.Quote.StatusID != 0 { // the quoted author sees the quote, as Mastodon's
		if quoted, err := s.statuses.Get(ctx, st.Quote.StatusID); err == nil {
			others = append(others, quoted.AccountID)
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
