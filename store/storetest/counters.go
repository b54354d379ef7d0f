package storetest

import (
	"slices"
	"sync"
	"testing"

	"github.com/herd-social/herd/store"
)

// counterTests cover Add and Counters.
var counterTests = []test{
	{"counters add up", func(t *testing.T, s store.Store, _ *Clock) {
		add(t, s, "p", "a", 5)
		add(t, s, "p", "a", 3)
		add(t, s, "p", "a", -10)
		add(t, s, "p", "b", 1)
		add(t, s, "q", "a", 100)
		add(t, s, "p", "zero", 0)
		got := counters(t, s, "p", "a", "missing", "b", "a", "zero")
		if want := []int64{-2, 0, 1, -2, 0}; !slices.Equal(got, want) {
			t.Fatalf("Counters = %v, want %v", got, want)
		}
	}},
	{"counters of no keys", func(t *testing.T, s store.Store, _ *Clock) {
		got, err := s.Counters(t.Context(), Counts, nil)
		if err != nil || len(got) != 0 {
			t.Fatalf("Counters(nil) = %v, %v, want empty, nil", got, err)
		}
	}},
	{"counters keys with 0x00 and 0xFF", func(t *testing.T, s store.Store, _ *Clock) {
		add(t, s, "a", "\x00\x01", 1)
		add(t, s, "a\x00", "\x01", 2)
		add(t, s, "a\xff", "", 3)
		add(t, s, "a", "\xff", 4)
		if got := counters(t, s, "a", "\x00\x01", "\xff"); got[0] != 1 || got[1] != 4 {
			t.Fatalf("Counters = %v, want [1 4]", got)
		}
		if got := counters(t, s, "a\x00", "\x01"); got[0] != 2 {
			t.Fatalf("Counters = %v, want [2]", got)
		}
	}},
	{"concurrent adds sum exactly", testConcurrentAdds},
}

func testConcurrentAdds(t *testing.T, s store.Store, _ *Clock) {
	const workers, adds = 8, 25
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range adds {
				delta := int64(3)
				if i%2 == 1 {
					delta = -1
				}
				if err := s.Add(t.Context(), Counts, b("hot"), b("n"), delta); err != nil {
					errs[w] = err
					return
				}
				if i%5 == 0 {
					muts := []store.Mutation{{Kind: store.Add, Table: Counts, PK: b("hot"), CK: b("n"), Delta: 10}}
					if err := s.Batch(t.Context(), muts); err != nil {
						errs[w] = err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Fatalf("worker %d: %v", w, err)
		}
	}
	// Per worker: 13 adds of 3, 12 of -1, and 5 batches of 10.
	want := int64(workers * (13*3 - 12 + 5*10))
	if got := counters(t, s, "hot", "n"); got[0] != want {
		t.Fatalf("counter = %d, want %d", got[0], want)
	}
}
