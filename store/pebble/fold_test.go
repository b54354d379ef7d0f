package pebble

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/store/storetest"
)

// poll calls cond until it returns nil, failing the test with its last error after
// a minute.
func poll(t *testing.T, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func counter(t *testing.T, s *Store, pk string) int64 {
	t.Helper()
	n, err := s.Counters(t.Context(), storetest.Counts, []store.Key{{PK: []byte(pk), CK: []byte("c")}})
	if err != nil {
		t.Fatalf("Counters: %v", err)
	}
	return n[0]
}

func addN(t *testing.T, ctx context.Context, s *Store, pk string, n int) {
	t.Helper()
	for range n {
		if err := s.Add(ctx, storetest.Counts, []byte(pk), []byte("c"), 1); err != nil {
			t.Fatalf("Add: %v", err)
		}
	}
}

// A read that sums many operands gets its counter folded, after which reads of it
// sum at most a few operands (they flag nothing), and the value is unchanged.
func TestFoldHotCounter(t *testing.T) {
	s := open(t, Options{NoSync: true})
	defer s.Close()
	addN(t, t.Context(), s, "hot", 3*foldOperands)
	addN(t, t.Context(), s, "cold", foldOperands/2)
	if got := counter(t, s, "cold"); got != foldOperands/2 || s.folder.flagged.Load() != 0 {
		t.Fatalf("cold counter %d, flagged %d: want %d, 0", got, s.folder.flagged.Load(), foldOperands/2)
	}
	if got := counter(t, s, "hot"); got != 3*foldOperands {
		t.Fatalf("hot counter %d, want %d", got, 3*foldOperands)
	}
	poll(t, "fold", func() error {
		if n := s.folder.folds.Load(); n != 1 {
			return fmt.Errorf("%d folds", n)
		}
		return nil
	})
	flagged := s.folder.flagged.Load()
	addN(t, t.Context(), s, "hot", 5)
	if got := counter(t, s, "hot"); got != 3*foldOperands+5 {
		t.Fatalf("hot counter after fold %d, want %d", got, 3*foldOperands+5)
	}
	if n := s.folder.flagged.Load(); n != flagged {
		t.Fatalf("a read after the fold flagged again (%d, was %d): it still sums the old operands", n, flagged)
	}
}

// Many goroutines add (alone and in batches) while others read and fold the same
// counters: the final sums are exact.
func TestFoldConcurrentAdds(t *testing.T) {
	s := open(t, Options{NoSync: true})
	defer s.Close()
	const adders, adds, keys = 8, 400, 3
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, adders+4)
	for a := range adders {
		wg.Go(func() {
			for i := range adds {
				pk := []byte(fmt.Sprint("k", i%keys))
				var err error
				if a%2 == 0 {
					err = s.Add(ctx, storetest.Counts, pk, []byte("c"), int64(a+1))
				} else {
					err = s.Batch(ctx, []store.Mutation{{Kind: store.Add, Table: storetest.Counts, PK: pk, CK: []byte("c"), Delta: int64(a + 1)}})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				for k := range keys {
					key := store.Key{PK: []byte(fmt.Sprint("k", k)), CK: []byte("c")}
					if _, err := s.Counters(ctx, storetest.Counts, []store.Key{key}); err != nil {
						errs <- err
						return
					}
					if err := s.fold(s.tables[storetest.Counts].rowKey(key.PK, key.CK)); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var want int64
	for a := range adders {
		want += int64(a+1) * adds
	}
	var got int64
	for k := range keys {
		got += counter(t, s, fmt.Sprint("k", k))
	}
	if got != want || s.folder.folds.Load() == 0 {
		t.Fatalf("sum %d after %d folds, want %d after some", got, s.folder.folds.Load(), want)
	}
}

// A fold after a counter was deleted, alone or with its partition, writes nothing.
func TestFoldDeletedCounter(t *testing.T) {
	s := open(t, Options{NoSync: true})
	defer s.Close()
	ctx := t.Context()
	addN(t, ctx, s, "one", 2*foldOperands)
	addN(t, ctx, s, "part", 2*foldOperands)
	if err := s.Delete(ctx, storetest.Counts, []byte("one"), []byte("c")); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := s.Batch(ctx, []store.Mutation{{Kind: store.DeletePartition, Table: storetest.Counts, PK: []byte("part")}}); err != nil {
		t.Fatalf("DeletePartition: %v", err)
	}
	tbl := s.tables[storetest.Counts]
	for _, pk := range []string{"one", "part"} {
		if err := s.fold(tbl.rowKey([]byte(pk), []byte("c"))); err != nil {
			t.Fatalf("fold: %v", err)
		}
		if got := counter(t, s, pk); got != 0 {
			t.Fatalf("counter %s after delete and fold: %d", pk, got)
		}
	}
	if n := rawKeys(t, s, tbl.id); n != 0 {
		t.Fatalf("%d keys left in the counters table", n)
	}
}

// A fold is not synced, and a crash after it loses no synced Add.
func TestFoldCrash(t *testing.T) {
	fs := vfs.NewCrashableMem()
	s := open(t, Options{Dir: "/db", FS: fs})
	addN(t, t.Context(), s, "hot", 2*foldOperands)
	counter(t, s, "hot")
	poll(t, "fold", func() error {
		if n := s.folder.folds.Load(); n != 1 {
			return fmt.Errorf("%d folds", n)
		}
		return nil
	})
	addN(t, t.Context(), s, "hot", 3)
	s = crash(t, s, fs)
	defer s.Close()
	if got := counter(t, s, "hot"); got != 2*foldOperands+3 {
		t.Fatalf("counter after crash %d, want %d", got, 2*foldOperands+3)
	}
}

// Counters answers a random mix of present and missing keys, in any order and with
// repeats, as a map would.
func TestCountersSparse(t *testing.T) {
	s := open(t, Options{NoSync: true})
	defer s.Close()
	ctx := t.Context()
	want := map[string]int64{}
	for i := range 300 {
		if i%5 != 0 && i%7 != 0 {
			continue
		}
		pk := fmt.Sprint("p", i%37)
		ck := fmt.Sprint("c", i)
		if err := s.Add(ctx, storetest.Counts, []byte(pk), []byte(ck), int64(i)); err != nil {
			t.Fatalf("Add: %v", err)
		}
		want[pk+"/"+ck] += int64(i)
	}
	var keys []store.Key
	for i := range 300 {
		j := (i * 131) % 300 // a shuffled order
		keys = append(keys, store.Key{PK: []byte(fmt.Sprint("p", j%37)), CK: []byte(fmt.Sprint("c", j))})
		if i%50 == 0 {
			keys = append(keys, keys[len(keys)-1])
		}
	}
	got, err := s.Counters(ctx, storetest.Counts, keys)
	if err != nil {
		t.Fatalf("Counters: %v", err)
	}
	found := 0
	for i, k := range keys {
		if w := want[string(k.PK)+"/"+string(k.CK)]; got[i] != w {
			t.Fatalf("counter %s/%s: %d, want %d", k.PK, k.CK, got[i], w)
		}
		if got[i] != 0 {
			found++
		}
	}
	if found < len(want) {
		t.Fatalf("found %d counters, want at least %d", found, len(want))
	}
}
