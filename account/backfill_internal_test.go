package account

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	storepebble "github.com/herd-social/herd/store/pebble"
)

// TestBackfillListings writes accounts as they were before the directory and the
// listing existed (the account row and its last status only), and finds them listed
// after the backfill (an admin whose flag predates roles in the staff listing), once: a second holder waits while the first holds it, and a
// run after it is done reads nothing.
func TestBackfillListings(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC)
	st, err := storepebble.Open(storepebble.Options{Dir: "db", FS: vfs.NewMem(), Schema: Schema(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ids, err := shard.NewGenerator(1, shard.DefaultNodeBits, func() time.Time { return now.AddDate(0, -3, 0) })
	if err != nil {
		t.Fatal(err)
	}
	svc := New(st, ids, Options{Domain: "example.com", Now: func() time.Time { return now }})
	var want []string
	var accounts []shard.ID
	for i, name := range []string{"old", "older", "far"} {
		a := &Account{ID: ids.Next(), Username: name, Discoverable: true, CreatedAt: now.AddDate(0, -3, 0)}
		if name == "far" {
			a.Domain, a.URI = "remote.example", "https://remote.example/users/far"
		}
		b, err := store.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		last := shard.ID(now.Add(-time.Duration(i) * time.Hour).UnixMilli())
		muts := []store.Mutation{{Kind: store.Put, Table: tAccounts, PK: a.ID.Bytes(), CK: empty, Value: b},
			{Kind: store.Put, Table: tActivity, PK: a.ID.Bytes(), CK: empty, Value: last.Bytes()}}
		if a.Local() { // "old" an admin from before roles, "older" without a role
			ub, err := store.Marshal(&User{AccountID: a.ID, Email: name + "@mail.example", Admin: name == "old"})
			if err != nil {
				t.Fatal(err)
			}
			muts = append(muts, store.Mutation{Kind: store.Put, Table: tUsers, PK: a.ID.Bytes(), CK: empty, Value: ub})
		}
		if err := st.Batch(ctx, muts); err != nil {
			t.Fatal(err)
		}
		want = append(want, a.Acct())
		accounts = append(accounts, a.ID)
	}
	listed := func(active bool) []string {
		t.Helper()
		l, err := svc.Directory(ctx, active, false, 0, 40)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, a := range l {
			out = append(out, a.Acct())
		}
		return out
	}
	if got := listed(false); len(got) != 0 {
		t.Fatalf("directory before the backfill: %v", got)
	}
	if _, _, err := st.PutIfAbsent(ctx, tBackfill, backfillPK, ckLease, []byte("other"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.BackfillListings(ctx, st, "me"); !errors.Is(err, ErrBackfillBusy) {
		t.Fatalf("backfill held by another: %v, want ErrBackfillBusy", err)
	}
	if err := st.Delete(ctx, tBackfill, backfillPK, ckLease); err != nil {
		t.Fatal(err)
	}
	if n, err := svc.BackfillListings(ctx, st, "me"); err != nil || n != 3 {
		t.Fatalf("backfill: %d accounts, %v", n, err)
	}
	// Active: by last status, newest first; new: by id, newest first.
	if got := listed(true); !slices.Equal(got, want) {
		t.Errorf("active directory %v, want %v", got, want)
	}
	if got := listed(false); !slices.Equal(got, []string{"far@remote.example", "older", "old"}) {
		t.Errorf("new directory %v", got)
	}
	for part, n := range map[string]int{OriginAll: 3, OriginLocal: 2, OriginRemote: 1, string(ListingDomain("remote.example")): 1} {
		rows, err := svc.Listing(ctx, []byte(part), store.Range{})
		if err != nil || len(rows) != n {
			t.Errorf("listing %s: %d rows, %v; want %d", part, len(rows), err, n)
		}
	}
	if staff, err := svc.Staff(ctx); err != nil || len(staff) != 1 || staff[0] != accounts[0] {
		t.Errorf("staff %v, %v; want the admin %d", staff, err, accounts[0])
	}
	if n, err := svc.BackfillListings(ctx, st, "other"); err != nil || n != 0 {
		t.Fatalf("backfill once done: %d accounts, %v", n, err)
	}
}
