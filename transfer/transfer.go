// Package transfer copies an instance's data from one set of engines to another, as
// `herd admin copy` moves an instance from the embedded shape to the cluster shape:
// every live row of every table of a store (read with store.Dumper, written through
// the store contract, with the time the row has left to live), and every object of
// a blob store. A copy is resumable: it keeps where each table stands in a State,
// saved after every page, and a page copied twice changes nothing (rows are put
// again; a counter is set to the source's value by adding the difference from what
// the target holds, never by adding the source's value blindly). Verify compares
// the two sides table by table, by row count and an order-independent checksum.
//
// It knows tables, rows and objects only, never what they mean, and it opens no
// engine: node hands it the engines. It expects the source not to be written while
// it copies, and the target to be written by nothing else.
package transfer

import (
	"time"

	"github.com/herd-social/herd/statefile"
)

// Options tune a copy or a verification.
type Options struct {
	// PageSize is how many rows are read (and written) at a time. Default 500.
	PageSize int
	// Parallel bounds the counters being added, or the objects being copied, at
	// once. Default 8.
	Parallel int
	// Margin leaves out of a verification the rows that expire less than Margin
	// after it starts: they may expire on one side before the other is read.
	// Default 10 minutes.
	Margin time.Duration
	// Now is the clock of verifications. Default time.Now.
	Now func() time.Time
	// Progress, if set, is called after each page of a table with the rows copied
	// or read so far.
	Progress func(table string, rows int64)
}

const (
	defaultPageSize = 500
	defaultParallel = 8
	defaultMargin   = 10 * time.Minute
)

func (o Options) withDefaults() Options {
	if o.PageSize <= 0 {
		o.PageSize = defaultPageSize
	}
	if o.Parallel <= 0 {
		o.Parallel = defaultParallel
	}
	if o.Margin <= 0 {
		o.Margin = defaultMargin
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Progress == nil {
		o.Progress = func(string, int64) {}
	}
	return o
}

// State is where a copy stands.
type State struct {
	// Target names the engines being written (a keyspace, a bucket), so that a state
	// is never resumed against others.
	Target string `json:"target"`
	// Started is when the copy began.
	Started time.Time `json:"started"`
	// Tables holds the tables begun, by name.
	Tables map[string]TableState `json:"tables"`
}

// TableState is where the copy of one table stands.
type TableState struct {
	// Cursor is the source's cursor of the next page to copy.
	Cursor []byte `json:"cursor,omitempty"`
	// Rows counts the rows copied so far.
	Rows int64 `json:"rows"`
	// Done says every row has been copied.
	Done bool `json:"done,omitempty"`
}

// StateFile keeps a State in a JSON file that a crash leaves whole (statefile.File).
type StateFile = statefile.File[State]
