package collection_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/collection"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
)

type rig struct {
	accounts *account.Service
	cols     *collection.Service
}

func newRig(t *testing.T) *rig {
	ids, err := shard.NewGenerator(1, shard.DefaultNodeBits, nil)
	if err != nil {
		t.Fatal(err)
	}
	var schema store.Schema
	schema = append(schema, account.Schema()...)
	schema = append(schema, collection.Schema()...)
	st := testrig.Store(t, schema...)
	accounts := account.New(st, ids, account.Options{Domain: "example.com", BcryptCost: 4})
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	return &rig{accounts: accounts, cols: collection.New(st, ids, accounts, collection.Options{Now: func() time.Time { return now }})}
}

func (r *rig) register(t *testing.T, name string) shard.ID {
	t.Helper()
	a, _, err := r.accounts.Register(context.Background(), account.Registration{Username: name, Email: name + "@mail.example",
		Password: "long enough password", Agreement: true})
	if err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
	return a.ID
}

func str(s string) *string { return &s }

// TestValidation checks a local collection's attributes as Mastodon's model does,
// every refused attribute reported at once, and nothing written.
func TestValidation(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	alice := r.register(t, "alice")
	for _, tc := range []struct {
		name   string
		ch     collection.Changes
		fields []string
		msg    string
	}{
		{"blank name", collection.Changes{Name: str("  ")}, []string{"name"}, "Validation failed: Name can't be blank"},
		{"no name", collection.Changes{}, []string{"name"}, "Validation failed: Name can't be blank"},
		{"long name", collection.Changes{Name: str(strings.Repeat("é", 41))}, []string{"name"},
			"Validation failed: Name is too long (maximum is 40 characters)"},
		{"long description and bad language", collection.Changes{Name: str("ok"), Description: str(strings.Repeat("x", 101)),
			Language: str("not a language")}, []string{"description", "language"},
			"Validation failed: Description is too long (maximum is 100 characters), Language is invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := r.cols.Create(ctx, alice, tc.ch, nil)
			var v *collection.Validation
			if !errors.As(err, &v) || !v.Record || err.Error() != tc.msg {
				t.Fatalf("got %v, want %q", err, tc.msg)
			}
			var fields []string
			for _, e := range v.Errs {
				fields = append(fields, e.Field)
			}
			if fmt.Sprint(fields) != fmt.Sprint(tc.fields) {
				t.Fatalf("fields %v, want %v", fields, tc.fields)
			}
		})
	}
	got, err := r.cols.Of(ctx, alice, true, 0, 40)
	if err != nil || len(got) != 0 {
		t.Fatalf("refused creates left %d collections (%v)", len(got), err)
	}
	// Exactly the limits pass, and the defaults are Mastodon's.
	c, _, err := r.cols.Create(ctx, alice, collection.Changes{Name: str(strings.Repeat("é", 40)),
		Description: str(strings.Repeat("x", 100)), Language: str("pt-BR"), Tag: str("#Café")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Discoverable || c.Sensitive || c.Tag != "cafe" || c.Language != "pt-BR" {
		t.Fatalf("created %+v", c)
	}
}

// TestItems covers who may be featured, the limit of 25 live items, removal, revoke
// and the reverse index.
func TestItems(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	alice, bob, carol := r.register(t, "alice"), r.register(t, "bob"), r.register(t, "carol")
	c, items, err := r.cols.Create(ctx, alice, collection.Changes{Name: str("Pals")}, []shard.ID{bob, bob, alice})
	if err != nil || len(items) != 2 || items[0].Account != bob || items[1].Account != alice || items[0].State != collection.Accepted {
		t.Fatalf("create: %v %+v", err, items)
	}
	if _, err := r.cols.Add(ctx, alice, c.ID, bob); err == nil || err.Error() != "Validation failed: Account has already been taken" {
		t.Fatalf("adding bob again: %v", err)
	}
	if _, err := r.cols.Add(ctx, bob, c.ID, carol); !errors.Is(err, collection.ErrForbidden) {
		t.Fatalf("bob adding to alice's collection: %v", err)
	}
	// An undiscoverable account, and one that blocks the owner, cannot be featured.
	f := false
	if _, _, err := r.accounts.UpdateProfile(ctx, carol, account.ProfileUpdate{Discoverable: &f}, func(_ context.Context, s string) string { return s }); err != nil {
		t.Fatal(err)
	}
	if _, err := r.cols.Add(ctx, alice, c.ID, carol); !errors.Is(err, collection.ErrForbidden) {
		t.Fatalf("featuring an undiscoverable account: %v", err)
	}
	dave := r.register(t, "dave")
	if err := r.accounts.Block(ctx, dave, alice); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.cols.Create(ctx, alice, collection.Changes{Name: str("x")}, []shard.ID{dave}); !errors.Is(err, collection.ErrForbidden) {
		t.Fatalf("featuring a blocker: %v", err)
	}
	if _, err := r.cols.Add(ctx, alice, c.ID, 12345); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("featuring nobody: %v", err)
	}

	// bob revokes: the item stays, revoked, and bob's in_collections loses it.
	in, err := r.cols.Featuring(ctx, bob, 0, 40)
	if err != nil || len(in) != 1 || in[0].ID != c.ID {
		t.Fatalf("bob featured in %v (%v)", in, err)
	}
	if err := r.cols.Revoke(ctx, alice, c.ID, items[0].ID); !errors.Is(err, collection.ErrForbidden) {
		t.Fatalf("the owner revoking bob's item: %v", err)
	}
	if err := r.cols.Revoke(ctx, bob, c.ID, items[0].ID); err != nil {
		t.Fatal(err)
	}
	if it, err := r.cols.Item(ctx, c.ID, items[0].ID); err != nil || it.State != collection.Revoked {
		t.Fatalf("revoked item %+v (%v)", it, err)
	}
	if in, _ := r.cols.Featuring(ctx, bob, 0, 40); len(in) != 0 {
		t.Fatalf("bob still featured in %d collections", len(in))
	}
	if _, err := r.cols.Add(ctx, alice, c.ID, bob); err == nil {
		t.Fatal("bob added again after revoking")
	}
	// Removed, the item is gone and bob may be added again.
	if err := r.cols.Remove(ctx, alice, c.ID, items[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.cols.Item(ctx, c.ID, items[0].ID); !errors.Is(err, collection.ErrNotFound) {
		t.Fatalf("removed item: %v", err)
	}
	if _, err := r.cols.Add(ctx, alice, c.ID, bob); err != nil {
		t.Fatalf("bob added after removal: %v", err)
	}

	// 25 live items at most: alice and bob are in; 23 more fit, the 26th does not.
	for i := range 23 {
		id := r.register(t, fmt.Sprintf("user%d", i))
		if _, err := r.cols.Add(ctx, alice, c.ID, id); err != nil {
			t.Fatalf("item %d: %v", i+3, err)
		}
	}
	extra := r.register(t, "extra")
	var v *collection.Validation
	if _, err := r.cols.Add(ctx, alice, c.ID, extra); !errors.As(err, &v) || v.Record {
		t.Fatalf("26th item: %v", err)
	}

	// Deleting the collection removes it from its owner and from the reverse index.
	if err := r.cols.Delete(ctx, bob, c.ID); !errors.Is(err, collection.ErrForbidden) {
		t.Fatalf("bob deleting alice's collection: %v", err)
	}
	if err := r.cols.Delete(ctx, alice, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.cols.Get(ctx, c.ID); !errors.Is(err, collection.ErrNotFound) {
		t.Fatalf("deleted collection: %v", err)
	}
	if in, _ := r.cols.Featuring(ctx, bob, 0, 40); len(in) != 0 {
		t.Fatalf("bob featured in %d collections after the delete", len(in))
	}
}
