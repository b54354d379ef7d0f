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

// TestDomainBlockStreamRules: Mastodon's rules for a user's domain block on streams.
// The public stream keeps out the posts of an account of the blocked domain even
// when the user follows it (while the user stream, the home feed, carries them),
// and does not keep out a post that merely mentions such an account; a boost of such
// an account's post reaches no stream, even from a followed booster.
func TestDomainBlockStreamRules(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"))
	alice, carol, dave, bob := a.Register("alice"), a.Register("carol"), a.Register("dave"), b.Register("bob")
	alice.Follow(dave)
	betaDomain := b.Nodes[0].Config().Domain
	for _, u := range []*testrig.User{alice, carol} {
		if found := u.Search("@bob@"+betaDomain, "resolve", "true"); len(found.Accounts) != 1 {
			t.Fatalf("search: %+v", found)
		}
	}
	a.Must(alice.Do("POST", "/api/v1/domain_blocks", url.Values{"domain": {betaDomain}}), 200)
	ws := dialWS(t, a, alice.Token, "stream=public")
	ws.send(map[string]string{"type": "subscribe", "stream": "user"})
	waitSubscribers(t, a, stream.Public(stream.Everywhere, false), 1)
	waitSubscribers(t, a, stream.User(id(t, alice.ID)), 1)

	mention := carol.PostStatus("hello @bob@" + betaDomain)
	if got := ws.expect("public", "update").status(t); got.ID != mention.ID {
		t.Fatalf("alice's public stream: %s, want carol's mention of bob", got.ID)
	}

	bobID := alice.Search("@bob@"+betaDomain, "resolve", "true").Accounts[0].ID
	alice.Relate(bobID, "follow") // after the block: a domain block ends earlier follows
	testrig.Eventually(t, "alice follows bob", func() error {
		if rel := alice.Relationship(bobID); !rel.Following {
			return fmt.Errorf("relationship %+v", rel)
		}
		return nil
	})
	post := bob.PostStatus("words from beta #betawords")
	local := ws.expect("user", "update").status(t)
	if local.URI != post.URI {
		t.Fatalf("alice's user stream: %s, want bob's post", local.URI)
	}
	for _, path := range []string{"/api/v1/timelines/public", "/api/v1/timelines/tag/betawords"} {
		testrig.Eventually(t, "carol sees bob's post on "+path, func() error {
			return hasStatus(t, a.Must(carol.Do("GET", path, nil), 200), local.ID, true)
		})
		if err := hasStatus(t, a.Must(alice.Do("GET", path, nil), 200), local.ID, false); err != nil {
			t.Fatalf("alice, who blocks beta and follows bob: %s: %v", path, err)
		}
	}
	marker := carol.PostStatus("words from alpha")
	noneBefore(t, ws, local.ID, "bob's post", "public", marker.ID)

	var boost testrig.Status
	a.Must(dave.Do("POST", "/api/v1/statuses/"+local.ID+"/reblog", nil), 200).JSON(t, &boost)
	after := dave.PostStatus("more words from alpha")
	noneBefore(t, ws, boost.ID, "dave's boost of bob's post", "user", after.ID)
}

// hasStatus reports whether the page of statuses r holds the status id as want says.
func hasStatus(t *testing.T, r *testrig.Response, id string, want bool) error {
	t.Helper()
	for _, st := range testrig.Decode[[]testrig.Status](t, r) {
		if st.ID == id {
			if want {
				return nil
			}
			return fmt.Errorf("status %s is on the page", id)
		}
	}
	if want {
		return fmt.Errorf("status %s is not on the page", id)
	}
	return nil
}

// noneBefore reads ws's status frames until the marker status arrives on stream,
// failing when the status forbidden (named what) arrives on any stream first.
func noneBefore(t *testing.T, ws *wsClient, forbidden, what, stream, marker string) {
	t.Helper()
	for {
		f := ws.next()
		got := f.status(t)
		if got.ID == forbidden {
			t.Fatalf("%s reached alice's %s stream", what, f.Stream[0])
		}
		if f.on(stream) && got.ID == marker {
			return
		}
	}
}
