package store

import (
	"context"
	"errors"
	"sync"
)

// Deferred lets a consumer of the event log make the writes of a batch of events
// durable once, at the end of the batch, instead of each write on its own: an engine
// that syncs its writes (Pebble) writes those made under Defer's context without
// waiting for the disk, so that later reads see them at once, and syncs them all when
// Sync is called. The consumer calls Sync before it commits its offset: after a crash
// the batch is delivered again, and its idempotent writes are made again. An engine
// whose writes are durable when they return (CQL) ignores it. Before anything leaves
// the store (an event published, a request sent), the writes it follows from must be
// synced first: the node's event log does so for what is published under the context.
type Deferred struct {
	mu   sync.Mutex
	owed []Syncer
}

// Syncer is an engine that can make durable the writes it made without syncing.
type Syncer interface {
	SyncWrites(ctx context.Context) error
}

type deferredKey struct{}

// Defer returns a context whose writes Sync makes durable, and its Deferred.
func Defer(ctx context.Context) (context.Context, *Deferred) {
	d := &Deferred{}
	return context.WithValue(ctx, deferredKey{}, d), d
}

// Deferral returns the Deferred of ctx, or nil when its writes must be durable at once.
func Deferral(ctx context.Context) *Deferred {
	d, _ := ctx.Value(deferredKey{}).(*Deferred)
	return d
}

// Owe records that s holds writes to sync.
func (d *Deferred) Owe(s Syncer) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, o := range d.owed {
		if o == s {
			return
		}
	}
	d.owed = append(d.owed, s)
}

// Sync makes durable every write made under the context so far.
func (d *Deferred) Sync(ctx context.Context) error {
	d.mu.Lock()
	owed := d.owed
	d.owed = nil
	d.mu.Unlock()
	var errs []error
	for _, s := range owed {
		if err := s.SyncWrites(ctx); err != nil {
			errs = append(errs, err)
			d.Owe(s)
		}
	}
	return errors.Join(errs...)
}

// SyncDeferred syncs the deferred writes of ctx, if any.
func SyncDeferred(ctx context.Context) error {
	if d := Deferral(ctx); d != nil {
		return d.Sync(ctx)
	}
	return nil
}
