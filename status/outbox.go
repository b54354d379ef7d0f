package status

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// The outbox: a new status is written with an outbox row, in its own batch, and the
// row goes once its created event is published, so that a crash in between is
// repaired by Republish. Clearing the row is not urgent (a row left behind only makes
// Republish publish the event again, which consumers shrug off), so it is not a synced
// write of its own: the rows of published events wait in memory and ride along in the
// batch of the next status, or are cleared together when they grow many or old, before
// Republish scans, and when the node stops. A crash forgets them, and Republish then
// publishes their events once more.
const (
	// outboxClearRows and outboxClearAge bound the published rows waiting to be
	// cleared: past either, the post that notices clears them in one batch.
	outboxClearRows = 512
	outboxClearAge  = time.Second
)

// outboxRow marks a status whose created event may not have been published yet.
func outboxRow(st *Status) store.Mutation {
	return store.Mutation{Kind: store.Put, Table: tOutbox, PK: outboxPK(st.ID), CK: st.ID.Bytes(),
		Value: st.AccountID.Bytes()}
}

func outboxPK(id shard.ID) []byte { return []byte{byte(id % 16)} }

// outbox holds the deletions of the outbox rows of published statuses.
type outbox struct {
	now func() time.Time
	mu  struct {
		sync.Mutex
		clears []store.Mutation
		since  time.Time // when the oldest of clears was added
	}
}

func newOutbox(now func() time.Time) *outbox { return &outbox{now: now} }

// take returns the waiting deletions, for a batch that is to apply them.
func (o *outbox) take() []store.Mutation {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := o.mu.clears
	o.mu.clears = nil
	return out
}

// putBack returns deletions whose batch failed.
func (o *outbox) putBack(muts []store.Mutation) {
	if len(muts) == 0 {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.mu.clears) == 0 {
		o.mu.since = o.now()
	}
	o.mu.clears = append(o.mu.clears, muts...)
}

// published queues the clearing of id's row, and clears the queue if it is full or old.
func (o *outbox) published(ctx context.Context, st store.Store, id shard.ID) error {
	now := o.now()
	o.mu.Lock()
	if len(o.mu.clears) == 0 {
		o.mu.since = now
	}
	o.mu.clears = append(o.mu.clears, store.Mutation{Kind: store.Delete, Table: tOutbox, PK: outboxPK(id), CK: id.Bytes()})
	due := len(o.mu.clears) >= outboxClearRows || now.Sub(o.mu.since) >= outboxClearAge
	o.mu.Unlock()
	if !due {
		return nil
	}
	return o.flush(ctx, st)
}

// flush clears every waiting row now.
func (o *outbox) flush(ctx context.Context, st store.Store) error {
	muts := o.take()
	if len(muts) == 0 {
		return nil
	}
	if err := st.Batch(ctx, muts); err != nil {
		o.putBack(muts)
		return fmt.Errorf("clear status outbox: %w", err)
	}
	return nil
}

// ClearOutbox clears now the outbox rows of the events this service published, as a
// node does when it stops.
func (s *Service) ClearOutbox(ctx context.Context) error { return s.outbox.flush(ctx, s.st) }

// Republish publishes the created events of statuses left in the outbox by a crash,
// after clearing the rows of the events this service published, passing over the
// statuses created less than minAge ago: their creators may be publishing them at
// this moment. Consumers are idempotent, but a stream would show the duplicate.
func (s *Service) Republish(ctx context.Context, minAge time.Duration) (int, error) {
	if err := s.outbox.flush(ctx, s.st); err != nil {
		return 0, err
	}
	n := 0
	for p := 0; p < 16; p++ {
		rows, err := s.st.Scan(ctx, tOutbox, []byte{byte(p)}, store.Range{Limit: 10000})
		if err != nil {
			return n, fmt.Errorf("scan status outbox: %w", err)
		}
		for _, r := range rows {
			id := shard.FromBytes(r.CK)
			if s.outbox.now().Sub(id.Time()) < minAge {
				continue
			}
			if err := s.publish(ctx, Event{Kind: Created, StatusID: id, Author: shard.FromBytes(r.Value)}); err != nil {
				return n, err
			}
			if err := s.st.Delete(ctx, tOutbox, r.PK, r.CK); err != nil {
				return n, fmt.Errorf("clear status outbox: %w", err)
			}
			n++
		}
	}
	return n, nil
}
