package status

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Voted is the event kind of a vote on a local poll: its tally changed, and the
// servers that show it are told (federation sends the poll again).
const Voted = "voted"

// Poll returns the status whose poll has the id (a poll's id is its status's) if the
// viewer may see it, or ErrNotFound.
func (s *Service) Poll(ctx context.Context, viewer, id shard.ID) (*Status, error) {
	st, err := s.Visible(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	if st.Poll == nil || st.ReblogOfID != 0 {
		return nil, fmt.Errorf("poll %d: %w", id, ErrNotFound)
	}
	return st, nil
}

// Vote casts voter's choices (option indexes) on the poll of status id, as Mastodon's
// VoteService: once per account, not on one's own poll nor after the poll ended. A
// vote on a local poll raises a Voted event; one on a remote poll is added to the
// tally its server reported until that server reports again. It returns the status,
// its tally updated. Both doors call it: a local account's vote from the API, and a
// peer's vote arriving in the inbox.
func (s *Service) Vote(ctx context.Context, voter, id shard.ID, choices []int, local bool) (*Status, error) {
	st, err := s.Poll(ctx, voter, id)
	if err != nil {
		return nil, err
	}
	if st.AccountID == voter {
		return nil, invalid("You cannot vote in your own polls")
	}
	if err := s.polls.Cast(ctx, st.ID, st.Poll, voter, choices, local, s.opts.Now()); err != nil {
		return nil, err
	}
	if st.Poll.Reported != nil {
		return st, s.countReported(ctx, st, choices)
	}
	return st, s.publish(ctx, Event{Kind: Voted, StatusID: st.ID, Author: st.AccountID})
}

// countReported adds a local vote to a remote poll's reported tally, as Mastodon
// does, so that the voter sees it counted before the poll's server reports again.
func (s *Service) countReported(ctx context.Context, st *Status, choices []int) error {
	t := st.Poll.Reported
	for _, c := range choices {
		t.Votes[c]++
	}
	if t.Voters >= 0 {
		t.Voters++
	}
	return s.save(ctx, st)
}

// RecordTally records the tally a remote poll's server published (from an Update of its
// Question), when the question is still the one stored.
func (s *Service) RecordTally(ctx context.Context, st *Status, q *poll.Poll) error {
	if st.Local || st.Poll == nil || q.Reported == nil || !st.Poll.SameQuestion(q) {
		return nil
	}
	st.Poll.Reported, st.Poll.ExpiresAt = q.Reported, q.ExpiresAt
	return s.save(ctx, st)
}

// save writes a changed status record.
func (s *Service) save(ctx context.Context, st *Status) error {
	b, err := store.Marshal(st)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tStatuses, st.ID.Bytes(), empty, b, 0); err != nil {
		return fmt.Errorf("save status %d: %w", st.ID, err)
	}
	return nil
}

// Polls returns the tallies of the polls of sts, and the choices of viewer (when not
// zero) on those it voted on, keyed by status id.
func (s *Service) Polls(ctx context.Context, viewer shard.ID, sts []*Status) (map[shard.ID]poll.Tally, map[shard.ID][]int, error) {
	polls := map[shard.ID]*poll.Poll{}
	for _, st := range sts {
		if st.Poll != nil {
			polls[st.ID] = st.Poll
		}
	}
	if len(polls) == 0 {
		return nil, nil, nil
	}
	tallies, err := s.polls.Tallies(ctx, polls)
	if err != nil || viewer == 0 {
		return tallies, nil, err
	}
	choices, err := s.polls.Choices(ctx, viewer, polls)
	return tallies, choices, err
}

// Voters returns the accounts that voted in the poll of st, the local ones only when
// localOnly.
func (s *Service) Voters(ctx context.Context, st *Status, localOnly bool) ([]shard.ID, error) {
	if st.Poll == nil {
		return nil, nil
	}
	return s.polls.Voters(ctx, st.ID, st.Poll, localOnly)
}
