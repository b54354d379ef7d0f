package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/store"
)

// RunDurable checks that what a store holds survives Close and a new open on the same
// dir, including when the schema gains tables between opens.
func RunDurable(t *testing.T, open ReopenFunc) {
	t.Helper()
	RunDurableWith(t, open, Options{})
}

// RunDurableWith runs RunDurable's checks with options.
func RunDurableWith(t *testing.T, open ReopenFunc, opts Options) {
	t.Helper()
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, open ReopenFunc, c *Clock)
	}{
		{"reopen keeps data", testReopen},
		{"reopen with a grown schema", testSchemaGrows},
		{"deferred sync", testDeferred},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, open, newClock(opts))
		})
	}
}

// durableTTL is the TTL of the row writeDurable puts with one: it outlives the checks
// that follow the write, and expires well before RowsTTL's default.
func durableTTL(c *Clock) time.Duration {
	tm := timingFor(c)
	return ((tm.def - tm.margin) / 2).Truncate(time.Second)
}

// reopen closes s and opens its dir again.
func reopen(t *testing.T, s store.Store, open ReopenFunc, dir string, schema store.Schema, c *Clock) store.Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s = open(t, dir, schema, c.Now)
	t.Cleanup(func() { closeStore(t, s) })
	return s
}

// writeDurable writes one of everything, for checkDurable.
func writeDurable(t *testing.T, s store.Store, c *Clock) {
	t.Helper()
	put(t, s, RowsAsc, "p", "a", "asc")
	put(t, s, RowsDesc, "p", "1", "one")
	put(t, s, RowsDesc, "p", "2", "two")
	put(t, s, RowsDesc, "gone", "1", "x")
	putTTL(t, s, RowsAsc, "p", "ttl", "short", durableTTL(c))
	put(t, s, RowsTTL, "p", "default", "v")
	add(t, s, "p", "n", 41)
	batch(t, s,
		store.Mutation{Kind: store.Add, Table: Counts, PK: b("p"), CK: b("n"), Delta: 1},
		store.Mutation{Kind: store.DeletePartition, Table: RowsDesc, PK: b("gone")},
		store.Mutation{Kind: store.Put, Table: RowsAsc, PK: b("p"), CK: b("b"), Value: b("batched")},
	)
	if wrote, _, err := s.PutIfAbsent(t.Context(), RowsAsc, b("p"), b("c"), b("lwt"), 0); err != nil || !wrote {
		t.Fatalf("PutIfAbsent = %v, %v", wrote, err)
	}
}

// checkDurable checks what writeDurable wrote, before its TTL row expires.
func checkDurable(t *testing.T, s store.Store) {
	t.Helper()
	got := cks(t, "p", scan(t, s, RowsAsc, "p", store.Range{}))
	if want := []string{"a", "b", "c", "ttl"}; !slices.Equal(got, want) {
		t.Fatalf("Scan(%s) = %q, want %q", RowsAsc, got, want)
	}
	wantValue(t, s, RowsAsc, "p", "b", "batched")
	wantValue(t, s, RowsAsc, "p", "c", "lwt")
	got = cks(t, "p", scan(t, s, RowsDesc, "p", store.Range{}))
	if want := []string{"2", "1"}; !slices.Equal(got, want) {
		t.Fatalf("Scan(%s) = %q, want %q", RowsDesc, got, want)
	}
	if rows := scan(t, s, RowsDesc, "gone", store.Range{}); len(rows) != 0 {
		t.Fatalf("deleted partition came back with %d rows", len(rows))
	}
	if got := counters(t, s, "p", "n"); got[0] != 42 {
		t.Fatalf("counter = %d, want 42", got[0])
	}
}

func testReopen(t *testing.T, open ReopenFunc, c *Clock) {
	dir, schema := t.TempDir(), schemaFor(c)
	s := open(t, dir, schema, c.Now)
	t.Cleanup(func() { closeStore(t, s) })
	writeDurable(t, s, c)
	s = reopen(t, s, open, dir, schema, c)
	checkDurable(t, s)
	s = reopen(t, s, open, dir, schema, c)
	checkDurable(t, s)
	c.Advance(durableTTL(c) + timingFor(c).margin) // expiry outlives a restart
	wantMissing(t, s, RowsAsc, "p", "ttl")
	wantValue(t, s, RowsTTL, "p", "default", "v")
	c.Advance(timingFor(c).def)
	s = reopen(t, s, open, dir, schema, c)
	wantMissing(t, s, RowsTTL, "p", "default")
}

func testSchemaGrows(t *testing.T, open ReopenFunc, c *Clock) {
	dir := t.TempDir()
	s := open(t, dir, schemaFor(c), c.Now)
	t.Cleanup(func() { closeStore(t, s) })
	writeDurable(t, s, c)
	// New tables come first and the old ones are reordered: an engine that numbers
	// tables by position would now read the wrong table.
	grown := store.Schema{{Name: "added_desc", Order: store.Desc}, {Name: "added_counts", Kind: store.Counters}}
	old := schemaFor(c)
	slices.Reverse(old)
	grown = append(grown, old...)
	s = reopen(t, s, open, dir, grown, c)
	checkDurable(t, s)
	if rows := scan(t, s, "added_desc", "p", store.Range{}); len(rows) != 0 {
		t.Fatalf("new table holds %d rows", len(rows))
	}
	put(t, s, "added_desc", "p", "x", "new")
	if err := s.Add(t.Context(), "added_counts", b("p"), b("n"), 7); err != nil {
		t.Fatalf("Add: %v", err)
	}
	s = reopen(t, s, open, dir, grown, c)
	checkDurable(t, s)
	wantValue(t, s, "added_desc", "p", "x", "new")
	got, err := s.Counters(t.Context(), "added_counts", []store.Key{{PK: b("p"), CK: b("n")}})
	if err != nil || got[0] != 7 {
		t.Fatalf("Counters of the new table = %v, %v, want [7]", got, err)
	}
	s = reopen(t, s, open, dir, schemaFor(c), c) // tables may also leave the schema
	checkDurable(t, s)
}

// testDeferred writes under store.Defer: every write is read back at once, Sync
// succeeds (an engine that owes nothing syncs nothing), and the writes outlive a
// reopen.
func testDeferred(t *testing.T, open ReopenFunc, c *Clock) {
	dir, schema := t.TempDir(), schemaFor(c)
	s := open(t, dir, schema, c.Now)
	t.Cleanup(func() { closeStore(t, s) })
	ctx, d := store.Defer(t.Context())
	if err := s.Put(ctx, RowsAsc, b("p"), b("put"), b("v"), 0); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if err := s.Batch(ctx, []store.Mutation{
		{Kind: store.Put, Table: RowsAsc, PK: b("p"), CK: b("batched"), Value: b("w")},
		{Kind: store.Add, Table: Counts, PK: b("p"), CK: b("n"), Delta: 2},
	}); err != nil {
		t.Fatalf("Batch: %v", err)
	}
	if wrote, _, err := s.PutIfAbsent(ctx, RowsAsc, b("p"), b("lwt"), b("x"), 0); err != nil || !wrote {
		t.Fatalf("PutIfAbsent = %v, %v", wrote, err)
	}
	if err := s.Add(ctx, Counts, b("p"), b("n"), 3); err != nil {
		t.Fatalf("Add: %v", err)
	}
	check := func() {
		t.Helper()
		wantValue(t, s, RowsAsc, "p", "put", "v")
		wantValue(t, s, RowsAsc, "p", "batched", "w")
		wantValue(t, s, RowsAsc, "p", "lwt", "x")
		n, err := s.Counters(t.Context(), Counts, []store.Key{{PK: b("p"), CK: b("n")}})
		if err != nil || n[0] != 5 {
			t.Fatalf("Counters = %v, %v, want 5", n, err)
		}
	}
	check()
	if err := d.Sync(ctx); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if err := store.SyncDeferred(ctx); err != nil { // nothing more owed
		t.Fatalf("SyncDeferred: %v", err)
	}
	s = reopen(t, s, open, dir, schema, c)
	check()
}
