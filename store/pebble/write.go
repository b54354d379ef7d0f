package pebble

import (
	"context"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/herd-social/herd/store"
)

// Put writes one row; ttl zero keeps the table's default.
func (s *Store) Put(ctx context.Context, table string, pk, ck, value []byte, ttl time.Duration) error {
	t, err := s.begin(ctx, "put", table, store.Rows)
	if err != nil {
		return err
	}
	defer s.gate.Leave()
	b := s.db.NewBatch()
	defer b.Close()
	var locked stripeSet
	if err := s.setRow(b, &locked, t, pk, ck, value, ttl, s.now()); err != nil {
		return fmt.Errorf("pebble: put %s: %w", table, err)
	}
	if err := s.apply(ctx, b, &locked); err != nil {
		return fmt.Errorf("pebble: put %s: %w", table, err)
	}
	return nil
}

// setRow adds the write of one row (and of its expiry index entry) to b, and the row's
// stripe to locked.
func (s *Store) setRow(b *pebble.Batch, locked *stripeSet, t *table, pk, ck, value []byte, ttl time.Duration, now int64) error {
	if ttl < 0 {
		return fmt.Errorf("negative ttl %v", ttl)
	}
	if ttl == 0 {
		ttl = t.TTL
	}
	var expiry int64
	if ttl > 0 {
		expiry = now + int64(ttl)
	}
	key := t.rowKey(pk, ck)
	s.locks.add(locked, key)
	if err := b.Set(key, encodeValue(value, expiry), nil); err != nil {
		return err
	}
	if expiry == 0 {
		return nil
	}
	return b.Set(expiryKey(expiry, key), nil, nil)
}

// Delete removes one row of either kind; a missing row is not an error.
func (s *Store) Delete(ctx context.Context, table string, pk, ck []byte) error {
	t, err := s.begin(ctx, "delete", table, store.AnyKind)
	if err != nil {
		return err
	}
	defer s.gate.Leave()
	b := s.db.NewBatch()
	defer b.Close()
	var locked stripeSet
	err = b.Delete(t.rowKey(pk, ck), nil)
	if err == nil {
		err = s.commit(ctx, b, &locked, t.Kind == store.Counters)
	}
	if err != nil {
		return fmt.Errorf("pebble: delete %s: %w", table, err)
	}
	return nil
}

// PutIfAbsent writes the row only when no live row has its key, holding the key's
// stripe across the read and the write. It serializes with other PutIfAbsent calls
// (and with the sweeper), not with plain writes racing on the same key, which is also
// all a CQL lightweight transaction promises when mixed with plain writes.
func (s *Store) PutIfAbsent(ctx context.Context, table string, pk, ck, value []byte, ttl time.Duration) (bool, []byte, error) {
	t, err := s.begin(ctx, "put if absent", table, store.Rows)
	if err != nil {
		return false, nil, err
	}
	defer s.gate.Leave()
	wrote, existing, err := s.putIfAbsent(ctx, t, pk, ck, value, ttl)
	if err != nil {
		return false, nil, fmt.Errorf("pebble: put if absent %s: %w", table, err)
	}
	return wrote, existing, nil
}

func (s *Store) putIfAbsent(ctx context.Context, t *table, pk, ck, value []byte, ttl time.Duration) (bool, []byte, error) {
	b := s.db.NewBatch()
	defer b.Close()
	var locked stripeSet
	now := s.now()
	if err := s.setRow(b, &locked, t, pk, ck, value, ttl, now); err != nil {
		return false, nil, err
	}
	s.locks.lock(&locked)
	existing, found, err := s.getLive(t.rowKey(pk, ck), now)
	if err == nil && !found {
		err = b.Commit(pebble.NoSync)
	}
	s.locks.unlock(&locked)
	switch {
	case err != nil:
		return false, nil, err
	case found:
		return false, existing, nil
	case !s.syncNow(ctx):
		return true, nil, nil
	}
	return true, nil, s.db.LogData(nil, pebble.Sync)
}

// Batch applies mutations atomically: they are checked first, then committed as one
// Pebble batch. Within a batch, later mutations of a key win.
func (s *Store) Batch(ctx context.Context, muts []store.Mutation) error {
	if err := s.gate.Enter(ctx); err != nil {
		return fmt.Errorf("pebble: batch: %w", err)
	}
	defer s.gate.Leave()
	b := s.db.NewBatch()
	defer b.Close()
	var locked stripeSet
	now := s.now()
	deletesCounters := false
	for i, m := range muts {
		deletes, err := s.addMutation(b, &locked, m, now)
		if err != nil {
			return fmt.Errorf("pebble: batch: mutation %d on %s: %w", i, m.Table, err)
		}
		deletesCounters = deletesCounters || deletes
	}
	if err := s.commit(ctx, b, &locked, deletesCounters); err != nil {
		return fmt.Errorf("pebble: batch: %w", err)
	}
	return nil
}

// ApplyEach checks that every mutation is a row mutation, then applies them as Batch
// does: atomically, which is more than ApplyEach promises.
func (s *Store) ApplyEach(ctx context.Context, muts []store.Mutation) error {
	for i, m := range muts {
		err := store.ErrWrongKind
		if m.Kind != store.Add {
			_, err = s.table(m.Table, store.Rows)
		}
		if err != nil {
			return fmt.Errorf("pebble: apply each: mutation %d on %s: %w", i, m.Table, err)
		}
	}
	return s.Batch(ctx, muts)
}

// addMutation adds one mutation to b, and the stripes it needs held to locked: a
// row's, or a counter's for an Add (fold.go). It reports whether the mutation deletes
// counters.
func (s *Store) addMutation(b *pebble.Batch, locked *stripeSet, m store.Mutation, now int64) (bool, error) {
	kind := store.AnyKind
	switch m.Kind {
	case store.Put:
		kind = store.Rows
	case store.Add:
		kind = store.Counters
	}
	t, err := s.table(m.Table, kind)
	if err != nil {
		return false, err
	}
	counters := t.Kind == store.Counters
	switch m.Kind {
	case store.Put:
		return false, s.setRow(b, locked, t, m.PK, m.CK, m.Value, m.TTL, now)
	case store.Delete:
		return counters, b.Delete(t.rowKey(m.PK, m.CK), nil)
	case store.DeletePartition:
		prefix := t.partitionPrefix(nil, m.PK)
		return counters, b.DeleteRange(prefix, prefixEnd(prefix), nil)
	case store.Add:
		key := t.rowKey(m.PK, m.CK)
		s.locks.add(locked, key)
		return false, b.Merge(key, encodeCounter(m.Delta), nil)
	default:
		return false, fmt.Errorf("unknown mutation kind %d", m.Kind)
	}
}
