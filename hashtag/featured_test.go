package hashtag_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/shard"
)

// TestFeaturedCounts: an account's use of a tag counts each status once however
// often fan-out reports it, a delete takes it back once, and the latest status left
// gives last_status_at; another account's uses do not count.
func TestFeaturedCounts(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	const alice, bob = shard.ID(7), shard.ID(8)
	day1 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)
	st1, st2 := shard.AtTime(day1)+1, shard.AtTime(day2)+1
	for _, u := range []struct {
		id     shard.ID
		author shard.ID
	}{{st1, alice}, {st2, alice}, {st2, alice}, {st1 + 1, bob}} {
		if err := s.Used(ctx, []string{"cats"}, nil, u.id, u.author); err != nil {
			t.Fatal(err)
		}
	}
	f, err := s.Feature(ctx, alice, "cats")
	if err != nil {
		t.Fatal(err)
	}
	if f.StatusesCount != 2 || !f.LastStatusAt.Equal(day2) || !f.Created {
		t.Fatalf("featured: %+v", f)
	}
	if again, err := s.Feature(ctx, alice, "cats"); err != nil || again.ID != f.ID || again.Created {
		t.Fatalf("featured again: %+v, %v", again, err)
	}
	for range 2 {
		if err := s.Unused(ctx, []string{"cats"}, st2, alice); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.FeaturedTags(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != f.ID || got[0].StatusesCount != 1 || !got[0].LastStatusAt.Equal(day1) {
		t.Fatalf("after the delete: %+v", got)
	}
	if sugg, err := s.Suggestions(ctx, bob); err != nil || !slices.Equal(sugg, []string{"cats"}) {
		t.Fatalf("bob's suggestions %v, %v", sugg, err)
	}
	if sugg, err := s.Suggestions(ctx, alice); err != nil || len(sugg) != 0 {
		t.Fatalf("alice's suggestions once featured %v, %v", sugg, err)
	}
	if _, err := s.RemoveFeatured(ctx, bob, f.ID); !errors.Is(err, hashtag.ErrNotFound) {
		t.Fatalf("bob removes alice's: %v", err)
	}
}
