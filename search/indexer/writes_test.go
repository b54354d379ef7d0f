package indexer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/herd-social/herd/search/bleve"
	"github.com/herd-social/herd/search/indexer"
	"github.com/herd-social/herd/testrig"
)

// TestRunAppliesBatches: a consumer that starts behind the log gets its events in
// batches, each applied in one write per index; it ends with the documents a rebuild
// from the store makes, so that a status created and deleted in one batch is gone, a
// boost re-indexes its original for the booster, and every author and tag is found.
func TestRunAppliesBatches(t *testing.T) {
	c := testrig.New(t)
	users := []*testrig.User{c.Register("alice"), c.Register("bob"), c.Register("carol")}
	var posted []testrig.Status
	for i := range 4 {
		for _, u := range users {
			posted = append(posted, u.PostStatus(fmt.Sprintf("a walk %d by %s #hiking", i, u.Name),
				"visibility", []string{"public", "private", "unlisted"}[i%3]))
		}
	}
	users[0].Delete(posted[3].ID)
	users[1].Delete(posted[4].ID)
	users[2].Act(posted[1].ID, "reblog")
	users[0].PostStatus("a direct walk for @carol", "visibility", "direct")
	n := c.Nodes[0]

	engine, err := bleve.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = engine.Close() })
	svc := indexer.New(engine, n.Bus(), n.Statuses, n.Accounts, n.Hashtags, n.Media,
		indexer.Options{Group: "search.batches", DeadLetters: n.DeadLetters})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	rebuilt, err := bleve.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rebuilt.Close() })
	cur := indexer.FileCursor(filepath.Join(t.TempDir(), "rebuild.json"))
	if err := svc.WithEngine(rebuilt).Rebuild(context.Background(), n.Accounts, indexer.RebuildState{}, cur, nil); err != nil {
		t.Fatal(err)
	}
	want := contents(t, rebuilt, users)
	testrig.Eventually(t, "the consumer's documents match a rebuild's", func() error {
		if got := contents(t, engine, users); !slices.Equal(got, want) {
			return fmt.Errorf("consumer's\n%v\nrebuild's\n%v", got, want)
		}
		return nil
	})
}
