package recordcache

import (
	"context"
	"testing"
	"time"

	"github.com/herd-social/herd/shard"
)

// store is a loader over a map that counts the ids it was asked for.
type store struct {
	recs  map[shard.ID]string
	asked int
	// during, if set, runs inside the load, after the records were read.
	during func()
}

func (s *store) load(_ context.Context, ids []shard.ID) (map[shard.ID]string, error) {
	s.asked += len(ids)
	out := map[shard.ID]string{}
	for _, id := range ids {
		if v, ok := s.recs[id]; ok {
			out[id] = v
		}
	}
	if s.during != nil {
		s.during()
	}
	return out, nil
}

func TestCache(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1000, 0)
	newCache := func() (*Cache[string], *store) {
		return New[string](Options{Size: 64, TTL: time.Minute, Now: func() time.Time { return now }}),
			&store{recs: map[shard.ID]string{1: "one", 2: "two"}}
	}
	get := func(t *testing.T, c *Cache[string], s *store, ids ...shard.ID) map[shard.ID]string {
		t.Helper()
		got, err := c.GetMany(ctx, ids, s.load)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	t.Run("hits are not loaded again", func(t *testing.T) {
		c, s := newCache()
		get(t, c, s, 1, 2, 1)
		if s.asked != 2 {
			t.Fatalf("first read asked for %d ids, want 2", s.asked)
		}
		if got := get(t, c, s, 2, 1); got[1] != "one" || got[2] != "two" || s.asked != 2 {
			t.Fatalf("second read: %v, %d ids asked in all, want both kept and 2 asked", got, s.asked)
		}
		if st := c.Stats(); st != (Stats{Hits: 2, Misses: 2}) {
			t.Fatalf("stats %+v, want 2 hits (the second read) and 2 misses (the first, an id asked twice once)", st)
		}
	})
	t.Run("forget reads the new record", func(t *testing.T) {
		c, s := newCache()
		get(t, c, s, 1)
		s.recs[1] = "uno"
		if got := get(t, c, s, 1); got[1] != "one" {
			t.Fatalf("kept record %q, want the old one until forgotten", got[1])
		}
		c.Forget(1)
		if got := get(t, c, s, 1); got[1] != "uno" {
			t.Fatalf("after Forget read %q, want uno", got[1])
		}
	})
	t.Run("missing records are not kept", func(t *testing.T) {
		c, s := newCache()
		if got := get(t, c, s, 3); len(got) != 0 {
			t.Fatalf("got %v for a missing id", got)
		}
		s.recs[3] = "three"
		if got := get(t, c, s, 3); got[3] != "three" {
			t.Fatalf("created record read as %q", got[3])
		}
	})
	t.Run("a load overtaken by a write is not kept", func(t *testing.T) {
		c, s := newCache()
		s.during = func() { // the write lands after the reader read the old record
			s.recs[1] = "uno"
			c.Forget(1)
		}
		if got := get(t, c, s, 1); got[1] != "one" {
			t.Fatalf("racing read returned %q, want what it loaded", got[1])
		}
		s.during = nil
		if got := get(t, c, s, 1); got[1] != "uno" {
			t.Fatalf("read after the write gave %q, want uno (the racing load was kept)", got[1])
		}
	})
	t.Run("records expire", func(t *testing.T) {
		c, s := newCache()
		get(t, c, s, 1)
		s.recs[1] = "uno"
		now = now.Add(time.Minute)
		if got := get(t, c, s, 1); got[1] != "uno" {
			t.Fatalf("after the TTL read %q, want uno", got[1])
		}
	})
	t.Run("size is bounded", func(t *testing.T) {
		c, s := newCache()
		for i := range shard.ID(1000) {
			s.recs[i] = "x"
			get(t, c, s, i)
		}
		if n := c.Len(); n > 64 {
			t.Fatalf("cache holds %d records, want at most 64", n)
		}
	})
}
