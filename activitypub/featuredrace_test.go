package activitypub_test

import (
	"context"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/testrig"
)

// TestSyncKeepsNewerPins: a featured collection read before a pin or a featured tag
// was recorded here (a live Add that crossed the read) does not take it away; read
// after, it does.
func TestSyncKeepsNewerPins(t *testing.T) {
	n, ctx := testrig.New(t).Nodes[0], context.Background()
	bob, err := n.Accounts.UpsertRemote(ctx, &account.Account{Username: "bob", Domain: "remote.example",
		URI: "https://remote.example/users/bob", InboxURL: "https://remote.example/users/bob/inbox"})
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := n.Statuses.CreateRemote(ctx, &status.Status{URI: bob.URI + "/statuses/1", AccountID: bob.ID,
		Visibility: status.Public, Content: "<p>pin me</p>", CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now().Add(-time.Second)
	if err := n.Actions.SyncPins(ctx, bob, []shard.ID{st.ID}, before); err != nil {
		t.Fatal(err)
	}
	if err := n.Actions.SyncFeaturedTags(ctx, bob, []string{"cats"}, before); err != nil {
		t.Fatal(err)
	}
	count := func() (pins, tags int) {
		t.Helper()
		p, err := n.Statuses.Pinned(ctx, bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		f, err := n.Hashtags.FeaturedTags(ctx, bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(p), len(f)
	}
	// Collections read a second ago, empty: what was recorded since stays.
	if err := n.Actions.SyncPins(ctx, bob, nil, before); err != nil {
		t.Fatal(err)
	}
	if err := n.Actions.SyncFeaturedTags(ctx, bob, nil, before); err != nil {
		t.Fatal(err)
	}
	if p, f := count(); p != 1 || f != 1 {
		t.Fatalf("after collections read before: %d pins, %d featured tags, want 1 and 1", p, f)
	}
	after := time.Now().Add(time.Second)
	if err := n.Actions.SyncPins(ctx, bob, nil, after); err != nil {
		t.Fatal(err)
	}
	if err := n.Actions.SyncFeaturedTags(ctx, bob, nil, after); err != nil {
		t.Fatal(err)
	}
	if p, f := count(); p != 0 || f != 0 {
		t.Fatalf("after collections read since: %d pins, %d featured tags, want none", p, f)
	}
}
