package scylla

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gocql/gocql"
	"golang.org/x/sync/errgroup"

	"github.com/herd-social/herd/store"
)

// casAttempts bounds the tries of a PutIfAbsent whose outcome was unknown.
const casAttempts = 3

// Put writes one row; ttl zero keeps the table's default (a plain INSERT), any other
// ttl is rounded up to whole seconds (INSERT … USING TTL).
func (s *Store) Put(ctx context.Context, table string, pk, ck, value []byte, ttl time.Duration) error {
	t, err := s.begin(ctx, "put", table, store.Rows)
	if err != nil {
		return err
	}
	defer s.gate.Leave()
	stmt, values, err := t.putStatement(pk, ck, value, ttl, false)
	if err == nil {
		err = s.query(ctx, stmt, true, values...).Exec()
	}
	if err != nil {
		return fmt.Errorf("scylla: put %s: %w", table, err)
	}
	return nil
}

// putStatement returns the insert of one row and its values; ifAbsent makes it a
// lightweight transaction.
func (t *table) putStatement(pk, ck, value []byte, ttl time.Duration, ifAbsent bool) (string, []any, error) {
	if len(pk) == 0 {
		return "", nil, errEmptyPK
	}
	secs, err := ttlSeconds(ttl)
	if err != nil {
		return "", nil, err
	}
	// An empty blob, not a null: a null would be a tombstone for the value.
	values := []any{pk, ck, nonNil(value)}
	switch {
	case secs == 0 && ifAbsent:
		return t.putIfAbsent, values, nil
	case secs == 0:
		return t.put, values, nil
	case ifAbsent:
		return t.putIfAbsentTTL, append(values, secs), nil
	default:
		return t.putTTL, append(values, secs), nil
	}
}

// Delete removes one row of either kind; a missing row is not an error.
func (s *Store) Delete(ctx context.Context, table string, pk, ck []byte) error {
	t, err := s.begin(ctx, "delete", table, store.AnyKind)
	if err != nil {
		return err
	}
	defer s.gate.Leave()
	if len(pk) == 0 {
		return fmt.Errorf("scylla: delete %s: %w", table, errEmptyPK)
	}
	if err := s.query(ctx, t.del, true, pk, ck).Exec(); err != nil {
		return fmt.Errorf("scylla: delete %s: %w", table, err)
	}
	return nil
}

// PutIfAbsent writes the row with INSERT … IF NOT EXISTS, a lightweight transaction,
// which returns the existing row when it does not apply. When the outcome of an attempt
// is unknown (a timeout), it tries again; a row then found holding exactly value is
// taken as this call's write.
func (s *Store) PutIfAbsent(ctx context.Context, table string, pk, ck, value []byte, ttl time.Duration) (bool, []byte, error) {
	t, err := s.begin(ctx, "put if absent", table, store.Rows)
	if err != nil {
		return false, nil, err
	}
	defer s.gate.Leave()
	stmt, values, err := t.putStatement(pk, ck, value, ttl, true)
	if err != nil {
		return false, nil, fmt.Errorf("scylla: put if absent %s: %w", table, err)
	}
	unknown := false // an earlier attempt may have written
	for attempt := 1; ; attempt++ {
		existing := make(map[string]any, 3)
		q := s.query(ctx, stmt, false, values...).SerialConsistency(s.opts.SerialConsistency)
		applied, err := q.MapScanCAS(existing)
		switch {
		case err == nil && applied:
			return true, nil, nil
		case err == nil:
			v, _ := existing["v"].([]byte)
			if unknown && bytes.Equal(v, value) {
				return true, nil, nil
			}
			return false, nonNil(v), nil
		case outcomeUnknown(err) && attempt < casAttempts && ctx.Err() == nil:
			unknown = true
			continue
		default:
			return false, nil, fmt.Errorf("scylla: put if absent %s: %w", table, err)
		}
	}
}

// outcomeUnknown reports whether err leaves unknown whether a write was applied.
func outcomeUnknown(err error) bool {
	var (
		wt *gocql.RequestErrWriteTimeout
		cu *gocql.RequestErrCASWriteUnknown
	)
	return errors.As(err, &wt) || errors.As(err, &cu) || errors.Is(err, gocql.ErrTimeoutNoResponse)
}

// Add adds delta to a counter (UPDATE … SET c = c + ?). It is not retried when its
// outcome is unknown: counters are not idempotent.
func (s *Store) Add(ctx context.Context, table string, pk, ck []byte, delta int64) error {
	t, err := s.begin(ctx, "add", table, store.Counters)
	if err != nil {
		return err
	}
	defer s.gate.Leave()
	if len(pk) == 0 {
		return fmt.Errorf("scylla: add %s: %w", table, errEmptyPK)
	}
	if err := s.query(ctx, t.add, false, delta, pk, ck).Exec(); err != nil {
		return fmt.Errorf("scylla: add %s: %w", table, err)
	}
	return nil
}

// Batch checks every mutation, then applies the row mutations as one logged batch and,
// once it is applied, the counter mutations as one counter batch (CQL cannot mix them;
// see the package doc for what that weakens). A batch of one mutation is a plain
// statement.
func (s *Store) Batch(ctx context.Context, muts []store.Mutation) error {
	if err := s.gate.Enter(ctx); err != nil {
		return fmt.Errorf("scylla: batch: %w", err)
	}
	defer s.gate.Leave()
	rows := s.session.Batch(gocql.LoggedBatch).WithContext(ctx)
	counters := s.session.Batch(gocql.CounterBatch).WithContext(ctx)
	for i, m := range muts {
		b := rows
		if t, ok := s.tables[m.Table]; ok && t.Kind == store.Counters {
			b = counters
		}
		if err := s.addMutation(b, m); err != nil {
			return fmt.Errorf("scylla: batch: mutation %d on %s: %w", i, m.Table, err)
		}
	}
	if err := s.execBatch(rows); err != nil {
		return fmt.Errorf("scylla: batch: rows: %w", err)
	}
	if err := s.execBatch(counters); err != nil {
		return fmt.Errorf("scylla: batch: counters: %w", err)
	}
	return nil
}

// ApplyEach sends the partitions of muts in unlogged batches of neighbours on the
// ring: the mutations of each partition together, the partitions sorted by token and
// packed, up to applyRows rows and about applyBytes bytes a batch, so that a batch
// holds partitions of one token range, which the token-aware policy sends to one of
// their replicas (by the batch's first key). A fan-out of one row in each of
// thousands of homes is then a few hundred requests, not thousands. A partition
// larger than a batch goes alone. The mutations of one partition in an unlogged
// batch are applied as one (atomic and isolated); the partitions of a batch
// independently. At most Parallel batches are in flight.
func (s *Store) ApplyEach(ctx context.Context, muts []store.Mutation) error {
	if err := s.gate.Enter(ctx); err != nil {
		return fmt.Errorf("scylla: apply each: %w", err)
	}
	defer s.gate.Leave()
	byKey := make(map[string]*partition)
	var parts []*partition
	for i, m := range muts {
		key := m.Table + "\x00" + string(m.PK)
		p := byKey[key]
		if p == nil {
			p = &partition{token: Token(m.PK), b: s.session.Batch(gocql.UnloggedBatch)}
			byKey[key] = p
			parts = append(parts, p)
		}
		if err := s.addRowMutation(p.b, m); err != nil {
			return fmt.Errorf("scylla: apply each: mutation %d on %s: %w", i, m.Table, err)
		}
		p.size += len(m.PK) + len(m.CK) + len(m.Value)
	}
	slices.SortFunc(parts, func(a, b *partition) int { return cmp.Compare(a.token, b.token) })
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.opts.Parallel)
	send := func(b *gocql.Batch) { g.Go(func() error { return s.execBatch(b.WithContext(gctx)) }) }
	var b *gocql.Batch
	size := 0
	for _, p := range parts {
		if b != nil && (len(b.Entries)+len(p.b.Entries) > applyRows || size+p.size > applyBytes) {
			send(b)
			b = nil
		}
		if b == nil {
			b, size = p.b, 0 // routed to a replica of its first partition by the driver
		} else {
			b.Entries = append(b.Entries, p.b.Entries...)
		}
		size += p.size
	}
	if b != nil {
		send(b)
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("scylla: apply each: %w", err)
	}
	return nil
}

// The bounds of an ApplyEach batch: Cassandra warns of batches over 5 KiB
// (batch_size_warn_threshold) and refuses them over 50 KiB; ScyllaDB's bounds are
// 128 and 1024 KiB. Batches spanning over 10 partitions are logged once a minute by
// Cassandra (unlogged_batch_across_partitions_warn_threshold), harmlessly.
const (
	applyRows  = 32
	applyBytes = 4 << 10
)

// partition is the mutations of one partition in an ApplyEach.
type partition struct {
	token int64
	b     *gocql.Batch
	size  int // bytes of keys and values, roughly what the batch sends
}

// addRowMutation is addMutation refusing counters.
func (s *Store) addRowMutation(b *gocql.Batch, m store.Mutation) error {
	if m.Kind == store.Add {
		return store.ErrWrongKind
	}
	if _, err := s.table(m.Table, store.Rows); err != nil {
		return err
	}
	return s.addMutation(b, m)
}

// addMutation adds the statement of m to b.
func (s *Store) addMutation(b *gocql.Batch, m store.Mutation) error {
	kind := store.AnyKind
	switch m.Kind {
	case store.Put:
		kind = store.Rows
	case store.Add:
		kind = store.Counters
	}
	t, err := s.table(m.Table, kind)
	if err != nil {
		return err
	}
	if len(m.PK) == 0 {
		return errEmptyPK
	}
	entry := gocql.BatchEntry{Idempotent: true}
	switch m.Kind {
	case store.Put:
		entry.Stmt, entry.Args, err = t.putStatement(m.PK, m.CK, m.Value, m.TTL, false)
	case store.Delete:
		entry.Stmt, entry.Args = t.del, []any{m.PK, m.CK}
	case store.DeletePartition:
		entry.Stmt, entry.Args = t.delPartition, []any{m.PK}
	case store.Add:
		entry.Stmt, entry.Args, entry.Idempotent = t.add, []any{m.Delta, m.PK, m.CK}, false
	default:
		err = fmt.Errorf("unknown mutation kind %d", m.Kind)
	}
	if err == nil {
		b.Entries = append(b.Entries, entry)
	}
	return err
}

// execBatch runs b: nothing when empty, its one statement alone, or the whole batch.
func (s *Store) execBatch(b *gocql.Batch) error {
	switch len(b.Entries) {
	case 0:
		return nil
	case 1:
		e := b.Entries[0]
		return s.query(b.Context(), e.Stmt, e.Idempotent, e.Args...).Exec()
	default:
		return b.Exec()
	}
}
