package asyncrefresh_test

import (
	"context"
	"errors"
	"testing"

	"github.com/herd-social/herd/asyncrefresh"
	"github.com/herd-social/herd/testrig"
)

// TestLifecycle: a refresh runs from its start, counts its progress, finishes, and is
// found by its public id; a second start of the same key replaces a finished one;
// ids that name nothing, or are not ids, are not found.
func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	k := asyncrefresh.New(testrig.Store(t, asyncrefresh.Schema()...))
	byID := func(id string) *asyncrefresh.Refresh {
		t.Helper()
		r, err := k.ByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r, err := k.Start(ctx, "context:1")
	if err != nil {
		t.Fatal(err)
	}
	if got := byID(r.ID()); *got != (asyncrefresh.Refresh{Key: "context:1", State: asyncrefresh.Running}) {
		t.Fatalf("started: %+v", got)
	}
	if err := k.Progress(ctx, "context:1", 2); err != nil {
		t.Fatal(err)
	}
	if got := byID(r.ID()); got.State != asyncrefresh.Running || got.ResultCount != 2 {
		t.Fatalf("after progress: %+v", got)
	}
	if err := k.Finish(ctx, "context:1", 5); err != nil {
		t.Fatal(err)
	}
	if got := byID(r.ID()); got.State != asyncrefresh.Finished || got.ResultCount != 5 {
		t.Fatalf("finished: %+v", got)
	}
	if _, err := k.Start(ctx, "context:1"); err != nil {
		t.Fatal(err)
	}
	if got := byID(r.ID()); got.State != asyncrefresh.Running || got.ResultCount != 0 {
		t.Fatalf("started again: %+v", got)
	}
	other := (&asyncrefresh.Refresh{Key: "context:2"}).ID()
	for _, id := range []string{other, "", "not base64!", r.ID() + "x"} {
		if _, err := k.ByID(ctx, id); !errors.Is(err, asyncrefresh.ErrNotFound) {
			t.Errorf("ByID(%q): %v, want not found", id, err)
		}
	}
}
