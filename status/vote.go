package status

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Event kinds of polls.
const (
	// Voted: a vote changed a local poll's tally, and the servers that show it are
	// told (federation sends the poll again).
	Voted = "voted"
	// PollEnded: a poll's end came; its local voters and local author are told, and
	// for a local poll the servers that show it too.
	PollEnded = "poll_ended"
	// Tallied: a remote poll's server published a new tally, now recorded. Nothing
	// is told; the event is there so that every node forgets the status record it
	// keeps for rendering (package recordcache).
	Tallied = "tallied"
)

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
	return st, s.publish(ctx, Event{Kind: Voted, StatusID: st.ID, Author: st.AccountID, CountedAt: s.opts.Now().UnixMilli()})
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
	now := s.opts.Now()
	moved := !st.Poll.ExpiresAt.Equal(q.ExpiresAt)
	// A report that comes after the end it announces (a slow queue, or a poll its
	// server closed early) ends a poll that was still open here: no sweep will.
	endedNow := moved && st.Poll.ExpiresAt.After(now) && !q.ExpiresAt.IsZero() && !q.ExpiresAt.After(now)
	st.Poll.Reported, st.Poll.ExpiresAt = q.Reported, q.ExpiresAt
	if moved {
		if err := s.st.Batch(ctx, s.pollEnd(st)); err != nil {
			return fmt.Errorf("schedule the end of poll %d: %w", st.ID, err)
		}
	}
	if err := s.save(ctx, st); err != nil {
		return err
	}
	if err := s.publish(ctx, Event{Kind: Tallied, StatusID: st.ID, Author: st.AccountID}); err != nil {
		return err
	}
	if endedNow {
		return s.publish(ctx, Event{Kind: PollEnded, StatusID: st.ID, Author: st.AccountID})
	}
	return nil
}

// pollEnd is the mutation that schedules the end of st's poll, if it has one to come.
func (s *Service) pollEnd(st *Status) []store.Mutation {
	if st.Poll == nil || st.Poll.ExpiresAt.IsZero() || !st.Poll.ExpiresAt.After(s.opts.Now()) {
		return nil
	}
	return []store.Mutation{poll.DueMutation(st.ID, st.Poll.ExpiresAt)}
}

// EndPolls raises a PollEnded event for each poll whose end has come, once it is
// published clearing it; it returns how many it ended. An end that an edit moved, or
// of a poll deleted since, is cleared without an event. Consumers are idempotent, so
// that two nodes sweeping at once do no harm.
func (s *Service) EndPolls(ctx context.Context) (int, error) {
	due, err := s.polls.Due(ctx, s.opts.Now())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range due {
		st, err := s.Get(ctx, e.ID)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return n, err
		case st.Poll != nil && st.Poll.ExpiresAt.Equal(e.At):
			if err := s.publish(ctx, Event{Kind: PollEnded, StatusID: st.ID, Author: st.AccountID}); err != nil {
				return n, err
			}
			n++
		}
		if err := s.polls.Ended(ctx, e); err != nil {
			return n, err
		}
	}
	return n, nil
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
	s.cache.Forget(st.ID)
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
