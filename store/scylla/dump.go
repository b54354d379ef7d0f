package scylla

import (
	"context"
	"fmt"
	"time"

	"github.com/herd-social/herd/store"
)

var _ store.Dumper = (*Store)(nil)

// Dump returns one page of up to limit rows of table, in token order (a full-table
// read, paged by the server: the cursor is CQL's paging state). A rows table's TTL
// is read with TTL(v), in whole seconds. It is for copying and verifying a store,
// never for serving requests.
func (s *Store) Dump(ctx context.Context, table string, cursor []byte, limit int) (store.DumpPage, error) {
	var page store.DumpPage
	t, err := s.begin(ctx, "dump", table, store.AnyKind)
	if err != nil {
		return page, err
	}
	defer s.gate.Leave()
	if limit <= 0 {
		return page, fmt.Errorf("scylla: dump %s: limit %d is not positive", table, limit)
	}
	stmt := "SELECT pk, ck, v, TTL(v) FROM " + t.qname
	if t.Kind == store.Counters {
		stmt = "SELECT pk, ck, c FROM " + t.qname
	}
	// A set page state (nil included) turns off the driver's automatic paging: the
	// iterator holds this page only.
	iter := s.query(ctx, stmt, true).PageSize(limit).PageState(cursor).Iter()
	if next := iter.PageState(); len(next) > 0 {
		page.Next = append([]byte(nil), next...)
	}
	scanner := iter.Scanner()
	for scanner.Next() {
		var (
			row  store.DumpRow
			ttl  *int
			dest = []any{&row.PK, &row.CK, &row.Value, &ttl}
		)
		if t.Kind == store.Counters {
			dest = []any{&row.PK, &row.CK, &row.Counter}
		}
		if err := scanner.Scan(dest...); err != nil {
			return page, fmt.Errorf("scylla: dump %s: %w", table, err)
		}
		if ttl != nil {
			row.TTL = time.Duration(*ttl) * time.Second
		}
		if t.Kind == store.Rows && row.Value == nil {
			row.Value = []byte{}
		}
		if row.CK == nil {
			row.CK = []byte{}
		}
		page.Rows = append(page.Rows, row)
	}
	if err := scanner.Err(); err != nil {
		return page, fmt.Errorf("scylla: dump %s: %w", table, err)
	}
	return page, nil
}
