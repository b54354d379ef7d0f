package activitypub_test

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// fetched is the answer to a GET of a document.
type fetched struct {
	code   int
	header http.Header
	body   string
}

// fetchDoc GETs a path of a node as a peer asks for a document: signed by keyID with
// key, or unsigned when key is nil.
func fetchDoc(t *testing.T, c *testrig.Cluster, path, keyID string, key *rsa.PrivateKey) fetched {
	t.Helper()
	req, err := http.NewRequest("GET", c.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = c.Nodes[0].Config().Domain
	req.Header.Set("Accept", "application/activity+json")
	if key != nil {
		if err := httpsig.Sign(req, nil, keyID, key, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return fetched{code: resp.StatusCode, header: resp.Header, body: string(b)}
}

// get is a GET signed by mallory.
func (f *fakeRemote) get(t *testing.T, c *testrig.Cluster, path string) fetched {
	t.Helper()
	return fetchDoc(t, c, path, f.actorID()+"#main-key", f.key)
}

func authorizedFetch(c *node.Config) { c.AuthorizedFetch = true }

// TestAuthorizedFetch: with authorized fetch on, every document but the instance
// actor's is refused to an unsigned GET and to a bad signature, and served to a
// signed one, privately and varying by signature; discovery stays open. An account
// that blocks the signer is not found for it; a signer of a suspended domain is
// refused (403).
func TestAuthorizedFetch(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"), testrig.Config(authorizedFetch))
	alice := c.Register("alice")
	post := alice.PostStatus("public, but only to signed fetches")
	domain := c.Nodes[0].Config().Domain
	mallory := newFakeRemote(t, "mallory")
	statusPath := "/users/alice/statuses/" + post.ID

	for _, path := range []string{"/users/alice", statusPath, statusPath + "/replies", "/users/alice/outbox",
		"/users/alice/outbox?page=true", "/users/alice/followers", "/users/alice/following",
		"/users/alice/collections/featured", "/users/alice/collections/tags"} {
		if got := fetchDoc(t, c, path, "", nil); got.code != 401 || !strings.Contains(got.body, "Request not signed") {
			t.Errorf("unsigned GET %s: %d %s, want 401", path, got.code, got.body)
		}
		if got := mallory.get(t, c, path); got.code != 200 {
			t.Errorf("signed GET %s: %d %s", path, got.code, got.body)
		} else if !strings.Contains(got.header.Get("Vary"), "Signature") || got.header.Get("Cache-Control") != "max-age=60, private" {
			t.Errorf("signed GET %s: Vary %q, Cache-Control %q", path, got.header.Get("Vary"), got.header.Get("Cache-Control"))
		}
	}
	// The instance actor, its key and discovery answer anyone, so that peers can
	// verify this server's own signatures.
	for _, path := range []string{"/actor", "/actor/outbox", "/.well-known/webfinger?resource=acct:alice@" + domain,
		"/.well-known/nodeinfo", "/nodeinfo/2.0", "/.well-known/host-meta"} {
		if got := fetchDoc(t, c, path, "", nil); got.code != 200 {
			t.Errorf("unsigned GET %s: %d %s, want 200", path, got.code, got.body)
		}
	}
	// A signature by another key than the one mallory's actor lists.
	forger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if got := fetchDoc(t, c, statusPath, mallory.actorID()+"#main-key", forger); got.code != 401 {
		t.Errorf("forged signature: %d %s, want 401", got.code, got.body)
	}
	// A key id that names no actor.
	if got := fetchDoc(t, c, statusPath, "http://"+mallory.domain+"/users/nobody#main-key", mallory.key); got.code != 401 {
		t.Errorf("key of nobody: %d %s, want 401", got.code, got.body)
	}

	// Alice blocks mallory: her actor and status are not found for mallory.
	found := alice.Search("@mallory@"+mallory.domain, "resolve", "true")
	if len(found.Accounts) != 1 {
		t.Fatalf("search: %+v", found)
	}
	alice.Relate(found.Accounts[0].ID, "block")
	for _, path := range []string{"/users/alice", statusPath, "/users/alice/outbox"} {
		if got := mallory.get(t, c, path); got.code != 404 {
			t.Errorf("GET %s by a blocked signer: %d %s, want 404", path, got.code, got.body)
		}
	}
	// A moderator suspends mallory's domain: its signed fetches are refused outright.
	if _, err := c.Nodes[0].AdminBlockDomain(t.Context(), strings.Split(mallory.domain, ":")[0], "suspend", ""); err != nil {
		t.Fatal(err)
	}
	if got := mallory.get(t, c, "/users/alice/followers"); got.code != 403 || !strings.Contains(got.body, "Domain not allowed") {
		t.Errorf("GET by a signer of a suspended domain: %d %s, want 403", got.code, got.body)
	}
}

// TestPublicFetchByDefault: authorized fetch is off unless set; documents are served
// to unsigned GETs then, public ones cacheable by anyone, and a bad signature makes
// the GET an anonymous one.
func TestPublicFetchByDefault(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	alice := c.Register("alice")
	post := alice.PostStatus("public to all")
	for _, path := range []string{"/users/alice", "/users/alice/statuses/" + post.ID, "/users/alice/followers"} {
		got := fetchDoc(t, c, path, "", nil)
		if got.code != 200 || got.header.Get("Cache-Control") != "max-age=60, public" {
			t.Errorf("unsigned GET %s: %d, Cache-Control %q", path, got.code, got.header.Get("Cache-Control"))
		}
	}
	forger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	mallory := newFakeRemote(t, "mallory")
	if got := fetchDoc(t, c, "/users/alice/statuses/"+post.ID, mallory.actorID()+"#main-key", forger); got.code != 200 {
		t.Errorf("GET with a bad signature: %d %s, want 200", got.code, got.body)
	}
}

// TestPrivateStatusesToSignedFetches: a followers-only status is served to the signed
// fetch of a follower and of no one else; a direct one to the accounts it mentions
// only. Authorized fetch is off: this holds either way.
func TestPrivateStatusesToSignedFetches(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	alice := c.Register("alice")
	follower, stranger := newFakeRemote(t, "follower"), newFakeRemote(t, "stranger")
	aliceURI := "http://" + c.Nodes[0].Config().Domain + "/users/alice"
	follower.post(t, c, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": follower.actorID() + "#follow-1", "type": "Follow", "actor": follower.actorID(), "object": aliceURI})
	testrig.Eventually(t, "the follow", func() error {
		if n := len(c.Anonymous().Followers(alice.ID)); n != 1 {
			return fmt.Errorf("alice has %d followers", n)
		}
		return nil
	})

	private := "/users/alice/statuses/" + alice.PostStatus("for followers", "visibility", "private").ID
	if got := follower.get(t, c, private); got.code != 200 || !strings.Contains(got.body, "for followers") {
		t.Errorf("the follower's fetch: %d %s", got.code, got.body)
	} else if got.header.Get("Cache-Control") != "max-age=60, private" {
		t.Errorf("the follower's fetch: Cache-Control %q", got.header.Get("Cache-Control"))
	}
	if got := follower.get(t, c, private+"/replies"); got.code != 200 {
		t.Errorf("the follower's fetch of the replies: %d %s", got.code, got.body)
	}
	if got := stranger.get(t, c, private); got.code != 404 {
		t.Errorf("a stranger's fetch: %d %s, want 404", got.code, got.body)
	}
	if got := fetchDoc(t, c, private, "", nil); got.code != 404 {
		t.Errorf("an unsigned fetch: %d %s, want 404", got.code, got.body)
	}
	// The follower's outbox page lists it; an anonymous one does not.
	if got := follower.get(t, c, "/users/alice/outbox?page=true"); !strings.Contains(got.body, "for followers") {
		t.Errorf("the follower's outbox: %d %s", got.code, got.body)
	}
	if got := fetchDoc(t, c, "/users/alice/outbox?page=true", "", nil); strings.Contains(got.body, "for followers") {
		t.Errorf("the anonymous outbox lists a followers-only status: %s", got.body)
	}

	direct := "/users/alice/statuses/" + alice.PostStatus("@mallory@"+stranger.domain+" just you", "visibility", "direct").ID
	if got := stranger.get(t, c, direct); got.code != 200 || !strings.Contains(got.body, "just you") {
		t.Errorf("the mentioned account's fetch: %d %s", got.code, got.body)
	}
	if got := follower.get(t, c, direct); got.code != 404 {
		t.Errorf("a follower's fetch of a direct status: %d %s, want 404", got.code, got.body)
	}
}

// TestSecureInstancesFederate: two Herd instances, both with authorized fetch on,
// still federate (every fetch either makes is signed, and the instance actors that
// sign them are open to unsigned GETs): a follow is accepted, a post delivered, and a
// reply's unknown parent fetched.
func TestSecureInstancesFederate(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"), testrig.Config(authorizedFetch))
	b := testrig.New(t, testrig.Host(t, "beta"), testrig.Config(authorizedFetch))
	alice := a.Register("alice")
	bob, carol := b.Register("bob"), b.Register("carol")
	beta := b.Nodes[0].Config().Domain
	found := alice.Search("@bob@"+beta, "resolve", "true")
	if len(found.Accounts) != 1 {
		t.Fatalf("search: %+v", found)
	}
	bobOnA := found.Accounts[0].ID
	alice.Relate(bobOnA, "follow")
	testrig.Eventually(t, "Bob's Accept", func() error {
		if rel := alice.Relationship(bobOnA); !rel.Following {
			return fmt.Errorf("relationship %+v", rel)
		}
		return nil
	})

	post := bob.PostStatus("hello from a secure beta")
	if got := fetchDoc(t, b, "/users/bob/statuses/"+post.ID, "", nil); got.code != 401 {
		t.Fatalf("unsigned GET of Bob's post on beta: %d, want 401", got.code)
	}
	testrig.Eventually(t, "Bob's post in Alice's home", func() error {
		for _, st := range alice.Home(nil) {
			if st.URI == post.URI {
				return nil
			}
		}
		return fmt.Errorf("home holds %v", testrig.StatusURIs(alice.Home(nil)))
	})

	// Carol, whom nobody on alpha follows, posts; Bob replies: alpha gets the reply and
	// fetches its parent from beta.
	root := carol.PostStatus("carol's question")
	answer := bob.PostStatus("bob's answer", "in_reply_to_id", root.ID)
	var reply testrig.Status
	testrig.Eventually(t, "Bob's reply on alpha", func() error {
		sts := alice.Search(answer.URI).Statuses
		if len(sts) != 1 {
			return fmt.Errorf("search found %d statuses", len(sts))
		}
		reply = sts[0]
		return nil
	})
	if anc := alice.Context(reply.ID).Ancestors; len(anc) != 1 || anc[0].URI != root.URI {
		t.Fatalf("ancestors on alpha: %v", testrig.StatusURIs(anc))
	}
}
