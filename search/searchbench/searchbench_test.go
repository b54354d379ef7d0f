package searchbench_test

import (
	"context"
	"testing"
	"time"

	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/search/bleve"
	"github.com/herd-social/herd/search/searchbench"
)

// TestRun: a small run indexes every status, in checkpoints, and its queries find
// statuses.
func TestRun(t *testing.T) {
	e, err := bleve.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var seen []int
	res, err := searchbench.Run(context.Background(), e, searchbench.Options{Statuses: 300, Batch: 70, Queries: 60,
		Accounts: 20, Checkpoint: func(n int, _ time.Duration) { seen = append(seen, n) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Statuses != 300 || res.Queries != 60 || res.Hits == 0 || res.P50 > res.P99 || res.P99 > res.Max {
		t.Errorf("result %+v", res)
	}
	if len(seen) == 0 || seen[len(seen)-1] != 300 {
		t.Errorf("checkpoints at %v", seen)
	}
	// Every status is in the index: each is its author's.
	found := 0
	for a := uint64(1); a <= 20; a++ {
		for off := 0; ; off += search.MaxLimit {
			ids, err := e.Statuses(context.Background(), search.StatusQuery{Accounts: []uint64{a}, Viewer: a,
				Offset: off, Limit: search.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			found += len(ids)
			if len(ids) < search.MaxLimit {
				break
			}
		}
	}
	if found != 300 {
		t.Errorf("the index holds %d statuses, want 300", found)
	}
}
