// Package recordcache keeps decoded records (statuses, accounts) in memory on one
// node, so that rendering a page does not read and decode the same records from the
// store on every request. It knows nothing of what a record is, nor of the event log:
// the repository that owns a record forgets it after every write (so that a read on
// the same node after a write sees it), and node forgets what the event log says was
// written on other nodes. Entries also expire after a TTL, which bounds how stale a
// record can be if an invalidation were ever missed.
//
// A fill races with a write: a reader may load the old record from the store, the
// writer then write and forget, and the reader then insert what it loaded. Each shard
// therefore counts its invalidations, and a fill is dropped when the count moved
// between the reader's look and its insert.
package recordcache

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/herd-social/herd/shard"
)

// Options configure a cache.
type Options struct {
	// Size is the most records kept; default 100,000.
	Size int
	// TTL is how long a record is kept at most; default one minute.
	TTL time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Size <= 0 {
		o.Size = 100_000
	}
	if o.TTL <= 0 {
		o.TTL = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// shards spreads the records over locks, so that the two cores of a small machine, or
// the many of a large one, rarely wait on each other.
const shards = 16

// Cache keeps records of type V by id. Every method is safe for concurrent use.
type Cache[V any] struct {
	opts         Options
	shards       [shards]part[V]
	hits, misses atomic.Uint64
}

// Stats counts a cache's lookups since it was made.
type Stats struct {
	// Hits are records found kept; Misses records loaded (or found missing).
	Hits, Misses uint64
}

type part[V any] struct {
	lru *lru.Cache[shard.ID, entry[V]]
	mu  struct {
		sync.Mutex
		gen uint64 // invalidations so far
	}
}

type entry[V any] struct {
	v  V
	at time.Time
}

// New returns an empty cache.
func New[V any](opts Options) *Cache[V] {
	c := &Cache[V]{opts: opts.withDefaults()}
	per := max(c.opts.Size/shards, 1)
	for i := range c.shards {
		l, err := lru.New[shard.ID, entry[V]](per)
		if err != nil { // only for a size below one, which per never is
			panic(err)
		}
		c.shards[i].lru = l
	}
	return c
}

func (c *Cache[V]) part(id shard.ID) *part[V] { return &c.shards[uint64(id)%shards] }

// Loader reads records from the store, keyed by id; ids it does not return do not exist.
type Loader[V any] func(ctx context.Context, ids []shard.ID) (map[shard.ID]V, error)

// GetMany returns the records of ids that exist, keyed by id: those kept, and the
// others from load in one call, which are kept unless forgotten meanwhile. Missing
// records are not kept, so a record created later is found at once.
func (c *Cache[V]) GetMany(ctx context.Context, ids []shard.ID, load Loader[V]) (map[shard.ID]V, error) {
	out := make(map[shard.ID]V, len(ids))
	var missing []shard.ID
	var gens []uint64
	asked := make(map[shard.ID]bool)
	now := c.opts.Now()
	for _, id := range ids {
		if _, ok := out[id]; ok || asked[id] {
			continue
		}
		p := c.part(id)
		if e, ok := p.lru.Get(id); ok && now.Sub(e.at) < c.opts.TTL {
			out[id] = e.v
			continue
		}
		asked[id] = true
		missing = append(missing, id)
		gens = append(gens, p.gen())
	}
	c.hits.Add(uint64(len(out)))
	c.misses.Add(uint64(len(missing)))
	if len(missing) == 0 {
		return out, nil
	}
	loaded, err := load(ctx, missing)
	if err != nil {
		return nil, err
	}
	for i, id := range missing {
		v, ok := loaded[id]
		if !ok {
			continue
		}
		out[id] = v
		c.part(id).fill(id, entry[V]{v: v, at: now}, gens[i])
	}
	return out, nil
}

// Forget drops the records of ids; a load that began before it is not kept.
func (c *Cache[V]) Forget(ids ...shard.ID) {
	for _, id := range ids {
		p := c.part(id)
		p.mu.Lock()
		p.mu.gen++
		p.lru.Remove(id)
		p.mu.Unlock()
	}
}

// Stats returns the lookups so far.
func (c *Cache[V]) Stats() Stats { return Stats{Hits: c.hits.Load(), Misses: c.misses.Load()} }

// Len is the number of records kept (expired ones included until evicted).
func (c *Cache[V]) Len() int {
	n := 0
	for i := range c.shards {
		n += c.shards[i].lru.Len()
	}
	return n
}

func (p *part[V]) gen() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mu.gen
}

// fill keeps e unless the shard forgot something since gen was read.
func (p *part[V]) fill(id shard.ID, e entry[V], gen uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mu.gen == gen {
		p.lru.Add(id, e)
	}
}
