package activitypub_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/testrig"
)

// fakeRemote is a hostile server under a .localhost name: WebFinger and one actor,
// mallory, whose document the test writes.
type fakeRemote struct {
	srv    *httptest.Server
	domain string // host:port
	key    *rsa.PrivateKey
	actor  map[string]any
	docs   map[string]any // more documents, by path
	// hold, if set, is waited on before a document of docs is served.
	hold chan struct{}

	mu struct {
		sync.Mutex
		inbox [][]byte // the bodies POSTed to mallory's inbox, in order
	}
}

func newFakeRemote(t *testing.T, name string) *fakeRemote {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeRemote{key: key, docs: map[string]any{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	_, port, _ := net.SplitHostPort(f.srv.Listener.Addr().String())
	f.domain = name + ".localhost:" + port
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	id := f.actorID()
	f.actor = map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "Person",
		"preferredUsername": "mallory", "inbox": id + "/inbox",
		"publicKey": map[string]any{"id": id + "#main-key", "owner": id, "publicKeyPem": pemKey}}
	return f
}

func (f *fakeRemote) actorID() string { return "http://" + f.domain + "/users/mallory" }

func (f *fakeRemote) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/users/mallory/inbox":
		body, _ := io.ReadAll(r.Body)
		var act struct{ ID string }
		json.Unmarshal(body, &act)
		f.mu.Lock()
		// Delivery is at least once: a retry after a timed-out attempt that had
		// arrived brings the same activity again, which a server takes once.
		if !slices.ContainsFunc(f.mu.inbox, func(b []byte) bool {
			var seen struct{ ID string }
			return json.Unmarshal(b, &seen) == nil && seen.ID == act.ID && act.ID != ""
		}) {
			f.mu.inbox = append(f.mu.inbox, body)
		}
		f.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	case "/.well-known/webfinger":
		json.NewEncoder(w).Encode(map[string]any{"subject": "acct:mallory@" + f.domain, "links": []any{
			map[string]any{"rel": "self", "type": "application/activity+json", "href": f.actorID()}}})
	case "/users/mallory":
		f.mu.Lock()
		body, _ := json.Marshal(f.actor)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/activity+json")
		w.Write(body)
	default:
		f.mu.Lock()
		doc, ok := f.docs[r.URL.Path]
		hold := f.hold
		f.mu.Unlock()
		if hold != nil {
			<-hold
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		json.NewEncoder(w).Encode(doc)
	}
}

// received returns the bodies POSTed to mallory's inbox so far.
func (f *fakeRemote) received() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.mu.inbox...)
}

// post delivers an activity, signed by mallory, to a node's shared inbox.
func (f *fakeRemote) post(t *testing.T, c *testrig.Cluster, act map[string]any) {
	t.Helper()
	f.postKey(t, c, act, f.actorID()+"#main-key")
}

// postKey delivers an activity signed with mallory's key named as keyID.
func (f *fakeRemote) postKey(t *testing.T, c *testrig.Cluster, act map[string]any, keyID string) {
	t.Helper()
	body, _ := json.Marshal(act)
	req, _ := http.NewRequest("POST", c.URL()+"/inbox", bytes.NewReader(body))
	req.Host = c.Nodes[0].Config().Domain
	req.Header.Set("Content-Type", "application/activity+json")
	if err := httpsig.Sign(req, body, keyID, f.key, time.Now()); err != nil {
		t.Fatal(err)
	}
	expectAccepted(t, req)
}

// TestRemoteScriptURLsDropped: a remote actor whose links are javascript: and data:
// URLs is fetched by a mention in a local status; neither the stored account, nor
// the account entity, nor the status content carries them. A note of the actor with
// such links is stored without them.
func TestRemoteScriptURLsDropped(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	alice := c.Register("alice")
	evil := newFakeRemote(t, "evil")
	for k, v := range map[string]any{"url": "javascript:alert(document.domain)",
		"icon":   map[string]any{"type": "Image", "url": "javascript:alert(1)"},
		"image":  map[string]any{"type": "Image", "url": "data:text/html,<script>alert(1)</script>"},
		"outbox": "javascript:alert(1)", "followers": "JAVASCRIPT:alert(1)", "featured": "\x01javascript:x",
		"featuredTags": "javascript:alert(1)", "endpoints": map[string]any{"sharedInbox": "javascript:alert(1)"}, "alsoKnownAs": []any{"javascript:alert(1)"},
		"summary": `<p><a href="javascript:alert(1)">note</a></p>`,
		"attachment": []any{map[string]any{"type": "PropertyValue", "name": "site",
			"value": `<a href="javascript:alert(1)">x</a>`}}} {
		evil.actor[k] = v
	}

	// The whole entity is scanned as JSON, every field of it; the typed one is read after.
	posted := c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"hi @mallory@" + evil.domain}}), 200)
	body, _ := json.Marshal(posted.Object(t))
	if strings.Contains(strings.ToLower(string(body)), "javascript") || strings.Contains(string(body), "data:") {
		t.Fatalf("the status carries a script URL: %s", body)
	}
	st := testrig.Decode[testrig.Status](t, posted)
	if m := st.Mentions; len(m) != 1 || m[0].URL != evil.actorID() {
		t.Fatalf("mentions %+v", st.Mentions)
	}
	if !strings.Contains(st.Content, `href="`+evil.actorID()+`"`) {
		t.Fatalf("the mention does not link the actor id: %s", st.Content)
	}

	r := c.Must(alice.Do("GET", "/api/v1/accounts/lookup", url.Values{"acct": {"mallory@" + evil.domain}}), 200)
	if strings.Contains(strings.ToLower(string(r.Body)), "javascript") || strings.Contains(string(r.Body), "data:") {
		t.Fatalf("the account entity carries a script URL: %s", r.Body)
	}
	if acc := testrig.Decode[testrig.Account](t, r); acc.URL != evil.actorID() || acc.URI != evil.actorID() {
		t.Fatalf("account url %v, uri %v", acc.URL, acc.URI)
	}
	stored, err := c.Nodes[0].Accounts.Lookup(context.Background(), "mallory", evil.domain)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{"avatar": stored.AvatarURL, "header": stored.HeaderURL, "outbox": stored.OutboxURL,
		"followers": stored.FollowersURL, "featured": stored.FeaturedURL, "featured tags": stored.FeaturedTagsURL,
		"shared inbox": stored.SharedInboxURL} {
		if v != "" {
			t.Errorf("stored %s %q", name, v)
		}
	}
	if len(stored.AlsoKnownAs) != 0 {
		t.Errorf("stored alsoKnownAs %v", stored.AlsoKnownAs)
	}

	// A note of mallory's: an Article whose url and mention href are script URLs.
	noteID := evil.actorID() + "/statuses/1"
	evil.post(t, c, map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": noteID + "/activity",
		"type": "Create", "actor": evil.actorID(), "object": map[string]any{"id": noteID, "type": "Article",
			"attributedTo": evil.actorID(), "name": "an article", "url": "javascript:alert(1)",
			"content": `<p>read <a href="javascript:alert(1)">this</a></p>`,
			"tag":     []any{map[string]any{"type": "Mention", "href": "javascript:alert(1)", "name": "@x"}},
			"to":      []any{"https://www.w3.org/ns/activitystreams#Public"}, "published": "2026-01-01T00:00:00Z"}})
	// The status is kept as the JSON object it is, to scan every field of it.
	var found map[string]any
	testrig.Eventually(t, "mallory's article on alpha", func() error {
		res := c.Must(alice.Do("GET", "/api/v2/search", url.Values{"q": {noteID}}), 200).Object(t)
		if n := testrig.Len(t, res, "statuses"); n != 1 {
			return fmt.Errorf("search found %d statuses", n)
		}
		found = testrig.At[map[string]any](t, res, "statuses", 0)
		return nil
	})
	if b, _ := json.Marshal(found); strings.Contains(strings.ToLower(string(b)), "javascript") {
		t.Fatalf("the remote status carries a script URL: %s", b)
	}
	if found["url"] != noteID {
		t.Fatalf("remote status url %v, want its id", found["url"])
	}
}

// TestOldRecordRendersSafely: an account stored before URLs were checked, holding a
// javascript: URL, is never rendered with it: not as the href of a mention in a local
// status, nor as the account's url or avatar.
func TestOldRecordRendersSafely(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	ctx := context.Background()
	_, err := c.Nodes[0].Accounts.UpsertRemote(ctx, &account.Account{URI: "javascript:alert(1)", Username: "old",
		Domain: "old.example", URL: "javascript:alert(document.domain)", AvatarURL: "javascript:alert(2)",
		InboxURL: "https://old.example/inbox", FetchedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	posted := c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"hi @old@old.example"}}), 200)
	if b, _ := json.Marshal(posted.Object(t)); strings.Contains(string(b), "javascript") {
		t.Fatalf("the status carries a script URL: %s", b)
	}
	if st := testrig.Decode[testrig.Status](t, posted); !strings.Contains(st.Content, "@old@old.example") {
		t.Fatalf("content %s", st.Content)
	}
	r := c.Must(alice.Do("GET", "/api/v1/accounts/lookup", url.Values{"acct": {"old@old.example"}}), 200)
	if strings.Contains(string(r.Body), "javascript") {
		t.Fatalf("the account entity carries a script URL: %s", r.Body)
	}
}
