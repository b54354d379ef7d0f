package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/testrig"
)

// TestAdminStatusesRemove: herd admin statuses remove, run in the serving node,
// removes the old remote statuses nothing here holds and keeps those a local account
// replied to, favourited, bookmarked, boosted or was mentioned in, the pinned, the
// recent, a boost of a local status, and those of a followed author (unless
// --clean-followed); --dry-run counts; --limit bounds a run, and the next resumes.
func TestAdminStatusesRemove(t *testing.T) {
	inbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) }))
	defer inbox.Close()
	c := testrig.New(t, testrig.Config(func(c *node.Config) {
		c.Ops, c.FederationHTTP, c.AllowPrivateAddresses = "127.0.0.1:0", true, true
	}))
	n := c.Nodes[0]
	n.SetAdminRunner(runAdminInNode)
	ctx := context.Background()
	alice := c.Register("alice")
	aliceID, err := shard.Parse(alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := shard.Parse(alice.PostStatus("mine").ID)
	if err != nil {
		t.Fatal(err)
	}
	remote := func(name string) *account.Account {
		uri := "https://remote.example/users/" + name
		a, err := n.Accounts.UpsertRemote(ctx, &account.Account{Username: name, Domain: "remote.example", URI: uri, InboxURL: inbox.URL + "/inbox"})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	bob, fred := remote("bob"), remote("fred")
	if err := n.Accounts.Follow(ctx, aliceID, fred, account.FollowOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := n.Accounts.Accepted(ctx, aliceID, fred.ID); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-100 * 24 * time.Hour)
	k := 0
	post := func(by *account.Account, at time.Time, f func(*status.Status)) shard.ID {
		k++
		st := &status.Status{URI: fmt.Sprintf("%s/statuses/%d", by.URI, k), AccountID: by.ID, Visibility: status.Public,
			Content: fmt.Sprintf("<p>%d</p>", k), CreatedAt: at}
		if f != nil {
			f(st)
		}
		got, _, err := n.Statuses.CreateRemote(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		return got.ID
	}
	gone := []shard.ID{post(bob, old, nil), post(bob, old, nil), post(bob, old.Add(time.Hour), nil)}
	kept := map[string]shard.ID{
		"recent":            post(bob, time.Now().Add(-10*24*time.Hour), nil),
		"replied":           post(bob, old, nil),
		"favourited":        post(bob, old, nil),
		"bookmarked":        post(bob, old, nil),
		"boosted":           post(bob, old, nil),
		"mentions alice":    post(bob, old, func(s *status.Status) { s.Mentions = []shard.ID{aliceID} }),
		"boost of a local":  post(bob, old, func(s *status.Status) { s.ReblogOfID = mine }),
		"pinned":            post(bob, old, nil),
		"of a followed one": post(fred, old, nil),
	}
	alice.PostStatus("a reply", "in_reply_to_id", kept["replied"].String())
	alice.Act(kept["favourited"].String(), "favourite")
	alice.Act(kept["bookmarked"].String(), "bookmark")
	alice.Act(kept["boosted"].String(), "reblog")
	if err := n.Statuses.PinRemote(ctx, bob.ID, kept["pinned"]); err != nil {
		t.Fatal(err)
	}
	on := []string{"--ops", n.OpsAddr(), "--domain", n.Config().Domain, "--data", n.Config().Data}
	exists := func(id shard.ID) bool {
		_, err := n.Statuses.Get(ctx, id)
		if err != nil && !errors.Is(err, status.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}

	mustCLI(t, on, "would remove (dry run) 3\n", "statuses", "remove", "--dry-run")
	for _, id := range gone {
		if !exists(id) {
			t.Fatalf("a dry run removed %d", id)
		}
	}
	out := mustCLI(t, on, "removed 1\n", "statuses", "remove", "--limit", "1")
	if !strings.Contains(out, "run again to continue") {
		t.Errorf("a bounded run: %s", out)
	}
	mustCLI(t, on, "removed 3\n", "statuses", "remove") // the totals of both runs
	for _, id := range gone {
		if exists(id) {
			t.Errorf("status %d was not removed", id)
		}
	}
	for why, id := range kept {
		if !exists(id) {
			t.Errorf("the status that %s was removed", why)
		}
	}
	mustCLI(t, on, "removed 1\n", "statuses", "remove", "--clean-followed")
	if exists(kept["of a followed one"]) {
		t.Error("--clean-followed kept the status of a followed author")
	}
	if _, err := cli(t, on, "statuses", "remove", "--days", "0"); exitCode(err) != 2 {
		t.Errorf("--days 0: %v (exit %d)", err, exitCode(err))
	}
}
