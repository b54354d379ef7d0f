package activitypub_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// suspendedOn reads whether account id shows suspended to u on c.
func suspendedOn(t *testing.T, c *testrig.Cluster, u *testrig.User, id string) bool {
	t.Helper()
	return u.On(c.With(t)).Do("GET", "/api/v1/accounts/"+id, nil).Object(t)["suspended"] == true
}

// TestLocalSuspensionFederates suspends Alice on alpha: her actor turns bare and
// suspended, what she published answers 403, and beta, which follows her, hears of it
// by an Update and shows her suspended; lifting the suspension is heard of as well.
func TestLocalSuspensionFederates(t *testing.T) {
	a, b, alice, bob := pair(t)
	alphaDomain := a.Nodes[0].Config().Domain
	post := alice.PostStatus("before the suspension")
	aliceOnB := resolve(t, b, bob, "@alice@"+alphaDomain)
	followRemote(t, b, bob, aliceOnB)
	if suspendedOn(t, b, bob, aliceOnB) {
		t.Fatal("alice shows suspended on beta before any suspension")
	}
	_, tok := a.RegisterModerator("mod")

	a.Must(a.Do("POST", "/api/v1/admin/accounts/"+alice.ID+"/action", tok, url.Values{"type": {"suspend"}}), 200)
	actor := a.Must(a.Do("GET", "/users/alice", "", nil), 200).Object(t)
	if actor["suspended"] != true || actor["name"] != "" || actor["summary"] != "" || actor["publicKey"] == nil {
		t.Fatalf("the suspended actor: %v", actor)
	}
	for _, path := range []string{"/users/alice/statuses/" + post.ID, "/users/alice/outbox", "/users/alice/followers", "/@alice"} {
		a.Must(a.Do("GET", path, "", nil), 403)
	}
	testrig.Eventually(t, "alice suspended on beta", func() error {
		if !suspendedOn(t, b, bob, aliceOnB) {
			return fmt.Errorf("not yet")
		}
		return nil
	})

	a.Must(a.Do("POST", "/api/v1/admin/accounts/"+alice.ID+"/unsuspend", tok, nil), 200)
	if actor := a.Must(a.Do("GET", "/users/alice", "", nil), 200).Object(t); actor["suspended"] != nil {
		t.Fatalf("the unsuspended actor: %v", actor)
	}
	a.Must(a.Do("GET", "/users/alice/statuses/"+post.ID, "", nil), 200)
	testrig.Eventually(t, "alice unsuspended on beta", func() error {
		if suspendedOn(t, b, bob, aliceOnB) {
			return fmt.Errorf("still suspended")
		}
		return nil
	})
}

// TestRemoteSuspensionRejectsFollows suspends Bob of beta on alpha: his follow of
// Alice is removed on alpha and rejected, which beta applies; Alice's follow of him
// stays, as Mastodon keeps it.
func TestRemoteSuspensionRejectsFollows(t *testing.T) {
	a, b, alice, bob := pair(t)
	alphaDomain, betaDomain := a.Nodes[0].Config().Domain, b.Nodes[0].Config().Domain
	aliceOnB := resolve(t, b, bob, "@alice@"+alphaDomain)
	bobOnA := resolve(t, a, alice, "@bob@"+betaDomain)
	followRemote(t, b, bob, aliceOnB)
	followRemote(t, a, alice, bobOnA)
	_, tok := a.RegisterModerator("mod")

	a.Must(a.Do("POST", "/api/v1/admin/accounts/"+bobOnA+"/action", tok, url.Values{"type": {"suspend"}}), 200)
	ctx := context.Background()
	if f, err := a.Nodes[0].Accounts.FollowOf(ctx, id(t, bobOnA), id(t, alice.ID)); err != nil || f != nil {
		t.Fatalf("bob's follow of alice on alpha: %+v, %v", f, err)
	}
	if f, err := a.Nodes[0].Accounts.FollowOf(ctx, id(t, alice.ID), id(t, bobOnA)); err != nil || f == nil {
		t.Fatalf("alice's follow of bob on alpha: %+v, %v", f, err)
	}
	testrig.Eventually(t, "the Reject of bob's follow on beta", func() error {
		return following(t, b, bob, aliceOnB, false)
	})
}

// TestDomainSuspensionSevers: a suspending block of beta on alpha suspends the beta
// accounts alpha knows and ends their follows with alpha's accounts both ways, which
// alice, who lost one each way, is told of (severed_relationships);
// lifting it lifts their suspension, and the follows stay ended.
func TestDomainSuspensionSevers(t *testing.T) {
	a, b, alice, bob := pair(t)
	alphaDomain, betaDomain := a.Nodes[0].Config().Domain, b.Nodes[0].Config().Domain
	aliceOnB := resolve(t, b, bob, "@alice@"+alphaDomain)
	bobOnA := resolve(t, a, alice, "@bob@"+betaDomain)
	followRemote(t, b, bob, aliceOnB)
	followRemote(t, a, alice, bobOnA)
	_, tok := a.RegisterModerator("mod")

	block := a.Must(a.Do("POST", "/api/v1/admin/domain_blocks", tok, url.Values{"domain": {"beta.localhost"},
		"severity": {"suspend"}}), 200).Object(t)
	ctx := context.Background()
	follows := func() (aliceToBob, bobToAlice bool) {
		f1, err1 := a.Nodes[0].Accounts.FollowOf(ctx, id(t, alice.ID), id(t, bobOnA))
		f2, err2 := a.Nodes[0].Accounts.FollowOf(ctx, id(t, bobOnA), id(t, alice.ID))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		return f1 != nil, f2 != nil
	}
	if ab, ba := follows(); ab || ba || !suspendedOn(t, a, alice, bobOnA) {
		t.Fatalf("after the block: alice→bob %v, bob→alice %v, bob suspended %v", ab, ba, suspendedOn(t, a, alice, bobOnA))
	}

	var severed []map[string]any
	for _, n := range a.Must(alice.Do("GET", "/api/v1/notifications", nil), 200).List(t) {
		if n["type"] == "severed_relationships" {
			severed = append(severed, n)
		}
	}
	if len(severed) != 1 {
		t.Fatalf("alice's severed_relationships notifications: %v", severed)
	}
	ev, _ := severed[0]["event"].(map[string]any)
	if acc, _ := severed[0]["account"].(map[string]any); acc["id"] != alice.ID || ev["type"] != "domain_block" ||
		ev["target_name"] != "beta.localhost" || ev["followers_count"] != 1.0 || ev["following_count"] != 1.0 || ev["purged"] != false {
		t.Fatalf("the notification: %v", severed[0])
	}
	groups := a.Must(alice.Do("GET", "/api/v2/notifications", url.Values{"types[]": {"severed_relationships"}}), 200).Object(t)
	if gs, _ := groups["notification_groups"].([]any); len(gs) != 1 || gs[0].(map[string]any)["event"] == nil {
		t.Fatalf("grouped: %v", groups["notification_groups"])
	}

	a.Must(a.Do("DELETE", "/api/v1/admin/domain_blocks/"+block["id"].(string), tok, nil), 200)
	if ab, ba := follows(); ab || ba || suspendedOn(t, a, alice, bobOnA) {
		t.Fatalf("after the unblock: alice→bob %v, bob→alice %v, bob suspended %v", ab, ba, suspendedOn(t, a, alice, bobOnA))
	}
}

// TestLocalDeletionFederates deletes the suspended Alice on alpha: beta, which
// follows her, hears the Delete of her actor and ends Bob's follow.
func TestLocalDeletionFederates(t *testing.T) {
	a, b, alice, bob := pair(t)
	aliceOnB := resolve(t, b, bob, "@alice@"+a.Nodes[0].Config().Domain)
	followRemote(t, b, bob, aliceOnB)
	_, tok := a.RegisterModerator("mod")
	a.Must(a.Do("POST", "/api/v1/admin/accounts/"+alice.ID+"/action", tok, url.Values{"type": {"suspend"}}), 200)
	testrig.Eventually(t, "alice suspended on beta", func() error {
		if !suspendedOn(t, b, bob, aliceOnB) {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	if err := following(t, b, bob, aliceOnB, true); err != nil {
		t.Fatalf("the suspension ended the follow: %v", err)
	}
	a.Must(a.Do("DELETE", "/api/v1/admin/accounts/"+alice.ID, tok, nil), 200)
	testrig.Eventually(t, "bob's follow of alice ended on beta", func() error {
		return following(t, b, bob, aliceOnB, false)
	})
}
