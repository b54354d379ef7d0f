package timeline_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
	"github.com/herd-social/herd/timeline"
)

// testStore is a store of the test shape with the timeline tables.
func testStore(t *testing.T) store.Store {
	return testrig.Store(t, timeline.Schema(timeline.Options{})...)
}

// TestPublicAndTagTimelines: public statuses land in the public timeline of every
// scope and of their side (local or remote), and in their hashtags' timelines, in day
// buckets that pages cross, gaps included; RemovePublic takes them out of all.
func TestPublicAndTagTimelines(t *testing.T) {
	ctx := context.Background()
	st := testStore(t)
	svc := timeline.New(st, timeline.Options{})
	day0 := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	// Four statuses over three days, day 2 empty.
	a := timeline.PublicEntry{StatusID: shard.AtTime(day0), Local: true, Tags: []string{"go"}}
	b := timeline.PublicEntry{StatusID: shard.AtTime(day0.Add(24 * time.Hour)), Media: true, Tags: []string{"go", "cats"}}
	c := timeline.PublicEntry{StatusID: shard.AtTime(day0.Add(72 * time.Hour)), Local: true, Media: true}
	d := timeline.PublicEntry{StatusID: shard.AtTime(day0.Add(73 * time.Hour)), Tags: []string{"cats"}}
	for _, e := range []timeline.PublicEntry{a, b, c, d} {
		if err := svc.AddPublic(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	A, B, C, D := a.StatusID, b.StatusID, c.StatusID, d.StatusID
	type read func(paging.Page) ([]shard.ID, error)
	public := func(scope timeline.Scope, media bool) read {
		return func(p paging.Page) ([]shard.ID, error) { return svc.Public(ctx, scope, media, p) }
	}
	tag := func(name string, scope timeline.Scope, media bool) read {
		return func(p paging.Page) ([]shard.ID, error) { return svc.Tag(ctx, name, scope, media, p) }
	}
	cases := []struct {
		name string
		read read
		page paging.Page
		want []shard.ID
	}{
		{"public", public(timeline.All, false), paging.Page{Limit: 10}, []shard.ID{D, C, B, A}},
		{"local", public(timeline.Local, false), paging.Page{Limit: 10}, []shard.ID{C, A}},
		{"remote", public(timeline.Remote, false), paging.Page{Limit: 10}, []shard.ID{D, B}},
		{"only media", public(timeline.All, true), paging.Page{Limit: 10}, []shard.ID{C, B}},
		{"first page", public(timeline.All, false), paging.Page{Limit: 2}, []shard.ID{D, C}},
		{"max_id across the empty day", public(timeline.All, false), paging.Page{MaxID: C, Limit: 2}, []shard.ID{B, A}},
		{"min_id across the empty day", public(timeline.All, false), paging.Page{MinID: A, Limit: 2}, []shard.ID{C, B}},
		{"since_id", public(timeline.All, false), paging.Page{SinceID: B, Limit: 10}, []shard.ID{D, C}},
		{"past the oldest", public(timeline.All, false), paging.Page{MaxID: A, Limit: 10}, nil},
		{"tag", tag("go", timeline.All, false), paging.Page{Limit: 10}, []shard.ID{B, A}},
		{"tag, local", tag("go", timeline.Local, false), paging.Page{Limit: 10}, []shard.ID{A}},
		{"tag, only media", tag("go", timeline.All, true), paging.Page{Limit: 10}, []shard.ID{B}},
		{"another tag", tag("cats", timeline.All, false), paging.Page{Limit: 10}, []shard.ID{D, B}},
		{"another tag, local", tag("cats", timeline.Local, false), paging.Page{Limit: 10}, nil},
		{"a tag is not its prefix", tag("c", timeline.All, false), paging.Page{Limit: 10}, nil},
		{"unknown tag", tag("nothing", timeline.All, false), paging.Page{Limit: 10}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.read(tc.page)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("page %+v = %v, %v; want %v", tc.page, got, err, tc.want)
			}
		})
	}

	t.Run("a read walks back PublicDays non-empty days at most", func(t *testing.T) {
		short := timeline.New(st, timeline.Options{PublicDays: 2})
		got, err := short.Public(ctx, timeline.All, false, paging.Page{Limit: 10})
		if want := []shard.ID{D, C, B}; err != nil || !slices.Equal(got, want) {
			t.Fatalf("Public = %v, %v; want %v (days 3 and 1)", got, err, want)
		}
	})

	t.Run("RemovePublic", func(t *testing.T) {
		if err := svc.RemovePublic(ctx, b); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			read read
			want []shard.ID
		}{
			{"public", public(timeline.All, false), []shard.ID{D, C, A}},
			{"remote", public(timeline.Remote, false), []shard.ID{D}},
			{"tag", tag("go", timeline.All, false), []shard.ID{A}},
			{"another tag", tag("cats", timeline.All, false), []shard.ID{D}},
		} {
			got, err := tc.read(paging.Page{Limit: 10})
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("%s after RemovePublic = %v, %v; want %v", tc.name, got, err, tc.want)
			}
		}
	})
}

// TestHomeSchemaTTL: home entries expire after HomeTTL, which bounds a home partition.
func TestHomeSchemaTTL(t *testing.T) {
	for _, tc := range []struct {
		opts timeline.Options
		want time.Duration
	}{
		{timeline.Options{}, 14 * 24 * time.Hour},
		{timeline.Options{HomeTTL: time.Hour}, time.Hour},
	} {
		var ttl time.Duration
		for _, tb := range timeline.Schema(tc.opts) {
			if tb.Name == "home" {
				ttl = tb.TTL
			}
		}
		if ttl != tc.want {
			t.Errorf("home TTL with %+v = %v, want %v", tc.opts, ttl, tc.want)
		}
	}
}
