package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/herd-social/herd/store"
)

// lifecycleTests cover the errors every method shares.
var lifecycleTests = []test{
	{"unknown table", func(t *testing.T, s store.Store, _ *Clock) {
		for _, o := range ops("no_such_table", "no_such_counts") {
			if err := o.do(t.Context(), s); !errors.Is(err, store.ErrUnknownTable) {
				t.Errorf("%s on an unknown table: %v, want ErrUnknownTable", o.name, err)
			}
		}
	}},
	{"canceled context", func(t *testing.T, s store.Store, _ *Clock) {
		put(t, s, RowsAsc, "p", "c", "v")
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		for _, o := range ops(RowsAsc, Counts) {
			if err := o.do(ctx, s); !errors.Is(err, context.Canceled) {
				t.Errorf("%s with a canceled context: %v, want context.Canceled", o.name, err)
			}
		}
		wantValue(t, s, RowsAsc, "p", "c", "v")
	}},
	{"closed store", func(t *testing.T, s store.Store, _ *Clock) {
		put(t, s, RowsAsc, "p", "c", "v")
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		for _, o := range ops(RowsAsc, Counts) {
			if err := o.do(t.Context(), s); !errors.Is(err, store.ErrClosed) {
				t.Errorf("%s on a closed store: %v, want ErrClosed", o.name, err)
			}
		}
		if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
			t.Errorf("second Close: %v, want nil or ErrClosed", err)
		}
	}},
}
