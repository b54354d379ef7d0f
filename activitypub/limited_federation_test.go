package activitypub_test

import (
	"net/url"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// TestLimitedFederation runs alpha in limited-federation mode: before beta is allowed
// neither finds the other's accounts, and a third server's POSTs and signed fetches
// are refused; once moderators allow beta, alpha and beta follow each other, while
// the third server stays refused.
func TestLimitedFederation(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"), testrig.Config(func(c *node.Config) { c.LimitedFederation = true }))
	b := testrig.New(t, testrig.Host(t, "beta"))
	alice, bob := a.Register("alice"), b.Register("bob")
	alphaDomain, betaDomain := a.Nodes[0].Config().Domain, b.Nodes[0].Config().Domain
	other := newFakeRemote(t, "other")
	aliceURI := "http://" + alphaDomain + "/users/alice"
	_, tok := a.RegisterModerator("mod")

	conf := a.Anonymous().Do("GET", "/api/v2/instance", nil).Object(t)["configuration"].(map[string]any)
	if conf["limited_federation"] != true {
		t.Fatalf("configuration: limited_federation %v", conf["limited_federation"])
	}
	refused := func(when string) {
		t.Helper()
		if code := remotePost(t, a, other, followOf(other, aliceURI, when)); code != 403 {
			t.Fatalf("%s: a POST of a domain not allowed answered %d", when, code)
		}
		if got := other.get(t, a, "/users/alice"); got.code != 403 {
			t.Fatalf("%s: a fetch signed by a domain not allowed answered %d", when, got.code)
		}
		if got := fetchDoc(t, a, "/users/alice", "", nil); got.code != 401 {
			t.Fatalf("%s: an unsigned fetch answered %d", when, got.code)
		}
		if found := alice.Search("@mallory@"+other.domain, "resolve", "true", "type", "accounts"); len(found.Accounts) != 0 {
			t.Fatalf("%s: an account of a domain not allowed was fetched: %+v", when, found.Accounts)
		}
	}
	refused("before")
	if found := alice.Search("@bob@"+betaDomain, "resolve", "true", "type", "accounts"); len(found.Accounts) != 0 {
		t.Fatalf("bob was fetched before beta was allowed: %+v", found.Accounts)
	}

	a.Must(a.Do("POST", "/api/v1/admin/domain_allows", tok, url.Values{"domain": {"beta.localhost"}}), 200)
	bobOnA := resolve(t, a, alice, "@bob@"+betaDomain)
	followRemote(t, a, alice, bobOnA)
	aliceOnB := resolve(t, b, bob, "@alice@"+alphaDomain)
	followRemote(t, b, bob, aliceOnB)
	refused("after")
}
