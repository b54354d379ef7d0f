package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/emoji"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/testrig"
)

// TestAdminDomainPurge: herd admin domain purge, run in the serving node, removes
// every account of a domain and its subdomains with their statuses, favourites,
// follows and the notifications they gave, and leaves other domains alone; --dry-run
// only counts; a second run finds nothing left.
func TestAdminDomainPurge(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(c *node.Config) { c.Ops = "127.0.0.1:0" }))
	n := c.Nodes[0]
	n.SetAdminRunner(runAdminInNode)
	ctx := context.Background()
	alice := c.Register("alice")
	aliceID, err := shard.Parse(alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	me, err := n.Accounts.Get(ctx, aliceID)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := shard.Parse(alice.PostStatus("hello").ID)
	if err != nil {
		t.Fatal(err)
	}
	accs := map[string]*account.Account{}
	posts := map[string]shard.ID{}
	for _, h := range []string{"r1@remote.example", "r2@sub.remote.example", "o@other.example", "x@notremote.example"} {
		name, domain, _ := strings.Cut(h, "@")
		uri := "https://" + domain + "/users/" + name
		a, err := n.Accounts.UpsertRemote(ctx, &account.Account{Username: name, Domain: domain, URI: uri, InboxURL: uri + "/inbox"})
		if err != nil {
			t.Fatal(err)
		}
		accs[h] = a
		st, _, err := n.Statuses.CreateRemote(ctx, &status.Status{URI: uri + "/statuses/1", AccountID: a.ID,
			Visibility: status.Public, Content: "<p>from " + h + "</p>"})
		if err != nil {
			t.Fatal(err)
		}
		posts[h] = st.ID
		if _, err := n.Actions.Favourite(ctx, a, mine); err != nil {
			t.Fatal(err)
		}
		if err := n.Accounts.Follow(ctx, a.ID, me, account.FollowOptions{}, nil); err != nil {
			t.Fatal(err)
		}
		if err := n.Notifications.Notify(ctx, aliceID, a.ID, notification.Follow, 0); err != nil {
			t.Fatal(err)
		}
	}
	favouritedBy := func() (map[shard.ID]bool, error) {
		ns, err := n.Notifications.List(ctx, aliceID, paging.Page{Limit: 40}, notification.Query{})
		from := map[shard.ID]bool{}
		for _, x := range ns {
			if x.Type == notification.Favourite || x.Type == notification.Follow {
				from[x.From] = true
			}
		}
		return from, err
	}
	checkFor(t, func() error {
		if from, err := favouritedBy(); err != nil || len(from) != 4 {
			return fmt.Errorf("alice's favourite notifications: %v, %v", from, err)
		}
		return nil
	})
	for _, domain := range []string{"sub.remote.example", "other.example"} {
		if err := n.Emoji.Put(ctx, &emoji.Emoji{Shortcode: "blob", Domain: domain, URL: "https://" + domain + "/blob.png"}); err != nil {
			t.Fatal(err)
		}
	}
	on := []string{"--ops", n.OpsAddr(), "--domain", n.Config().Domain, "--data", n.Config().Data}

	out := mustCLI(t, on, "would purge 2 accounts, 2 statuses and 1 emoji of remote.example, sub.remote.example", "domain", "purge",
		"--dry-run", "remote.example")
	if !strings.Contains(out, "would purge r1@remote.example: 1 statuses") {
		t.Errorf("dry run: %s", out)
	}
	if _, err := n.Accounts.Get(ctx, accs["r1@remote.example"].ID); err != nil {
		t.Fatalf("a dry run removed r1: %v", err)
	}

	out = mustCLI(t, on, "purged 2 accounts, 2 statuses, 2 favourites, 2 notifications and 1 emoji", "domain", "purge", "remote.example")
	if !strings.Contains(out, "purged r2@sub.remote.example: 1 statuses, 1 favourites") {
		t.Errorf("purge: %s", out)
	}
	for h, a := range accs {
		gone := strings.HasSuffix(h, "remote.example") && !strings.HasSuffix(h, "notremote.example")
		_, err := n.Accounts.Get(ctx, a.ID)
		if gone != errors.Is(err, account.ErrNotFound) {
			t.Errorf("account %s after the purge: %v", h, err)
		}
		if _, err := n.Accounts.ByURI(ctx, a.URI); gone != errors.Is(err, account.ErrNotFound) {
			t.Errorf("account %s by its actor id after the purge: %v", h, err)
		}
		if _, err := n.Statuses.Get(ctx, posts[h]); gone != errors.Is(err, status.ErrNotFound) {
			t.Errorf("the status of %s after the purge: %v", h, err)
		}
	}
	from, err := favouritedBy()
	if err != nil || len(from) != 2 || !from[accs["o@other.example"].ID] || !from[accs["x@notremote.example"].ID] {
		t.Errorf("alice's favourite notifications after the purge: %v, %v", from, err)
	}
	if counts, err := n.Statuses.Counts(ctx, []shard.ID{mine}); err != nil || counts[0].Favourites != 2 {
		t.Errorf("favourites of alice's status: %+v, %v", counts, err)
	}
	if ids, _, err := n.Accounts.FollowerIDs(ctx, aliceID, 0, 10); err != nil || len(ids) != 2 {
		t.Errorf("alice's followers after the purge: %v, %v", ids, err)
	}
	if _, err := n.Emoji.Get(ctx, "sub.remote.example", "blob"); !errors.Is(err, emoji.ErrNotFound) {
		t.Errorf("the emoji of a purged domain: %v", err)
	}
	if _, err := n.Emoji.Get(ctx, "other.example", "blob"); err != nil {
		t.Errorf("the emoji of another domain: %v", err)
	}
	peers, err := n.Accounts.Peers(ctx)
	if err != nil || slices.Contains(peers, "remote.example") || slices.Contains(peers, "sub.remote.example") ||
		!slices.Contains(peers, "other.example") {
		t.Errorf("peers after the purge: %v, %v", peers, err)
	}
	mustCLI(t, on, "no known account of remote.example", "domain", "purge", "remote.example")
	if _, err := cli(t, on, "domain", "purge", "example"); exitCode(err) != 2 {
		t.Errorf("purge of a top-level domain: %v (exit %d)", err, exitCode(err))
	}
	if _, err := cli(t, on, "domain", "purge"); exitCode(err) != 2 {
		t.Errorf("purge without a domain: %v (exit %d)", err, exitCode(err))
	}
}

// checkFor polls f until it returns nil, failing the test with its last error after
// a deadline.
func checkFor(t *testing.T, f func() error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
