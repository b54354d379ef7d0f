package status_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/visibility"
)

// TestPollsEndOnce: a poll's end comes at its time, once, and not for a poll deleted
// before it.
func TestPollsEndOnce(t *testing.T) {
	ctx := context.Background()
	st, lb, ids, accounts := engines(t)
	var now atomic.Int64
	now.Store(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	svc := status.New(st, lb, ids, accounts, visibility.New(accounts), noNotifier{}, plainFormatter{},
		status.Options{Now: clock})
	reg := func(name string) *account.Account {
		a, _, err := accounts.Register(ctx, account.Registration{Username: name, Email: name + "@example.com",
			Password: "long enough password", Agreement: true})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	ann, bob := reg("ann"), reg("bob")
	ask := func(in time.Duration) *status.Status {
		s, err := svc.Create(ctx, ann.ID, status.Post{Text: "which?",
			Poll: &poll.Ask{Options: []string{"a", "b"}, ExpiresIn: in}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	soon, gone := ask(10*time.Minute), ask(20*time.Minute)
	ask(3 * time.Hour)
	if _, err := svc.Vote(ctx, bob.ID, soon.ID, []int{0}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Delete(ctx, ann.ID, gone.ID); err != nil {
		t.Fatal(err)
	}
	end := func(after time.Duration, want int) {
		t.Helper()
		now.Add(int64(after))
		if n, err := svc.EndPolls(ctx); err != nil || n != want {
			t.Fatalf("%s on: EndPolls = %d, %v; want %d", clock().Format(time.Kitchen), n, err, want)
		}
	}
	end(5*time.Minute, 0)
	end(6*time.Minute, 1) // soon
	end(0, 0)             // once
	end(time.Hour, 0)     // gone was deleted
	if _, err := svc.Vote(ctx, bob.ID, soon.ID, []int{1}, true); err == nil {
		t.Fatal("a vote after the end was counted")
	}
	end(3*time.Hour, 1) // the third, hours after the sweep before
}
