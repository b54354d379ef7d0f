package store

import (
	"context"
	"errors"
	"testing"
)

type syncer struct {
	calls int
	err   error
}

func (s *syncer) SyncWrites(context.Context) error { s.calls++; return s.err }

// TestDeferred: each engine owed is synced once per Sync, and one whose sync failed
// stays owed.
func TestDeferred(t *testing.T) {
	if Deferral(t.Context()) != nil {
		t.Fatal("a plain context defers")
	}
	if err := SyncDeferred(t.Context()); err != nil {
		t.Fatalf("SyncDeferred of a plain context: %v", err)
	}
	ctx, d := Defer(t.Context())
	if Deferral(ctx) != d {
		t.Fatal("Deferral does not return the context's Deferred")
	}
	a, b := &syncer{}, &syncer{err: errors.New("disk")}
	d.Owe(a)
	d.Owe(a)
	d.Owe(b)
	if err := SyncDeferred(ctx); err == nil {
		t.Fatal("a failed sync was not reported")
	}
	if a.calls != 1 || b.calls != 1 {
		t.Fatalf("synced a %d and b %d times, want once each", a.calls, b.calls)
	}
	b.err = nil
	if err := d.Sync(ctx); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if a.calls != 1 || b.calls != 2 {
		t.Fatalf("synced a %d and b %d times, want 1 and 2: only the failed one stays owed", a.calls, b.calls)
	}
}
