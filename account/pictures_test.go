package account_test

import (
	"context"
	"errors"
	"testing"

	"github.com/herd-social/herd/account"
)

// TestCachedPicture: a remote account's cached avatar stands for it while its actor
// names the URL it came from, outlives refreshes of the actor, and gives way when the
// actor names another; a copy of a picture no longer named is refused.
func TestCachedPicture(t *testing.T) {
	r, ctx := newRig(t), context.Background()
	upsert := func(avatar string) *account.Account {
		t.Helper()
		a, err := r.svc.UpsertRemote(ctx, &account.Account{Username: "bob", Domain: "remote.example",
			URI: "https://remote.example/users/bob", AvatarURL: avatar})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	bob := upsert("https://remote.example/a1.png")
	if bob.AvatarFile() != "" {
		t.Fatalf("a new account's avatar file %q", bob.AvatarFile())
	}
	if err := r.svc.CachedPicture(ctx, bob.ID, false, "https://remote.example/a1.png", "k1"); err != nil {
		t.Fatalf("first copy: %v", err)
	}
	if got := upsert("https://remote.example/a1.png").AvatarFile(); got != "k1" {
		t.Fatalf("after a refresh naming the same picture: %q", got)
	}
	if got := upsert("https://remote.example/a2.png").AvatarFile(); got != "" {
		t.Fatalf("after a refresh naming another picture: %q", got)
	}
	if err := r.svc.CachedPicture(ctx, bob.ID, false, "https://remote.example/a1.png", "k2"); !errors.Is(err, account.ErrStale) {
		t.Fatalf("a copy of the old picture: %v", err)
	}
	if err := r.svc.CachedPicture(ctx, bob.ID, false, "https://remote.example/a2.png", "k3"); err != nil {
		t.Fatalf("the new copy: %v", err)
	}
	if got, err := r.svc.Get(ctx, bob.ID); err != nil || got.AvatarFile() != "k3" || got.HeaderFile() != "" {
		t.Fatalf("stored %+v, %v", got, err)
	}
	if err := r.svc.CachedPicture(ctx, r.register(t, "alice").ID, false, "", "k4"); !errors.Is(err, account.ErrStale) {
		t.Fatalf("a local account: %v", err)
	}
}
