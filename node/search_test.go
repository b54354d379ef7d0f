package node

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/search/elastic"
)

func TestSearchConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  SearchConfig
		err  string
	}{
		{"bleve by default", SearchConfig{}, ""},
		{"elasticsearch", SearchConfig{Engine: SearchElastic, URL: "http://127.0.0.1:9200", Prefix: "herd-"}, ""},
		{"elasticsearch without url", SearchConfig{Engine: SearchElastic}, "search.url"},
		{"elasticsearch on a bad scheme", SearchConfig{Engine: SearchElastic, URL: "ftp://h:9200"}, "search.url"},
		{"upper-case prefix", SearchConfig{Engine: SearchElastic, URL: "http://h:9200", Prefix: "Herd"}, "search.prefix"},
		{"unknown engine", SearchConfig{Engine: "solr"}, "search.engine"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Config{Search: tc.cfg}.WithDefaults().Validate()
			if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("Validate: %v, want %q", err, tc.err)
			}
		})
	}
	// An embedded index is one per node, so each node consumes in a group of its own;
	// a server's indexes are shared, so the nodes share one group.
	bleve := Config{NodeID: 3}.WithDefaults()
	shared := Config{NodeID: 3, Search: SearchConfig{Engine: SearchElastic, URL: "http://h:9200"}}.WithDefaults()
	if bleve.SearchGroup() != "search.3" || shared.SearchGroup() != "search" {
		t.Errorf("groups: bleve %q, elasticsearch %q", bleve.SearchGroup(), shared.SearchGroup())
	}
}

// TestOpenSearchElastic opens the engine [search] names on a real server, skipped
// without HERD_OPENSEARCH.
func TestOpenSearchElastic(t *testing.T) {
	url := os.Getenv("HERD_OPENSEARCH")
	if url == "" {
		t.Skip("HERD_OPENSEARCH is not set; `make test-cluster` starts OpenSearch")
	}
	cfg := Config{Search: SearchConfig{Engine: SearchElastic, URL: url, Prefix: "herd-node-test-"}}.WithDefaults()
	e, err := openSearch(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.(*elastic.Engine).Drop(context.Background()) })
	if err := e.IndexStatuses(t.Context(), search.Status{ID: 1, Text: "configured engine", Public: true}); err != nil {
		t.Fatal(err)
	}
	if ids, err := e.Statuses(t.Context(), search.StatusQuery{Text: "configured"}); err != nil || len(ids) != 1 {
		t.Fatalf("found %v, %v", ids, err)
	}
}
