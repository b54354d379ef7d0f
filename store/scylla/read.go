package scylla

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/gocql/gocql"

	"github.com/herd-social/herd/store"
)

// maxIn caps the clustering keys of one `ck IN ?` select; longer lists are split.
const maxIn = 100

// Get returns the value of one row, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, table string, pk, ck []byte) ([]byte, error) {
	t, err := s.begin(ctx, "get", table, store.Rows)
	if err != nil {
		return nil, err
	}
	defer s.gate.Leave()
	if len(pk) == 0 {
		return nil, fmt.Errorf("scylla: get %s: %w", table, errEmptyPK)
	}
	var v []byte
	err = s.query(ctx, t.get, true, pk, ck).Scan(&v)
	if errors.Is(err, gocql.ErrNotFound) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("scylla: get %s: %w", table, err)
	}
	return nonNil(v), nil
}

// MultiGet returns the values of keys in order, nil for a missing row. Keys are grouped
// by partition: one `ck IN ?` select per partition, partitions read in parallel.
func (s *Store) MultiGet(ctx context.Context, table string, keys []store.Key) ([][]byte, error) {
	t, err := s.begin(ctx, "multiget", table, store.Rows)
	if err != nil {
		return nil, err
	}
	defer s.gate.Leave()
	out := make([][]byte, len(keys))
	err = s.eachPartition(ctx, keys, func(ctx context.Context, pk []byte, cks [][]byte) (func(), error) {
		found := make(map[string][]byte, len(cks))
		iter := s.query(ctx, t.multiGet, true, pk, cks).Iter()
		var ck, v []byte
		for iter.Scan(&ck, &v) {
			found[string(ck)] = nonNil(v)
		}
		if err := iter.Close(); err != nil {
			return nil, err
		}
		return func() { fill(out, keys, pk, found) }, nil
	})
	if err != nil {
		return nil, fmt.Errorf("scylla: multiget %s: %w", table, err)
	}
	return out, nil
}

// fill sets out[i] for the keys of partition pk found; a key asked twice gets a copy.
func fill(out [][]byte, keys []store.Key, pk []byte, found map[string][]byte) {
	used := make(map[string]bool, len(found))
	for i, k := range keys {
		if !bytes.Equal(k.PK, pk) {
			continue
		}
		v, ok := found[string(k.CK)]
		if !ok {
			continue
		}
		if used[string(k.CK)] {
			v = slices.Clone(v)
		}
		used[string(k.CK)] = true
		out[i] = v
	}
}

// Counters returns the counters of keys in order; a missing counter is 0.
func (s *Store) Counters(ctx context.Context, table string, keys []store.Key) ([]int64, error) {
	t, err := s.begin(ctx, "counters", table, store.Counters)
	if err != nil {
		return nil, err
	}
	defer s.gate.Leave()
	out := make([]int64, len(keys))
	err = s.eachPartition(ctx, keys, func(ctx context.Context, pk []byte, cks [][]byte) (func(), error) {
		found := make(map[string]int64, len(cks))
		iter := s.query(ctx, t.counters, true, pk, cks).Iter()
		var ck []byte
		var c int64
		for iter.Scan(&ck, &c) {
			found[string(ck)] = c
		}
		if err := iter.Close(); err != nil {
			return nil, err
		}
		return func() {
			for i, k := range keys {
				if bytes.Equal(k.PK, pk) {
					out[i] = found[string(k.CK)]
				}
			}
		}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("scylla: counters %s: %w", table, err)
	}
	return out, nil
}

// readFunc reads the clustering keys cks of partition pk and returns a function that
// stores what it read; eachPartition calls those one at a time.
type readFunc func(ctx context.Context, pk []byte, cks [][]byte) (save func(), err error)

// eachPartition groups keys by partition (and in chunks of maxIn clustering keys) and
// calls read for each group, at most s.opts.Parallel at once. The first error cancels
// the rest.
func (s *Store) eachPartition(ctx context.Context, keys []store.Key, read readFunc) error {
	for _, k := range keys {
		if len(k.PK) == 0 {
			return errEmptyPK
		}
	}
	groups := groupKeys(keys)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex // guards first and serializes the store functions
		first error
		sem   = make(chan struct{}, s.opts.Parallel)
	)
	for _, g := range groups {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			save, err := read(ctx, g.pk, g.cks)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = err
				cancel()
			}
			if err == nil {
				save()
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// group is the distinct clustering keys asked of one partition.
type group struct {
	pk  []byte
	cks [][]byte
}

// groupKeys groups keys by partition, in order of first appearance, each group holding
// at most maxIn distinct clustering keys.
func groupKeys(keys []store.Key) []group {
	var groups []group
	open := make(map[string]int) // partition → index of its last group
	seen := make(map[[2]string]bool, len(keys))
	for _, k := range keys {
		id := [2]string{string(k.PK), string(k.CK)}
		if seen[id] {
			continue
		}
		seen[id] = true
		i, ok := open[id[0]]
		if !ok || len(groups[i].cks) == maxIn {
			groups = append(groups, group{pk: k.PK})
			i = len(groups) - 1
			open[id[0]] = i
		}
		groups[i].cks = append(groups[i].cks, k.CK)
	}
	return groups
}

// Scan returns rows of one partition inside r: bounds become `ck > ?`-style
// restrictions, the direction an ORDER BY, the limit a LIMIT.
func (s *Store) Scan(ctx context.Context, table string, pk []byte, r store.Range) ([]store.Row, error) {
	t, err := s.begin(ctx, "scan", table, store.Rows)
	if err != nil {
		return nil, err
	}
	defer s.gate.Leave()
	if len(pk) == 0 {
		return nil, fmt.Errorf("scylla: scan %s: %w", table, errEmptyPK)
	}
	if emptyRange(r) {
		return nil, nil
	}
	stmt, values := t.scan(pk, r)
	q := s.query(ctx, stmt, true, values...)
	if r.Limit > 0 {
		q = q.PageSize(min(r.Limit, 5000))
	}
	iter := q.Iter()
	var rows []store.Row
	var ck, v []byte
	for iter.Scan(&ck, &v) {
		rows = append(rows, store.Row{PK: slices.Clone(pk), CK: slices.Clip(nonNil(ck)), Value: slices.Clip(nonNil(v))})
		ck, v = nil, nil
	}
	if err := iter.Close(); err != nil {
		return nil, fmt.Errorf("scylla: scan %s: %w", table, err)
	}
	return rows, nil
}

// scan returns the statement and values of a scan of pk inside r.
func (t *table) scan(pk []byte, r store.Range) (string, []any) {
	values := []any{pk}
	lower, upper := unbounded, unbounded
	if r.Lower.Key != nil {
		lower = boundKind(r.Lower)
		values = append(values, r.Lower.Key)
	}
	if r.Upper.Key != nil {
		upper = boundKind(r.Upper)
		values = append(values, r.Upper.Key)
	}
	desc := (t.Order == store.Desc) != r.Reverse
	limited := 0
	if r.Limit > 0 {
		limited = 1
		values = append(values, r.Limit)
	}
	return t.scans[lower][upper][b2i(desc)][limited], values
}

func boundKind(b store.Bound) int {
	if b.Inclusive {
		return inclusive
	}
	return exclusive
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// emptyRange reports whether no clustering key can be inside r: its bounds cross, or
// its upper bound is below every key. CQL would refuse some of these instead of
// answering nothing.
func emptyRange(r store.Range) bool {
	if r.Upper.Key != nil && len(r.Upper.Key) == 0 && !r.Upper.Inclusive {
		return true // ck < empty
	}
	if r.Lower.Key == nil || r.Upper.Key == nil {
		return false
	}
	c := bytes.Compare(r.Lower.Key, r.Upper.Key)
	return c > 0 || (c == 0 && !(r.Lower.Inclusive && r.Upper.Inclusive))
}

// nonNil returns v, or an empty slice for nil: a row that exists has a value, if empty.
func nonNil(v []byte) []byte {
	if v == nil {
		return []byte{}
	}
	return v
}
