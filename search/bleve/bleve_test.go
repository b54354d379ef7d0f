package bleve_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/search/bleve"
	"github.com/herd-social/herd/search/searchtest"
)

func TestConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Engine {
		e, err := bleve.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return e
	})
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	e, err := bleve.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.IndexStatuses(t.Context(), search.Status{ID: 7, Text: "kept across restarts", Public: true}); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = bleve.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ids, err := e.Statuses(t.Context(), search.StatusQuery{Text: "restarts"})
	if err != nil || len(ids) != 1 || ids[0] != 7 {
		t.Fatalf("after reopen found %v, %v", ids, err)
	}
}

// TestConcurrentWrites writes from many goroutines at once, so that their batches are
// applied together: each write is found as soon as it returns, and a deletion that
// follows it in the same goroutine wins.
func TestConcurrentWrites(t *testing.T) {
	e, err := bleve.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := t.Context()
	found := func(word string) ([]uint64, error) {
		return e.Statuses(ctx, search.StatusQuery{Text: word})
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				id := uint64(g*100 + i + 1)
				word := fmt.Sprintf("w%dx%d", g, i)
				if err := e.IndexStatuses(ctx, search.Status{ID: id, Text: "about " + word, Public: true}); err != nil {
					errs <- err
					return
				}
				if ids, err := found(word); err != nil || !slices.Equal(ids, []uint64{id}) {
					errs <- fmt.Errorf("%s after its write: %v, %v", word, ids, err)
					return
				}
				if i%2 == 1 {
					continue
				}
				if err := e.DeleteStatuses(ctx, id); err != nil {
					errs <- err
					return
				}
				if ids, err := found(word); err != nil || len(ids) != 0 {
					errs <- fmt.Errorf("%s after its deletion: %v, %v", word, ids, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	kept := 0
	for offset := 0; ; offset += search.MaxLimit {
		ids, err := e.Statuses(ctx, search.StatusQuery{Text: "about", Offset: offset, Limit: search.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		kept += len(ids)
		if len(ids) < search.MaxLimit {
			break
		}
	}
	if kept != 80 {
		t.Fatalf("found %d statuses, want the 80 not deleted", kept)
	}
}
