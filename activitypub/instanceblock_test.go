package activitypub_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// remotePost POSTs an activity of the fake remote, signed by it, to c's shared inbox
// and returns the answer's status code.
func remotePost(t *testing.T, c *testrig.Cluster, f *fakeRemote, act map[string]any) int {
	t.Helper()
	return signedPost(t, c, "/inbox", act, f.actorID()+"#main-key", f.key)
}

func followOf(f *fakeRemote, target, id string) map[string]any {
	return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": f.actorID() + "/follows/" + id,
		"type": "Follow", "actor": f.actorID(), "object": target}
}

// TestSuspendedDomainRefused: a suspending block of a domain refuses the signed inbox
// POSTs of its subdomains' actors and any fetch from them; a suspended remote
// account's POSTs are refused too, while its server's others go through.
func TestSuspendedDomainRefused(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	alice := c.Register("alice")
	_, tok := c.RegisterModerator("mod")
	aliceURI := "http://" + c.Nodes[0].Config().Domain + "/users/alice"
	blocked, other := newFakeRemote(t, "sub.blocked"), newFakeRemote(t, "other")

	c.Must(c.Do("POST", "/api/v1/admin/domain_blocks", tok, url.Values{"domain": {"blocked.localhost"},
		"severity": {"suspend"}}), 200)
	if code := remotePost(t, c, blocked, followOf(blocked, aliceURI, "1")); code != 403 {
		t.Fatalf("a suspended domain's POST answered %d", code)
	}
	if found := alice.Search("@mallory@"+blocked.domain, "resolve", "true", "type", "accounts"); len(found.Accounts) != 0 {
		t.Fatalf("an account of a suspended domain was fetched: %+v", found.Accounts)
	}

	if found := alice.Search("@mallory@"+other.domain, "resolve", "true", "type", "accounts"); len(found.Accounts) != 1 {
		t.Fatalf("an account of an unblocked domain was not fetched: %+v", found.Accounts)
	}
	if code := remotePost(t, c, other, followOf(other, aliceURI, "1")); code != 202 {
		t.Fatalf("an unblocked domain's POST answered %d", code)
	}
	acc, err := c.Nodes[0].Accounts.Lookup(context.Background(), "mallory", other.domain)
	if err != nil {
		t.Fatal(err)
	}
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+acc.ID.String()+"/action", tok, url.Values{"type": {"suspend"}}), 200)
	if code := remotePost(t, c, other, followOf(other, aliceURI, "2")); code != 403 {
		t.Fatalf("a suspended account's POST answered %d", code)
	}
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+acc.ID.String()+"/unsuspend", tok, nil), 200)
	if code := remotePost(t, c, other, followOf(other, aliceURI, "3")); code != 202 {
		t.Fatalf("an unsuspended account's POST answered %d", code)
	}
}

// TestRejectReportsDomain: the Flags of a domain blocked with reject_reports are
// dropped, while its other activities apply and other domains' Flags are filed.
func TestRejectReportsDomain(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	alice := c.Register("alice")
	_, tok := c.RegisterModerator("mod")
	aliceURI := "http://" + c.Nodes[0].Config().Domain + "/users/alice"
	quiet, loud := newFakeRemote(t, "quiet"), newFakeRemote(t, "loud")
	c.Must(c.Do("POST", "/api/v1/admin/domain_blocks", tok, url.Values{"domain": {"quiet.localhost"},
		"severity": {"noop"}, "reject_reports": {"true"}}), 200)
	flag := func(f *fakeRemote, comment string) map[string]any {
		return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": f.actorID() + "/flags/1",
			"type": "Flag", "actor": f.actorID(), "content": comment, "object": []any{aliceURI}}
	}
	for _, act := range []map[string]any{flag(quiet, "from quiet"), followOf(quiet, aliceURI, "1")} {
		if code := remotePost(t, c, quiet, act); code != 202 {
			t.Fatalf("%s from a noop-blocked domain answered %d", act["type"], code)
		}
	}
	if code := remotePost(t, c, loud, flag(loud, "from loud")); code != 202 {
		t.Fatalf("a Flag answered %d", code)
	}
	// The follow comes after the Flag from the same actor, so once it applied, so did
	// (or did not) the Flag.
	testrig.Eventually(t, "quiet's follow and loud's report", func() error {
		acc, err := c.Nodes[0].Accounts.Lookup(context.Background(), "mallory", quiet.domain)
		if err != nil {
			return err
		}
		if rel := alice.Relationship(acc.ID.String()); !rel.FollowedBy {
			return fmt.Errorf("not followed by quiet's actor: %+v", rel)
		}
		if n := len(c.Must(c.Do("GET", "/api/v1/admin/reports", tok, nil), 200).List(t)); n == 0 {
			return fmt.Errorf("no report yet")
		}
		return nil
	})
	reps := c.Must(c.Do("GET", "/api/v1/admin/reports", tok, nil), 200).List(t)
	if len(reps) != 1 || reps[0]["comment"] != "from loud" {
		t.Fatalf("reports: %v", reps)
	}
}
