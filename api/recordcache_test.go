package api_test

import (
	"context"
	"fmt"
	"html"
	"testing"
	"unicode/utf8"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/search/indexer"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/testrig"
)

// The records that renderers share (status.Service.Cached, account.Service.Cached)
// must never show a write late to the client that made it, on its node, and must
// show other nodes' writes once the event log brings them.

// firstHome is the newest status of u's home, failing when there is none.
func firstHome(t *testing.T, u *testrig.User) testrig.Status {
	t.Helper()
	home := u.Home(nil)
	if len(home) == 0 {
		t.Fatal("home is empty")
	}
	return home[0]
}

// cachedPost has bob follow alice and alice post, and returns once bob's home has
// shown the post: its status and author are in the node's caches then.
func cachedPost(t *testing.T) (c *testrig.Cluster, alice, bob *testrig.User, st testrig.Status) {
	t.Helper()
	c = testrig.New(t)
	alice, bob = c.Register("alice"), c.Register("bob")
	bob.Follow(alice)
	st = alice.PostStatus("first version")
	testrig.Eventually(t, "fan-out", func() error {
		if home := bob.Home(nil); len(home) == 0 || home[0].ID != st.ID {
			return fmt.Errorf("home holds %d statuses, not the post first", len(home))
		}
		return nil
	})
	firstHome(t, bob) // the records are kept now
	return c, alice, bob, st
}

// TestRecordCacheReadsOwnWrites reads a status and its author into the node's cache
// (a home page), then changes each and reads again at once, without waiting.
func TestRecordCacheReadsOwnWrites(t *testing.T) {
	_, alice, bob, st := cachedPost(t)

	alice.Edit(st.ID, "second version")
	if got := firstHome(t, bob).Content; got != "<p>second version</p>" {
		t.Errorf("after the edit home shows %q", got)
	}
	if got := alice.AccountStatuses(alice.ID, nil); len(got) != 1 || got[0].Content != "<p>second version</p>" {
		t.Errorf("after the edit the author's statuses show %+v", got)
	}

	bob.Act(st.ID, "favourite")
	if got := firstHome(t, bob); got.FavouritesCount != 1 || got.Favourited == nil || !*got.Favourited {
		t.Errorf("after a favourite home shows %d favourites, favourited %v", got.FavouritesCount, got.Favourited)
	}

	alice.UpdateCredentials("display_name", "Alice Renamed")
	if got := firstHome(t, bob).Account.DisplayName; got != "Alice Renamed" {
		t.Errorf("after the profile update home shows the author as %q", got)
	}

	alice.Delete(st.ID)
	if got := alice.AccountStatuses(alice.ID, nil); len(got) != 0 {
		t.Errorf("after the delete the author's statuses show %d", len(got))
	}
}

// TestRecordCacheOtherNodeWrites writes as another node would: through services of
// their own (so caches of their own) on the same store and event log. The node that
// serves the reads learns of the writes only from the log.
func TestRecordCacheOtherNodeWrites(t *testing.T) {
	c, alice, bob, st := cachedPost(t)

	n := c.Nodes[0]
	ids, err := shard.NewGenerator(7, shard.DefaultNodeBits, nil)
	if err != nil {
		t.Fatal(err)
	}
	otherAccounts := account.New(n.Store(), ids, account.Options{Indexer: indexer.NewHook(n.Bus(), nil)})
	otherStatuses := status.New(n.Store(), n.Bus(), ids, otherAccounts, n.Visibility, n.Notifications, plainText{}, status.Options{})
	ctx := context.Background()
	aliceID, _ := shard.Parse(alice.ID)
	stID, _ := shard.Parse(st.ID)

	text := "edited elsewhere"
	if _, err := otherStatuses.Edit(ctx, aliceID, stID, status.Change{Text: &text}); err != nil {
		t.Fatal(err)
	}
	a, err := otherAccounts.Get(ctx, aliceID)
	if err != nil {
		t.Fatal(err)
	}
	a.DisplayName = "Renamed Elsewhere"
	if err := otherAccounts.Save(ctx, a); err != nil {
		t.Fatal(err)
	}
	testrig.Eventually(t, "the other node's writes", func() error {
		got := firstHome(t, bob)
		if got.Content != "<p>edited elsewhere</p>" || got.Account.DisplayName != "Renamed Elsewhere" {
			return fmt.Errorf("home shows %q by %q", got.Content, got.Account.DisplayName)
		}
		return nil
	})
}

// plainText is the other node's formatter: the text escaped in one paragraph.
type plainText struct{}

func (plainText) Format(_ context.Context, text string) (status.Formatted, error) {
	return status.Formatted{HTML: "<p>" + html.EscapeString(text) + "</p>"}, nil
}

func (plainText) Length(spoiler, text string) int {
	return utf8.RuneCountInString(spoiler) + utf8.RuneCountInString(text)
}
