package hashtag_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

func newService(t *testing.T) *hashtag.Service {
	ids, err := shard.NewGenerator(1, shard.DefaultNodeBits, nil)
	if err != nil {
		t.Fatal(err)
	}
	return hashtag.New(testrig.Store(t, hashtag.Schema()...), ids)
}

// TestHistory: uses count once per status and accounts once per day, on the day of
// the status, today first over seven days.
func TestHistory(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	yesterday := now.Add(-24 * time.Hour)
	for _, u := range []struct {
		at     time.Time
		seq    uint64
		author shard.ID
	}{{now, 1, 7}, {now, 2, 7}, {now, 2, 7}, {now, 3, 8}, {yesterday, 1, 9}, {now.Add(-8 * 24 * time.Hour), 1, 9}} {
		id := shard.AtTime(u.at) + shard.ID(u.seq)
		if err := s.Used(ctx, []string{"cats", "dogs"}, nil, id, u.author); err != nil {
			t.Fatal(err)
		}
	}
	days, err := s.History(ctx, "cats", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 7 || !days[0].Day.Equal(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("days %+v", days)
	}
	want := [][2]int64{{3, 2}, {1, 1}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}}
	for i, d := range days {
		if [2]int64{d.Uses, d.Accounts} != want[i] {
			t.Fatalf("day %d: %+v, want uses, accounts %v", i, d, want[i])
		}
	}
}

// TestFollows: following is idempotent, listed newest first, and indexed by tag for
// fan-out; unfollowing undoes all three.
func TestFollows(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	if _, err := s.Follow(ctx, 1, ""); !errors.Is(err, hashtag.ErrNotFound) {
		t.Fatalf("empty name: %v", err)
	}
	cats, err := s.Follow(ctx, 1, "cats")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		account shard.ID
		tag     string
	}{{1, "cats"}, {1, "dogs"}, {2, "cats"}} {
		if _, err := s.Follow(ctx, f.account, f.tag); err != nil {
			t.Fatal(err)
		}
	}
	if again, _ := s.Ensure(ctx, "cats"); again.ID != cats.ID {
		t.Fatalf("tag id changed: %d, then %d", cats.ID, again.ID)
	}
	fs, err := s.Followed(ctx, 1, paging.Page{Limit: 10})
	if err != nil || len(fs) != 2 || fs[0].Tag != "dogs" || fs[1].Tag != "cats" {
		t.Fatalf("followed %+v, %v", fs, err)
	}
	if ids, _ := s.Followers(ctx, "cats"); !slices.Equal(ids, []shard.ID{1, 2}) {
		t.Fatalf("followers of cats %v", ids)
	}
	if _, err := s.Unfollow(ctx, 1, "cats"); err != nil {
		t.Fatal(err)
	}
	on, err := s.Following(ctx, 1, []string{"cats", "dogs", "birds"})
	if err != nil || !slices.Equal(on, []bool{false, true, false}) {
		t.Fatalf("following %v, %v", on, err)
	}
	if ids, _ := s.Followers(ctx, "cats"); !slices.Equal(ids, []shard.ID{2}) {
		t.Fatalf("followers of cats after unfollow %v", ids)
	}
	if fs, _ := s.Followed(ctx, 1, paging.Page{Limit: 10}); len(fs) != 1 || fs[0].Tag != "dogs" {
		t.Fatalf("followed after unfollow %+v", fs)
	}
}
