package indexer_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/search/bleve"
	"github.com/herd-social/herd/search/elastic"
	"github.com/herd-social/herd/search/indexer"
	"github.com/herd-social/herd/testrig"
)

// TestRebuildResumes: a reindex stopped halfway, then run again from its saved
// cursor, ends with the same documents as one run whole, and the documents the store
// holds: on Bleve, rebuilt in place, and, when HERD_OPENSEARCH names a server, on
// search/elastic, rebuilt into a fresh build that the resumed run keeps filling and
// swaps in at the end, so that a document only the old indexes held is gone.
func TestRebuildResumes(t *testing.T) {
	c := testrig.New(t)
	users := []*testrig.User{c.Register("alice"), c.Register("bob"), c.Register("carol"),
		c.Register("dave"), c.Register("erin")}
	for i, u := range users {
		u.UpdateCredentials("note", "Hiking boots, hiking maps")
		u.PostStatus(fmt.Sprintf("public walk number %d #hiking", i))
		u.PostStatus(fmt.Sprintf("private walk %d", i), "visibility", "private")
	}
	users[0].PostStatus("a direct walk for @bob", "visibility", "direct")
	n := c.Nodes[0]
	t.Run("bleve", func(t *testing.T) {
		testResume(t, n, users, func() (search.Engine, search.Rebuilder) {
			e, err := bleve.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = e.Close() })
			return e, nil
		})
	})
	t.Run("server", func(t *testing.T) {
		url := os.Getenv("HERD_OPENSEARCH")
		if url == "" {
			t.Skip("HERD_OPENSEARCH is not set; `make test-cluster` starts OpenSearch")
		}
		testResume(t, n, users, func() (search.Engine, search.Rebuilder) {
			var rnd [6]byte
			_, _ = rand.Read(rnd[:])
			e, err := elastic.Open(t.Context(), elastic.Config{URL: url, Prefix: "herd-test-" + hex.EncodeToString(rnd[:]) + "-"})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := e.Drop(context.Background()); err != nil {
					t.Errorf("drop the test indexes: %v", err)
				}
			})
			return e, e
		})
	})
}

// stale is a status only an engine's indexes before its reindex hold.
var stale = search.Status{ID: 1, AccountID: 1, Text: "stale walk", Public: true}

func testResume(t *testing.T, n *node.Node, users []*testrig.User, open func() (search.Engine, search.Rebuilder)) {
	ctx := context.Background()
	service := func(e search.Engine) *indexer.Service {
		return indexer.New(e, n.Bus(), n.Statuses, n.Accounts, n.Hashtags, n.Media, indexer.Options{RebuildPage: 2})
	}
	whole, rb := open()
	cur := indexer.FileCursor(filepath.Join(t.TempDir(), "whole.json"))
	if err := service(whole).Reindex(ctx, rb, n.Accounts, cur, nil); err != nil {
		t.Fatal(err)
	}

	resumed, rb := open()
	if rb != nil {
		if err := resumed.IndexStatuses(ctx, stale); err != nil {
			t.Fatal(err)
		}
	}
	cur = indexer.FileCursor(filepath.Join(t.TempDir(), "resumed.json"))
	stop, cancel := context.WithCancel(ctx)
	pages := 0
	err := service(resumed).Reindex(stop, rb, n.Accounts, cur, func(indexer.RebuildState) {
		pages++
		cancel() // killed after the first page
	})
	if !errors.Is(err, context.Canceled) || pages != 1 {
		t.Fatalf("the stopped rebuild ended with %v after %d pages", err, pages)
	}
	st, ok, err := cur.Load()
	if err != nil || !ok || st.Accounts != 2 || (rb != nil) != (st.Build != "") {
		t.Fatalf("saved state %+v %v %v", st, ok, err)
	}
	half := contents(t, resumed, users)
	var final indexer.RebuildState
	if err := service(resumed).Reindex(ctx, rb, n.Accounts, cur, func(s indexer.RebuildState) { final = s }); err != nil {
		t.Fatal(err)
	}
	want, got := contents(t, whole, users), contents(t, resumed, users)
	var others []uint64
	for _, u := range users[1:] {
		others = append(others, parseID(t, u.ID))
	}
	slices.Sort(others)
	if like := fmt.Sprintf("%s is like %v", users[0].Name, others); !slices.Contains(want, like) {
		t.Errorf("the rebuilt bios do not find %q: %v", like, want)
	}
	if !slices.Equal(got, want) {
		t.Errorf("resumed rebuild holds\n%v\nwhole one\n%v", got, want)
	}
	if slices.Equal(half, want) {
		t.Errorf("the stopped rebuild already held everything: %v", half)
	}
	if final.Accounts != int64(len(users)) || final.Statuses != 11 || final.Build != st.Build {
		t.Errorf("final state %+v, want %d accounts, 11 statuses and build %q", final, len(users), st.Build)
	}
	if _, ok, err := cur.Load(); ok || err != nil {
		t.Errorf("the cursor is kept after the reindex: %v %v", ok, err)
	}
	if rb != nil {
		if found, err := resumed.Statuses(ctx, search.StatusQuery{Text: "stale"}); err != nil || len(found) != 0 {
			t.Errorf("the old indexes' status is found after the swap: %v %v", found, err)
		}
	}
}

// contents lists what each user (and anyone) finds, the accounts found by each name,
// those whose bios are like each one's and the tags: a summary of the engine's
// documents.
func contents(t *testing.T, e search.Engine, users []*testrig.User) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, u := range append([]*testrig.User{nil}, users...) {
		var viewer uint64
		name := "anyone"
		if u != nil {
			viewer, name = parseID(t, u.ID), u.Name
		}
		ids, err := e.Statuses(ctx, search.StatusQuery{Text: "walk", Viewer: viewer, Limit: search.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(ids)
		out = append(out, fmt.Sprintf("%s finds %v", name, ids))
		if u != nil {
			accounts, err := e.Accounts(ctx, search.AccountQuery{Text: u.Name, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s is %v", u.Name, accounts))
			like, err := e.SimilarAccounts(ctx, search.SimilarQuery{Like: []uint64{viewer}, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(like)
			out = append(out, fmt.Sprintf("%s is like %v", u.Name, like))
		}
	}
	tags, err := e.Tags(ctx, "hik", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	return append(out, fmt.Sprintf("tags %v", tags))
}

func parseID(t *testing.T, s string) uint64 {
	t.Helper()
	var id uint64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatal(err)
	}
	return id
}
