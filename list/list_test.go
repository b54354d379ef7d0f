package list_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/list"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
)

// rig is the list service over the account service, on one store of the test shape.
type rig struct {
	accounts *account.Service
	lists    *list.Service
}

func newRig(t *testing.T) *rig {
	ids, err := shard.NewGenerator(1, shard.DefaultNodeBits, nil)
	if err != nil {
		t.Fatal(err)
	}
	var schema store.Schema
	schema = append(schema, account.Schema()...)
	schema = append(schema, list.Schema()...)
	st := testrig.Store(t, schema...)
	accounts := account.New(st, ids, account.Options{Domain: "example.com", BcryptCost: 4})
	return &rig{accounts: accounts, lists: list.New(st, ids, accounts)}
}

func (r *rig) register(t *testing.T, name string, locked bool) *account.Account {
	t.Helper()
	ctx := context.Background()
	a, _, err := r.accounts.Register(ctx, account.Registration{Username: name, Email: name + "@mail.example",
		Password: "long enough password", Agreement: true})
	if err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
	if locked {
		if a, _, err = r.accounts.UpdateProfile(ctx, a.ID, account.ProfileUpdate{Locked: &locked}, nil); err != nil {
			t.Fatalf("lock %s: %v", name, err)
		}
	}
	return a
}

func validation(err error) string {
	var v *list.Validation
	if errors.As(err, &v) {
		return v.Error()
	}
	if err != nil {
		return "error: " + err.Error()
	}
	return ""
}

// TestMembershipRules: who may be added to a list, with Mastodon's messages.
func TestMembershipRules(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	owner := r.register(t, "owner", false)
	followed := r.register(t, "followed", false)
	requested := r.register(t, "requested", true)
	stranger := r.register(t, "stranger", false)
	for _, target := range []*account.Account{followed, requested} {
		if err := r.accounts.Follow(ctx, owner.ID, target, account.FollowOptions{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	l, err := r.lists.Create(ctx, owner.ID, list.Changes{Title: ptr("Friends")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		members []shard.ID
		want    string
	}{
		{"a stranger", []shard.ID{stranger.ID}, "Validation failed: Account must be a followed account"},
		{"a followed account", []shard.ID{followed.ID}, ""},
		{"the same again", []shard.ID{followed.ID}, "Validation failed: Account has already been taken"},
		{"twice at once", []shard.ID{owner.ID, owner.ID}, "Validation failed: Account has already been taken"},
		{"an account with a pending request", []shard.ID{requested.ID}, ""},
		{"the owner", []shard.ID{owner.ID}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := validation(r.lists.Add(ctx, l, tc.members)); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	if err := r.lists.Add(ctx, l, []shard.ID{shard.ID(12345)}); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
	members, err := r.lists.Members(ctx, l.ID, paging.Page{})
	if err != nil {
		t.Fatal(err)
	}
	want := []shard.ID{owner.ID, followed.ID, requested.ID}
	slices.Sort(want)
	slices.Reverse(want)
	if !slices.Equal(members, want) {
		t.Fatalf("members %v, want %v", members, want)
	}
}

// TestIndexes: the reverse index (member → lists of every owner) follows adds,
// removals, unfollows and deletes; exclusive members are those of exclusive lists.
func TestIndexes(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	a, b, star := r.register(t, "a", false), r.register(t, "b", false), r.register(t, "star", false)
	for _, f := range []*account.Account{a, b} {
		if err := r.accounts.Follow(ctx, f.ID, star, account.FollowOptions{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	yes := true
	la, _ := r.lists.Create(ctx, a.ID, list.Changes{Title: ptr("one")})
	la2, _ := r.lists.Create(ctx, a.ID, list.Changes{Title: ptr("two"), Exclusive: &yes})
	lb, _ := r.lists.Create(ctx, b.ID, list.Changes{Title: ptr("b's")})
	for _, l := range []*list.List{la, la2, lb} {
		if err := r.lists.Add(ctx, l, []shard.ID{star.ID}); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := r.lists.Memberships(ctx, star.ID)
	if err != nil || len(ms) != 3 {
		t.Fatalf("memberships %v %v", ms, err)
	}
	if got, _ := r.lists.Containing(ctx, a.ID, star.ID); len(got) != 2 || got[0].ID != la.ID || got[1].ID != la2.ID {
		t.Fatalf("a's lists holding star: %v", got)
	}
	if ex, _ := r.lists.ExclusiveMembers(ctx, a.ID); !ex[star.ID] || len(ex) != 1 {
		t.Fatalf("a's exclusive members %v", ex)
	}
	if ex, _ := r.lists.ExclusiveMembers(ctx, b.ID); len(ex) != 0 {
		t.Fatalf("b's exclusive members %v", ex)
	}
	left, err := r.lists.Unfollowed(ctx, a.ID, star.ID)
	if err != nil || len(left) != 2 {
		t.Fatalf("unfollowed: %v %v", left, err)
	}
	if ms, _ := r.lists.Memberships(ctx, star.ID); len(ms) != 1 || ms[0] != (list.Membership{Owner: b.ID, List: lb.ID}) {
		t.Fatalf("memberships after a's unfollow: %v", ms)
	}
	if _, err := r.lists.Delete(ctx, b.ID, lb.ID); err != nil {
		t.Fatal(err)
	}
	if ms, _ := r.lists.Memberships(ctx, star.ID); len(ms) != 0 {
		t.Fatalf("memberships after deleting b's list: %v", ms)
	}
	if _, err := r.lists.Get(ctx, b.ID, lb.ID); !errors.Is(err, list.ErrNotFound) {
		t.Fatalf("deleted list: %v", err)
	}
	if _, err := r.lists.Get(ctx, b.ID, la.ID); !errors.Is(err, list.ErrNotFound) {
		t.Fatalf("another owner's list: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
