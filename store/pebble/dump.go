package pebble

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/herd-social/herd/store"
)

var _ store.Dumper = (*Store)(nil)

// Dump returns up to limit live rows of table in key order, from cursor on: the
// cursor is the key the next page starts at. Rows written while a table is dumped
// may or may not be seen; `herd admin copy` dumps a store no node holds.
func (s *Store) Dump(ctx context.Context, table string, cursor []byte, limit int) (page store.DumpPage, err error) {
	t, err := s.begin(ctx, "dump", table, store.AnyKind)
	if err != nil {
		return page, err
	}
	defer s.gate.Leave()
	if limit <= 0 {
		return page, fmt.Errorf("pebble: dump %s: limit %d is not positive", table, limit)
	}
	lo, hi := appendID(nil, t.id), appendID(nil, t.id+1)
	if cursor != nil {
		if len(cursor) < idLen || string(cursor[:idLen]) != string(lo) {
			return page, fmt.Errorf("pebble: dump %s: the cursor is not one of this table", table)
		}
		lo = cursor
	}
	it, err := s.db.NewIterWithContext(ctx, &pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return page, fmt.Errorf("pebble: dump %s: %w", table, err)
	}
	defer func() { err = errors.Join(err, it.Close()) }()
	now := s.now()
	for valid, n := it.First(), 0; valid; valid, n = it.Next(), n+1 {
		if n%scanCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return page, err
			}
		}
		if len(page.Rows) == limit {
			page.Next = append([]byte(nil), it.Key()...)
			break
		}
		row, ok, err := t.dumpRow(it, now)
		if err != nil {
			return page, fmt.Errorf("pebble: dump %s: %w", table, err)
		}
		if ok {
			page.Rows = append(page.Rows, row)
		}
	}
	return page, it.Error()
}

// dumpRow decodes the row under the iterator, reporting false for an expired one.
func (t *table) dumpRow(it *pebble.Iterator, now int64) (store.DumpRow, bool, error) {
	v, err := it.ValueAndErr()
	if err != nil {
		return store.DumpRow{}, false, err
	}
	pk, ck, err := t.decodeRowKey(it.Key())
	if err != nil {
		return store.DumpRow{}, false, err
	}
	row := store.DumpRow{PK: pk, CK: append([]byte{}, ck...)}
	if t.Kind == store.Counters {
		row.Counter, err = decodeCounter(v)
		return row, err == nil, err
	}
	expiry, payload, err := decodeValue(v)
	if err != nil || !live(expiry, now) {
		return store.DumpRow{}, false, err
	}
	row.Value = append([]byte{}, payload...)
	if expiry != 0 {
		row.TTL = time.Duration(expiry - now)
	}
	return row, true, nil
}
