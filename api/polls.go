package api

import (
	"strconv"
	"time"

	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// Poll is Mastodon's Poll entity.
type Poll struct {
	ID          string       `json:"id"`
	ExpiresAt   *string      `json:"expires_at"`
	Expired     bool         `json:"expired"`
	Multiple    bool         `json:"multiple"`
	VotesCount  int64        `json:"votes_count"`
	VotersCount *int64       `json:"voters_count"`
	Options     []PollOption `json:"options"`
	Emojis      []any        `json:"emojis"`
	// Voted and OwnVotes are the viewer's, absent without a user token.
	Voted    *bool  `json:"voted,omitempty"`
	OwnVotes *[]int `json:"own_votes,omitempty"`
}

// PollOption is one answer of a Poll, with its votes unless the totals are hidden
// until the end.
type PollOption struct {
	Title      string `json:"title"`
	VotesCount *int64 `json:"votes_count"`
}

// pollAsk reads the poll of a new status (poll[options][], poll[expires_in],
// poll[multiple], poll[hide_totals]), or nil when none is asked.
func pollAsk(r *req) (*poll.Ask, error) {
	opts := r.p.list("poll[options]")
	if len(opts) == 0 {
		return nil, nil
	}
	a := &poll.Ask{Options: opts, Multiple: r.p.boolean("poll[multiple]"), HideTotals: r.p.boolean("poll[hide_totals]")}
	if v := r.p.str("poll[expires_in]"); v != "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs < 0 || secs > 1<<32 {
			return nil, httpErr(422, "Validation failed: Poll expires at is not a number")
		}
		a.ExpiresIn = time.Duration(secs) * time.Second
	}
	return a, nil
}

// poll renders the poll of st for the viewer, from its tally and the viewer's choices
// (nil when the viewer has not voted).
func (s *Server) poll(st *status.Status, t poll.Tally, viewer shard.ID, chosen []int, now time.Time) *Poll {
	p := st.Poll
	out := &Poll{ID: st.ID.String(), Expired: p.Expired(now), Multiple: p.Multiple, VotesCount: t.Total(),
		Options: make([]PollOption, len(p.Options)), Emojis: []any{}}
	if !p.ExpiresAt.IsZero() {
		out.ExpiresAt = ptr(datetime(p.ExpiresAt))
	}
	if t.Voters >= 0 {
		out.VotersCount = ptr(t.Voters)
	}
	shown := out.Expired || !p.HideTotals
	for i, o := range p.Options {
		out.Options[i].Title = o
		if shown {
			var n int64
			if i < len(t.Votes) {
				n = t.Votes[i]
			}
			out.Options[i].VotesCount = ptr(n)
		}
	}
	if viewer != 0 {
		out.Voted = ptr(chosen != nil || st.AccountID == viewer)
		out.OwnVotes = ptr(append([]int{}, chosen...))
	}
	return out
}

// getPoll answers GET /api/v1/polls/:id.
func (s *Server) getPoll(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	st, err := s.d.Statuses.Poll(r.context(), r.viewer, id)
	if err != nil {
		return err
	}
	return s.answerPoll(r, st)
}

// vote answers POST /api/v1/polls/:id/votes (choices[]).
func (s *Server) vote(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	var choices []int
	for _, v := range r.p.list("choices") {
		c, err := strconv.Atoi(v)
		if err != nil {
			return httpErr(422, "Validation failed: The chosen vote option does not exist")
		}
		choices = append(choices, c)
	}
	me, err := s.d.Accounts.Get(r.context(), r.viewer)
	if err != nil {
		return err
	}
	st, err := s.d.Actions.Vote(r.context(), me, id, choices)
	if err != nil {
		return err
	}
	if st, err = s.d.Statuses.Get(r.context(), st.ID); err != nil { // with the counts it changed
		return err
	}
	return s.answerPoll(r, st)
}

func (s *Server) answerPoll(r *req, st *status.Status) error {
	tallies, choices, err := s.d.Statuses.Polls(r.context(), r.viewer, []*status.Status{st})
	if err != nil {
		return err
	}
	return r.json(s.poll(st, tallies[st.ID], r.viewer, choices[st.ID], time.Now()))
}
