package account_test

import (
	"context"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
)

// TestHiddenFrom: what HiddenFrom says of many viewers at once is what Hidden says
// of each, through blocks both ways, mutes and domain blocks (with and without a
// follow of the blocked domain's account), for local and remote authors, the
// author itself and an anonymous viewer.
func TestHiddenFrom(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	blocker, blocked, muter, domainer, follower, plain := r.register(t, "blocker"), r.register(t, "blocked"),
		r.register(t, "muter"), r.register(t, "domainer"), r.register(t, "follower"), r.register(t, "plain")
	far, other := r.remote(t, "far"), r.remote(t, "other")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.svc.Block(ctx, blocker.ID, far.ID))
	must(r.svc.Block(ctx, blocker.ID, plain.ID))
	must(r.svc.Block(ctx, far.ID, blocked.ID))
	must(r.svc.Mute(ctx, muter.ID, far.ID, false, 0))
	must(r.svc.Mute(ctx, muter.ID, plain.ID, false, 0))
	must(r.svc.Follow(ctx, follower.ID, far, account.FollowOptions{}, nil))
	for _, v := range []*account.Account{domainer, follower} {
		if _, err := r.svc.BlockDomain(ctx, v.ID, "remote.example"); err != nil {
			t.Fatal(err)
		}
	}
	viewers := []shard.ID{blocker.ID, blocked.ID, muter.ID, domainer.ID, follower.ID, plain.ID, far.ID, 0}
	hiddenSeen := 0
	for _, author := range []shard.ID{far.ID, other.ID, plain.ID, blocker.ID} {
		got, err := r.svc.HiddenFrom(ctx, viewers, author)
		if err != nil || len(got) != len(viewers) {
			t.Fatalf("HiddenFrom(%d) = %v, %v", author, got, err)
		}
		for i, v := range viewers {
			want, err := r.svc.Hidden(ctx, v, []shard.ID{author})
			if err != nil {
				t.Fatal(err)
			}
			if got[i] != want[author] {
				t.Errorf("viewer %d of %d: HiddenFrom says %v, Hidden %v", v, author, got[i], want[author])
			}
			if got[i] {
				hiddenSeen++
			}
		}
	}
	// far is hidden from blocker, blocked, muter and domainer (and follower, unless
	// its follow stands); other from domainer and follower; plain from blocker and
	// muter; blocker from nobody.
	if hiddenSeen < 8 {
		t.Errorf("only %d viewer-author pairs hidden: the relations were not set up", hiddenSeen)
	}
}
