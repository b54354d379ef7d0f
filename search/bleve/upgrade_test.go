package bleve

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/herd-social/herd/search"
)

// TestAccountsWithoutNote: an accounts index made before bios were indexed is made
// again with the note field, so that indexing an account again makes its bio count.
func TestAccountsWithoutNote(t *testing.T) {
	dir := t.TempDir()
	old, err := openIndex(filepath.Join(dir, "accounts"), func() (*mapping.IndexMappingImpl, error) {
		m, err := accountMapping()
		if err == nil {
			delete(m.DefaultMapping.Properties, "note")
		}
		return m, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	e, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
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
