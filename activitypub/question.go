package activitypub

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/text"
)

// maxRemoteOptions bounds the options read from a remote Question (Mastodon's own
// limit is 4; other servers allow more, none this many).
const maxRemoteOptions = 64

// Option is one answer of a Question, with its vote count.
type Option struct {
	Type    string `json:"type"`
	Name    string `json:"name"`
	Replies Count  `json:"replies"`
}

// question makes n, the object of a status with a poll, a Question as Mastodon's:
// the options under oneOf (single choice) or anyOf, endTime, closed once ended, and
// the counts.
func (s *Service) question(ctx context.Context, n *Note, st *status.Status) error {
	tallies, _, err := s.statuses.Polls(ctx, 0, []*status.Status{st})
	if err != nil {
		return err
	}
	t, p := tallies[st.ID], st.Poll
	n.Type = "Question"
	opts := make([]Option, len(p.Options))
	for i, o := range p.Options {
		opts[i] = Option{Type: "Note", Name: o, Replies: Count{Type: "Collection"}}
		if i < len(t.Votes) {
			opts[i].Replies.TotalItems = t.Votes[i]
		}
	}
	if p.Multiple {
		n.AnyOf = opts
	} else {
		n.OneOf = opts
	}
	if !p.ExpiresAt.IsZero() {
		n.EndTime = p.ExpiresAt.UTC().Format(timeFormat)
		if p.Expired(s.now()) {
			n.Closed = n.EndTime
		}
	}
	n.VotersCount = &t.Voters
	return nil
}

// readQuestion reads the poll of a remote Question, or nil for any other object.
func readQuestion(obj map[string]any) *poll.Poll {
	if str2(obj, "type") != "Question" {
		return nil
	}
	p := &poll.Poll{}
	choices := asList(obj["oneOf"])
	if any := asList(obj["anyOf"]); len(any) > 0 {
		p.Multiple, choices = true, any
	}
	t := &poll.Tally{Voters: -1}
	for _, c := range choices {
		m, _ := c.(map[string]any)
		name := text.PlainText(str2(m, "name"))
		if name == "" || slices.Contains(p.Options, name) || len(p.Options) == maxRemoteOptions {
			continue
		}
		p.Options = append(p.Options, name)
		replies, _ := m["replies"].(map[string]any)
		t.Votes = append(t.Votes, max(0, int64From(replies["totalItems"])))
	}
	if len(p.Options) == 0 {
		return nil
	}
	if v, ok := obj["votersCount"]; ok {
		t.Voters = max(0, int64From(v))
	}
	p.Reported = t
	for _, key := range []string{"endTime", "closed"} {
		if at, err := time.Parse(time.RFC3339, str2(obj, key)); err == nil {
			p.ExpiresAt = at.UTC()
			break
		}
	}
	return p
}

// int64From reads a JSON number; anything else is 0.
func int64From(v any) int64 {
	f, _ := v.(float64)
	if f > 1e15 {
		return 0
	}
	return int64(f)
}

// applyVote counts a peer's vote on a local poll: a Note naming one option, in reply
// to the poll's status, as Mastodon sends one per choice. It reports whether obj was
// a vote.
func (s *Service) applyVote(ctx context.Context, actor *account.Account, obj map[string]any) (bool, error) {
	name, parent := str2(obj, "name"), idAny(obj["inReplyTo"])
	if name == "" || parent == "" || !s.isLocal(parent) || contentOf(obj) != "" {
		return false, nil
	}
	st, err := s.localStatus(ctx, parent)
	if err != nil || st.Poll == nil {
		return false, nil // a reply to something else: an ordinary note
	}
	choice := slices.Index(st.Poll.Options, name)
	if choice < 0 {
		return false, nil
	}
	_, err = s.actions.Vote(ctx, actor, st.ID, []int{choice})
	var v *poll.Validation
	if errors.As(err, &v) || errors.Is(err, status.ErrNotFound) {
		// Ended, already counted, or not the voter's to see: Mastodon drops it too.
		s.log.Info("activitypub: vote refused", "actor", actor.URI, "status", st.ID, "err", err)
		return true, nil
	}
	return true, err
}

// SendVote sends a local account's vote on a remote poll to the poll's author: one
// Create of a Note per choice, naming the option, as Mastodon sends them.
func (s *Sender) SendVote(ctx context.Context, voter shard.ID, st *status.Status, choices []int) error {
	author, err := s.accounts.Get(ctx, st.AccountID)
	if err != nil || author.Local() || st.Poll == nil {
		return err
	}
	me, err := s.accounts.Get(ctx, voter)
	if err != nil {
		return err
	}
	actor := s.ActorURI(me.Username)
	for _, c := range choices {
		id := actor + "#votes/" + st.ID.String() + "/" + fmt.Sprint(c) + "/" + nonce()
		note := map[string]any{"id": id, "type": "Note", "name": st.Poll.Options[c], "attributedTo": actor,
			"inReplyTo": st.URI, "to": []string{author.URI}}
		act := map[string]any{"id": id + "/activity", "type": "Create", "actor": actor, "to": []string{author.URI},
			"object": note}
		if err := s.send(ctx, voter, act, []string{author.InboxURL}); err != nil {
			return err
		}
	}
	return nil
}

// tCountsSent remembers when a local poll's counts were last read to be sent.
const tCountsSent = "poll_counts_sent"

// countsSentSince reports whether the counts of a local poll were read to be sent at
// or after a vote counted at countedAt (Unix ms), which its Voted event would send
// again; otherwise it records that they are read now. The events of one author come
// in order to one consumer, so a burst of votes that the consumer meets late is sent
// once, with every vote of the burst counted, where Mastodon waits three minutes to
// send once.
func (s *Service) countsSentSince(ctx context.Context, id shard.ID, countedAt int64) (bool, error) {
	b, err := s.st.Get(ctx, tCountsSent, id.Bytes(), []byte{})
	if err == nil && len(b) == 8 && int64(binary.BigEndian.Uint64(b)) > countedAt {
		return true, nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, fmt.Errorf("activitypub: read when poll %d was sent: %w", id, err)
	}
	now := binary.BigEndian.AppendUint64(nil, uint64(s.now().UnixMilli()))
	if err := s.st.Put(ctx, tCountsSent, id.Bytes(), []byte{}, now, 0); err != nil {
		return false, fmt.Errorf("activitypub: record when poll %d was sent: %w", id, err)
	}
	return false, nil
}
