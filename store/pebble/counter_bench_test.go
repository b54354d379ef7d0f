package pebble

import (
	"testing"

	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/store/storetest"
)

// BenchmarkCounterRead reads a counter that was incremented 10,000 times (merge
// operands still in the memtable), as an active account's statuses count is.
func BenchmarkCounterRead(b *testing.B) {
	s := open(b, Options{NoSync: true})
	defer s.Close()
	ctx := b.Context()
	pk, ck := []byte("hot"), []byte("c")
	for range 10_000 {
		if err := s.Add(ctx, storetest.Counts, pk, ck, 1); err != nil {
			b.Fatal(err)
		}
	}
	keys := []store.Key{{PK: pk, CK: ck}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n, err := s.Counters(ctx, storetest.Counts, keys)
		if err != nil || n[0] != 10_000 {
			b.Fatalf("counter %v, %v", n, err)
		}
	}
}

// BenchmarkCounterAdd is the cost of an Add (not synced).
func BenchmarkCounterAdd(b *testing.B) {
	s := open(b, Options{NoSync: true})
	defer s.Close()
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Add(ctx, storetest.Counts, []byte("hot"), []byte("c"), 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCountersPage reads the four counters of 20 statuses, as a home page does,
// of which a few exist.
func BenchmarkCountersPage(b *testing.B) {
	s := open(b, Options{NoSync: true})
	defer s.Close()
	ctx := b.Context()
	var keys []store.Key
	for i := range 200 {
		for _, c := range []string{"favourites", "quotes", "reblogs", "replies"} {
			pk := []byte{byte(i), 'p'}
			if i%7 == 0 && c == "favourites" {
				if err := s.Add(ctx, storetest.Counts, pk, []byte(c), 1); err != nil {
					b.Fatal(err)
				}
			}
			if i < 20 {
				keys = append(keys, store.Key{PK: pk, CK: []byte(c)})
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Counters(ctx, storetest.Counts, keys); err != nil {
			b.Fatal(err)
		}
	}
}
