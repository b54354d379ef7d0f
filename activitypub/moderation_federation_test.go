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
	found := u.On(c.With(t)).Search(handle, "resolve", "true", "type", "accounts")
	if len(found.Accounts) != 1 {
		t.Fatalf("search %s: %+v", handle, found)
	}
	return found.Accounts[0].ID
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
	post := bob.PostStatus("spam, spam, spam")
	bobOnA := resolve(t, a, alice, "@bob@"+betaDomain)
	found := alice.Search(post.URI, "resolve", "true")
	if len(found.Statuses) != 1 {
		t.Fatalf("search the post: %+v", found)
	}
	postOnA := found.Statuses[0].ID

	rep := testrig.Decode[testrig.Report](t, a.Must(alice.Do("POST", "/api/v1/reports", url.Values{"account_id": {bobOnA}, "status_ids[]": {postOnA},
		"comment": {"spam from beta"}, "forward": {"true"}, "category": {"spam"}}), 200))
	if !rep.Forwarded {
		t.Fatalf("report on alpha: %+v", rep)
	}

	_, tok := b.RegisterModerator("mod")
	var got testrig.AdminReport
	testrig.Eventually(t, "the forwarded report on beta", func() error {
		list := testrig.Decode[[]testrig.AdminReport](t, b.Must(b.Do("GET", "/api/v1/admin/reports", tok, nil), 200))
		if len(list) != 1 {
			return fmt.Errorf("%d reports", len(list))
		}
		got = list[0]
		return nil
	})
	reporter := got.Account
	if got.Comment != "spam from beta" || got.TargetAccount.ID != bob.ID ||
		reporter.Domain == nil || *reporter.Domain != alphaDomain || reporter.Username != alphaDomain {
		t.Fatalf("report on beta: %+v (reporter's domain %v)", got, reporter.Domain != nil)
	}
	if s := got.Statuses; len(s) != 1 || s[0].ID != post.ID {
		t.Fatalf("reported statuses on beta: %v", testrig.StatusIDs(got.Statuses))
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
	if m := b.Anonymous().Account(bob.ID).Moved; m == nil || m.ID != bob2.ID {
		t.Fatalf("Bob on beta: moved %+v", m)
	}
	var bob2OnA string
	testrig.Eventually(t, "Bob's move on alpha", func() error {
		m := alice.Account(bobOnA).Moved
		if m == nil || m.Acct != "bob2@"+betaDomain {
			return fmt.Errorf("moved %+v", m)
		}
		bob2OnA = m.ID
		return nil
	})
	testrig.Eventually(t, "Alice following Bob2 instead of Bob", func() error {
		return errors.Join(following(t, a, alice, bob2OnA, true), following(t, a, alice, bobOnA, false))
	})
	testrig.Eventually(t, "Alice among Bob2's followers on beta, not Bob's", func() error {
		of := func(u *testrig.User) int {
			return len(b.Anonymous().Followers(u.ID))
		}
		if n2, n := of(bob2), of(bob); n2 != 1 || n != 0 {
			return fmt.Errorf("Bob2 has %d followers, Bob %d", n2, n)
		}
		return nil
	})
	carolOnA := resolve(t, a, alice, "@carol@"+betaDomain)
	if rel := alice.Relationship(carolOnA); rel.Following || rel.Requested {
		t.Fatalf("the forged Move made Alice follow Carol: %+v", rel)
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
	if aka := testrig.At[[]any](t, actor, "alsoKnownAs"); len(aka) != 1 || aka[0] != uri {
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
	old := bob.PostStatus("an old post worth pinning")
	for i := range 20 {
		bob.PostStatus(fmt.Sprintf("filler %d", i))
	}
	bobOnA := resolve(t, a, alice, "@bob@"+betaDomain)
	followRemote(t, a, alice, bobOnA)
	fresh := bob.PostStatus("a new post")

	pinned := func() []string {
		return testrig.StatusURIs(alice.AccountStatuses(bobOnA, url.Values{"pinned": {"true"}}))
	}
	bob.Act(fresh.ID, "pin")
	bob.Act(old.ID, "pin")
	// Each pin is its own delivery, so they may arrive in either order.
	testrig.Eventually(t, "both pins on alpha", func() error {
		if uris := pinned(); len(uris) != 2 || !slices.Contains(uris, old.URI) || !slices.Contains(uris, fresh.URI) {
			return fmt.Errorf("pinned %v", uris)
		}
		return nil
	})
	bob.Act(fresh.ID, "unpin")
	testrig.Eventually(t, "the unpin on alpha", func() error {
		if uris := pinned(); len(uris) != 1 || uris[0] != old.URI {
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
