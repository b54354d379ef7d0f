package pebble

import (
	"context"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/herd-social/herd/store"
)

// Add adds delta to a counter. Adds are merge operands, summed by counterMerger on
// reads and compactions, so concurrent Adds never lose an update and take no lock.
func (s *Store) Add(ctx context.Context, table string, pk, ck []byte, delta int64) error {
	t, err := s.begin(ctx, "add", table, store.Counters)
	if err != nil {
		return err
	}
	defer s.mu.RUnlock()
	if err := s.db.Merge(t.rowKey(pk, ck), encodeCounter(delta), s.write); err != nil {
		return fmt.Errorf("pebble: add %s: %w", table, err)
	}
	return nil
}

// Counters returns the counters of keys in order; a missing counter is 0.
func (s *Store) Counters(ctx context.Context, table string, keys []store.Key) ([]int64, error) {
	t, err := s.begin(ctx, "counters", table, store.Counters)
	if err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	out := make([]int64, len(keys))
	for i, k := range keys {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("pebble: counters %s: %w", table, err)
		}
		v, err := s.counter(t.rowKey(k.PK, k.CK))
		if err != nil {
			return nil, fmt.Errorf("pebble: counters %s: %w", table, err)
		}
		out[i] = v
	}
	return out, nil
}

func (s *Store) counter(key []byte) (int64, error) {
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer closer.Close()
	return decodeCounter(v)
}
