package elastic_test

import (
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/search/elastic"
)

// TestOpenAddsTheBioFields: an accounts index made before bios were indexed (its
// strict mapping without note) gains the field when an engine opens, so that
// accounts indexed again are compared by their bios.
func TestOpenAddsTheBioFields(t *testing.T) {
	e := openWith(t, func(cfg elastic.Config) elastic.Config {
		body := `{"settings": {"number_of_shards": 1, "number_of_replicas": 0, "analysis": {"analyzer": {"herd_folded":
			{"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]}},
			"normalizer": {"herd_lower": {"type": "custom", "filter": ["lowercase"]}}}},
		"aliases": {"` + cfg.Prefix + `accounts": {"is_write_index": true}},
		"mappings": {"dynamic": "strict", "properties": {"id": {"type": "long"},
			"username": {"type": "text", "analyzer": "herd_folded"}, "display_name": {"type": "text", "analyzer": "herd_folded"},
			"domain": {"type": "text", "analyzer": "herd_folded"}, "discoverable": {"type": "boolean"},
			"username_exact": {"type": "keyword", "normalizer": "herd_lower"}}}}`
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPut,
			strings.TrimSuffix(os.Getenv("HERD_OPENSEARCH"), "/")+"/"+cfg.Prefix+"accounts-v1", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("create the old accounts index: %s", res.Status)
		}
		return cfg
	})
	var docs []search.Account
	for id := range uint64(6) {
		docs = append(docs, search.Account{ID: id + 1, Username: "u", Note: "quilts and more quilts", Discoverable: true})
	}
	if err := e.IndexAccounts(t.Context(), docs...); err != nil {
		t.Fatal(err)
	}
	got, err := e.SimilarAccounts(t.Context(), search.SimilarQuery{Like: []uint64{1}, Limit: 10})
	if err != nil || !slices.Equal(got, []uint64{2, 3, 4, 5, 6}) {
		t.Fatalf("similar to 1: %v, %v; want [2 3 4 5 6]", got, err)
	}
}
