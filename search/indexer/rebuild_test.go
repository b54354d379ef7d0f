package indexer_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/search/bleve"
	"github.com/herd-social/herd/search/indexer"
	"github.com/herd-social/herd/testrig"
)

// TestRebuildResumes: a rebuild stopped halfway, then run again from its saved cursor,
// ends with the same documents as one run whole, and the documents the store holds.
func TestRebuildResumes(t *testing.T) {
	c := testrig.New(t)
	users := []*testrig.User{c.Register("alice"), c.Register("bob"), c.Register("carol"),
		c.Register("dave"), c.Register("erin")}
	for i, u := range users {
		u.PostStatus(fmt.Sprintf("public walk number %d #hiking", i))
		u.PostStatus(fmt.Sprintf("private walk %d", i), "visibility", "private")
	}
	users[0].PostStatus("a direct walk for @bob", "visibility", "direct")
	n := c.Nodes[0]
	open := func() (search.Engine, *indexer.Service) {
		e, err := bleve.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = e.Close() })
		return e, indexer.New(e, n.Bus(), n.Statuses, n.Accounts, n.Hashtags, n.Media, indexer.Options{RebuildPage: 2})
	}
	whole, svc := open()
	cur := indexer.FileCursor(filepath.Join(t.TempDir(), "whole.json"))
	if err := svc.Rebuild(context.Background(), n.Accounts, indexer.RebuildState{}, cur, nil); err != nil {
		t.Fatal(err)
	}

	resumed, svc := open()
	cur = indexer.FileCursor(filepath.Join(t.TempDir(), "resumed.json"))
	ctx, cancel := context.WithCancel(context.Background())
	pages := 0
	err := svc.Rebuild(ctx, n.Accounts, indexer.RebuildState{}, cur, func(indexer.RebuildState) {
		pages++
		cancel() // killed after the first page
	})
	if !errors.Is(err, context.Canceled) || pages != 1 {
		t.Fatalf("the stopped rebuild ended with %v after %d pages", err, pages)
	}
	st, ok, err := cur.Load()
	if err != nil || !ok || st.Accounts != 2 {
		t.Fatalf("saved state %+v %v %v", st, ok, err)
	}
	half := contents(t, resumed, users)
	if err := svc.Rebuild(context.Background(), n.Accounts, st, cur, nil); err != nil {
		t.Fatal(err)
	}
	want, got := contents(t, whole, users), contents(t, resumed, users)
	if !slices.Equal(got, want) {
		t.Errorf("resumed rebuild holds\n%v\nwhole one\n%v", got, want)
	}
	if slices.Equal(half, want) {
		t.Errorf("the stopped rebuild already held everything: %v", half)
	}
	if st, _, _ := cur.Load(); st.Accounts != int64(len(users)) || st.Statuses != 11 {
		t.Errorf("final state %+v, want %d accounts and 11 statuses", st, len(users))
	}
}

// contents lists what each user (and anyone) finds, the accounts found by each name
// and the tags: a summary of the engine's documents.
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
