package action_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/testrig"
)

// remote resolves a user of other as an account known to r (WebFinger, then the
// actor document).
func (r rig) remote(other rig, u *testrig.User) *account.Account {
	r.t.Helper()
	a, err := r.n.Federation.ResolveAcct(context.Background(), u.Name, other.n.Config().Domain)
	if err != nil {
		r.t.Fatalf("resolve %s on %s: %v", u.Name, other.n.Config().Domain, err)
	}
	return a
}

// interactions checks, between alice on alpha and bob on beta whom she follows, that
// a favourite of a remote status sends Like and its Undo, and that a pin is sent to
// remote followers as Add, and an unpin as Remove, which the peer applies through the
// same actions.
func interactions(t *testing.T, alpha, beta rig, alice *account.Account, bobU *testrig.User) {
	t.Helper()
	ctx := context.Background()
	bob := beta.account(bobU)
	post := bobU.Post("pin me, like me")
	postID, err := shard.Parse(post["id"].(string))
	must(t, "post id", err)
	var onAlpha *status.Status
	testrig.Eventually(t, "bob's post on alpha", func() error {
		onAlpha, err = alpha.n.Statuses.ByURI(ctx, post["uri"].(string))
		return err
	})
	favourites := func() int64 {
		counts, err := beta.n.Statuses.Counts(ctx, []shard.ID{postID})
		must(t, "counts", err)
		return counts[0].Favourites
	}
	_, err = alpha.n.Actions.Favourite(ctx, alice, onAlpha.ID)
	must(t, "favourite", err)
	testrig.Eventually(t, "the Like on beta", func() error { return wantCount("favourites", favourites(), 1) })
	_, err = alpha.n.Actions.Unfavourite(ctx, alice, onAlpha.ID)
	must(t, "unfavourite", err)
	testrig.Eventually(t, "the Undo of the Like on beta", func() error { return wantCount("favourites", favourites(), 0) })

	pinned := func() int {
		pins, err := alpha.n.Statuses.Pinned(ctx, onAlpha.AccountID)
		must(t, "pins on alpha", err)
		return len(pins)
	}
	_, err = beta.n.Actions.Pin(ctx, bob, postID)
	must(t, "pin", err)
	testrig.Eventually(t, "the Add on alpha", func() error { return wantCount("pins", int64(pinned()), 1) })
	_, err = beta.n.Actions.Unpin(ctx, bob, postID)
	must(t, "unpin", err)
	testrig.Eventually(t, "the Remove on alpha", func() error { return wantCount("pins", int64(pinned()), 0) })
}

// TestActionsFederate runs two instances: a local follow of a remote account sends
// Follow, and the peer's inbox, through the same action, answers an unlocked
// account's follow with Accept (rejections: a locked account's owner's decision, and a
// follow from a blocked account, with Reject); an unfollow sends its Undo; favourites
// and pins travel (interactions); a block ends the follows on both sides and is sent,
// and so is its Undo.
func TestActionsFederate(t *testing.T) {
	alpha := newRig(t, testrig.Host(t, "alpha"))
	beta := newRig(t, testrig.Host(t, "beta"))
	ctx := context.Background()
	aliceU := alpha.c.Register("alice")
	bobU, daveU := beta.c.Register("bob"), beta.c.Register("dave")
	alice := alpha.account(aliceU)
	bobOnAlpha, daveOnAlpha := alpha.remote(beta, bobU), alpha.remote(beta, daveU)

	// Follow → the peer's follow action → Accept → FollowAccepted.
	must(t, "follow bob", alpha.n.Actions.Follow(ctx, alice, bobOnAlpha, account.FollowOptions{}))
	must(t, "follow dave", alpha.n.Actions.Follow(ctx, alice, daveOnAlpha, account.FollowOptions{}))
	if rel := alpha.rel(alice, bobOnAlpha); !rel.Requested || rel.Following {
		t.Fatalf("a remote follow waits for the Accept: %+v", rel)
	}
	testrig.Eventually(t, "bob's Accept", func() error { return wantRel(alpha.rel(alice, bobOnAlpha), "following", true) })
	aliceOnBeta := beta.remote(alpha, aliceU)
	bob, dave := beta.account(bobU), beta.account(daveU)
	if rel := beta.rel(bob, aliceOnBeta); !rel.FollowedBy {
		t.Fatalf("bob on beta: %+v", rel)
	}

	rejections(t, alpha, beta, alice, aliceOnBeta)

	// Unfollow sends the Undo of the Follow.
	testrig.Eventually(t, "dave's Accept", func() error { return wantRel(alpha.rel(alice, daveOnAlpha), "following", true) })
	must(t, "unfollow dave", alpha.n.Actions.Unfollow(ctx, alice, daveOnAlpha))
	testrig.Eventually(t, "the Undo on beta", func() error { return wantRel(beta.rel(dave, aliceOnBeta), "followed_by", false) })

	interactions(t, alpha, beta, alice, bobU)

	// Bob blocks alice: the follow ends on beta at once, and on alpha when the Block
	// arrives.
	must(t, "bob blocks alice", beta.n.Actions.Block(ctx, bob, aliceOnBeta))
	if rel := beta.rel(bob, aliceOnBeta); rel.FollowedBy || !rel.Blocking {
		t.Fatalf("bob on beta after the block: %+v", rel)
	}
	testrig.Eventually(t, "bob's Block on alpha", func() error {
		rel := alpha.rel(alice, bobOnAlpha)
		return errors.Join(wantRel(rel, "blocked_by", true), wantRel(rel, "following", false))
	})
	must(t, "bob unblocks alice", beta.n.Actions.Unblock(ctx, bob, aliceOnBeta))
	testrig.Eventually(t, "bob's Undo of the Block on alpha", func() error { return wantRel(alpha.rel(alice, bobOnAlpha), "blocked_by", false) })
}

// rejections checks that alice on alpha hears Reject when carol, a locked account on
// beta, rejects her request, and when erin, who blocks her on beta (the block made
// below the actions, so that alpha does not hear of it), gets her Follow.
func rejections(t *testing.T, alpha, beta rig, alice, aliceOnBeta *account.Account) {
	t.Helper()
	ctx := context.Background()
	carolU, erinU := beta.c.Register("carol"), beta.c.Register("erin")
	beta.c.Must(carolU.Do("PATCH", "/api/v1/accounts/update_credentials", map[string][]string{"locked": {"true"}}), 200)
	carol, erin := beta.account(carolU), beta.account(erinU)
	carolOnAlpha, erinOnAlpha := alpha.remote(beta, carolU), alpha.remote(beta, erinU)
	must(t, "erin blocks alice quietly", beta.n.Accounts.Block(ctx, erin.ID, aliceOnBeta.ID))
	for _, them := range []*account.Account{carolOnAlpha, erinOnAlpha} {
		must(t, "follow "+them.Username, alpha.n.Actions.Follow(ctx, alice, them, account.FollowOptions{}))
		if rel := alpha.rel(alice, them); !rel.Requested {
			t.Fatalf("alice's request to %s: %+v", them.Username, rel)
		}
	}
	testrig.Eventually(t, "alice's request on beta", func() error { return wantRel(beta.rel(carol, aliceOnBeta), "requested_by", true) })
	must(t, "carol rejects", beta.n.Actions.Reject(ctx, carol.ID, aliceOnBeta.ID))
	for _, them := range []*account.Account{carolOnAlpha, erinOnAlpha} {
		testrig.Eventually(t, them.Username+"'s Reject", func() error {
			rel := alpha.rel(alice, them)
			return errors.Join(wantRel(rel, "requested", false), wantRel(rel, "following", false))
		})
	}
}

// wantCount says how a count differs from what a test waits for.
func wantCount(what string, got, want int64) error {
	if got != want {
		return fmt.Errorf("%s %d, want %d", what, got, want)
	}
	return nil
}

// wantRel says how one flag of a relationship differs from what a test waits for.
func wantRel(rel account.Relationship, flag string, want bool) error {
	got := map[string]bool{"following": rel.Following, "followed_by": rel.FollowedBy, "requested": rel.Requested,
		"requested_by": rel.RequestedBy, "blocked_by": rel.BlockedBy}[flag]
	if got != want {
		return fmt.Errorf("%s is %v in %+v", flag, got, rel)
	}
	return nil
}
