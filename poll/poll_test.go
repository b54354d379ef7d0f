package poll_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

var now = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func TestNewKeepsMastodonsLimits(t *testing.T) {
	l := poll.Limits{}
	p, err := l.New(poll.Ask{Options: []string{" tea ", "coffee"}, ExpiresIn: time.Hour, HideTotals: true}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Options, []string{"tea", "coffee"}) || !p.ExpiresAt.Equal(now.Add(time.Hour)) || !p.HideTotals || p.Multiple {
		t.Fatalf("poll %+v", p)
	}
	for _, tc := range []struct {
		ask  poll.Ask
		want string
	}{
		{poll.Ask{Options: []string{"a"}, ExpiresIn: time.Hour}, "more than one item"},
		{poll.Ask{Options: []string{"a", "b", "c", "d", "e"}, ExpiresIn: time.Hour}, "more than 4 items"},
		{poll.Ask{Options: []string{"a", " "}, ExpiresIn: time.Hour}, "can't be blank"},
		{poll.Ask{Options: []string{"a", " a"}, ExpiresIn: time.Hour}, "duplicate"},
		{poll.Ask{Options: []string{"a", strings.Repeat("é", 51)}, ExpiresIn: time.Hour}, "longer than 50"},
		{poll.Ask{Options: []string{"a", "b"}, ExpiresIn: 4 * time.Minute}, "too soon"},
		{poll.Ask{Options: []string{"a", "b"}, ExpiresIn: 32 * 24 * time.Hour}, "too far"},
	} {
		_, err := l.New(tc.ask, now)
		var v *poll.Validation
		if !errors.As(err, &v) || !strings.Contains(v.Msg, tc.want) {
			t.Errorf("%+v: %v, want %q", tc.ask, err, tc.want)
		}
	}
	if _, err := l.New(poll.Ask{Options: []string{"a", strings.Repeat("é", 50)}, ExpiresIn: 5 * time.Minute}, now); err != nil {
		t.Errorf("at the limits: %v", err)
	}
}

func TestCastCountsOnceAndTallies(t *testing.T) {
	ctx := t.Context()
	s := poll.New(testrig.Store(t, poll.Schema()...))
	single := &poll.Poll{Options: []string{"a", "b"}, ExpiresAt: now.Add(time.Hour)}
	multi := &poll.Poll{Options: []string{"x", "y", "z"}, Multiple: true, ExpiresAt: now.Add(time.Hour)}
	const sid, mid = shard.ID(100), shard.ID(200)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Cast(ctx, sid, single, 1, []int{1}, true, now))
	must(s.Cast(ctx, sid, single, 2, []int{1}, false, now))
	if err := s.Cast(ctx, sid, single, 1, []int{0}, true, now); !errors.Is(err, poll.ErrAlreadyVoted) {
		t.Fatalf("second vote: %v", err)
	}
	if err := s.Cast(ctx, sid, single, 3, []int{0}, true, now.Add(time.Hour)); err == nil {
		t.Fatal("a vote after the end was counted")
	}
	must(s.Cast(ctx, mid, multi, 1, []int{0, 2}, true, now))
	must(s.Cast(ctx, mid, multi, 1, []int{1}, true, now)) // a peer sends one choice at a time
	if err := s.Cast(ctx, mid, multi, 1, []int{2}, true, now); !errors.Is(err, poll.ErrAlreadyVoted) {
		t.Fatalf("repeated choice: %v", err)
	}
	remote := &poll.Poll{Options: []string{"p", "q"}, Reported: &poll.Tally{Votes: []int64{5, 7}, Voters: -1}}
	tallies, err := s.Tallies(ctx, map[shard.ID]*poll.Poll{sid: single, mid: multi, 300: remote})
	must(err)
	for id, want := range map[shard.ID]poll.Tally{sid: {Votes: []int64{0, 2}, Voters: 2},
		mid: {Votes: []int64{1, 1, 1}, Voters: 1}, 300: {Votes: []int64{5, 7}, Voters: -1}} {
		if got := tallies[id]; !slices.Equal(got.Votes, want.Votes) || got.Voters != want.Voters {
			t.Errorf("poll %d: tally %+v, want %+v", id, got, want)
		}
	}
	choices, err := s.Choices(ctx, 1, map[shard.ID]*poll.Poll{sid: single, mid: multi})
	must(err)
	if !slices.Equal(choices[sid], []int{1}) || !slices.Equal(choices[mid], []int{0, 2, 1}) {
		t.Fatalf("choices %v", choices)
	}
	local, err := s.Voters(ctx, sid, single, true)
	must(err)
	all, err := s.Voters(ctx, sid, single, false)
	must(err)
	if !slices.Equal(local, []shard.ID{1}) || !slices.Equal(all, []shard.ID{1, 2}) {
		t.Fatalf("voters: local %v, all %v", local, all)
	}
	// An edit of the question starts a new round: nothing of the old one counts.
	edited := &poll.Poll{Options: []string{"a", "b", "c"}, ExpiresAt: now.Add(time.Hour), Round: 1}
	must(s.Cast(ctx, sid, edited, 1, []int{2}, true, now))
	tallies, err = s.Tallies(ctx, map[shard.ID]*poll.Poll{sid: edited})
	must(err)
	if got := tallies[sid]; !slices.Equal(got.Votes, []int64{0, 0, 1}) || got.Voters != 1 {
		t.Fatalf("after the edit: %+v", got)
	}
}
