package timeline_test

import (
	"context"
	"slices"
	"testing"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/timeline"
)

// TestHomeEntriesCarryTheirAuthors: the readers of home drop the entries of muted and
// blocked authors before loading any status, from the author each entry carries, so
// Home must give it for the home partition's own rows and for merged pulls alike.
func TestHomeEntriesCarryTheirAuthors(t *testing.T) {
	ctx := context.Background()
	tl := timeline.New(testStore(t), timeline.Options{})
	const me, alice, bob, hot shard.ID = 1, 2, 3, 4
	if err := tl.AppendHome(ctx, []timeline.Entry{{Account: me, StatusID: 10, Author: alice},
		{Account: me, StatusID: 12, Author: bob}}); err != nil {
		t.Fatal(err)
	}
	if err := tl.Pull(ctx, me, hot, true); err != nil {
		t.Fatal(err)
	}
	recent := func(_ context.Context, follower, author shard.ID, _ paging.Page) ([]shard.ID, error) {
		if follower != me || author != hot {
			t.Errorf("recent(%d, %d)", follower, author)
		}
		return []shard.ID{11}, nil
	}
	got, err := tl.Home(ctx, me, paging.Page{Limit: 20}, recent)
	if err != nil {
		t.Fatal(err)
	}
	want := []timeline.Entry{{Account: me, StatusID: 12, Author: bob}, {Account: me, StatusID: 11, Author: hot},
		{Account: me, StatusID: 10, Author: alice}}
	if !slices.Equal(got, want) {
		t.Fatalf("home %v, want %v", got, want)
	}
}
