package account_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// clocked is the account service whose ids and clock both read now.
func clocked(t *testing.T, now *time.Time) *account.Service {
	ids, err := shard.NewGenerator(1, shard.DefaultNodeBits, func() time.Time { return *now })
	if err != nil {
		t.Fatal(err)
	}
	return account.New(testrig.Store(t, account.Schema()...), ids, account.Options{Domain: "example.com", BcryptCost: 4,
		Now: func() time.Time { return *now }})
}

func names(l []*account.Account) []string {
	out := []string{}
	for _, a := range l {
		out = append(out, a.Acct())
	}
	return out
}

// TestDirectory walks months back, reads a month in chunks, moves an account in the
// active directory as it posts, and tells local accounts from remote ones.
func TestDirectory(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	svc := clocked(t, &now)
	reg := func(name string) *account.Account {
		a, _, err := svc.Register(ctx, account.Registration{Username: name, Email: name + "@mail.example",
			Password: "long enough password", Agreement: true})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	old := reg("old")
	now = time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	var want []string
	for i := range 230 {
		now = now.Add(time.Second)
		want = append([]string{reg(fmt.Sprintf("user%03d", i)).Username}, want...)
	}
	remote, err := svc.UpsertRemote(ctx, &account.Account{Username: "far", Domain: "remote.example",
		URI: "https://remote.example/users/far", Discoverable: true})
	if err != nil {
		t.Fatal(err)
	}
	all, err := svc.Directory(ctx, false, true, 0, 300)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(all); !slices.Equal(got, append(want, "old")) {
		t.Fatalf("new local directory: %d accounts, first %v, last %v", len(got), got[:3], got[len(got)-3:])
	}
	first, err := svc.Directory(ctx, false, false, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	page, err := svc.Directory(ctx, false, false, 229, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(first); !slices.Equal(got, []string{remote.Acct()}) {
		t.Fatalf("newest in the directory: %v", got)
	}
	if got := names(page); !slices.Equal(got, []string{"user001", "user000", "old"}) {
		t.Fatalf("new directory after 229: %v", got)
	}

	for _, step := range []struct {
		who  *account.Account
		at   time.Time
		want []string
	}{
		{old, time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC), []string{"old"}},
		{remote, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), []string{"far@remote.example", "old"}},
		{old, time.Date(2026, 3, 5, 13, 0, 0, 0, time.UTC), []string{"old", "far@remote.example"}},
	} {
		if err := svc.TouchLastStatus(ctx, step.who.ID, step.at); err != nil {
			t.Fatal(err)
		}
		active, err := svc.Directory(ctx, true, false, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		// Accounts that never posted follow, newest first (Mastodon: nulls last).
		want := append(slices.Clone(step.want), slices.DeleteFunc(append([]string{remote.Acct()}, want...), func(n string) bool {
			return slices.Contains(step.want, n)
		})...)[:10]
		if got := names(active); !slices.Equal(got, want) {
			t.Fatalf("active after %s posts: %v, want %v", step.who.Acct(), got, want)
		}
	}
	local, err := svc.Directory(ctx, true, true, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(local); !slices.Equal(got, append([]string{"old"}, want[:9]...)) {
		t.Fatalf("active local: %v", got)
	}
}

// TestNormalizeDomain: domains are normalised or refused.
func TestNormalizeDomain(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{" Example.COM. ", "example.com"}, {"host:8080", "host:8080"}, {"", ""}, {"a/b", ""}, {"user@host", ""},
		{"Bücher.Example", "xn--bcher-kva.example"}, {"ÉCOLE.example.:443", "xn--cole-9oa.example:443"},
		{"xn--bcher-kva.example", "xn--bcher-kva.example"}, {"host:", ""}, {"host:80a", ""}, {"a_b.example", ""},
	} {
		got, err := account.NormalizeDomain(tc.in)
		var v *account.Validation
		if tc.want == "" && !errors.As(err, &v) || tc.want != "" && (err != nil || got != tc.want) {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
