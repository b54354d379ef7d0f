package fanout_test

import (
	"context"
	"slices"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
)

// TestOlderFollowerRows: followers rows written before they carried the follow (the
// follower's id alone) still get the post, with the follow's options read from the
// follow record.
func TestOlderFollowerRows(t *testing.T) {
	e := testrig.NewEngines(t)
	ctx := context.Background()
	n := openNode(t, e.Config())
	author, _, err := n.Accounts.Register(ctx, account.Registration{Username: "author", Email: "a@example.com",
		Password: "long enough password", Agreement: true})
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := shard.NewGenerator(7, shard.DefaultNodeBits, nil)
	plain, noBoosts := ids.Next(), ids.Next()
	no := false
	for _, f := range []struct {
		id   shard.ID
		opts account.FollowOptions
	}{{plain, account.FollowOptions{}}, {noBoosts, account.FollowOptions{Reblogs: &no}}} {
		if err := n.Accounts.Follow(ctx, f.id, author, f.opts, nil); err != nil {
			t.Fatal(err)
		}
	}
	n.Close()

	// Rewrite the author's followers rows as they were: the follower's id alone.
	st := e.OpenStore()
	rows, err := st.Scan(ctx, "followers", author.ID.Bytes(), store.Range{})
	if err != nil || len(rows) != 2 {
		t.Fatalf("followers rows: %v, %v", rows, err)
	}
	for _, r := range rows {
		if err := st.Put(ctx, "followers", r.PK, r.CK, r.Value[:8], 0); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	n = openNode(t, e.Config())
	defer n.Close()
	page, _, err := n.Accounts.FollowerPage(ctx, author.ID, 0, 10)
	if err != nil || len(page) != 2 || page[0].Follow != nil || page[1].Follow != nil {
		t.Fatalf("FollowerPage of older rows = %+v, %v; want two followers without their follow", page, err)
	}
	post, err := n.Statuses.Create(ctx, author.ID, status.Post{Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := n.Accounts.Register(ctx, account.Registration{Username: "other", Email: "o@example.com",
		Password: "long enough password", Agreement: true})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := n.Statuses.Create(ctx, other.ID, status.Post{Text: "theirs"})
	if err != nil {
		t.Fatal(err)
	}
	boost, err := n.Statuses.Reblog(ctx, author.ID, theirs.ID, status.Public)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []shard.ID{post.ID, boost.ID} {
		if err := n.Fanout.Apply(ctx, status.Event{Kind: status.Created, StatusID: id, Author: author.ID}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []struct {
		id   shard.ID
		want []shard.ID
	}{{plain, []shard.ID{boost.ID, post.ID}}, {noBoosts, []shard.ID{post.ID}}} {
		entries, err := n.Timelines.Home(ctx, f.id, paging.Page{Limit: 10}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []shard.ID
		for _, e := range entries {
			got = append(got, e.StatusID)
		}
		if !slices.Equal(got, f.want) {
			t.Errorf("home of follower %d = %v, want %v", f.id, got, f.want)
		}
	}
}

// TestRemoteFollowersGetNoHome: fan-out writes the homes of local followers only; a
// follower on another server gets the post through federation.
func TestRemoteFollowersGetNoHome(t *testing.T) {
	ctx := context.Background()
	n := openNode(t, testrig.NewEngines(t).Config())
	defer n.Close()
	register := func(name string) *account.Account {
		a, _, err := n.Accounts.Register(ctx, account.Registration{Username: name, Email: name + "@example.com",
			Password: "long enough password", Agreement: true})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	author, local := register("author"), register("local")
	remote, err := n.Accounts.UpsertRemote(ctx, &account.Account{Username: "far", Domain: "remote.example",
		URI: "https://remote.example/users/far"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []shard.ID{local.ID, remote.ID} {
		if err := n.Accounts.Follow(ctx, f, author, account.FollowOptions{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	post, err := n.Statuses.Create(ctx, author.ID, status.Post{Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Fanout.Apply(ctx, status.Event{Kind: status.Created, StatusID: post.ID, Author: author.ID}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		id   shard.ID
		want int
	}{{local.ID, 1}, {remote.ID, 0}} {
		entries, err := n.Timelines.Home(ctx, f.id, paging.Page{Limit: 10}, nil)
		if err != nil || len(entries) != f.want {
			t.Errorf("home of follower %d: %v, %v; want %d entries", f.id, entries, err, f.want)
		}
	}
}
