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

// Get returns the value of one live row, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, table string, pk, ck []byte) ([]byte, error) {
	t, err := s.begin(ctx, "get", table, store.Rows)
	if err != nil {
		return nil, err
	}
	defer s.gate.Leave()
	v, ok, err := s.getLive(t.rowKey(pk, ck), s.now())
	if err != nil {
		return nil, fmt.Errorf("pebble: get %s: %w", table, err)
	}
	if !ok {
		return nil, store.ErrNotFound
	}
	return v, nil
}

// MultiGet returns the values of keys in order; a missing or expired row is nil.
func (s *Store) MultiGet(ctx context.Context, table string, keys []store.Key) ([][]byte, error) {
	t, err := s.begin(ctx, "multiget", table, store.Rows)
	if err != nil {
		return nil, err
	}
	defer s.gate.Leave()
	out, err := s.multiGet(ctx, t, keys)
	if err != nil {
		return nil, fmt.Errorf("pebble: multiget %s: %w", table, err)
	}
	return out, nil
}

// multiGet seeks one iterator through the keys in key order: the values come from one
// consistent view of the database, and each block is read once where a Get per key
// would set up an iterator per key. One key is a point read, which costs less than
// an iterator (the readers of a viewer's marks and relations ask one key at a time).
func (s *Store) multiGet(ctx context.Context, t *table, keys []store.Key) (out [][]byte, err error) {
	out = make([][]byte, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	if len(keys) == 1 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out[0], _, err = s.getLive(t.rowKey(keys[0].PK, keys[0].CK), s.now())
		return out, err
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
		return nil, err
	}
	defer func() { err = errors.Join(err, it.Close()) }()
	now := s.now()
	for _, i := range order {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !it.SeekGE(enc[i]) || !bytes.Equal(it.Key(), enc[i]) {
			continue
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return nil, err
		}
		expiry, payload, err := decodeValue(v)
		if err != nil {
			return nil, err
		}
		if live(expiry, now) {
			out[i] = append(make([]byte, 0, len(payload)), payload...)
		}
	}
	return out, it.Error()
}

// getLive reads one row key and returns a copy of its payload when the row is live at
// now. A live empty value is returned as a non-nil empty slice.
func (s *Store) getLive(key []byte, now int64) ([]byte, bool, error) {
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer closer.Close()
	expiry, payload, err := decodeValue(v)
	if err != nil || !live(expiry, now) {
		return nil, false, err
	}
	return append(make([]byte, 0, len(payload)), payload...), true, nil
}

// Scan returns the live rows of partition pk inside r.
func (s *Store) Scan(ctx context.Context, table string, pk []byte, r store.Range) ([]store.Row, error) {
	t, err := s.begin(ctx, "scan", table, store.Rows)
	if err != nil {
		return nil, err
	}
	defer s.gate.Leave()
	if r.Limit < 0 {
		return nil, fmt.Errorf("pebble: scan %s: negative limit %d", table, r.Limit)
	}
	rows, err := s.scan(ctx, t, pk, r)
	if err != nil {
		return nil, fmt.Errorf("pebble: scan %s: %w", table, err)
	}
	return rows, nil
}

// scanCheckEvery is how many rows a scan reads between checks of its context.
const scanCheckEvery = 64

func (s *Store) scan(ctx context.Context, t *table, pk []byte, r store.Range) (rows []store.Row, err error) {
	lo, hi, ok := t.scanBounds(pk, r)
	if !ok {
		return nil, nil
	}
	it, err := s.db.NewIterWithContext(ctx, &pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, it.Close()) }()
	prefixLen := len(t.partitionPrefix(nil, pk))
	now := s.now()
	step, valid := it.Next, it.First()
	if r.Reverse {
		step, valid = it.Prev, it.Last()
	}
	for n := 0; valid; valid, n = step(), n+1 {
		if n%scanCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return nil, err
		}
		expiry, payload, err := decodeValue(v)
		if err != nil {
			return nil, err
		}
		if !live(expiry, now) {
			continue
		}
		row, err := t.copyRow(pk, it.Key()[prefixLen:], payload)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
		if len(rows) == r.Limit {
			break
		}
	}
	return rows, it.Error()
}

// copyRow builds a row that owns its bytes, in one allocation whose parts cannot grow
// into each other.
func (t *table) copyRow(pk, ckTail, value []byte) (store.Row, error) {
	ck, err := t.decodeCK(ckTail)
	if err != nil {
		return store.Row{}, err
	}
	buf := make([]byte, 0, len(pk)+len(ck)+len(value))
	buf = append(append(append(buf, pk...), ck...), value...)
	a, b := len(pk), len(pk)+len(ck)
	return store.Row{PK: buf[:a:a], CK: buf[a:b:b], Value: buf[b:]}, nil
}

// now is the store's clock in Unix nanoseconds.
func (s *Store) now() int64 { return s.opts.Now().UnixNano() }
