// Package storetest is the conformance suite of the store contract: every engine runs
// Run (and, if it persists, RunDurable) from its own tests, so that the domain can rely
// on the contract and not on an engine.
//
// It owns the meaning of the contract in executable form. It must not test anything an
// engine is free to choose (layouts, error texts, performance), and it must not import
// an engine.
package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/store"
)

// Tables of Schema.
const (
	// RowsAsc is a Rows table in ascending clustering order, without default TTL.
	RowsAsc = "rows_asc"
	// RowsDesc is a Rows table in descending clustering order, without default TTL.
	RowsDesc = "rows_desc"
	// RowsTTL is a Rows table whose rows live DefaultTTL unless put with a TTL.
	RowsTTL = "rows_ttl"
	// Counts is a Counters table.
	Counts = "counts"
	// DefaultTTL is the default TTL of RowsTTL.
	DefaultTTL = time.Hour
	// WallDefaultTTL is the default TTL of RowsTTL when the suite runs on the wall clock.
	WallDefaultTTL = 16 * time.Second
)

// Schema returns the schema every store of the suite serves.
func Schema() store.Schema { return schema(DefaultTTL) }

// schema returns the suite's schema with RowsTTL's default TTL set to ttl.
func schema(ttl time.Duration) store.Schema {
	return store.Schema{
		{Name: RowsAsc, Order: store.Asc},
		{Name: RowsDesc, Order: store.Desc},
		{Name: RowsTTL, Order: store.Asc, TTL: ttl},
		{Name: Counts, Kind: store.Counters},
	}
}

// schemaFor returns the schema served with clock c.
func schemaFor(c *Clock) store.Schema { return schema(timingFor(c).def) }

// Options tune the suite to an engine.
type Options struct {
	// WallClock runs the suite on real time, for engines whose TTLs are kept by a
	// server's clock in whole seconds (CQL): stores are given time.Now, Clock.Advance
	// sleeps, the TTL cases use TTLs of a few seconds with margins over a second, and
	// RowsTTL's default TTL is WallDefaultTTL. The default, a manual clock that moves
	// only when told to, checks expiry to the second without waiting.
	WallClock bool
}

// timing is the durations the TTL cases are written in.
type timing struct {
	ttl    time.Duration // a short row TTL
	margin time.Duration // how close to an expiry a check comes, on either side
	def    time.Duration // RowsTTL's default TTL: longer than ttl + 2*margin
}

// timingFor returns the durations of the TTL cases run with clock c. On the wall
// clock, an engine counting whole seconds may expire a row up to a second early, and
// every call takes time, seconds on a loaded machine (a row of a 4 s TTL was once gone
// 2 s after it was written, on two cores busy with other builds): margins are wider.
func timingFor(c *Clock) timing {
	if c.wall {
		return timing{ttl: 6 * time.Second, margin: 3 * time.Second, def: WallDefaultTTL}
	}
	return timing{ttl: 10 * time.Second, margin: time.Second, def: DefaultTTL}
}

// OpenFunc returns a new, empty store serving schema whose TTLs are measured with now.
// The suite closes the store.
type OpenFunc func(t *testing.T, schema store.Schema, now func() time.Time) store.Store

// ReopenFunc opens the store kept at dir, serving schema, whose TTLs are measured with
// now. Opening the same dir again after Close must show what was written before. The
// suite closes the store.
type ReopenFunc func(t *testing.T, dir string, schema store.Schema, now func() time.Time) store.Store

// Clock is the time of a case: a manual clock that moves only when told to, or the
// wall clock (see Options.WallClock).
type Clock struct {
	wall bool
	mu   struct {
		sync.Mutex
		now time.Time
	}
}

// NewClock returns a manual clock set to a fixed instant.
func NewClock() *Clock {
	c := &Clock{}
	c.mu.now = time.Date(2030, time.January, 1, 0, 0, 0, 0, time.UTC)
	return c
}

// newClock returns the clock the options ask for.
func newClock(opts Options) *Clock {
	if opts.WallClock {
		return &Clock{wall: true}
	}
	return NewClock()
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	if c.wall {
		return time.Now()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.now
}

// Advance moves the clock forward by d. The wall clock cannot be moved: Advance lets
// d pass, which is what the TTL cases ask of it.
func (c *Clock) Advance(d time.Duration) {
	if c.wall {
		time.Sleep(d)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.now = c.mu.now.Add(d)
}

// test is one case of the suite, run on a fresh store.
type test struct {
	name string
	run  func(t *testing.T, s store.Store, c *Clock)
}

// Run runs the conformance suite; every case gets a fresh store from open.
func Run(t *testing.T, open OpenFunc) {
	t.Helper()
	RunWith(t, open, Options{})
}

// RunWith runs the conformance suite with options; every case gets a fresh store from
// open.
func RunWith(t *testing.T, open OpenFunc, opts Options) {
	t.Helper()
	groups := [][]test{rowTests, scanTests, batchTests, conditionalTests, counterTests, ttlTests, lifecycleTests, dumpTests}
	for _, group := range groups {
		for _, tc := range group {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				c := newClock(opts)
				s := open(t, schemaFor(c), c.Now)
				t.Cleanup(func() { closeStore(t, s) })
				tc.run(t, s, c)
			})
		}
	}
}

// closeStore closes s, which a case may have closed already.
func closeStore(t *testing.T, s store.Store) {
	t.Helper()
	if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
		t.Errorf("Close: %v", err)
	}
}

// b is shorthand for a byte slice.
func b(s string) []byte { return []byte(s) }

func put(t *testing.T, s store.Store, table, pk, ck, value string) {
	t.Helper()
	putTTL(t, s, table, pk, ck, value, 0)
}

func putTTL(t *testing.T, s store.Store, table, pk, ck, value string, ttl time.Duration) {
	t.Helper()
	if err := s.Put(t.Context(), table, b(pk), b(ck), b(value), ttl); err != nil {
		t.Fatalf("Put(%s, %q, %q): %v", table, pk, ck, err)
	}
}

// wantValue checks that a row exists with that value.
func wantValue(t *testing.T, s store.Store, table, pk, ck, want string) {
	t.Helper()
	got, err := s.Get(t.Context(), table, b(pk), b(ck))
	if err != nil {
		t.Fatalf("Get(%s, %q, %q): %v, want %q", table, pk, ck, err, want)
	}
	if string(got) != want {
		t.Fatalf("Get(%s, %q, %q) = %q, want %q", table, pk, ck, got, want)
	}
}

// wantMissing checks that a row does not exist, through Get and MultiGet.
func wantMissing(t *testing.T, s store.Store, table, pk, ck string) {
	t.Helper()
	got, err := s.Get(t.Context(), table, b(pk), b(ck))
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(%s, %q, %q) = %q, %v, want ErrNotFound", table, pk, ck, got, err)
	}
	vals, err := s.MultiGet(t.Context(), table, []store.Key{{PK: b(pk), CK: b(ck)}})
	if err != nil {
		t.Fatalf("MultiGet(%s, %q, %q): %v", table, pk, ck, err)
	}
	if len(vals) != 1 || vals[0] != nil {
		t.Fatalf("MultiGet(%s, %q, %q) = %q, want [nil]", table, pk, ck, vals)
	}
}

// scan returns the rows of a partition inside r.
func scan(t *testing.T, s store.Store, table, pk string, r store.Range) []store.Row {
	t.Helper()
	rows, err := s.Scan(t.Context(), table, b(pk), r)
	if err != nil {
		t.Fatalf("Scan(%s, %q, %+v): %v", table, pk, r, err)
	}
	return rows
}

// cks returns the clustering keys of rows, checking that every row is of partition pk.
func cks(t *testing.T, pk string, rows []store.Row) []string {
	t.Helper()
	out := make([]string, len(rows))
	for i, r := range rows {
		if string(r.PK) != pk {
			t.Fatalf("row %d has partition %q, want %q", i, r.PK, pk)
		}
		out[i] = string(r.CK)
	}
	return out
}

func batch(t *testing.T, s store.Store, muts ...store.Mutation) {
	t.Helper()
	if err := s.Batch(t.Context(), muts); err != nil {
		t.Fatalf("Batch: %v", err)
	}
}

// counters returns the counters of one partition's clustering keys.
func counters(t *testing.T, s store.Store, pk string, ckeys ...string) []int64 {
	t.Helper()
	keys := make([]store.Key, len(ckeys))
	for i, ck := range ckeys {
		keys[i] = store.Key{PK: b(pk), CK: b(ck)}
	}
	got, err := s.Counters(t.Context(), Counts, keys)
	if err != nil {
		t.Fatalf("Counters(%q, %q): %v", pk, ckeys, err)
	}
	return got
}

func add(t *testing.T, s store.Store, pk, ck string, delta int64) {
	t.Helper()
	if err := s.Add(t.Context(), Counts, b(pk), b(ck), delta); err != nil {
		t.Fatalf("Add(%q, %q, %d): %v", pk, ck, delta, err)
	}
}

// op is one call of the contract, used to check errors every method must return.
type op struct {
	name string
	do   func(ctx context.Context, s store.Store) error
}

// ops returns one call of every method, on the given rows and counters tables.
func ops(rows, counts string) []op {
	k := []store.Key{{PK: b("p"), CK: b("c")}}
	return []op{
		{"Get", func(ctx context.Context, s store.Store) error {
			_, err := s.Get(ctx, rows, b("p"), b("c"))
			return err
		}},
		{"MultiGet", func(ctx context.Context, s store.Store) error {
			_, err := s.MultiGet(ctx, rows, k)
			return err
		}},
		{"Scan", func(ctx context.Context, s store.Store) error {
			_, err := s.Scan(ctx, rows, b("p"), store.Range{})
			return err
		}},
		{"Put", func(ctx context.Context, s store.Store) error {
			return s.Put(ctx, rows, b("p"), b("c"), b("v"), 0)
		}},
		{"Delete", func(ctx context.Context, s store.Store) error {
			return s.Delete(ctx, rows, b("p"), b("c"))
		}},
		{"Batch", func(ctx context.Context, s store.Store) error {
			return s.Batch(ctx, []store.Mutation{{Kind: store.Put, Table: rows, PK: b("p"), CK: b("c")}})
		}},
		{"ApplyEach", func(ctx context.Context, s store.Store) error {
			return s.ApplyEach(ctx, []store.Mutation{{Kind: store.Put, Table: rows, PK: b("p"), CK: b("c")}})
		}},
		{"PutIfAbsent", func(ctx context.Context, s store.Store) error {
			_, _, err := s.PutIfAbsent(ctx, rows, b("p"), b("c"), b("v"), 0)
			return err
		}},
		{"Add", func(ctx context.Context, s store.Store) error {
			return s.Add(ctx, counts, b("p"), b("c"), 1)
		}},
		{"Counters", func(ctx context.Context, s store.Store) error {
			_, err := s.Counters(ctx, counts, k)
			return err
		}},
	}
}
