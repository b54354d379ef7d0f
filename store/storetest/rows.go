package storetest

import (
	"fmt"
	"testing"

	"github.com/herd-social/herd/store"
)

// rowTests cover point reads and writes.
var rowTests = []test{
	{"get missing is ErrNotFound", func(t *testing.T, s store.Store, _ *Clock) {
		wantMissing(t, s, RowsAsc, "p", "c")
		put(t, s, RowsAsc, "p", "c", "v")
		wantMissing(t, s, RowsAsc, "p", "other")
		wantMissing(t, s, RowsAsc, "other", "c")
	}},
	{"put then get", func(t *testing.T, s store.Store, _ *Clock) {
		for _, table := range []string{RowsAsc, RowsDesc, RowsTTL} {
			put(t, s, table, "p", "c", "v-"+table)
			wantValue(t, s, table, "p", "c", "v-"+table)
		}
	}},
	{"put overwrites", func(t *testing.T, s store.Store, _ *Clock) {
		put(t, s, RowsAsc, "p", "c", "first")
		put(t, s, RowsAsc, "p", "c", "second")
		wantValue(t, s, RowsAsc, "p", "c", "second")
		if rows := scan(t, s, RowsAsc, "p", store.Range{}); len(rows) != 1 {
			t.Fatalf("Scan after overwrite returned %d rows, want 1", len(rows))
		}
	}},
	{"delete", func(t *testing.T, s store.Store, _ *Clock) {
		put(t, s, RowsAsc, "p", "c", "v")
		put(t, s, RowsAsc, "p", "d", "v")
		if err := s.Delete(t.Context(), RowsAsc, b("p"), b("c")); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		wantMissing(t, s, RowsAsc, "p", "c")
		wantValue(t, s, RowsAsc, "p", "d", "v")
		if err := s.Delete(t.Context(), RowsAsc, b("p"), b("missing")); err != nil {
			t.Fatalf("Delete of a missing row: %v", err)
		}
		put(t, s, RowsAsc, "p", "c", "again")
		wantValue(t, s, RowsAsc, "p", "c", "again")
	}},
	{"empty value is not missing", testEmptyValue},
	{"multiget keeps order and marks missing nil", testMultiGet},
	{"keys with 0x00 and 0xFF do not collide", testKeyCollisions},
	{"table kinds are enforced", testKinds},
	{"caller may reuse slices passed in", testInputAliasing},
	{"returned slices belong to the caller", testOutputAliasing},
}

func testEmptyValue(t *testing.T, s store.Store, _ *Clock) {
	ctx := t.Context()
	for _, v := range [][]byte{nil, {}} {
		ck := fmt.Sprintf("nil=%v", v == nil)
		if err := s.Put(ctx, RowsAsc, b("p"), b(ck), v, 0); err != nil {
			t.Fatalf("Put empty value: %v", err)
		}
		got, err := s.Get(ctx, RowsAsc, b("p"), b(ck))
		if err != nil || len(got) != 0 {
			t.Fatalf("Get empty value = %q, %v, want empty, nil", got, err)
		}
	}
	keys := []store.Key{{PK: b("p"), CK: b("nil=true")}, {PK: b("p"), CK: b("missing")}, {PK: b("p"), CK: b("nil=false")}}
	vals, err := s.MultiGet(ctx, RowsAsc, keys)
	if err != nil {
		t.Fatalf("MultiGet: %v", err)
	}
	if len(vals) != 3 || vals[0] == nil || len(vals[0]) != 0 || vals[1] != nil || vals[2] == nil || len(vals[2]) != 0 {
		t.Fatalf("MultiGet = %#v, want [empty non-nil, nil, empty non-nil]", vals)
	}
	rows := scan(t, s, RowsAsc, "p", store.Range{})
	if len(rows) != 2 || len(rows[0].Value) != 0 || len(rows[1].Value) != 0 {
		t.Fatalf("Scan = %+v, want two rows with empty values", rows)
	}
}

func testMultiGet(t *testing.T, s store.Store, _ *Clock) {
	ctx := t.Context()
	put(t, s, RowsDesc, "p1", "a", "1a")
	put(t, s, RowsDesc, "p2", "b", "2b")
	put(t, s, RowsDesc, "p1", "c", "1c")
	keys := []store.Key{
		{PK: b("p1"), CK: b("c")},
		{PK: b("p2"), CK: b("a")}, // missing: wrong partition
		{PK: b("p2"), CK: b("b")},
		{PK: b("p1"), CK: b("a")},
		{PK: b("p1"), CK: b("c")}, // asked twice
		{PK: b("p3"), CK: b("z")},
	}
	vals, err := s.MultiGet(ctx, RowsDesc, keys)
	if err != nil {
		t.Fatalf("MultiGet: %v", err)
	}
	want := []string{"1c", "", "2b", "1a", "1c", ""}
	if len(vals) != len(want) {
		t.Fatalf("MultiGet returned %d values, want %d", len(vals), len(want))
	}
	for i, w := range want {
		if (w == "") != (vals[i] == nil) || string(vals[i]) != w {
			t.Errorf("MultiGet[%d] = %q (nil=%v), want %q", i, vals[i], vals[i] == nil, w)
		}
	}
	vals, err = s.MultiGet(ctx, RowsDesc, nil)
	if err != nil || len(vals) != 0 {
		t.Fatalf("MultiGet of no keys = %q, %v, want empty, nil", vals, err)
	}
}

// testKeyCollisions writes rows whose partition and clustering keys would be equal if
// they were simply concatenated, and checks they stay distinct rows.
func testKeyCollisions(t *testing.T, s store.Store, _ *Clock) {
	keys := [][2]string{
		{"a", "bc"}, {"ab", "c"}, {"abc", ""},
		{"a", "\x00\x01"}, {"a\x00", "\x01"}, {"a\x00\x01", ""},
		{"a", "\x00\xff"}, {"a\x00", "\xff"}, {"a\x00\xff", ""},
		{"a", "\xff\x00\x01x"}, {"a\xff", "x"},
		{"\x00", "\x00"}, {"\x00\x00", ""},
		{"\xff", "\xff"}, {"\xff\xff", ""},
	}
	for _, table := range []string{RowsAsc, RowsDesc} {
		for _, k := range keys {
			put(t, s, table, k[0], k[1], fmt.Sprintf("%q/%q", k[0], k[1]))
		}
		for _, k := range keys {
			wantValue(t, s, table, k[0], k[1], fmt.Sprintf("%q/%q", k[0], k[1]))
		}
	}
}

func testKinds(t *testing.T, s store.Store, _ *Clock) {
	ctx := t.Context()
	if err := s.Add(ctx, RowsAsc, b("p"), b("c"), 1); err == nil {
		t.Error("Add on a Rows table succeeded")
	}
	if err := s.Put(ctx, Counts, b("p"), b("c"), b("v"), 0); err == nil {
		t.Error("Put on a Counters table succeeded")
	}
	if _, _, err := s.PutIfAbsent(ctx, Counts, b("p"), b("c"), b("v"), 0); err == nil {
		t.Error("PutIfAbsent on a Counters table succeeded")
	}
	if _, err := s.Counters(ctx, RowsAsc, []store.Key{{PK: b("p"), CK: b("c")}}); err == nil {
		t.Error("Counters on a Rows table succeeded")
	}
	if err := s.Batch(ctx, []store.Mutation{{Kind: store.Add, Table: RowsAsc, PK: b("p"), CK: b("c"), Delta: 1}}); err == nil {
		t.Error("Batch Add on a Rows table succeeded")
	}
	if err := s.Batch(ctx, []store.Mutation{{Kind: store.Put, Table: Counts, PK: b("p"), CK: b("c")}}); err == nil {
		t.Error("Batch Put on a Counters table succeeded")
	}
}

func testInputAliasing(t *testing.T, s store.Store, _ *Clock) {
	ctx := t.Context()
	pk, ck, v := b("pk"), b("ck"), b("value")
	if err := s.Put(ctx, RowsAsc, pk, ck, v, 0); err != nil {
		t.Fatalf("Put: %v", err)
	}
	copy(pk, "XX")
	copy(ck, "XX")
	copy(v, "XXXXX")
	wantValue(t, s, RowsAsc, "pk", "ck", "value")
	muts := []store.Mutation{{Kind: store.Put, Table: RowsDesc, PK: b("pk"), CK: b("ck"), Value: b("batch")}}
	batch(t, s, muts...)
	copy(muts[0].PK, "XX")
	copy(muts[0].Value, "XXXXX")
	wantValue(t, s, RowsDesc, "pk", "ck", "batch")
	pk, v = b("pk"), b("first")
	if _, _, err := s.PutIfAbsent(ctx, RowsTTL, pk, b("ck"), v, 0); err != nil {
		t.Fatalf("PutIfAbsent: %v", err)
	}
	copy(pk, "XX")
	copy(v, "XXXXX")
	wantValue(t, s, RowsTTL, "pk", "ck", "first")
}

func testOutputAliasing(t *testing.T, s store.Store, _ *Clock) {
	ctx := t.Context()
	put(t, s, RowsDesc, "pk", "ck1", "value1")
	put(t, s, RowsDesc, "pk", "ck2", "value2")
	got, err := s.Get(ctx, RowsDesc, b("pk"), b("ck1"))
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	copy(got, "XXXX")
	vals, err := s.MultiGet(ctx, RowsDesc, []store.Key{{PK: b("pk"), CK: b("ck1")}})
	if err != nil {
		t.Fatalf("MultiGet: %v", err)
	}
	copy(vals[0], "XXXX")
	for _, row := range scan(t, s, RowsDesc, "pk", store.Range{}) {
		copy(row.PK, "XX")
		copy(row.CK, "XX")
		copy(row.Value, "XXXX")
		row.PK = append(row.PK, "appended"...) // must not run into CK or Value
		row.CK = append(row.CK, "appended"...)
	}
	rows := scan(t, s, RowsDesc, "pk", store.Range{})
	if got := cks(t, "pk", rows); len(got) != 2 || got[0] != "ck2" || got[1] != "ck1" {
		t.Fatalf("Scan after mutating returned rows = %q, want [ck2 ck1]", got)
	}
	rows[0].PK = append(rows[0].PK, 'x')
	rows[0].CK = append(rows[0].CK, 'x')
	if string(rows[0].CK) != "ck2x" || string(rows[0].Value) != "value2" {
		t.Fatalf("appending to a returned row changed its neighbours: %q %q", rows[0].CK, rows[0].Value)
	}
	_, existing, err := s.PutIfAbsent(ctx, RowsDesc, b("pk"), b("ck1"), b("other"), 0)
	if err != nil {
		t.Fatalf("PutIfAbsent: %v", err)
	}
	copy(existing, "XXXX")
	wantValue(t, s, RowsDesc, "pk", "ck1", "value1")
	wantValue(t, s, RowsDesc, "pk", "ck2", "value2")
}
