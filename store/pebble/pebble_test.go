package pebble

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/store/storetest"
)

// open opens a store for a test, in a temporary directory unless opts.Dir is set,
// serving storetest.Schema unless opts.Schema is set.
func open(t testing.TB, opts Options) *Store {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	if opts.Schema == nil {
		opts.Schema = storetest.Schema()
	}
	s, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, schema store.Schema, now func() time.Time) store.Store {
		return open(t, Options{Schema: schema, Now: now})
	})
}

// TestConformancePrefixed runs the contract on store.Prefixed over Pebble, beside a
// neighbour under another prefix holding rows at the keys the suite uses: any row of
// the neighbour seen through the prefix fails the suite.
func TestConformancePrefixed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, schema store.Schema, now func() time.Time) store.Store {
		engine := open(t, Options{Schema: schema, Now: now})
		neighbour := store.Prefixed(engine, []byte("test-b/"))
		for _, pk := range []string{"p", "q", "q\x00", "x", "a", "b"} {
			for _, table := range []string{storetest.RowsAsc, storetest.RowsDesc} {
				for _, ck := range []string{"", "1", "c", "kept", "new", "y"} {
					if err := neighbour.Put(t.Context(), table, []byte(pk), []byte(ck), []byte("neighbour's"), 0); err != nil {
						t.Fatalf("neighbour Put: %v", err)
					}
				}
			}
			if err := neighbour.Add(t.Context(), storetest.Counts, []byte(pk), []byte("c"), 100); err != nil {
				t.Fatalf("neighbour Add: %v", err)
			}
		}
		return store.Prefixed(engine, []byte("test-a/"))
	})
}

func TestDurable(t *testing.T) {
	storetest.RunDurable(t, func(t *testing.T, dir string, schema store.Schema, now func() time.Time) store.Store {
		return open(t, Options{Dir: dir, Schema: schema, Now: now})
	})
}

// TestCrash writes, then opens a copy of the file system holding only what was synced,
// as a machine crashing at that moment would leave it. Each write path is checked on
// its own: a synced write also syncs the log before it.
func TestCrash(t *testing.T) {
	p, ck := []byte("p"), []byte("c")
	row := func(ctx context.Context, s *Store) error {
		v, err := s.Get(ctx, storetest.RowsAsc, p, ck)
		if err == nil && string(v) != "v" {
			err = fmt.Errorf("value %q", v)
		}
		return err
	}
	for _, tc := range []struct {
		name  string
		write func(ctx context.Context, s *Store) error
		check func(ctx context.Context, s *Store) error
	}{
		{"put", func(ctx context.Context, s *Store) error {
			return s.Put(ctx, storetest.RowsAsc, p, ck, []byte("v"), 0)
		}, row},
		{"put if absent", func(ctx context.Context, s *Store) error {
			_, _, err := s.PutIfAbsent(ctx, storetest.RowsAsc, p, ck, []byte("v"), 0)
			return err
		}, row},
		{"batch", func(ctx context.Context, s *Store) error {
			return s.Batch(ctx, []store.Mutation{{Kind: store.Put, Table: storetest.RowsAsc, PK: p, CK: ck, Value: []byte("v")}})
		}, row},
		{"add", func(ctx context.Context, s *Store) error {
			return s.Add(ctx, storetest.Counts, p, ck, 5)
		}, func(ctx context.Context, s *Store) error {
			n, err := s.Counters(ctx, storetest.Counts, []store.Key{{PK: p, CK: ck}})
			if err == nil && n[0] != 5 {
				err = fmt.Errorf("counter %d", n[0])
			}
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := vfs.NewCrashableMem()
			s := open(t, Options{Dir: "/db", FS: fs})
			if err := tc.write(t.Context(), s); err != nil {
				t.Fatalf("write: %v", err)
			}
			s = crash(t, s, fs)
			defer s.Close()
			if err := tc.check(t.Context(), s); err != nil {
				t.Fatalf("after crash: %v", err)
			}
		})
		// Under store.Defer the write is read back at once, is lost by a crash
		// before Sync, and survives one after it.
		t.Run(tc.name+" deferred", func(t *testing.T) {
			fs := vfs.NewCrashableMem()
			s := open(t, Options{Dir: "/db", FS: fs})
			ctx, d := store.Defer(t.Context())
			if err := tc.write(ctx, s); err != nil {
				t.Fatalf("write: %v", err)
			}
			if err := tc.check(ctx, s); err != nil {
				t.Fatalf("read before sync: %v", err)
			}
			lost := crash(t, s, fs)
			if err := tc.check(t.Context(), lost); err == nil {
				t.Fatal("an unsynced deferred write survived a crash: it was synced at once")
			}
			lost.Close()
			fs = vfs.NewCrashableMem()
			s = open(t, Options{Dir: "/db", FS: fs})
			ctx, d = store.Defer(t.Context())
			if err := tc.write(ctx, s); err != nil {
				t.Fatalf("write: %v", err)
			}
			if err := d.Sync(ctx); err != nil {
				t.Fatalf("Sync: %v", err)
			}
			s = crash(t, s, fs)
			defer s.Close()
			if err := tc.check(t.Context(), s); err != nil {
				t.Fatalf("after sync and crash: %v", err)
			}
		})
	}
}

// crash closes s and opens a copy of fs holding only what s had synced.
func crash(t *testing.T, s *Store, fs *vfs.MemFS) *Store {
	t.Helper()
	crashed := fs.CrashClone(vfs.CrashCloneCfg{})
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return open(t, Options{Dir: "/db", FS: crashed})
}

// rawKeys counts the keys of the database with the given table id.
func rawKeys(t *testing.T, s *Store, id uint32) int {
	t.Helper()
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: appendID(nil, id), UpperBound: appendID(nil, id+1)})
	if err != nil {
		t.Fatalf("NewIter: %v", err)
	}
	defer it.Close()
	n := 0
	for valid := it.First(); valid; valid = it.Next() {
		n++
	}
	return n
}

func TestSweep(t *testing.T) {
	c := storetest.NewClock()
	s := open(t, Options{Now: c.Now, SweepInterval: -1})
	defer s.Close()
	ctx := t.Context()
	id := s.tables[storetest.RowsAsc].id
	for i := range 600 {
		ttl := time.Duration(i%3) * time.Minute // a third never expire
		if err := s.Put(ctx, storetest.RowsAsc, []byte("p"), []byte(fmt.Sprint(i)), nil, ttl); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	// Rewritten rows: one without a TTL any more, one with a later expiry.
	if err := s.Put(ctx, storetest.RowsAsc, []byte("p"), []byte("1"), nil, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, storetest.RowsAsc, []byte("p"), []byte("2"), nil, time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		advance     time.Duration
		swept, left int
	}{
		{0, 0, 600},
		{time.Minute + time.Second, 199, 401},
		{time.Minute, 199, 202},
		{time.Hour, 1, 201},
	} {
		c.Advance(tc.advance)
		n, err := s.Sweep(ctx)
		if err != nil || n != tc.swept {
			t.Fatalf("after %v: Sweep = %d, %v, want %d", tc.advance, n, err, tc.swept)
		}
		if got := rawKeys(t, s, id); got != tc.left {
			t.Fatalf("after %v: %d rows left, want %d", tc.advance, got, tc.left)
		}
	}
	if got := rawKeys(t, s, expiryID); got != 0 {
		t.Fatalf("%d expiry index entries left, want 0", got)
	}
}

// TestSweepRace rewrites expired rows while the sweeper deletes them: no rewrite may be
// lost. Writers visit the rows in key order, as the sweeper does, to meet it often.
func TestSweepRace(t *testing.T) {
	c := storetest.NewClock()
	s := open(t, Options{Now: c.Now, SweepInterval: -1, NoSync: true})
	defer s.Close()
	ctx := t.Context()
	const rows, writers = 1000, 4
	cks := make([]string, rows)
	for i := range cks {
		cks[i] = fmt.Sprintf("%04d", i)
	}
	for round := range 5 {
		for _, ck := range cks {
			if err := s.Put(ctx, storetest.RowsAsc, []byte("p"), []byte(ck), []byte("old"), time.Second); err != nil {
				t.Fatal(err)
			}
		}
		c.Advance(time.Minute)
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, writers+1)
		wg.Go(func() {
			<-start
			_, errs[writers] = s.Sweep(ctx)
		})
		for w := range writers {
			wg.Go(func() {
				<-start
				for i := w; i < rows && errs[w] == nil; i += writers {
					value := []byte(fmt.Sprint("new", round))
					if i%2 == 0 {
						errs[w] = s.Put(ctx, storetest.RowsAsc, []byte("p"), []byte(cks[i]), value, 0)
					} else {
						_, _, errs[w] = s.PutIfAbsent(ctx, storetest.RowsAsc, []byte("p"), []byte(cks[i]), value, 0)
					}
				}
			})
		}
		close(start)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		got, err := s.Scan(ctx, storetest.RowsAsc, []byte("p"), store.Range{})
		if err != nil || len(got) != rows {
			t.Fatalf("round %d: Scan = %d rows, %v, want %d", round, len(got), err, rows)
		}
	}
}

func TestBackgroundSweeper(t *testing.T) {
	c := storetest.NewClock()
	s := open(t, Options{Now: c.Now, SweepInterval: time.Millisecond})
	defer s.Close()
	if err := s.Put(t.Context(), storetest.RowsAsc, []byte("p"), []byte("c"), nil, time.Second); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Minute)
	checkFor(t, 5*time.Second, func() error {
		if n := rawKeys(t, s, s.tables[storetest.RowsAsc].id); n != 0 {
			return fmt.Errorf("%d rows left", n)
		}
		return nil
	})
}

// checkFor polls f until it returns nil or the deadline passes.
func checkFor(t *testing.T, timeout time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", timeout, err)
		}
		<-tick.C
	}
}

func TestCloseStopsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	s := open(t, Options{SweepInterval: time.Millisecond})
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	checkFor(t, 5*time.Second, func() error {
		if n := runtime.NumGoroutine(); n > before {
			return fmt.Errorf("%d goroutines, %d before Open", n, before)
		}
		return nil
	})
}

func TestOptions(t *testing.T) {
	schema := storetest.Schema()
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"no dir", Options{Schema: schema}, "Dir is required"},
		{"no schema", Options{Dir: "x"}, "Schema is required"},
		{"bad schema", Options{Dir: "x", Schema: store.Schema{{Name: "Bad"}}}, "lower_snake_case"},
		{"negative cache", Options{Dir: "x", Schema: schema, CacheSize: -1}, "CacheSize"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	d := Options{}.withDefaults()
	if d.Now == nil || d.CacheSize != defaultCacheSize || d.SweepInterval != defaultSweepInterval || d.Logger == nil || d.FS == nil || d.NoSync {
		t.Fatalf("withDefaults = %+v", d)
	}
}

// TestTableChangesOrder checks that a table cannot change order or kind across opens:
// its keys were written for the old one.
func TestTableChangesOrder(t *testing.T) {
	fs := vfs.NewMem()
	s := open(t, Options{Dir: "/db", FS: fs})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, changed := range []store.Table{
		{Name: storetest.RowsAsc, Order: store.Desc},
		{Name: storetest.RowsAsc, Kind: store.Counters},
	} {
		schema := storetest.Schema()
		schema[0] = changed
		_, err := Open(Options{Dir: "/db", FS: fs, Schema: schema})
		if err == nil || !strings.Contains(err.Error(), "was created with") {
			t.Fatalf("Open with %+v = %v, want an error", changed, err)
		}
	}
	s = open(t, Options{Dir: "/db", FS: fs}) // the failed opens released the database
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("second Close = %v, want ErrClosed", err)
	}
}

// benchValue is a value the size of a small serialized status reference.
var benchValue = bytes.Repeat([]byte("v"), 200)

func benchKey(i int) []byte { return binary.BigEndian.AppendUint64(nil, uint64(i)) }

// durability runs a benchmark with synced and unsynced writes.
func durability(b *testing.B, run func(b *testing.B, s *Store)) {
	for _, noSync := range []bool{false, true} {
		name := "sync"
		if noSync {
			name = "nosync"
		}
		b.Run(name, func(b *testing.B) {
			s := open(b, Options{NoSync: noSync})
			defer s.Close()
			run(b, s)
		})
	}
}

func BenchmarkPut(b *testing.B) {
	durability(b, func(b *testing.B, s *Store) {
		ctx, i := b.Context(), 0
		for b.Loop() {
			if err := s.Put(ctx, storetest.RowsDesc, []byte("p"), benchKey(i), benchValue, 0); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkBatch100 writes one row into each of 100 partitions per batch, as a fanout
// to 100 home timelines does.
func BenchmarkBatch100(b *testing.B) {
	durability(b, func(b *testing.B, s *Store) {
		ctx, i := b.Context(), 0
		muts := make([]store.Mutation, 100)
		for b.Loop() {
			for j := range muts {
				muts[j] = store.Mutation{Kind: store.Put, Table: storetest.RowsDesc, PK: benchKey(j), CK: benchKey(i), Value: benchValue}
			}
			if err := s.Batch(ctx, muts); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(100*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// fill writes rows in partitions 0..parts-1 with clustering keys 0..perPart-1.
func fill(b *testing.B, s *Store, parts, perPart int) {
	b.Helper()
	var muts []store.Mutation
	for p := range parts {
		for c := range perPart {
			muts = append(muts, store.Mutation{Kind: store.Put, Table: storetest.RowsDesc, PK: benchKey(p), CK: benchKey(c), Value: benchValue})
		}
	}
	if err := s.Batch(b.Context(), muts); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkScan40 reads a page of 40 rows from a partition of 1000, newest first.
func BenchmarkScan40(b *testing.B) {
	s := open(b, Options{})
	defer s.Close()
	fill(b, s, 10, 1000)
	ctx, i := b.Context(), 0
	for b.Loop() {
		r := store.Range{Upper: store.Excl(benchKey(1000 - i%900)), Limit: 40}
		rows, err := s.Scan(ctx, storetest.RowsDesc, benchKey(i%10), r)
		if err != nil || len(rows) != 40 {
			b.Fatalf("Scan = %d rows, %v", len(rows), err)
		}
		i++
	}
}

// BenchmarkMultiGet40 reads 40 random rows among 10000.
func BenchmarkMultiGet40(b *testing.B) {
	s := open(b, Options{})
	defer s.Close()
	fill(b, s, 100, 100)
	rng := rand.New(rand.NewPCG(1, 2))
	keys := make([]store.Key, 40)
	ctx := b.Context()
	for b.Loop() {
		for j := range keys {
			keys[j] = store.Key{PK: benchKey(rng.IntN(100)), CK: benchKey(rng.IntN(100))}
		}
		vals, err := s.MultiGet(ctx, storetest.RowsDesc, keys)
		if err != nil || vals[39] == nil {
			b.Fatalf("MultiGet: %v", err)
		}
	}
}
