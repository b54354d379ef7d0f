package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/testrig"
)

// idsOf lists the ids of a list of accounts.
func idsOf(t *testing.T, r *testrig.Response) []string {
	t.Helper()
	var out []string
	for _, a := range r.List(t) {
		out = append(out, a["id"].(string))
	}
	return out
}

// TestPendingAccountHidden: with registrations = "approval", a local account that
// awaits approval is hidden as Mastodon hides it (404 for the routes of one account,
// WebFinger, the actor document and the profile page; left out of accounts by id,
// search, the directory and suggestions), while its own token answers 403 and the
// admin API shows it; once approved it is found everywhere.
func TestPendingAccountHidden(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.Registrations = "approval" }))
	ctx := context.Background()
	n := c.Nodes[0]
	for _, name := range []string{"mod", "viewer"} {
		if err := n.AdminCreateAccount(ctx, name, name+"@example.com", "correct horse battery", name == "mod"); err != nil {
			t.Fatal(err)
		}
	}
	modTok, err := n.AdminToken(ctx, "mod", "read write admin:read admin:write")
	if err != nil {
		t.Fatal(err)
	}
	viewerTok, err := n.AdminToken(ctx, "viewer", "read write follow")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := n.Accounts.Lookup(ctx, "mod", "")
	if err != nil {
		t.Fatal(err)
	}
	viewer, err := n.Accounts.Lookup(ctx, "viewer", "")
	if err != nil {
		t.Fatal(err)
	}

	r := c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), url.Values{"username": {"carol"},
		"email": {"carol@example.com"}, "password": {"correct horse battery"}, "agreement": {"true"},
		"locale": {"en"}, "reason": {"a herd member"}}), 200)
	carolTok := testrig.Decode[testrig.Token](t, r).AccessToken
	carol, err := n.Accounts.Lookup(ctx, "carol", "")
	if err != nil {
		t.Fatal(err)
	}
	id := carol.ID.String()
	// An admin's endorsement makes it a suggestion to everyone, once it is shown.
	if err := n.Accounts.Follow(ctx, mod.ID, carol, account.FollowOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := n.Accounts.Endorse(ctx, mod.ID, carol.ID); err != nil {
		t.Fatal(err)
	}
	if r := c.Do("GET", "/api/v1/accounts/verify_credentials", carolTok, nil); r.Code != 403 {
		t.Errorf("the pending account's own token: %d %s", r.Code, r.Body)
	}
	c.Must(c.Do("GET", "/api/v1/admin/accounts/"+id, modTok, nil), 200)
	if got := idsOf(t, c.Must(c.Do("GET", "/api/v2/admin/accounts", modTok, url.Values{"status": {"pending"}}), 200)); !slices.Equal(got, []string{id}) {
		t.Errorf("admins' pending accounts: %v", got)
	}

	hidden := func(shown bool) {
		t.Helper()
		code := map[bool]int{true: 200, false: 404}[shown]
		for _, tok := range []string{"", viewerTok} {
			r := c.Must(c.Do("GET", "/api/v1/accounts/"+id, tok, nil), code)
			if !shown && r.Object(t)["error"] != "Record not found" {
				t.Errorf("GET /api/v1/accounts/:id of a pending account: %s", r.Body)
			}
			c.Must(c.Do("GET", "/api/v1/accounts/lookup", tok, url.Values{"acct": {"carol"}}), code)
		}
		many := idsOf(t, c.Must(c.Do("GET", "/api/v1/accounts", viewerTok, url.Values{"id[]": {id, viewer.ID.String()}}), 200))
		if want := []string{id, viewer.ID.String()}; !shown {
			want = want[1:]
			if !slices.Equal(many, want) {
				t.Errorf("accounts by id: %v, want %v", many, want)
			}
		} else if !slices.Equal(many, want) {
			t.Errorf("accounts by id: %v, want %v", many, want)
		}
		has := func(what string, got []string) {
			t.Helper()
			if slices.Contains(got, id) != shown {
				t.Errorf("%s: %v holds %s: %v, want %v", what, got, id, !shown, shown)
			}
		}
		has("search by exact handle", idsOf(t, c.Must(c.Do("GET", "/api/v1/accounts/search", viewerTok, url.Values{"q": {"carol"}}), 200)))
		v2 := c.Must(c.Do("GET", "/api/v2/search", viewerTok, url.Values{"q": {"carol"}, "type": {"accounts"}}), 200).Object(t)
		var found []string
		for _, a := range v2["accounts"].([]any) {
			found = append(found, a.(map[string]any)["id"].(string))
		}
		has("v2 search by exact handle", found)
		has("the directory", idsOf(t, c.Must(c.Do("GET", "/api/v1/directory", "", url.Values{"order": {"new"}, "local": {"true"}}), 200)))
		has("suggestions", idsOf(t, c.Must(c.Do("GET", "/api/v1/suggestions", viewerTok, nil), 200)))

		domain := n.Config().Domain
		c.Must(c.Do("GET", "/.well-known/webfinger", "", url.Values{"resource": {"acct:carol@" + domain}}), code)
		c.Must(c.DoWithHeader("GET", "/users/carol", "", nil, "Accept", "application/activity+json"), code)
		c.Must(c.DoWithHeaders("GET", "/@carol", "", nil, http.Header{"Accept": {"text/html"}}), code)
		c.Must(c.DoWithHeader("GET", "/users/carol/outbox", "", nil, "Accept", "application/activity+json"), code)
	}
	hidden(false)
	// Who would follow, block or mute the account finds nothing to act on.
	for _, action := range []string{"follow", "block", "mute"} {
		c.Must(c.Do("POST", "/api/v1/accounts/"+id+"/"+action, viewerTok, nil), 404)
	}

	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+id+"/approve", modTok, nil), 200)
	hidden(true)
	c.Must(c.Do("POST", "/api/v1/accounts/"+id+"/follow", viewerTok, nil), 200)
	c.Must(c.Do("GET", "/api/v1/accounts/verify_credentials", carolTok, nil), 200)
	// The search index takes the account once approved.
	testrig.Eventually(t, "the approved account found by prefix", func() error {
		for _, node := range c.Nodes {
			ids, err := node.Indexer.Engine().Accounts(ctx, search.AccountQuery{Text: "caro", Limit: 40})
			if err != nil {
				return err
			}
			if !slices.Contains(ids, uint64(carol.ID)) {
				return fmt.Errorf("prefix search: %v", ids)
			}
		}
		return nil
	})
}
