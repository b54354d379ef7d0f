package action_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/action"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// rig is one instance with its actions and accounts at hand.
type rig struct {
	t *testing.T
	c *testrig.Cluster
	n *node.Node
}

func newRig(t *testing.T, opts ...testrig.Option) rig {
	c := testrig.New(t, opts...)
	return rig{t: t, c: c, n: c.Nodes[0]}
}

// account loads the account of a user of this instance.
func (r rig) account(u *testrig.User) *account.Account {
	r.t.Helper()
	id, err := shard.Parse(u.ID)
	if err != nil {
		r.t.Fatalf("id %q: %v", u.ID, err)
	}
	return r.byID(id)
}

func (r rig) byID(id shard.ID) *account.Account {
	r.t.Helper()
	a, err := r.n.Accounts.Get(context.Background(), id)
	if err != nil {
		r.t.Fatalf("load account %d: %v", id, err)
	}
	return a
}

// rel is of's relationship with with.
func (r rig) rel(of, with *account.Account) account.Relationship {
	r.t.Helper()
	rels, err := r.n.Accounts.Relationships(context.Background(), of.ID, []shard.ID{with.ID})
	if err != nil {
		r.t.Fatalf("relationships: %v", err)
	}
	return rels[0]
}

// home lists the status ids of a user's home, newest first.
func (r rig) home(u *testrig.User) []string {
	r.t.Helper()
	return testrig.IDs(r.c.Must(u.Do("GET", "/api/v1/timelines/home", nil), 200).List(r.t))
}

// posted publishes a status and waits until its fan-out has run (it is in its
// author's home), so that a follow made afterwards is the only way it reaches
// another home.
func (r rig) posted(u *testrig.User, text string) string {
	r.t.Helper()
	id := u.Post(text)["id"].(string)
	testrig.Eventually(r.t, "the fan-out of "+text, func() error {
		if home := r.home(u); !slices.Contains(home, id) {
			return fmt.Errorf("home %v", home)
		}
		return nil
	})
	return id
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// TestNewNeedsEveryDependency: an action layer cannot be built half wired.
func TestNewNeedsEveryDependency(t *testing.T) {
	_, err := action.New(action.Deps{})
	if err == nil {
		t.Fatal("New without dependencies succeeded")
	}
	for _, name := range []string{"Accounts", "Statuses", "Notifier", "Homes", "Lists", "ListFeeds", "Reports", "Tags", "Federation"} {
		if !strings.Contains(err.Error(), "Deps."+name) {
			t.Errorf("error %q does not name Deps.%s", err, name)
		}
	}
}

// TestFollowMergesHomeAndUnfollowTakesItOut: following an unlocked local account
// merges its posts into the follower's home at once and notifies it; unfollowing
// takes them out.
func TestFollowMergesHomeAndUnfollowTakesItOut(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	aliceU, bobU := r.c.Register("alice"), r.c.Register("bob")
	post := r.posted(aliceU, "before bob came")
	alice, bob := r.account(aliceU), r.account(bobU)

	must(t, "follow", r.n.Actions.Follow(ctx, bob, alice, account.FollowOptions{}))
	if rel := r.rel(bob, alice); !rel.Following || rel.Requested {
		t.Fatalf("after follow: %+v", rel)
	}
	if got := r.home(bobU); !slices.Equal(got, []string{post}) {
		t.Fatalf("bob's home after follow: %v, want [%s]", got, post)
	}
	ns := r.c.Must(aliceU.Do("GET", "/api/v1/notifications", nil), 200).List(t)
	if len(ns) != 1 || ns[0]["type"] != "follow" {
		t.Fatalf("alice's notifications: %v", ns)
	}

	must(t, "unfollow", r.n.Actions.Unfollow(ctx, bob, alice))
	if rel := r.rel(bob, alice); rel.Following {
		t.Fatalf("after unfollow: %+v", rel)
	}
	if got := r.home(bobU); len(got) != 0 {
		t.Fatalf("bob's home after unfollow: %v", got)
	}
	if err := r.n.Actions.Follow(ctx, bob, bob, account.FollowOptions{}); !errors.Is(err, account.ErrSelf) {
		t.Fatalf("self follow: %v", err)
	}
}

// TestLockedAccountDecides: a follow of a locked account is a request that merges
// nothing; Authorize makes it a follow and merges the owner's posts; Reject drops it;
// either without a request is not found.
func TestLockedAccountDecides(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	bobU, aliceU, carolU := r.c.Register("bob"), r.c.Register("alice"), r.c.Register("carol")
	r.c.Must(bobU.Do("PATCH", "/api/v1/accounts/update_credentials", map[string][]string{"locked": {"true"}}), 200)
	post := r.posted(bobU, "for approved eyes")
	bob, alice, carol := r.account(bobU), r.account(aliceU), r.account(carolU)

	must(t, "alice follows", r.n.Actions.Follow(ctx, alice, bob, account.FollowOptions{}))
	must(t, "carol follows", r.n.Actions.Follow(ctx, carol, bob, account.FollowOptions{}))
	if rel := r.rel(alice, bob); rel.Following || !rel.Requested {
		t.Fatalf("request to a locked account: %+v", rel)
	}
	if got := r.home(aliceU); len(got) != 0 {
		t.Fatalf("alice's home before authorize: %v", got)
	}

	must(t, "authorize", r.n.Actions.Authorize(ctx, bob.ID, alice.ID))
	if rel := r.rel(alice, bob); !rel.Following || rel.Requested {
		t.Fatalf("after authorize: %+v", rel)
	}
	if got := r.home(aliceU); !slices.Equal(got, []string{post}) {
		t.Fatalf("alice's home after authorize: %v, want [%s]", got, post)
	}

	must(t, "reject", r.n.Actions.Reject(ctx, bob.ID, carol.ID))
	if rel := r.rel(carol, bob); rel.Following || rel.Requested {
		t.Fatalf("after reject: %+v", rel)
	}
	if err := r.n.Actions.Authorize(ctx, bob.ID, carol.ID); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("authorize without a request: %v", err)
	}
	if err := r.n.Actions.Reject(ctx, bob.ID, carol.ID); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("reject without a request: %v", err)
	}
}

// TestBlockEndsFollowsBothWays: a block removes the follows in both directions and
// the blocked account's posts from the blocker's home; unblocking restores neither.
// Removing a follower ends its follow; mutes come and go.
func TestBlockEndsFollowsBothWays(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	aliceU, bobU, carolU := r.c.Register("alice"), r.c.Register("bob"), r.c.Register("carol")
	r.posted(bobU, "bob was here")
	alice, bob, carol := r.account(aliceU), r.account(bobU), r.account(carolU)
	must(t, "alice follows", r.n.Actions.Follow(ctx, alice, bob, account.FollowOptions{}))
	must(t, "bob follows", r.n.Actions.Follow(ctx, bob, alice, account.FollowOptions{}))
	if len(r.home(aliceU)) != 1 {
		t.Fatalf("alice's home before the block: %v", r.home(aliceU))
	}

	must(t, "block", r.n.Actions.Block(ctx, alice, bob))
	if rel := r.rel(alice, bob); rel.Following || rel.FollowedBy || !rel.Blocking {
		t.Fatalf("after block: %+v", rel)
	}
	if got := r.home(aliceU); len(got) != 0 {
		t.Fatalf("alice's home after the block: %v", got)
	}
	if err := r.n.Actions.Follow(ctx, bob, alice, account.FollowOptions{}); !errors.Is(err, account.ErrBlocked) {
		t.Fatalf("follow of a blocker: %v", err)
	}
	must(t, "unblock", r.n.Actions.Unblock(ctx, alice, bob))
	if rel := r.rel(alice, bob); rel.Blocking || rel.Following || rel.FollowedBy {
		t.Fatalf("after unblock: %+v", rel)
	}

	must(t, "carol follows", r.n.Actions.Follow(ctx, carol, alice, account.FollowOptions{}))
	must(t, "remove from followers", r.n.Actions.RemoveFromFollowers(ctx, alice.ID, carol.ID))
	if rel := r.rel(alice, carol); rel.FollowedBy {
		t.Fatalf("after remove_from_followers: %+v", rel)
	}

	must(t, "mute", r.n.Actions.Mute(ctx, alice.ID, carol.ID, false, time.Hour))
	if rel := r.rel(alice, carol); !rel.Muting || rel.MutingNotifications || rel.MutingExpiresAt.IsZero() {
		t.Fatalf("after mute: %+v", rel)
	}
	must(t, "unmute", r.n.Actions.Unmute(ctx, alice.ID, carol.ID))
	if rel := r.rel(alice, carol); rel.Muting {
		t.Fatalf("after unmute: %+v", rel)
	}
}

// TestFavouriteAndPin: a favourite notifies the author and counts once; a local
// account pins only its own statuses, and unpinning twice is harmless.
func TestFavouriteAndPin(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	aliceU, bobU := r.c.Register("alice"), r.c.Register("bob")
	alice, bob := r.account(aliceU), r.account(bobU)
	id, err := shard.Parse(bobU.Post("worth a star")["id"].(string))
	must(t, "post id", err)

	for range 2 {
		_, err := r.n.Actions.Favourite(ctx, alice, id)
		must(t, "favourite", err)
	}
	counts, err := r.n.Statuses.Counts(ctx, []shard.ID{id})
	must(t, "counts", err)
	if counts[0].Favourites != 1 {
		t.Fatalf("favourites after two: %d", counts[0].Favourites)
	}
	ns := r.c.Must(bobU.Do("GET", "/api/v1/notifications", nil), 200).List(t)
	if len(ns) != 1 || ns[0]["type"] != "favourite" {
		t.Fatalf("bob's notifications: %v", ns)
	}
	_, err = r.n.Actions.Unfavourite(ctx, alice, id)
	must(t, "unfavourite", err)

	if _, err := r.n.Actions.Pin(ctx, alice, id); err == nil {
		t.Fatal("alice pinned bob's status")
	}
	st, err := r.n.Actions.Pin(ctx, bob, id)
	must(t, "pin", err)
	if st.ID != id {
		t.Fatalf("pinned %d, want %d", st.ID, id)
	}
	for range 2 {
		_, err := r.n.Actions.Unpin(ctx, bob, id)
		must(t, "unpin", err)
	}
	if pins, err := r.n.Statuses.Pinned(ctx, bob.ID); err != nil || len(pins) != 0 {
		t.Fatalf("pins after unpin: %v %v", pins, err)
	}
}
