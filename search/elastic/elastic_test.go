package elastic_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"slices"
	"testing"

	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/search/elastic"
	"github.com/herd-social/herd/search/searchtest"
)

// The tests run against a real OpenSearch (or Elasticsearch) node named by
// HERD_OPENSEARCH (http://host:port), as `make test-cluster` starts one; without it
// they are skipped. Every test gets an index prefix of its own, dropped when it ends,
// so tests share one node.

// open returns an engine on fresh indexes, dropped when t ends.
func open(t *testing.T) *elastic.Engine { return openWith(t, nil) }

// openWith is open with the configuration changed by edit, when not nil.
func openWith(t *testing.T, edit func(elastic.Config) elastic.Config) *elastic.Engine {
	t.Helper()
	url := os.Getenv("HERD_OPENSEARCH")
	if url == "" {
		t.Skip("HERD_OPENSEARCH (http://host:port of an OpenSearch or Elasticsearch node) is not set; " +
			"`make test-cluster` starts one and runs these tests")
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	cfg := elastic.Config{URL: url, Prefix: "herd-test-" + hex.EncodeToString(rnd[:]) + "-"}
	if edit != nil {
		cfg = edit(cfg)
	}
	e, err := elastic.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The suite closes the engine first: drop through a second one.
		d, err := elastic.Open(context.Background(), elastic.Config{URL: url, Prefix: e.Prefix()})
		if err == nil {
			err = d.Drop(context.Background())
		}
		if err != nil {
			t.Errorf("drop the test indexes: %v", err)
		}
	})
	return e
}

func TestConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Engine {
		t.Parallel()
		return open(t)
	})
}

func TestReindexSwapsTheAlias(t *testing.T) {
	e := open(t)
	ctx := t.Context()
	docs := []search.Status{
		{ID: 1, AccountID: 1, Text: "Die Häuser am Fluss", Language: "de", Public: true},
		{ID: 2, AccountID: 1, Text: "kept across a reindex", Language: "en", Public: true},
	}
	if err := e.IndexStatuses(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	// The server refreshes the sizes it tells every 10 s: only their presence is checked.
	if n, err := e.Size(ctx); err != nil || n <= 0 {
		t.Errorf("the indexes take %d bytes, %v", n, err)
	}
	before, err := e.Version(ctx, elastic.Statuses)
	if err != nil {
		t.Fatal(err)
	}
	after, err := e.Reindex(ctx, elastic.Statuses)
	if err != nil {
		t.Fatal(err)
	}
	if before != e.Prefix()+"statuses-v1" || after != e.Prefix()+"statuses-v2" {
		t.Fatalf("reindex went from %s to %s", before, after)
	}
	if v, _ := e.Version(ctx, elastic.Statuses); v != after {
		t.Fatalf("alias is on %s after the reindex, want %s", v, after)
	}
	for q, want := range map[string]uint64{"Haus": 1, "reindexed": 2} {
		got, err := e.Statuses(ctx, search.StatusQuery{Text: q})
		if err != nil || !slices.Equal(got, []uint64{want}) {
			t.Errorf("after the reindex %q found %v, %v; want [%d]", q, got, err, want)
		}
	}
	// Writes go to the new version.
	if err := e.IndexStatuses(ctx, search.Status{ID: 3, Text: "written after", Public: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Statuses(ctx, search.StatusQuery{Text: "after"}); !slices.Equal(got, []uint64{3}) {
		t.Errorf("a write after the reindex found %v", got)
	}
}

func TestOpenRefusesABadPrefix(t *testing.T) {
	if _, err := elastic.Open(t.Context(), elastic.Config{URL: "http://127.0.0.1:1", Prefix: "Herd*"}); err == nil {
		t.Fatal("a prefix with upper case and * was accepted")
	}
}

// TestRebuildSwaps: a rebuild writes into a fresh version that queries do not see
// until Swap, resumes into the same version when asked by name, and after Swap the
// aliases answer from it alone.
func TestRebuildSwaps(t *testing.T) {
	e := open(t)
	ctx := t.Context()
	if err := e.IndexStatuses(ctx, search.Status{ID: 1, Text: "stale document", Public: true}); err != nil {
		t.Fatal(err)
	}
	r, build, err := e.Rebuild(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if build != "v2" {
		t.Fatalf("the first rebuild is %q, want v2", build)
	}
	if err := r.IndexStatuses(ctx, search.Status{ID: 2, Text: "fresh document", Public: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Statuses(ctx, search.StatusQuery{Text: "document"}); !slices.Equal(got, []uint64{1}) {
		t.Errorf("before the swap queries found %v, want [1]", got)
	}
	r, again, err := e.Rebuild(ctx, build) // resumed
	if err != nil || again != build {
		t.Fatalf("resuming %s gave %s, %v", build, again, err)
	}
	if err := r.IndexStatuses(ctx, search.Status{ID: 3, Text: "another document", Public: true}); err != nil {
		t.Fatal(err)
	}
	if err := e.Swap(ctx, build); err != nil {
		t.Fatal(err)
	}
	if err := e.Swap(ctx, build); err != nil { // a swap run again changes nothing
		t.Fatal(err)
	}
	got, err := e.Statuses(ctx, search.StatusQuery{Text: "document"})
	slices.Sort(got)
	if err != nil || !slices.Equal(got, []uint64{2, 3}) {
		t.Errorf("after the swap queries found %v, %v; want [2 3]", got, err)
	}
	if v, _ := e.Version(ctx, elastic.Tags); v != e.Prefix()+"tags-v2" {
		t.Errorf("tags alias on %s after the swap", v)
	}
}
