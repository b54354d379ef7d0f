package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

// TestDomainBlockStream: a user who blocks a remote domain does not get its public
// posts on the public stream, while another user of the same server does.
func TestDomainBlockStream(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"))
	alice, carol, dave, bob := a.Register("alice"), a.Register("carol"), a.Register("dave"), b.Register("bob")
	betaDomain := b.Nodes[0].Config().Domain
	found := carol.Search("@bob@"+betaDomain, "resolve", "true")
	if len(found.Accounts) != 1 {
		t.Fatalf("search: %+v", found)
	}
	carol.Relate(found.Accounts[0].ID, "follow")
	testrig.Eventually(t, "carol follows bob", func() error {
		if rel := carol.Relationship(found.Accounts[0].ID); !rel.Following {
			return fmt.Errorf("relationship %+v", rel)
		}
		return nil
	})
	a.Must(alice.Do("POST", "/api/v1/domain_blocks", url.Values{"domain": {betaDomain}}), 200)
	blocker := dialWS(t, a, alice.Token, "stream=public")
	control := dialWS(t, a, dave.Token, "stream=public")
	waitSubscribers(t, a, stream.Public(stream.Everywhere, false), 2)

	post := bob.PostStatus("words from beta")
	if got := control.expect("public", "update").status(t); got.URI != post.URI {
		t.Fatalf("dave's stream: %s, want bob's post", got.URI)
	}
	testrig.Eventually(t, "bob's post in alpha's public timeline", func() error {
		var l []testrig.Status
		a.Anonymous().Do("GET", "/api/v1/timelines/public", nil).JSON(t, &l)
		if !slices.Contains(testrig.StatusURIs(l), post.URI) {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	carol.PostStatus("words from alpha")
	if got := blocker.expect("public", "update").status(t); !strings.Contains(got.Content, "words from alpha") {
		t.Fatalf("alice's stream: %q, want carol's post", got.Content)
	}
}
