package storetest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/herd-social/herd/store"
)

// scanKeys are clustering keys of varying length (empty included), with 0x00 and 0xFF
// bytes and keys that are prefixes of each other.
var scanKeys = []string{
	"", "\x00", "\x00\x00", "\x00\xff", "\x01", "a", "a\x00", "a\x00\x00", "a\x01",
	"aa", "ab", "ab\xff", "abc", "b", "\xfe\xff", "\xff", "\xff\x00", "\xff\xff", "\xff\xff\xff",
}

// scanTests cover range scans in one partition.
var scanTests = []test{
	{"scan ranges match a model", testScanCases},
	{"scan random ranges match a model", testScanRandom},
	{"scan of a missing partition is empty", func(t *testing.T, s store.Store, _ *Clock) {
		put(t, s, RowsAsc, "p", "c", "v")
		for _, pk := range []string{"q", "p\x00", "\x00"} {
			if rows := scan(t, s, RowsAsc, pk, store.Range{}); len(rows) != 0 {
				t.Fatalf("Scan(%q) = %d rows, want 0", pk, len(rows))
			}
		}
	}},
	{"partitions are isolated", testPartitionIsolation},
}

// fillScan writes scanKeys into partition "p" of RowsAsc and RowsDesc, and decoy rows
// into neighbouring partitions.
func fillScan(t *testing.T, s store.Store) {
	t.Helper()
	var muts []store.Mutation
	for _, table := range []string{RowsAsc, RowsDesc} {
		for _, ck := range scanKeys {
			muts = append(muts, store.Mutation{Kind: store.Put, Table: table, PK: b("p"), CK: b(ck), Value: b("v" + ck)})
		}
		for _, pk := range []string{"o", "p\x00", "p\xff", "pp", "q"} {
			muts = append(muts, store.Mutation{Kind: store.Put, Table: table, PK: b(pk), CK: b("a"), Value: b("decoy")})
		}
	}
	batch(t, s, muts...)
}

// model returns the clustering keys a scan of scanKeys must return.
func model(order store.Order, r store.Range) []string {
	var out []string
	for _, ck := range scanKeys {
		if inBound(ck, r.Lower, 1) && inBound(ck, r.Upper, -1) {
			out = append(out, ck)
		}
	}
	slices.Sort(out)
	if (order == store.Desc) != r.Reverse {
		slices.Reverse(out)
	}
	if r.Limit > 0 && len(out) > r.Limit {
		out = out[:r.Limit]
	}
	return out
}

// inBound reports whether ck is on the inner side of bound: above it when side is 1,
// below it when side is -1.
func inBound(ck string, bound store.Bound, side int) bool {
	if bound.Key == nil {
		return true
	}
	c := bytes.Compare([]byte(ck), bound.Key) * side
	return c > 0 || (c == 0 && bound.Inclusive)
}

// checkScan runs r on both ordered tables and compares with the model.
func checkScan(t *testing.T, s store.Store, r store.Range) {
	t.Helper()
	for _, tc := range []struct {
		table string
		order store.Order
	}{{RowsAsc, store.Asc}, {RowsDesc, store.Desc}} {
		rows := scan(t, s, tc.table, "p", r)
		got, want := cks(t, "p", rows), model(tc.order, r)
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("Scan(%s, %s) = %q, want %q", tc.table, describe(r), got, want)
		}
		for _, row := range rows {
			if string(row.Value) != "v"+string(row.CK) {
				t.Fatalf("Scan(%s) row %q has value %q", tc.table, row.CK, row.Value)
			}
		}
	}
}

func describe(r store.Range) string {
	bound := func(bd store.Bound) string {
		if bd.Key == nil {
			return "unbounded"
		}
		return fmt.Sprintf("%q incl=%v", bd.Key, bd.Inclusive)
	}
	return fmt.Sprintf("lower %s, upper %s, reverse=%v, limit=%d", bound(r.Lower), bound(r.Upper), r.Reverse, r.Limit)
}

func testScanCases(t *testing.T, s store.Store, _ *Clock) {
	fillScan(t, s)
	ranges := []store.Range{
		{},
		{Lower: store.Incl(b("a")), Upper: store.Incl(b("ab"))},
		{Lower: store.Excl(b("a")), Upper: store.Excl(b("ab"))},
		{Lower: store.Incl(b("a"))},
		{Lower: store.Excl(b("a"))},
		{Upper: store.Incl(b("a"))},
		{Upper: store.Excl(b("a"))},
		{Lower: store.Incl(b("")), Upper: store.Excl(b("\x00"))},
		{Lower: store.Excl(b("")), Upper: store.Incl(b("\x00\xff"))},
		{Lower: store.Incl(b("\xff")), Upper: store.Incl(b("\xff\xff\xff"))},
		{Lower: store.Excl(b("\xff\xff"))},
		{Lower: store.Incl(b("a0")), Upper: store.Incl(b("a~"))}, // bounds between keys
		{Lower: store.Incl(b("ab")), Upper: store.Incl(b("ab"))},
		{Lower: store.Incl(b("ab")), Upper: store.Excl(b("ab"))},
		{Lower: store.Excl(b("ab")), Upper: store.Incl(b("ab"))},
		{Lower: store.Incl(b("b")), Upper: store.Incl(b("a"))}, // inverted
		{Upper: store.Excl(b(""))},
		{Limit: 1},
		{Limit: 3},
		{Limit: 1000},
		{Lower: store.Excl(b("a")), Upper: store.Incl(b("b")), Limit: 2},
	}
	for _, r := range ranges {
		for _, reverse := range []bool{false, true} {
			r.Reverse = reverse
			checkScan(t, s, r)
		}
	}
}

func testScanRandom(t *testing.T, s store.Store, _ *Clock) {
	fillScan(t, s)
	rng := rand.New(rand.NewPCG(1, 2))
	points := append(slices.Clone(scanKeys), "a\x00\x00\x00", "\x00\x01", "aaa", "ab\xff\xff", "c", "\xff\xff\xff\xff")
	bound := func() store.Bound {
		if rng.IntN(5) == 0 {
			return store.Bound{}
		}
		return store.Bound{Key: b(points[rng.IntN(len(points))]), Inclusive: rng.IntN(2) == 0}
	}
	for range 200 {
		r := store.Range{Lower: bound(), Upper: bound(), Reverse: rng.IntN(2) == 0}
		if rng.IntN(3) == 0 {
			r.Limit = 1 + rng.IntN(5)
		}
		checkScan(t, s, r)
	}
}

// testPartitionIsolation uses partition keys that are prefixes of each other and hold
// 0x00 and 0xFF bytes.
func testPartitionIsolation(t *testing.T, s store.Store, _ *Clock) {
	pks := []string{"a", "a\x00", "a\x00\x00", "a\x01", "a\xff", "ab", "\x00", "\x00\xff", "\xff", "\xff\xff"}
	for _, table := range []string{RowsAsc, RowsDesc} {
		for _, pk := range pks {
			for _, ck := range []string{"", "1", "2\x00", pk} {
				put(t, s, table, pk, ck, pk)
			}
		}
		for _, pk := range pks {
			rows := scan(t, s, table, pk, store.Range{})
			if len(rows) != 4 {
				t.Fatalf("Scan(%s, %q) = %d rows, want 4", table, pk, len(rows))
			}
			for _, row := range rows {
				if string(row.PK) != pk || string(row.Value) != pk {
					t.Fatalf("Scan(%s, %q) returned row of partition %q", table, pk, row.Value)
				}
			}
		}
		batch(t, s, store.Mutation{Kind: store.DeletePartition, Table: table, PK: b("a")})
		if rows := scan(t, s, table, "a", store.Range{}); len(rows) != 0 {
			t.Fatalf("Scan(%s) after DeletePartition = %d rows, want 0", table, len(rows))
		}
		for _, pk := range pks[1:] {
			if rows := scan(t, s, table, pk, store.Range{}); len(rows) == 0 {
				t.Fatalf("DeletePartition(%q) emptied partition %q of %s", "a", pk, table)
			}
		}
	}
}
