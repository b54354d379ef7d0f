package bleve_test

import (
	"context"
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

// TestAccountWrittenAgain writes an account document again unchanged, changed, after
// its deletion, and after a failed write: the index holds what was written last.
func TestAccountWrittenAgain(t *testing.T) {
	e, err := bleve.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := t.Context()
	check := func(step, text string, want int) {
		t.Helper()
		ids, err := e.Accounts(ctx, search.AccountQuery{Text: text})
		if err != nil || len(ids) != want {
			t.Fatalf("%s: %q found %v, %v; want %d", step, text, ids, err, want)
		}
	}
	a := search.Account{ID: 5, Username: "alice", DisplayName: "Wonderland"}
	for range 2 {
		if err := e.IndexAccounts(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	check("written twice", "wonderland", 1)
	a.DisplayName = "Looking Glass"
	if err := e.IndexAccounts(ctx, a); err != nil {
		t.Fatal(err)
	}
	check("changed", "looking", 1)
	check("changed", "wonderland", 0)
	if err := e.DeleteAccounts(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	check("deleted", "looking", 0)
	if err := e.IndexAccounts(ctx, a); err != nil {
		t.Fatal(err)
	}
	check("written after its deletion", "looking", 1)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	b := search.Account{ID: 6, Username: "bob"}
	if err := e.IndexAccounts(cancelled, b); err == nil {
		t.Fatal("a write under a cancelled context succeeded")
	}
	if err := e.IndexAccounts(ctx, b); err != nil {
		t.Fatal(err)
	}
	check("written after a failed write", "bob", 1)
}
