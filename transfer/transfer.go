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
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
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

// StateFile keeps a State in a JSON file, written whole to a temporary file and
// renamed over the old one, so that a crash leaves one state or the other.
type StateFile string

// Load returns the saved state, and false when there is none.
func (f StateFile) Load() (State, bool, error) {
	var st State
	b, err := os.ReadFile(string(f))
	if errors.Is(err, os.ErrNotExist) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("transfer: read the state: %w", err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, false, fmt.Errorf("transfer: state %s: %w", f, err)
	}
	return st, true, nil
}

// Save writes st.
func (f StateFile) Save(st State) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp := string(f) + ".tmp"
	if err := os.MkdirAll(filepath.Dir(tmp), 0o750); err != nil {
		return fmt.Errorf("transfer: save the state: %w", err)
	}
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("transfer: save the state: %w", err)
	}
	if err := os.Rename(tmp, string(f)); err != nil {
		return fmt.Errorf("transfer: save the state: %w", err)
	}
	return nil
}

// Clear removes the saved state.
func (f StateFile) Clear() error {
	if err := os.Remove(string(f)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("transfer: clear the state: %w", err)
	}
	return nil
}
