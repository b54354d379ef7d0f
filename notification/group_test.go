package notification_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
)

// groups lists account's groups as "key-suffix:count:accounts", newest first, where
// the key suffix drops the type and status ("favourite-100-" becomes "").
func (r *rig) groups(t *testing.T, account shard.ID, p paging.Page, q notification.GroupQuery) []string {
	t.Helper()
	if p.Limit == 0 {
		p.Limit = 40
	}
	gs, err := r.svc.Groups(context.Background(), account, p, q)
	if err != nil {
		t.Fatalf("Groups: %v", err)
	}
	var out []string
	for _, g := range gs {
		out = append(out, fmt.Sprintf("%s:%d:%v", g.Key, g.Count, g.Accounts))
	}
	return out
}

// TestGroupKeys: favourites and boosts of one status, and follows, share a group for
// 12 hours from the hour it began, as Mastodon's set_group_key!; other kinds stay
// ungrouped; grouped_types narrows the kinds grouped.
func TestGroupKeys(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	const to = shard.ID(1)
	start := r.now
	hour := start.Unix() / 3600
	notify := func(after time.Duration, from shard.ID, kind notification.Kind, st shard.ID) {
		t.Helper()
		r.now = start.Add(after)
		if err := r.svc.Notify(ctx, to, from, kind, st); err != nil {
			t.Fatal(err)
		}
	}
	notify(0, 10, notification.Favourite, 100)
	notify(time.Hour, 11, notification.Favourite, 100)
	notify(11*time.Hour, 12, notification.Favourite, 100) // within 12 hours of the group's hour
	notify(11*time.Hour, 10, notification.Reblog, 100)
	notify(11*time.Hour, 10, notification.Follow, 0)
	notify(11*time.Hour, 11, notification.Follow, 0)
	notify(11*time.Hour, 10, notification.Mention, 101)
	notify(12*time.Hour, 13, notification.Favourite, 100) // a new group
	got := r.groups(t, to, paging.Page{}, notification.GroupQuery{})
	fav, newFav := fmt.Sprintf("favourite-100-%d", hour), fmt.Sprintf("favourite-100-%d", hour+12)
	want := []string{newFav + ":1:[13]", "ungrouped-", fmt.Sprintf("follow-%d:2:[11 10]", hour+11),
		fmt.Sprintf("reblog-100-%d:1:[10]", hour+11), fav + ":3:[12 11 10]"}
	if len(got) != len(want) {
		t.Fatalf("groups %v, want %v", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("group %d: %s, want %s", i, got[i], want[i])
		}
	}
	ns, err := r.svc.GroupMembers(ctx, to, fav, 100)
	if err != nil || len(ns) != 3 {
		t.Fatalf("members of %s: %v, %v", fav, ns, err)
	}
	got = r.groups(t, to, paging.Page{}, notification.GroupQuery{Grouped: []notification.Kind{notification.Reblog},
		Query: notification.Query{Types: []notification.Kind{notification.Follow, notification.Reblog}}})
	if len(got) != 3 || !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "reblog-100-") }) {
		t.Errorf("follows ungrouped: %v", got)
	}
	if err := r.svc.DismissGroup(ctx, to, fav); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.GroupMembers(ctx, to, fav, 100); err == nil {
		t.Errorf("the group %s outlived its dismissal", fav)
	}
	if n, err := r.svc.UnreadGroups(ctx, to, 0, 100, notification.GroupQuery{}); err != nil || n != 4 {
		t.Errorf("unread groups %d, %v; want 4", n, err)
	}
}

// TestGroupsBehindManyOthers: a listing of one type finds its notifications behind
// thousands of newer ones of other types, and stops reading once its page is full.
func TestGroupsBehindManyOthers(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	const to = shard.ID(1)
	for i := range 3 {
		if err := r.svc.Notify(ctx, to, shard.ID(10+i), notification.Mention, shard.ID(100+i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2500 {
		r.now = r.now.Add(time.Second)
		if err := r.svc.Notify(ctx, to, shard.ID(1000+i), notification.Favourite, shard.ID(5000+i)); err != nil {
			t.Fatal(err)
		}
	}
	mentions := notification.GroupQuery{Query: notification.Query{Types: []notification.Kind{notification.Mention}}}
	if got := r.groups(t, to, paging.Page{}, mentions); len(got) != 3 {
		t.Fatalf("mentions behind 2,500 favourites: %v", got)
	}
	if got := r.groups(t, to, paging.Page{Limit: 2}, mentions); len(got) != 2 {
		t.Fatalf("a page of 2 mentions: %v", got)
	}
}
