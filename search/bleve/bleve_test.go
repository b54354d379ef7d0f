package bleve_test

import (
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
