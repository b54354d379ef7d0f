package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// TestAdminAccountCull: herd admin account cull, run in the serving node, removes the
// remote accounts whose actor answers 410 or 404 to a signed fetch and keeps the
// others; --dry-run only lists them; a domain that fails otherwise is skipped.
func TestAdminAccountCull(t *testing.T) {
	var signed bool
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		signed = signed || r.Header.Get("Signature") != "" || r.Header.Get("Signature-Input") != ""
		switch r.URL.Path {
		case "/users/gone":
			w.WriteHeader(http.StatusGone)
		case "/users/missing":
			http.NotFound(w, r)
		default:
			w.Header().Set("Content-Type", "application/activity+json")
			w.Write([]byte(`{"id":"` + "http://" + r.Host + r.URL.Path + `","type":"Person"}`))
		}
	}))
	defer remote.Close()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer down.Close()
	c := testrig.New(t, testrig.Config(func(c *node.Config) {
		c.Ops, c.FederationHTTP, c.AllowPrivateAddresses = "127.0.0.1:0", true, true
	}))
	n := c.Nodes[0]
	n.SetAdminRunner(runAdminInNode)
	ctx := context.Background()
	accs := map[string]*account.Account{}
	for _, srv := range []*httptest.Server{remote, down} {
		host := strings.TrimPrefix(srv.URL, "http://")
		for _, name := range []string{"gone", "missing", "alive"} {
			a, err := n.Accounts.UpsertRemote(ctx, &account.Account{Username: name, Domain: host,
				URI: srv.URL + "/users/" + name, InboxURL: srv.URL + "/users/" + name + "/inbox"})
			if err != nil {
				t.Fatal(err)
			}
			accs[name+"@"+host] = a
		}
	}
	alice := c.Register("alice")
	gone := accs["gone@"+strings.TrimPrefix(remote.URL, "http://")]
	aliceID, err := shard.Parse(alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	me, err := n.Accounts.Get(ctx, aliceID)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Accounts.Follow(ctx, gone.ID, me, account.FollowOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	on := []string{"--ops", n.OpsAddr(), "--domain", n.Config().Domain}
	suspended := func() []string {
		var out []string
		for h, a := range accs {
			got, err := n.Accounts.Get(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Suspended {
				out = append(out, h)
			}
		}
		return out
	}

	out := mustCLI(t, on, "2 gone: would remove", "account", "", "--dry-run", "cull")
	if !strings.Contains(out, "gone: gone@") || !strings.Contains(out, "gone: missing@") || !strings.Contains(out, "4 accounts checked") ||
		!strings.Contains(out, "2 skipped on unreachable domains "+strings.TrimPrefix(down.URL, "http://")) {
		t.Errorf("dry run: %s", out)
	}
	if s := suspended(); len(s) != 0 {
		t.Fatalf("a dry run removed %v", s)
	}
	mustCLI(t, on, "2 gone: removed", "account", "", "cull")
	s := strings.Join(suspended(), " ")
	if !strings.Contains(s, "gone@"+strings.TrimPrefix(remote.URL, "http://")) ||
		!strings.Contains(s, "missing@"+strings.TrimPrefix(remote.URL, "http://")) || strings.Count(s, "@") != 2 {
		t.Errorf("removed: %s", s)
	}
	if !signed {
		t.Error("the fetches were not signed")
	}
	if ids, _, err := n.Accounts.FollowerIDs(ctx, aliceID, 0, 10); err != nil || len(ids) != 0 {
		t.Errorf("alice's followers after the cull: %v, %v", ids, err)
	}
}
