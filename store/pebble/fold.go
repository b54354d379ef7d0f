package pebble

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
)

// Counters and folding.
//
// Every Add is a merge operand, and a read sums every operand of its key written since
// the key's last flush or compaction (those collapse them), so a counter that moves a
// lot (an active account's statuses, a hashtag's day) costs more to read the more it
// moved. A read that sums more than foldOperands operands flags its key; the folder
// goroutine then folds it: it reads the sum and writes it back as a plain value (a Set),
// which shadows every operand before it, so that later reads start from one value.
//
// A Set replaces everything older than it, so an Add committed between the fold's read
// and its Set would be lost. Pebble has no read-modify-write, and a "set base" merge
// operand would have the same flaw (the merger cannot tell which operands the base
// already counts: operands carry no sequence number), so the fold and the Adds of its
// key are serialised instead: every Add (and every Add mutation of a Batch) holds its
// key's stripe while its batch is committed (without sync; the sync follows after the
// stripe is released, as for rows), and the fold holds the stripe from its read to its
// Set. An Add waiting on the stripe commits after the Set and is summed over it. Counter
// deletes (Delete, DeletePartition on a Counters table) hold foldMu while committing, as
// the fold does across its read and Set, so a fold never brings a deleted counter back.
//
// The fold's Set is not synced: if a crash loses it, the operands it replaced are still
// in the log and still sum to the same value; any later synced write syncs the log up to
// it. A fold changes no value, so the order of folds among themselves does not matter.

// foldOperands is how many merge operands a read sums before it flags its key to fold.
const foldOperands = 16

// foldPending bounds the keys waiting to be folded; a key flagged while it is full is
// flagged again by its next read.
const foldPending = 4096

// folder holds the keys flagged for folding until the folder goroutine takes them.
type folder struct {
	mu      sync.Mutex
	pending map[string]struct{}
	queue   []string
	wake    chan struct{}
	// flagged and folds count the keys queued and the folds written (tests read them).
	flagged, folds atomic.Int64
}

func newFolder() *folder {
	return &folder{pending: make(map[string]struct{}), wake: make(chan struct{}, 1)}
}

// flag queues key unless it is already pending or the queue is full. It never blocks:
// Pebble calls it from reads and compactions.
func (f *folder) flag(key []byte) {
	f.mu.Lock()
	_, dup := f.pending[string(key)]
	if !dup && len(f.pending) < foldPending {
		k := string(key)
		f.pending[k] = struct{}{}
		f.queue = append(f.queue, k)
		f.flagged.Add(1)
	}
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// take returns the queued keys; they stay pending (so that the fold's own read does not
// flag them again) until done.
func (f *folder) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.queue
	f.queue = nil
	return q
}

func (f *folder) done(keys []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range keys {
		delete(f.pending, k)
	}
}

// merger returns the counters' merge operator, which sums int64 operands and flags the
// keys whose merge took more than foldOperands operands. The name is persisted by
// Pebble and must never change.
func (f *folder) merger() *pebble.Merger {
	return &pebble.Merger{
		Name: "herd.int64add.v1",
		Merge: func(key, value []byte) (pebble.ValueMerger, error) {
			m := &counterSum{f: f}
			m.key = append(m.buf[:0], key...) // Pebble keeps key only for this call
			return m, m.MergeNewer(value)
		},
	}
}

// counterSum is the ValueMerger of the counters' merger.
type counterSum struct {
	sum      int64
	operands int
	f        *folder
	key      []byte
	buf      [40]byte
}

func (m *counterSum) MergeNewer(value []byte) error {
	d, err := decodeCounter(value)
	m.sum += d
	m.operands++
	return err
}

func (m *counterSum) MergeOlder(value []byte) error { return m.MergeNewer(value) }

func (m *counterSum) Finish(bool) ([]byte, io.Closer, error) {
	if m.operands > foldOperands && m.f != nil {
		m.f.flag(m.key)
	}
	return encodeCounter(m.sum), nil, nil
}

// foldLoop folds flagged counters until ctx is canceled by Close.
func (s *Store) foldLoop(ctx context.Context) {
	defer close(s.folded)
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.folder.wake:
		}
		keys := s.folder.take()
		if err := s.foldKeys(ctx, keys); err != nil && ctx.Err() == nil {
			s.opts.Logger.Error("fold counters", "engine", "pebble", "err", err)
		}
		s.folder.done(keys)
	}
}

// foldKeys folds the counters at keys (encoded row keys).
func (s *Store) foldKeys(ctx context.Context, keys []string) error {
	if err := s.gate.Enter(ctx); err != nil {
		return err
	}
	defer s.gate.Leave()
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.fold([]byte(k)); err != nil {
			return err
		}
	}
	return nil
}

// fold replaces the merge operands of the counter at key by their sum, holding foldMu
// and the key's stripe from the read to the write (see the comment at the top).
func (s *Store) fold(key []byte) error {
	var locked stripeSet
	s.locks.add(&locked, key)
	s.foldMu.Lock()
	defer s.foldMu.Unlock()
	s.locks.lock(&locked)
	defer s.locks.unlock(&locked)
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	sum, err := decodeCounter(v)
	err = errors.Join(err, closer.Close())
	if err != nil {
		return err
	}
	if err := s.db.Set(key, encodeCounter(sum), pebble.NoSync); err != nil {
		return err
	}
	s.folder.folds.Add(1)
	return nil
}
