package activitypub_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestDomainSilence: a silencing block of beta on alpha silences the beta account
// alpha knows and those it meets later, so that their follows of alice wait for her
// approval; lifting the block unsilences them.
func TestDomainSilence(t *testing.T) {
	a, b, alice, bob := pair(t)
	carol := b.Register("carol")
	alphaDomain, betaDomain := a.Nodes[0].Config().Domain, b.Nodes[0].Config().Domain
	bobOnA := resolve(t, a, alice, "@bob@"+betaDomain)
	_, tok := a.RegisterModerator("mod")
	limited := func(id string) bool {
		return alice.Do("GET", "/api/v1/accounts/"+id, nil).Object(t)["limited"] == true
	}
	if limited(bobOnA) {
		t.Fatal("bob limited before the block")
	}
	block := a.Must(a.Do("POST", "/api/v1/admin/domain_blocks", tok, url.Values{"domain": {"beta.localhost"},
		"severity": {"silence"}}), 200).Object(t)
	if !limited(bobOnA) {
		t.Fatal("bob not limited after the block")
	}
	for _, u := range []*testrig.User{bob, carol} {
		aliceOnB := resolve(t, b, u, "@alice@"+alphaDomain)
		b.Must(u.Do("POST", "/api/v1/accounts/"+aliceOnB+"/follow", nil), 200)
		testrig.Eventually(t, u.Name+"'s follow request on alpha", func() error {
			var reqs []testrig.Account
			a.Must(alice.Do("GET", "/api/v1/follow_requests", nil), 200).JSON(t, &reqs)
			for _, r := range reqs {
				if r.Acct == u.Name+"@"+betaDomain {
					return nil
				}
			}
			return fmt.Errorf("requests %v", testrig.AccountIDs(reqs))
		})
		if rel := u.On(b.With(t)).Relationship(aliceOnB); rel.Following || !rel.Requested {
			t.Fatalf("%s→alice on beta: %+v", u.Name, rel)
		}
	}
	carolOnA := resolve(t, a, alice, "@carol@"+betaDomain)
	if !limited(carolOnA) {
		t.Fatal("carol, met after the block, not limited")
	}

	a.Must(a.Do("DELETE", "/api/v1/admin/domain_blocks/"+block["id"].(string), tok, nil), 200)
	if limited(bobOnA) || limited(carolOnA) {
		t.Fatalf("limited after the unblock: bob %v, carol %v", limited(bobOnA), limited(carolOnA))
	}
}
