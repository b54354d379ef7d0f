package pebble

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/cockroachdb/pebble/v2"

	"github.com/herd-social/herd/store"
)

// Add adds delta to a counter. Adds are merge operands, summed by the counters' merger
// on reads and compactions, so concurrent Adds never lose an update; each holds its
// key's stripe while it commits (not while it syncs), so that a fold of the counter
// never hides it (fold.go).
func (s *Store) Add(ctx context.Context, table string, pk, ck []byte, delta int64) error {
	t, err := s.begin(ctx, "add", table, store.Counters)
	if err != nil {
		return err
	}
	defer s.gate.Leave()
	b := s.db.NewBatch()
	defer b.Close()
	key := t.rowKey(pk, ck)
	var locked stripeSet
	s.locks.add(&locked, key)
	err = b.Merge(key, encodeCounter(delta), nil)
	if err == nil {
		err = s.apply(ctx, b, &locked)
	}
	if err != nil {
		return fmt.Errorf("pebble: add %s: %w", table, err)
	}
	return nil
}

// Counters returns the counters of keys in order; a missing counter is 0. Like
// MultiGet it seeks one iterator through the sorted keys (the iterator sums the
// merge operands), where a Get per key would set up an iterator per key.
func (s *Store) Counters(ctx context.Context, table string, keys []store.Key) (out []int64, err error) {
	t, err := s.begin(ctx, "counters", table, store.Counters)
	if err != nil {
		return nil, err
	}
	defer s.gate.Leave()
	out = make([]int64, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	enc := t.rowKeys(keys)
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return bytes.Compare(enc[a], enc[b]) })
	last := enc[order[len(order)-1]]
	it, err := s.db.NewIterWithContext(ctx, &pebble.IterOptions{
		LowerBound: enc[order[0]],
		UpperBound: append(last[:len(last):len(last)], 0),
	})
	if err != nil {
		return nil, fmt.Errorf("pebble: counters %s: %w", table, err)
	}
	defer func() { err = errors.Join(err, it.Close()) }()
	valid := false // the iterator is at a key, the first at or after the last sought
	for _, i := range order {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("pebble: counters %s: %w", table, err)
		}
		// Past enc[i] already: it is missing, as most counters of a page are.
		if valid && bytes.Compare(it.Key(), enc[i]) > 0 {
			continue
		}
		if valid = it.SeekGE(enc[i]); !valid {
			break // nothing at or after enc[i], so after it either
		}
		if !bytes.Equal(it.Key(), enc[i]) {
			continue
		}
		v, err := it.ValueAndErr()
		if err == nil {
			out[i], err = decodeCounter(v)
		}
		if err != nil {
			return nil, fmt.Errorf("pebble: counters %s: %w", table, err)
		}
	}
	return out, nil
}
