package pebble

import (
	"hash/maphash"
	"math/bits"
	"sync"
)

const stripeCount = 1024

// stripes is a fixed set of mutexes that row keys hash onto. A writer of rows holds the
// stripes of its keys while its batch is applied, PutIfAbsent holds its stripe across
// the read and the write, and the sweeper holds the stripes of the rows it re-checks and
// deletes. Stripes are always taken in ascending order, so holders of several never
// deadlock.
type stripes struct {
	seed maphash.Seed
	mu   [stripeCount]struct {
		sync.Mutex
		_ [56]byte // one mutex per cache line
	}
}

// stripeSet is a set of stripe indexes.
type stripeSet [stripeCount / 64]uint64

func newStripes() *stripes { return &stripes{seed: maphash.MakeSeed()} }

// add puts the stripe of key into set.
func (s *stripes) add(set *stripeSet, key []byte) {
	i := maphash.Bytes(s.seed, key) % stripeCount
	set[i/64] |= 1 << (i % 64)
}

func (set *stripeSet) empty() bool {
	for _, w := range set {
		if w != 0 {
			return false
		}
	}
	return true
}

// each calls f with every stripe index of set, ascending.
func (set *stripeSet) each(f func(i int)) {
	for wi, w := range set {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			f(wi*64 + b)
			w &^= 1 << b
		}
	}
}

func (s *stripes) lock(set *stripeSet) {
	set.each(func(i int) { s.mu[i].Lock() })
}

func (s *stripes) unlock(set *stripeSet) {
	set.each(func(i int) { s.mu[i].Unlock() })
}
