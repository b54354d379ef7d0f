package activitypub

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// FuzzWebFingerResource: resource parsing never panics, and what it accepts names a
// user of this domain only.
func FuzzWebFingerResource(f *testing.F) {
	for _, s := range []string{"acct:alice@example.com", "alice@example.com", "https://example.com/users/alice",
		"https://example.com/@alice", "https://example.com/actor", "acct:@", "http://[::1", "acct:a@b@c", "@@@"} {
		f.Add(s)
	}
	s := &Service{opts: Options{Domain: "example.com", Scheme: "https"}}
	f.Fuzz(func(t *testing.T, resource string) {
		user, err := s.resourceUser(resource)
		if err != nil {
			return
		}
		if user == "" || strings.Contains(user, "/") {
			t.Fatalf("resource %q gave user %q", resource, user)
		}
	})
}

// FuzzParseActor: actor documents from anywhere never panic the parser, and what it
// accepts keeps Mastodon's rules (id on the fetched host, key owned by the actor).
func FuzzParseActor(f *testing.F) {
	f.Add(`{"id":"https://r.example/users/a","type":"Person","preferredUsername":"a","inbox":"https://r.example/users/a/inbox","publicKey":{"id":"https://r.example/users/a#main-key","owner":"https://r.example/users/a","publicKeyPem":"x"},"icon":[{"url":"https://r.example/a.png"}],"attachment":{"type":"PropertyValue","name":"n","value":"<b>v</b>"}}`)
	f.Add(`{"id":"https://other.example/users/a","type":"Person"}`)
	f.Add(`{"id":"https://r.example/users/a","type":"Person","preferredUsername":"a","inbox":"i","publicKey":{"owner":"https://r.example/users/a"},"alsoKnownAs":["https://o.example/users/b",{"id":7}],"movedTo":{"id":"https://o.example/users/b"}}`)
	f.Add(`{"id":5,"type":["Person"],"url":{"href":7}}`)
	s := &Service{opts: Options{Domain: "example.com", Scheme: "https"}, now: time.Now}
	f.Fuzz(func(t *testing.T, doc string) {
		var m map[string]any
		if json.Unmarshal([]byte(doc), &m) != nil {
			return
		}
		a, err := s.parseActor("https://r.example/users/a", m)
		if err != nil {
			return
		}
		if a.Domain != "r.example" || a.Username == "" || a.InboxURL == "" {
			t.Fatalf("accepted %+v", a)
		}
	})
}

// FuzzActivityFields: the readers of loosely typed activity fields never panic, and
// visibility is always one of the four.
func FuzzActivityFields(f *testing.F) {
	f.Add(`{"id":"x","actor":{"id":"https://a"},"object":["https://b"],"to":"https://www.w3.org/ns/activitystreams#Public","cc":[{"id":"f"}],"tag":{"type":"Mention","href":"h"}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var m map[string]any
		if json.Unmarshal([]byte(doc), &m) != nil {
			return
		}
		_ = idAny(m["actor"])
		_ = linkOf(m["url"])
		_ = idOf(json.RawMessage(doc))
		v := visibility(asStrings(m["to"]), asStrings(m["cc"]), "f", asStrings(m["tag"]))
		switch v {
		case "public", "unlisted", "private", "direct":
		default:
			t.Fatalf("visibility %q", v)
		}
	})
}
