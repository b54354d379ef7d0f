package activitypub_test

import (
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

func TestDiscoveryAndActor(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	bob := c.Register("bob")
	bob.Follow(alice)
	c.Must(alice.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"display_name": {"Alice"},
		"note": {"hi"}, "fields_attributes[0][name]": {"site"}, "fields_attributes[0][value]": {"example"}}), 200)
	domain := c.Nodes[0].Config().Domain
	base := "http://" + domain

	for _, resource := range []string{"acct:alice@" + domain, "alice@" + domain, base + "/users/alice", base + "/@alice"} {
		jrd := c.Must(c.Do("GET", "/.well-known/webfinger", "", url.Values{"resource": {resource}}), 200)
		if ct := jrd.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/jrd+json") {
			t.Fatalf("webfinger content type %q", ct)
		}
		doc := jrd.Object(t)
		if doc["subject"] != "acct:alice@"+domain {
			t.Fatalf("webfinger %s: %v", resource, doc)
		}
		self := testrig.At[map[string]any](t, doc, "links", 1)
		if self["rel"] != "self" || self["href"] != base+"/users/alice" || self["type"] != "application/activity+json" {
			t.Fatalf("self link %v", self)
		}
	}
	for _, resource := range []string{"acct:nobody@" + domain, "acct:alice@elsewhere.example"} {
		c.Must(c.Do("GET", "/.well-known/webfinger", "", url.Values{"resource": {resource}}), 404)
	}
	c.Must(c.Do("GET", "/.well-known/webfinger", "", url.Values{"resource": {"nonsense"}}), 400)

	r := c.Must(c.Do("GET", "/users/alice", "", nil), 200)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/activity+json") {
		t.Fatalf("actor content type %q", ct)
	}
	actor := r.Object(t)
	for k, want := range map[string]any{"id": base + "/users/alice", "type": "Person", "preferredUsername": "alice",
		"name": "Alice", "inbox": base + "/users/alice/inbox", "followers": base + "/users/alice/followers",
		"url": base + "/@alice", "manuallyApprovesFollowers": false} {
		if actor[k] != want {
			t.Errorf("actor %s = %v, want %v", k, actor[k], want)
		}
	}
	key := testrig.At[map[string]any](t, actor, "publicKey")
	block, _ := pem.Decode([]byte(testrig.At[string](t, key, "publicKeyPem")))
	if block == nil || key["id"] != base+"/users/alice#main-key" {
		t.Fatalf("public key %v", key)
	}
	if _, err := x509.ParsePKIXPublicKey(block.Bytes); err != nil {
		t.Fatalf("public key does not parse: %v", err)
	}
	again := c.Must(c.Do("GET", "/users/alice", "", nil), 200).Object(t)
	if testrig.At[string](t, again, "publicKey", "publicKeyPem") != key["publicKeyPem"] {
		t.Fatal("actor key changed between fetches")
	}
	if att := testrig.At[[]any](t, actor, "attachment"); len(att) != 1 || testrig.At[any](t, att[0], "type") != "PropertyValue" {
		t.Fatalf("attachment %v", att)
	}
	if eps := testrig.At[map[string]any](t, actor, "endpoints"); eps["sharedInbox"] != base+"/inbox" {
		t.Fatalf("endpoints %v", eps)
	}
	c.Must(c.Do("GET", "/users/nobody", "", nil), 404)
	followers := c.Must(c.Do("GET", "/users/alice/followers", "", nil), 200).Object(t)
	if followers["totalItems"] != 1.0 {
		t.Fatalf("followers %v", followers)
	}
	page := c.Must(c.Do("GET", "/users/alice/followers?page=true", "", nil), 200).Object(t)
	if items := testrig.At[[]any](t, page, "orderedItems"); len(items) != 1 || items[0] != base+"/users/bob" {
		t.Fatalf("followers page %v", page)
	}
	inst := c.Must(c.Do("GET", "/actor", "", nil), 200).Object(t)
	if inst["type"] != "Application" {
		t.Fatalf("instance actor %v", inst)
	}
}

func TestStatusObjectsAndOutbox(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	base := "http://" + c.Nodes[0].Config().Domain
	pub := alice.PostStatus("hello @bob #Herd", "language", "en").ID
	reply := alice.PostStatus("and more", "in_reply_to_id", pub).ID
	priv := alice.PostStatus("secret", "visibility", "private").ID
	unl := alice.PostStatus("quiet", "visibility", "unlisted").ID

	note := c.Must(c.Do("GET", "/users/alice/statuses/"+pub, "", nil), 200).Object(t)
	if note["type"] != "Note" || note["attributedTo"] != base+"/users/alice" || note["id"] != base+"/users/alice/statuses/"+pub {
		t.Fatalf("note %v", note)
	}
	if to := testrig.At[[]any](t, note, "to"); len(to) != 1 || to[0] != "https://www.w3.org/ns/activitystreams#Public" {
		t.Fatalf("public note to %v", to)
	}
	if cc := testrig.At[[]any](t, note, "cc"); len(cc) != 2 || cc[0] != base+"/users/alice/followers" || cc[1] != base+"/users/bob" {
		t.Fatalf("public note cc %v", cc)
	}
	var kinds []string
	for i := range testrig.Len(t, note, "tag") {
		kinds = append(kinds, testrig.At[string](t, note, "tag", i, "type")+" "+testrig.At[string](t, note, "tag", i, "name"))
	}
	if strings.Join(kinds, ",") != "Mention @bob@"+c.Nodes[0].Config().Domain+",Hashtag #herd" {
		t.Fatalf("tags %v", kinds)
	}
	if testrig.At[any](t, note, "contentMap", "en") != note["content"] {
		t.Fatalf("contentMap %v", note["contentMap"])
	}
	rn := c.Must(c.Do("GET", "/users/alice/statuses/"+reply, "", nil), 200).Object(t)
	if rn["inReplyTo"] != base+"/users/alice/statuses/"+pub {
		t.Fatalf("inReplyTo %v", rn["inReplyTo"])
	}
	un := c.Must(c.Do("GET", "/users/alice/statuses/"+unl, "", nil), 200).Object(t)
	if cc := testrig.At[any](t, un, "cc", 0); cc != "https://www.w3.org/ns/activitystreams#Public" {
		t.Fatalf("unlisted cc %v", un["cc"])
	}
	c.Must(c.Do("GET", "/users/alice/statuses/"+priv, "", nil), 404)
	c.Must(c.Do("GET", "/users/bob/statuses/"+pub, "", nil), 404)
	_ = bob

	outbox := c.Must(c.Do("GET", "/users/alice/outbox", "", nil), 200).Object(t)
	if outbox["totalItems"] != 4.0 || outbox["type"] != "OrderedCollection" {
		t.Fatalf("outbox %v", outbox)
	}
	first, _ := url.Parse(testrig.At[string](t, outbox, "first"))
	page := c.Must(c.Do("GET", first.RequestURI(), "", nil), 200).Object(t)
	items := testrig.At[[]any](t, page, "orderedItems")
	if len(items) != 3 { // public, reply and unlisted; not the private one
		t.Fatalf("outbox page has %d items: %v", len(items), page)
	}
	if act := testrig.At[map[string]any](t, items, 0); act["type"] != "Create" || testrig.At[any](t, act, "object", "id") != base+"/users/alice/statuses/"+unl {
		t.Fatalf("outbox item %v", act)
	}
}

func TestNodeInfoAndHostMeta(t *testing.T) {
	c := testrig.New(t)
	c.Register("alice").Post("one")
	links := c.Must(c.Do("GET", "/.well-known/nodeinfo", "", nil), 200).Object(t)
	if testrig.Len(t, links, "links") != 2 {
		t.Fatalf("nodeinfo links %v", links)
	}
	for _, v := range []string{"2.0", "2.1"} {
		ni := c.Must(c.Do("GET", "/nodeinfo/"+v, "", nil), 200).Object(t)
		usage := testrig.At[map[string]any](t, ni, "usage")
		if ni["version"] != v || usage["localPosts"] != 1.0 || testrig.At[any](t, usage, "users", "total") != 1.0 {
			t.Fatalf("nodeinfo %s: %v", v, ni)
		}
	}
	c.Must(c.Do("GET", "/nodeinfo/3.0", "", nil), 404)
	hm := c.Must(c.Do("GET", "/.well-known/host-meta", "", nil), 200)
	if !strings.Contains(string(hm.Body), "/.well-known/webfinger?resource={uri}") {
		t.Fatalf("host-meta %s", hm.Body)
	}
}

func TestPagesAndContentNegotiation(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	c.Must(alice.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"display_name": {"Alice <Liddell>"}}), 200)
	pub := alice.PostStatus("hello <world> https://example.com/x").ID
	priv := alice.PostStatus("secret", "visibility", "private").ID
	base := "http://" + c.Nodes[0].Config().Domain
	get := func(path, accept string) (int, string, string) {
		req, _ := http.NewRequest("GET", c.URL()+path, nil)
		req.Header.Set("Accept", accept)
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(b)
	}
	html := "text/html,application/xhtml+xml"
	code, _, body := get("/@alice", html)
	if code != 200 || !strings.Contains(body, "Alice &lt;Liddell&gt;") || !strings.Contains(body, "hello &lt;world&gt;") || strings.Contains(body, "secret") {
		t.Fatalf("profile page %d: %s", code, body)
	}
	if code, _, body = get("/@alice/"+pub, html); code != 200 || !strings.Contains(body, `href="https://example.com/x"`) {
		t.Fatalf("status page %d: %s", code, body)
	}
	if code, _, _ = get("/@alice/"+priv, html); code != 404 {
		t.Fatalf("private status page: %d", code)
	}
	for _, tc := range []struct{ path, accept, location string }{
		{"/users/alice", html, base + "/@alice"},
		{"/users/alice/statuses/" + pub, html, base + "/@alice/" + pub},
		{"/@alice", "application/activity+json", base + "/users/alice"},
		{"/@alice/" + pub, `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, base + "/users/alice/statuses/" + pub},
	} {
		if code, loc, _ := get(tc.path, tc.accept); code != 302 || loc != tc.location {
			t.Errorf("GET %s (%s): %d → %q, want 302 → %q", tc.path, tc.accept, code, loc, tc.location)
		}
	}
	if code, _, _ := get("/users/alice", "application/activity+json"); code != 200 {
		t.Fatalf("actor for peers: %d", code)
	}
	if code, _, _ := get("/nobody", html); code != 404 {
		t.Fatalf("a path without @: %d", code)
	}
	c.Must(c.Do("GET", "/health", "", nil), 200)
}

// A reply whose parent was deleted still federates and is still served.
func TestReplyToDeletedParent(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	parent := alice.PostStatus("parent").ID
	reply := alice.PostStatus("reply", "in_reply_to_id", parent).ID
	c.Must(alice.Do("DELETE", "/api/v1/statuses/"+parent, nil), 200)
	note := c.Must(c.Do("GET", "/users/alice/statuses/"+reply, "", nil), 200).Object(t)
	if note["inReplyTo"] != nil {
		t.Fatalf("inReplyTo of a deleted parent: %v", note["inReplyTo"])
	}
}
