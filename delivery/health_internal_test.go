package delivery

import (
	"context"
	"log/slog"
	"testing"

	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/store/pebble"
)

// batchCounter counts the batches written through it.
type batchCounter struct {
	store.Store
	batches int
}

func (c *batchCounter) Batch(ctx context.Context, muts []store.Mutation) error {
	c.batches++
	return c.Store.Batch(ctx, muts)
}

// TestMarkAvailableWritesOnlyARecord: a signed request from a domain with no failure
// record writes nothing (no range tombstone per request); one with a record clears it.
func TestMarkAvailableWritesOnlyARecord(t *testing.T) {
	st, err := pebble.Open(pebble.Options{Dir: t.TempDir(), Schema: Schema(), Logger: slog.New(slog.DiscardHandler), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := &batchCounter{Store: st}
	s := New(nil, c, nil, Options{Logger: slog.New(slog.DiscardHandler)})
	ctx := context.Background()
	if err := s.MarkAvailable(ctx, "clean.example"); err != nil {
		t.Fatal(err)
	}
	if c.batches != 0 {
		t.Errorf("MarkAvailable of a domain without a record wrote %d batches, want 0", c.batches)
	}
	s.trackFailure(ctx, "failing.example")
	if err := s.MarkAvailable(ctx, "FAILING.example"); err != nil {
		t.Fatal(err)
	}
	if c.batches != 1 {
		t.Errorf("MarkAvailable of a domain with a record wrote %d batches, want 1", c.batches)
	}
	h, err := s.health(ctx, "failing.example")
	if err != nil {
		t.Fatal(err)
	}
	if h.dirty || h.unavailable {
		t.Errorf("health after MarkAvailable = %+v, want clean", h)
	}
}
