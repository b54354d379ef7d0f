package store

import (
	"context"
	"time"
)

// Dumper is an optional interface of an engine that can read a whole table, page by
// page, for the tools that copy a store to another engine and verify the copy
// (`herd admin copy`). It is not part of Store: the domain never reads across
// partitions, and nothing that serves requests may use it. store/pebble and
// store/scylla have it; a Prefixed store does not.
type Dumper interface {
	// Dump returns up to limit live rows of table (counters of a Counters table)
	// from cursor on, in an order of the engine's choosing that stays the same while
	// the table is not written, and the cursor of the next page: nil after the last
	// one. A nil cursor starts at the beginning. Cursors are opaque and belong to
	// the engine that returned them.
	Dump(ctx context.Context, table string, cursor []byte, limit int) (DumpPage, error)
}

// DumpPage is one page of a Dump.
type DumpPage struct {
	Rows []DumpRow
	// Next is the cursor of the next page; nil when the table has no more rows.
	Next []byte
}

// DumpRow is one row of a dumped table.
type DumpRow struct {
	PK, CK []byte
	// Value is the value of a Rows table's row.
	Value []byte
	// Counter is the value of a Counters table's counter.
	Counter int64
	// TTL is the time the row has left to live, zero for a row that does not
	// expire. An engine that keeps TTLs in whole seconds reports whole seconds.
	TTL time.Duration
}
