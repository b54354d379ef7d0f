package paging_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
)

// TestRange: each cursor becomes the bounds Mastodon gives it, on the id bytes.
func TestRange(t *testing.T) {
	id := func(n shard.ID) []byte { return n.Bytes() }
	for _, tc := range []struct {
		name string
		page paging.Page
		want store.Range
	}{
		{"first page", paging.Page{Limit: 20}, store.Range{Limit: 20}},
		{"max_id: older than", paging.Page{MaxID: 9, Limit: 5}, store.Range{Upper: store.Excl(id(9)), Limit: 5}},
		{"since_id: newest newer than", paging.Page{SinceID: 3, Limit: 5}, store.Range{Lower: store.Excl(id(3)), Limit: 5}},
		{"min_id: right after, oldest first", paging.Page{MinID: 3, Limit: 5},
			store.Range{Lower: store.Excl(id(3)), Reverse: true, Limit: 5}},
		{"max_id and since_id", paging.Page{MaxID: 9, SinceID: 3, Limit: 5},
			store.Range{Lower: store.Excl(id(3)), Upper: store.Excl(id(9)), Limit: 5}},
		{"min_id wins over since_id", paging.Page{MinID: 5, SinceID: 3, Limit: 5},
			store.Range{Lower: store.Excl(id(5)), Reverse: true, Limit: 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.page.Range()
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Range() = %+v, want %+v", got, tc.want)
			}
			if got, want := tc.page.Forward(), tc.page.MinID != 0; got != want {
				t.Fatalf("Forward() = %v, want %v", got, want)
			}
		})
	}
}

// TestPagesOnAStore: the ranges read the pages Mastodon's cursors mean from a
// newest-first table of the test shape's store, and Newest puts a min_id page
// newest first.
func TestPagesOnAStore(t *testing.T) {
	ctx := context.Background()
	// A newest-first table keyed by 8-byte ids, as every paged listing is.
	st := testrig.Store(t, store.Table{Name: "pages", Order: store.Desc})
	pk := shard.ID(1).Bytes()
	for i := shard.ID(1); i <= 10; i++ {
		if err := st.Put(ctx, "pages", pk, i.Bytes(), shard.ID(7).Bytes(), 0); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		page paging.Page
		want []shard.ID
	}{
		{"first page", paging.Page{Limit: 3}, []shard.ID{10, 9, 8}},
		{"max_id", paging.Page{MaxID: 8, Limit: 3}, []shard.ID{7, 6, 5}},
		{"max_id near the end", paging.Page{MaxID: 3, Limit: 3}, []shard.ID{2, 1}},
		{"since_id: the newest", paging.Page{SinceID: 4, Limit: 3}, []shard.ID{10, 9, 8}},
		{"min_id: right after the cursor", paging.Page{MinID: 4, Limit: 3}, []shard.ID{7, 6, 5}},
		{"min_id and max_id", paging.Page{MinID: 4, MaxID: 7, Limit: 3}, []shard.ID{6, 5}},
		{"since_id and max_id", paging.Page{SinceID: 2, MaxID: 9, Limit: 3}, []shard.ID{8, 7, 6}},
		{"nothing newer", paging.Page{MinID: 10, Limit: 3}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := st.Scan(ctx, "pages", pk, tc.page.Range())
			if err != nil {
				t.Fatal(err)
			}
			var got []shard.ID
			for _, r := range tc.page.Newest(rows) {
				id := shard.FromBytes(r.CK)
				if !tc.page.Within(id) {
					t.Errorf("row %d outside the page %+v", id, tc.page)
				}
				got = append(got, id)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("page %+v = %v, want %v", tc.page, got, tc.want)
			}
			if c := paging.IDs(got); len(got) > 0 && (c.Prev != got[0] || c.Next != got[len(got)-1]) {
				t.Fatalf("cursors %+v of %v", c, got)
			}
		})
	}
}

// TestFilter: a filtered page holds the kept rows nearest its cursor, newest first,
// scanning on past rows that are not kept; a min_id page holds the ones right after
// the cursor, not the newest of what was scanned.
func TestFilter(t *testing.T) {
	ctx := context.Background()
	st := testrig.Store(t, store.Table{Name: "filtered", Order: store.Desc})
	pk := shard.ID(1).Bytes()
	for i := shard.ID(1); i <= 30; i++ {
		if err := st.Put(ctx, "filtered", pk, i.Bytes(), nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	scan := func(r store.Range) ([]store.Row, error) { return st.Scan(ctx, "filtered", pk, r) }
	every := func(n shard.ID) func(store.Row) (bool, error) {
		return func(r store.Row) (bool, error) { return shard.FromBytes(r.CK)%n == 0, nil }
	}
	even := every(2)
	for _, tc := range []struct {
		name string
		page paging.Page
		want []shard.ID
		keep func(store.Row) (bool, error)
	}{
		{"first page", paging.Page{Limit: 3}, []shard.ID{30, 28, 26}, nil},
		{"max_id", paging.Page{MaxID: 26, Limit: 3}, []shard.ID{24, 22, 20}, nil},
		{"min_id: right after the cursor", paging.Page{MinID: 3, Limit: 3}, []shard.ID{8, 6, 4}, nil},
		{"since_id: the newest", paging.Page{SinceID: 3, Limit: 3}, []shard.ID{30, 28, 26}, nil},
		{"min_id near the end", paging.Page{MinID: 26, Limit: 3}, []shard.ID{30, 28}, nil},
		{"rounds of twice the limit", paging.Page{Limit: 4}, []shard.ID{30, 25, 20, 15}, every(5)},
		{"rounds forward", paging.Page{MinID: 1, Limit: 3}, []shard.ID{21, 14, 7}, every(7)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keep := tc.keep
			if keep == nil {
				keep = even
			}
			rows, err := tc.page.Filter(scan, keep)
			if err != nil {
				t.Fatal(err)
			}
			var got []shard.ID
			for _, r := range rows {
				got = append(got, shard.FromBytes(r.CK))
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("page %+v = %v, want %v", tc.page, got, tc.want)
			}
		})
	}
}

func TestWithin(t *testing.T) {
	for _, tc := range []struct {
		page paging.Page
		in   []shard.ID
		out  []shard.ID
	}{
		{paging.Page{}, []shard.ID{1, 1 << 60}, nil},
		{paging.Page{MaxID: 5}, []shard.ID{4}, []shard.ID{5, 6}},
		{paging.Page{SinceID: 5}, []shard.ID{6}, []shard.ID{4, 5}},
		{paging.Page{MinID: 5}, []shard.ID{6}, []shard.ID{4, 5}},
		{paging.Page{MinID: 2, MaxID: 5}, []shard.ID{3, 4}, []shard.ID{2, 5}},
	} {
		for _, id := range tc.in {
			if !tc.page.Within(id) {
				t.Errorf("%+v.Within(%d) = false, want true", tc.page, id)
			}
		}
		for _, id := range tc.out {
			if tc.page.Within(id) {
				t.Errorf("%+v.Within(%d) = true, want false", tc.page, id)
			}
		}
	}
}

func TestIDs(t *testing.T) {
	if c := paging.IDs(nil); c != (paging.Cursors{}) {
		t.Fatalf("IDs(nil) = %+v, want no cursors", c)
	}
	if c := paging.IDs([]shard.ID{9, 7, 4}); c != (paging.Cursors{Next: 4, Prev: 9}) {
		t.Fatalf("IDs = %+v, want next 4 (older), prev 9 (newer)", c)
	}
}
