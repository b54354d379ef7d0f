package notification_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

// rig is the notification service on a store of the test shape, with the account
// service on the same store deciding blocks and mutes, and a fixed clock.
type rig struct {
	svc      *notification.Service
	accounts *account.Service
	now      time.Time
	mu       struct {
		sync.Mutex
		heard []string // the stream events published, as heardEvent
	}
}

// Publish hears the stream events of the service.
func (r *rig) Publish(key stream.Key, e stream.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mu.heard = append(r.mu.heard, heardEvent(key, e.Kind, e.ID != 0))
}

func heardEvent(key stream.Key, kind string, hasID bool) string {
	return fmt.Sprintf("%s %s id:%v", key, kind, hasID)
}

func newRig(t *testing.T) *rig {
	st := testrig.Store(t, append(notification.Schema(), account.Schema()...)...)
	ids, err := shard.NewGenerator(1, shard.DefaultNodeBits, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	r.accounts = account.New(st, ids, account.Options{Domain: "example.com"})
	r.svc = notification.New(st, ids, r.accounts, notification.Options{Now: func() time.Time { return r.now }, Streams: r})
	return r
}

// heard lists the stream events published so far.
func (r *rig) heard() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.mu.heard)
}

// list lists account's notifications as "type from status" strings, newest first.
func (r *rig) list(t *testing.T, account shard.ID, p paging.Page, q notification.Query) []string {
	t.Helper()
	if p.Limit == 0 {
		p.Limit = 40
	}
	ns, err := r.svc.List(context.Background(), account, p, q)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = describe(n)
	}
	return out
}

func describe(n notification.Notification) string {
	return fmt.Sprintf("%s %d %d", n.Type, n.From, n.StatusID)
}

// TestNotifyOncePerCause: a cause (type, sender, status) notifies once; the rules
// that silence a notification each hold.
func TestNotifyOncePerCause(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	const to = shard.ID(1)
	if err := r.accounts.Block(ctx, to, 20); err != nil {
		t.Fatal(err)
	}
	if err := r.accounts.Block(ctx, 21, to); err != nil {
		t.Fatal(err)
	}
	if err := r.accounts.Mute(ctx, to, 30, true, 0); err != nil {
		t.Fatal(err)
	}
	if err := r.accounts.Mute(ctx, to, 31, false, 0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		from     shard.ID
		kind     notification.Kind
		status   shard.ID
		notified bool
	}{
		{"a favourite", 10, "favourite", 100, true},
		{"the same favourite again", 10, "favourite", 100, false},
		{"a favourite of another status", 10, "favourite", 101, true},
		{"a reblog of the same status", 10, "reblog", 100, true},
		{"the same from someone else", 11, "favourite", 100, true},
		{"a follow", 10, "follow", 0, true},
		{"the same follow again", 10, "follow", 0, false},
		{"from oneself", to, "mention", 100, false},
		{"from an account it blocks", 20, "mention", 100, false},
		{"from an account that blocks it", 21, "mention", 100, false},
		{"from an account it mutes with notifications", 30, "mention", 100, false},
		{"from an account it mutes without notifications", 31, "mention", 100, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, heard := len(r.list(t, to, paging.Page{}, notification.Query{})), len(r.heard())
			if err := r.svc.Notify(ctx, to, tc.from, tc.kind, tc.status); err != nil {
				t.Fatal(err)
			}
			after := r.list(t, to, paging.Page{}, notification.Query{})
			if got := len(after) > before; got != tc.notified {
				t.Fatalf("notified: %v, want %v; notifications %v", got, tc.notified, after)
			}
			var want []string
			if tc.notified {
				want = []string{heardEvent(stream.Notifications(to), stream.Notification, true)}
			}
			if published := r.heard()[heard:]; !slices.Equal(published, want) {
				t.Fatalf("stream events %v, want %v", published, want)
			}
			if tc.notified && after[0] != fmt.Sprintf("%s %d %d", tc.kind, tc.from, tc.status) {
				t.Fatalf("newest notification %q", after[0])
			}
		})
	}
	if err := r.svc.Notify(ctx, 0, 10, "mention", 100); err != nil {
		t.Fatalf("Notify of nobody: %v", err)
	}
}

// TestListDismissClearUnread: listing pages and filters, Get and Dismiss of one
// notification, the unread count after a marker, and Clear.
func TestListDismissClearUnread(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	const to, other = shard.ID(1), shard.ID(2)
	// Six notifications, oldest first, from 10 to 15: mention, favourite, follow, twice.
	kinds := []notification.Kind{notification.Mention, notification.Favourite, notification.Follow, notification.Mention, notification.Favourite, notification.Follow}
	var all []string // newest first
	for i, k := range kinds {
		r.now = r.now.Add(time.Minute)
		from, status := shard.ID(10+i), shard.ID(100+i)
		if k == "follow" {
			status = 0
		}
		if err := r.svc.Notify(ctx, to, from, k, status); err != nil {
			t.Fatal(err)
		}
		all = append([]string{fmt.Sprintf("%s %d %d", k, from, status)}, all...)
	}
	if err := r.svc.Notify(ctx, other, 10, "mention", 100); err != nil {
		t.Fatal(err)
	}
	ns, err := r.svc.List(ctx, to, paging.Page{Limit: 40}, notification.Query{})
	if err != nil || len(ns) != 6 {
		t.Fatalf("List = %d, %v", len(ns), err)
	}
	if !ns[0].CreatedAt.Equal(r.now) || ns[0].ID <= ns[1].ID {
		t.Fatalf("newest %+v, next %+v: want the clock's time and newest first", ns[0], ns[1])
	}
	id := func(i int) shard.ID { return ns[i].ID } // index in newest-first order

	t.Run("list", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			page paging.Page
			q    notification.Query
			want []string
		}{
			{"all", paging.Page{}, notification.Query{}, all},
			{"a page", paging.Page{Limit: 2}, notification.Query{}, all[:2]},
			{"max_id", paging.Page{MaxID: id(1), Limit: 2}, notification.Query{}, all[2:4]},
			{"since_id", paging.Page{SinceID: id(3), Limit: 2}, notification.Query{}, all[:2]},
			{"min_id, fewer than a page after", paging.Page{MinID: id(2), Limit: 2}, notification.Query{}, all[:2]},
			{"types", paging.Page{}, notification.Query{Types: []notification.Kind{notification.Follow}}, []string{all[0], all[3]}},
			{"exclude types", paging.Page{}, notification.Query{ExcludeTypes: []notification.Kind{notification.Follow, notification.Mention}},
				[]string{all[1], all[4]}},
			{"from one account", paging.Page{}, notification.Query{From: 13}, []string{all[2]}},
			{"types, paged past unmatched rows", paging.Page{Limit: 1, MaxID: id(0)}, notification.Query{Types: []notification.Kind{notification.Follow}},
				[]string{all[3]}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := r.list(t, to, tc.page, tc.q); !slices.Equal(got, tc.want) {
					t.Fatalf("List %+v %+v = %q, want %q", tc.page, tc.q, got, tc.want)
				}
			})
		}
	})

	t.Run("unread count", func(t *testing.T) {
		for _, tc := range []struct {
			lastRead shard.ID
			limit    int
			want     int
		}{{0, 100, 6}, {id(2), 100, 2}, {id(0), 100, 0}, {0, 4, 4}} {
			if got, err := r.svc.UnreadCount(ctx, to, tc.lastRead, tc.limit, notification.Query{}); err != nil || got != tc.want {
				t.Errorf("UnreadCount(after %d, limit %d) = %d, %v; want %d", tc.lastRead, tc.limit, got, err, tc.want)
			}
		}
	})

	t.Run("get and dismiss", func(t *testing.T) {
		n, err := r.svc.Get(ctx, to, id(1))
		if err != nil || describe(*n) != all[1] {
			t.Fatalf("Get = %+v, %v; want %q", n, err, all[1])
		}
		if _, err := r.svc.Get(ctx, other, id(1)); !errors.Is(err, notification.ErrNotFound) {
			t.Fatalf("Get of another account's notification: %v, want ErrNotFound", err)
		}
		if err := r.svc.Dismiss(ctx, other, id(1)); !errors.Is(err, notification.ErrNotFound) {
			t.Fatalf("Dismiss of another account's notification: %v, want ErrNotFound", err)
		}
		if err := r.svc.Dismiss(ctx, to, id(1)); err != nil {
			t.Fatal(err)
		}
		if got, want := r.list(t, to, paging.Page{}, notification.Query{}), slices.Delete(slices.Clone(all), 1, 2); !slices.Equal(got, want) {
			t.Fatalf("after Dismiss: %q, want %q", got, want)
		}
		if err := r.svc.Dismiss(ctx, to, id(1)); !errors.Is(err, notification.ErrNotFound) {
			t.Fatalf("Dismiss again: %v, want ErrNotFound", err)
		}
	})

	t.Run("clear", func(t *testing.T) {
		if err := r.svc.Clear(ctx, to); err != nil {
			t.Fatal(err)
		}
		if got := r.list(t, to, paging.Page{}, notification.Query{}); len(got) != 0 {
			t.Fatalf("after Clear: %q", got)
		}
		if n, err := r.svc.UnreadCount(ctx, to, 0, 100, notification.Query{}); err != nil || n != 0 {
			t.Fatalf("UnreadCount after Clear = %d, %v", n, err)
		}
		if got := r.list(t, other, paging.Page{}, notification.Query{}); len(got) != 1 {
			t.Fatalf("another account's notifications after Clear: %q", got)
		}
		// A cause already notified stays silent after Clear (notification_causes keeps it 30 days).
		if err := r.svc.Notify(ctx, to, 10, "mention", 100); err != nil {
			t.Fatal(err)
		}
		if got := r.list(t, to, paging.Page{}, notification.Query{}); len(got) != 0 {
			t.Fatalf("a cause notified before Clear notified again: %q", got)
		}
	})
}

// TestListMinIDIsRightAfterTheCursor: a min_id page holds the notifications right
// after the cursor, as Mastodon pages forward.
func TestListMinIDIsRightAfterTheCursor(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	var ids []shard.ID // oldest first
	for i := range 6 {
		if err := r.svc.Notify(ctx, 1, shard.ID(10+i), notification.Follow, 0); err != nil {
			t.Fatal(err)
		}
	}
	ns, err := r.svc.List(ctx, 1, paging.Page{Limit: 40}, notification.Query{})
	if err != nil || len(ns) != 6 {
		t.Fatalf("List = %d, %v", len(ns), err)
	}
	for i := len(ns) - 1; i >= 0; i-- {
		ids = append(ids, ns[i].ID)
	}
	got, err := r.svc.List(ctx, 1, paging.Page{MinID: ids[0], Limit: 2}, notification.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []shard.ID
	for _, n := range got {
		gotIDs = append(gotIDs, n.ID)
	}
	if want := []shard.ID{ids[2], ids[1]}; !slices.Equal(gotIDs, want) {
		t.Fatalf("min_id page = %v, want %v (the two right after the cursor, newest first)", gotIDs, want)
	}
}
