package activitypub_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/activitypub"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// pair starts two instances, alpha with alice and beta with bob.
func pair(t *testing.T) (a, b *testrig.Cluster, alice, bob *testrig.User) {
	a = testrig.New(t, testrig.Host(t, "alpha"))
	b = testrig.New(t, testrig.Host(t, "beta"))
	return a, b, a.Register("alice"), b.Register("bob")
}

// resolve finds a remote account on c by handle and returns its local id there.
func resolve(t *testing.T, c *testrig.Cluster, u *testrig.User, handle string) string {
	t.Helper()
	found := c.Must(u.Do("GET", "/api/v2/search", url.Values{"q": {handle}, "resolve": {"true"}, "type": {"accounts"}}), 200).Object(t)
	accs := found["accounts"].([]any)
	if len(accs) != 1 {
		t.Fatalf("search %s: %v", handle, found)
	}
	return accs[0].(map[string]any)["id"].(string)
}

// followRemote makes u follow the remote account id and waits for the Accept.
func followRemote(t *testing.T, c *testrig.Cluster, u *testrig.User, id string) {
	t.Helper()
	c.Must(u.Do("POST", "/api/v1/accounts/"+id+"/follow", nil), 200)
	testrig.Eventually(t, "the Accept of the follow", func() error { return following(t, c, u, id, true) })
}

// following says why u's relationship to id is not following == want.
func following(t *testing.T, c *testrig.Cluster, u *testrig.User, id string, want bool) error {
	if rel := u.On(c.With(t)).Relationship(id); rel.Following != want {
		return fmt.Errorf("relationship to %s: following %v, want %v (%+v)", id, rel.Following, want, rel)
	}
	return nil
}

// TestFlagFederates forwards a report to the reported account's server, which files it
// as a report from alpha's instance actor.
func TestFlagFederates(t *testing.T) {
	a, b, alice, bob := pair(t)
	betaDomain, alphaDomain := b.Nodes[0].Config().Domain, a.Nodes[0].Config().Domain
	post := bob.Post("spam, spam, spam")
	bobOnA := resolve(t, a, alice, "@bob@"+betaDomain)
	found := a.Must(alice.Do("GET", "/api/v2/search", url.Values{"q": {post["uri"].(string)}, "resolve": {"true"}}), 200).Object(t)
	sts := found["statuses"].([]any)
	if len(sts) != 1 {
		t.Fatalf("search the post: %v", found)
	}
	postOnA := sts[0].(map[string]any)["id"].(string)

	rep := a.Must(alice.Do("POST", "/api/v1/reports", url.Values{"account_id": {bobOnA}, "status_ids[]": {postOnA},
		"comment": {"spam from beta"}, "forward": {"true"}, "category": {"spam"}}), 200).Object(t)
	if rep["forwarded"] != true {
		t.Fatalf("report on alpha: %v", rep)
	}

	_, tok := b.RegisterModerator("mod")
	var got map[string]any
	testrig.Eventually(t, "the forwarded report on beta", func() error {
		list := b.Must(b.Do("GET", "/api/v1/admin/reports", tok, nil), 200).List(t)
		if len(list) != 1 {
			return fmt.Errorf("%d reports", len(list))
		}
		got = list[0]
		return nil
	})
	reporter := got["account"].(map[string]any)
	if got["comment"] != "spam from beta" || got["target_account"].(map[string]any)["id"] != bob.ID ||
		reporter["domain"] != alphaDomain || reporter["username"] != alphaDomain {
		t.Fatalf("report on beta: %v", got)
	}
	if s := got["statuses"].([]any); len(s) != 1 || s[0].(map[string]any)["id"] != post["id"] {
		t.Fatalf("reported statuses on beta: %v", got["statuses"])
	}
}

// TestMoveFederates moves Bob to Bob2 (both on beta): Alice's follow on alpha moves
// along, and both sides show where Bob went.
func TestMoveFederates(t *testing.T) {
	a, b, alice, bob := pair(t)
	betaDomain := b.Nodes[0].Config().Domain
	bob2, carol := b.Register("bob2"), b.Register("carol")
	bobOnA := resolve(t, a, alice, "@bob@"+betaDomain)
	followRemote(t, a, alice, bobOnA)
	beta, ctx := b.Nodes[0], context.Background()
	bobURI := alias(t, b, bob2, bob)
	if err := beta.Federation.SendMove(ctx, id(t, bob.ID), id(t, carol.ID)); !errors.Is(err, activitypub.ErrInvalid) {
		t.Fatalf("a move to an account without the alias: %v", err)
	}
	// A Move to an account that does not list Bob is refused on alpha. The inbox
	// applies one actor's activities in order, so once the real Move below shows on
	// alpha, this one was applied before it.
	deliver(t, a, b, bob, fmt.Sprintf(`{"@context":"https://www.w3.org/ns/activitystreams","id":"%s#moves/forged",`+
		`"type":"Move","actor":"%[1]s","object":"%[1]s","target":"%s"}`, bobURI, beta.Federation.ActorURI("carol")))

	if err := beta.Federation.SendMove(ctx, id(t, bob.ID), id(t, bob2.ID)); err != nil {
		t.Fatal(err)
	}
	if got := b.Must(b.Do("GET", "/users/bob", "", nil), 200).Object(t)["movedTo"]; got != beta.Federation.ActorURI("bob2") {
		t.Fatalf("Bob's actor movedTo: %v", got)
	}
	local := b.Must(b.Do("GET", "/api/v1/accounts/"+bob.ID, "", nil), 200).Object(t)
	if m, _ := local["moved"].(map[string]any); m == nil || m["id"] != bob2.ID {
		t.Fatalf("Bob on beta: moved %v", local["moved"])
	}
	var bob2OnA string
	testrig.Eventually(t, "Bob's move on alpha", func() error {
		got := a.Must(alice.Do("GET", "/api/v1/accounts/"+bobOnA, nil), 200).Object(t)
		m, _ := got["moved"].(map[string]any)
		if m == nil || m["acct"] != "bob2@"+betaDomain {
			return fmt.Errorf("moved %v", got["moved"])
		}
		bob2OnA = m["id"].(string)
		return nil
	})
	testrig.Eventually(t, "Alice following Bob2 instead of Bob", func() error {
		return errors.Join(following(t, a, alice, bob2OnA, true), following(t, a, alice, bobOnA, false))
	})
	testrig.Eventually(t, "Alice among Bob2's followers on beta, not Bob's", func() error {
		of := func(u *testrig.User) int {
			return len(b.Must(b.Do("GET", "/api/v1/accounts/"+u.ID+"/followers", "", nil), 200).List(t))
		}
		if n2, n := of(bob2), of(bob); n2 != 1 || n != 0 {
			return fmt.Errorf("Bob2 has %d followers, Bob %d", n2, n)
		}
		return nil
	})
	carolOnA := resolve(t, a, alice, "@carol@"+betaDomain)
	rels := a.Must(alice.Do("GET", "/api/v1/accounts/relationships", url.Values{"id[]": {carolOnA}}), 200).List(t)
	if rels[0]["following"] != false || rels[0]["requested"] != false {
		t.Fatalf("the forged Move made Alice follow Carol: %v", rels[0])
	}
}

// alias makes to list from in alsoKnownAs (there is no alias API yet, so through the
// account service), checks that its actor document says so, and returns from's URI.
func alias(t *testing.T, c *testrig.Cluster, to, from *testrig.User) string {
	t.Helper()
	n, ctx := c.Nodes[0], context.Background()
	uri := n.Federation.ActorURI(from.Name)
	acc, err := n.Accounts.Get(ctx, id(t, to.ID))
	if err != nil {
		t.Fatal(err)
	}
	acc.AlsoKnownAs = []string{uri}
	if err := n.Accounts.Save(ctx, acc); err != nil {
		t.Fatal(err)
	}
	actor := c.Must(c.Do("GET", "/users/"+to.Name, "", nil), 200).Object(t)
	if aka, _ := actor["alsoKnownAs"].([]any); len(aka) != 1 || aka[0] != uri {
		t.Fatalf("%s's actor: alsoKnownAs %v", to.Name, actor["alsoKnownAs"])
	}
	return uri
}

// deliver POSTs an activity to to's shared inbox, signed by the key of from's user u.
func deliver(t *testing.T, to, from *testrig.Cluster, u *testrig.User, activity string) {
	t.Helper()
	req, err := http.NewRequest("POST", to.URL()+"/inbox", strings.NewReader(activity))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = to.Nodes[0].Config().Domain
	if err := from.Nodes[0].Federation.SignPost(context.Background(), req, []byte(activity), id(t, u.ID)); err != nil {
		t.Fatal(err)
	}
	expectAccepted(t, req)
}

// expectAccepted sends a signed POST to an inbox, which must answer 202.
func expectAccepted(t *testing.T, req *http.Request) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 {
		t.Fatalf("%s %s answered %d", req.Method, req.URL, resp.StatusCode)
	}
}

// TestFeaturedFederates pins and unpins on beta; alpha shows Bob's pins, fetching a
// pinned post it never saw.
func TestFeaturedFederates(t *testing.T) {
	a, b, alice, bob := pair(t)
	betaDomain := b.Nodes[0].Config().Domain
	// The oldest of 21 posts is beyond the 20 that a follow backfills.
	old := bob.Post("an old post worth pinning")
	for i := range 20 {
		bob.Post(fmt.Sprintf("filler %d", i))
	}
	bobOnA := resolve(t, a, alice, "@bob@"+betaDomain)
	followRemote(t, a, alice, bobOnA)
	fresh := bob.Post("a new post")

	pinned := func() []string {
		var uris []string
		for _, st := range a.Must(alice.Do("GET", "/api/v1/accounts/"+bobOnA+"/statuses", url.Values{"pinned": {"true"}}), 200).List(t) {
			uris = append(uris, st["uri"].(string))
		}
		return uris
	}
	b.Must(bob.Do("POST", "/api/v1/statuses/"+fresh["id"].(string)+"/pin", nil), 200)
	b.Must(bob.Do("POST", "/api/v1/statuses/"+old["id"].(string)+"/pin", nil), 200)
	// Each pin is its own delivery, so they may arrive in either order.
	testrig.Eventually(t, "both pins on alpha", func() error {
		if uris := pinned(); len(uris) != 2 || !slices.Contains(uris, old["uri"].(string)) || !slices.Contains(uris, fresh["uri"].(string)) {
			return fmt.Errorf("pinned %v", uris)
		}
		return nil
	})
	b.Must(bob.Do("POST", "/api/v1/statuses/"+fresh["id"].(string)+"/unpin", nil), 200)
	testrig.Eventually(t, "the unpin on alpha", func() error {
		if uris := pinned(); len(uris) != 1 || uris[0] != old["uri"] {
			return fmt.Errorf("pinned %v", uris)
		}
		return nil
	})
}

func id(t *testing.T, s string) shard.ID {
	t.Helper()
	v, err := shard.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
