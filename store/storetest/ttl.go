package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/store"
)

// ttlTests cover row expiry. Time moves only through the Clock given to the store, in
// the durations of timingFor (with the manual clock: a 10s TTL, checks a second before
// and after expiries, and RowsTTL's default of DefaultTTL).
var ttlTests = []test{
	{"row with ttl disappears", testTTLExpires},
	{"expired rows do not count toward a scan limit", testTTLScanLimit},
	{"table default ttl", func(t *testing.T, s store.Store, c *Clock) {
		tm := timingFor(c)
		put(t, s, RowsTTL, "p", "default", "v")
		putTTL(t, s, RowsTTL, "p", "longer", "v", 2*tm.def)
		c.Advance(tm.def - tm.margin)
		wantValue(t, s, RowsTTL, "p", "default", "v")
		c.Advance(2 * tm.margin)
		wantMissing(t, s, RowsTTL, "p", "default")
		wantValue(t, s, RowsTTL, "p", "longer", "v")
		c.Advance(tm.def)
		wantMissing(t, s, RowsTTL, "p", "longer")
	}},
	{"batch put ttl", func(t *testing.T, s store.Store, c *Clock) {
		tm := timingFor(c)
		batch(t, s,
			store.Mutation{Kind: store.Put, Table: RowsAsc, PK: b("p"), CK: b("ttl"), Value: b("v"), TTL: tm.ttl},
			store.Mutation{Kind: store.Put, Table: RowsAsc, PK: b("p"), CK: b("forever"), Value: b("v")},
			store.Mutation{Kind: store.Put, Table: RowsTTL, PK: b("p"), CK: b("default"), Value: b("v")},
		)
		c.Advance(tm.ttl + tm.margin)
		wantMissing(t, s, RowsAsc, "p", "ttl")
		wantValue(t, s, RowsAsc, "p", "forever", "v")
		wantValue(t, s, RowsTTL, "p", "default", "v")
		c.Advance(tm.def)
		wantMissing(t, s, RowsTTL, "p", "default")
		wantValue(t, s, RowsAsc, "p", "forever", "v")
	}},
	{"overwrite replaces the ttl", func(t *testing.T, s store.Store, c *Clock) {
		tm := timingFor(c)
		putTTL(t, s, RowsAsc, "p", "cleared", "v1", tm.ttl)
		put(t, s, RowsAsc, "p", "cleared", "v2")
		putTTL(t, s, RowsAsc, "p", "extended", "v1", tm.ttl)
		putTTL(t, s, RowsAsc, "p", "extended", "v2", tm.def)
		c.Advance(tm.ttl + tm.margin)
		wantValue(t, s, RowsAsc, "p", "cleared", "v2")
		wantValue(t, s, RowsAsc, "p", "extended", "v2")
		c.Advance(tm.def)
		wantValue(t, s, RowsAsc, "p", "cleared", "v2")
		wantMissing(t, s, RowsAsc, "p", "extended")
	}},
	{"put if absent over an expired row", func(t *testing.T, s store.Store, c *Clock) {
		tm := timingFor(c)
		putTTL(t, s, RowsAsc, "p", "c", "old", tm.ttl)
		wantPutIfAbsent(t, s, RowsAsc, "p", "c", "early", false, "old")
		c.Advance(tm.ttl + tm.margin)
		wantPutIfAbsent(t, s, RowsAsc, "p", "c", "new", true, "")
		wantValue(t, s, RowsAsc, "p", "c", "new")
		wrote, _, err := s.PutIfAbsent(t.Context(), RowsTTL, b("p"), b("c"), b("ttl"), tm.ttl)
		if err != nil || !wrote {
			t.Fatalf("PutIfAbsent with ttl = %v, %v, want true, nil", wrote, err)
		}
		c.Advance(tm.ttl + tm.margin)
		wantMissing(t, s, RowsTTL, "p", "c")
		wantPutIfAbsent(t, s, RowsTTL, "p", "c", "again", true, "")
	}},
}

func testTTLExpires(t *testing.T, s store.Store, c *Clock) {
	tm := timingFor(c)
	for _, table := range []string{RowsAsc, RowsDesc} {
		putTTL(t, s, table, "p", "short", "v", tm.ttl)
		put(t, s, table, "p", "stays", "v")
	}
	c.Advance(tm.ttl - tm.margin)
	for _, table := range []string{RowsAsc, RowsDesc} {
		wantValue(t, s, table, "p", "short", "v")
		if got := cks(t, "p", scan(t, s, table, "p", store.Range{})); len(got) != 2 {
			t.Fatalf("Scan(%s) before expiry = %q, want 2 rows", table, got)
		}
	}
	c.Advance(2 * tm.margin)
	for _, table := range []string{RowsAsc, RowsDesc} {
		wantMissing(t, s, table, "p", "short") // Get and MultiGet
		wantValue(t, s, table, "p", "stays", "v")
		for _, reverse := range []bool{false, true} {
			got := cks(t, "p", scan(t, s, table, "p", store.Range{Reverse: reverse}))
			if !slices.Equal(got, []string{"stays"}) {
				t.Fatalf("Scan(%s, reverse=%v) after expiry = %q, want [stays]", table, reverse, got)
			}
		}
	}
}

func testTTLScanLimit(t *testing.T, s store.Store, c *Clock) {
	tm := timingFor(c)
	for _, ck := range []string{"1", "2", "3", "4", "5"} {
		ttl := time.Duration(0)
		if ck == "2" || ck == "4" || ck == "5" {
			ttl = tm.ttl
		}
		putTTL(t, s, RowsAsc, "p", ck, "v", ttl)
		putTTL(t, s, RowsDesc, "p", ck, "v", ttl)
	}
	c.Advance(tm.ttl + tm.margin)
	for _, tc := range []struct {
		table   string
		reverse bool
		want    []string
	}{
		{RowsAsc, false, []string{"1", "3"}},
		{RowsAsc, true, []string{"3", "1"}},
		{RowsDesc, false, []string{"3", "1"}},
		{RowsDesc, true, []string{"1", "3"}},
	} {
		got := cks(t, "p", scan(t, s, tc.table, "p", store.Range{Limit: 2, Reverse: tc.reverse}))
		if !slices.Equal(got, tc.want) {
			t.Fatalf("Scan(%s, reverse=%v, limit 2) = %q, want %q", tc.table, tc.reverse, got, tc.want)
		}
	}
}
