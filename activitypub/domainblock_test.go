package activitypub_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestUserDomainBlock finds a remote account by the prefix of its handle and in the
// profile directory, then blocks its whole server as one user of another: the
// follows both ways end on both servers, the domain's statuses leave the user's home
// and public timeline (not others'), its follows are rejected and its mentions
// notify no more, and lifting the
// block shows the domain's public statuses again.
func TestUserDomainBlock(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"))
	alice, carol, bob := a.Register("alice"), a.Register("carol"), b.Register("bob")
	alphaDomain, betaDomain := a.Nodes[0].Config().Domain, b.Nodes[0].Config().Domain

	found := alice.Search("@bob@"+betaDomain, "resolve", "true")
	if len(found.Accounts) != 1 {
		t.Fatalf("search: %+v", found)
	}
	bobOnA := found.Accounts[0].ID
	alice.Relate(bobOnA, "follow")
	aliceOnB := bob.Search("@alice@"+alphaDomain, "resolve", "true").Accounts[0].ID
	bob.Relate(aliceOnB, "follow")
	testrig.Eventually(t, "both follows accepted", func() error {
		if rel := alice.Relationship(bobOnA); !rel.Following || !rel.FollowedBy {
			return fmt.Errorf("alice→bob %+v", rel)
		}
		return nil
	})

	// A known remote account is found by the prefix of its handle, and listed in the
	// directory of all accounts but not in the local one.
	var byPrefix, dirAll, dirLocal []testrig.Account
	alice.Do("GET", "/api/v1/accounts/search", url.Values{"q": {"BOB@" + betaDomain[:3]}}).JSON(t, &byPrefix)
	a.Anonymous().Do("GET", "/api/v1/directory", url.Values{"order": {"new"}}).JSON(t, &dirAll)
	a.Anonymous().Do("GET", "/api/v1/directory", url.Values{"order": {"new"}, "local": {"true"}}).JSON(t, &dirLocal)
	if !slices.Equal(testrig.AccountIDs(byPrefix), []string{bobOnA}) || !slices.Contains(testrig.AccountIDs(dirAll), bobOnA) ||
		slices.Contains(testrig.AccountIDs(dirLocal), bobOnA) || !slices.Contains(testrig.AccountIDs(dirLocal), alice.ID) {
		t.Fatalf("search %v; directory %v, local %v", testrig.AccountIDs(byPrefix), testrig.AccountIDs(dirAll), testrig.AccountIDs(dirLocal))
	}

	post := bob.PostStatus("public words from beta")
	inHome := func(u *testrig.User, uri string) bool {
		return slices.Contains(testrig.StatusURIs(u.Home(nil)), uri)
	}
	inPublic := func(u *testrig.User, uri string) bool {
		var l []testrig.Status
		u.Do("GET", "/api/v1/timelines/public", nil).JSON(t, &l)
		return slices.Contains(testrig.StatusURIs(l), uri)
	}
	testrig.Eventually(t, "bob's post in alice's home and alpha's public timeline", func() error {
		if !inHome(alice, post.URI) || !inPublic(alice, post.URI) {
			return fmt.Errorf("not yet")
		}
		return nil
	})

	a.Must(alice.Do("POST", "/api/v1/domain_blocks", url.Values{"domain": {" " + betaDomain + " "}}), 200)
	rel := alice.Relationship(bobOnA)
	if !rel.DomainBlocking || rel.Following || rel.FollowedBy {
		t.Fatalf("relationship after the domain block: %+v", rel)
	}
	var blocked []string
	a.Must(alice.Do("GET", "/api/v1/domain_blocks", nil), 200).JSON(t, &blocked)
	if !slices.Equal(blocked, []string{betaDomain}) {
		t.Fatalf("domain blocks %v", blocked)
	}
	if inHome(alice, post.URI) || inPublic(alice, post.URI) {
		t.Fatal("bob's post still shows to alice")
	}
	if !inPublic(a.Anonymous(), post.URI) {
		t.Fatal("bob's post left alpha's public timeline for everyone")
	}
	testrig.Eventually(t, "the follows ended on beta", func() error {
		if rel := bob.Relationship(aliceOnB); rel.Following || rel.FollowedBy {
			return fmt.Errorf("bob→alice %+v", rel)
		}
		return nil
	})

	// A new follow from the blocked domain is rejected.
	bob.Relate(aliceOnB, "follow")
	testrig.Eventually(t, "the Reject of bob's new follow", func() error {
		if rel := bob.Relationship(aliceOnB); rel.Following || rel.Requested {
			return fmt.Errorf("bob→alice %+v", rel)
		}
		return nil
	})

	// A mention from the blocked domain arrives but notifies nothing: carol, mentioned
	// in the same post, is notified, alice's unread count does not move.
	unread := func() int {
		var n struct {
			Count int `json:"count"`
		}
		a.Must(alice.Do("GET", "/api/v1/notifications/unread_count", nil), 200).JSON(t, &n)
		return n.Count
	}
	before := unread()
	bob.PostStatus("@alice@" + alphaDomain + " @carol@" + alphaDomain + " can you hear me")
	testrig.Eventually(t, "carol's mention", func() error {
		for _, n := range carol.Notifications(nil) {
			if n.Type == "mention" {
				return nil
			}
		}
		return fmt.Errorf("no mention yet")
	})
	if after := unread(); after != before {
		t.Fatalf("alice's unread notifications went from %d to %d", before, after)
	}

	a.Must(alice.Do("DELETE", "/api/v1/domain_blocks", url.Values{"domain": {betaDomain}}), 200)
	if rel := alice.Relationship(bobOnA); rel.DomainBlocking {
		t.Fatalf("relationship after the unblock: %+v", rel)
	}
	if !inPublic(alice, post.URI) {
		t.Fatal("bob's post hidden after the unblock")
	}
}
