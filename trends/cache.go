package trends

import (
	"sync"
	"time"
)

// rankCache keeps each node's last ranking of a kind for a few seconds, so that a
// busy trends page does not read the candidates and their counters on every
// request. A review on this node clears it; another node's review shows here when
// the entry expires.
type rankCache struct {
	mu struct {
		sync.Mutex
		m map[rankKey]rankEntry
	}
}

type rankKey struct {
	kind Kind
	all  bool
}

type rankEntry struct {
	made  time.Time // real time, for expiry
	clock time.Time // the service's clock, which tests move
	out   []Ranked
}

func (c *rankCache) get(k rankKey, ttl time.Duration, clock time.Time) ([]Ranked, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.mu.m[k]
	if !ok || time.Since(e.made) >= ttl || clock.Sub(e.clock).Abs() >= ttl {
		return nil, false
	}
	return e.out, true
}

func (c *rankCache) put(k rankKey, clock time.Time, out []Ranked) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.m == nil {
		c.mu.m = map[rankKey]rankEntry{}
	}
	c.mu.m[k] = rankEntry{made: time.Now(), clock: clock, out: out}
}

func (c *rankCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.mu.m)
}
