package activitypub

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/text"
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

// FuzzParseActor: actor documents from anywhere never panic the parser, what it
// accepts keeps Mastodon's rules (id on the fetched host, key owned by the actor), and
// the account it makes can be stored and read back, whatever bytes the document held.
func FuzzParseActor(f *testing.F) {
	f.Add(`{"id":"https://r.example/users/a","type":"Person","preferredUsername":"a","inbox":"https://r.example/users/a/inbox","publicKey":{"id":"https://r.example/users/a#main-key","owner":"https://r.example/users/a","publicKeyPem":"x"},"icon":[{"url":"https://r.example/a.png"}],"attachment":{"type":"PropertyValue","name":"n","value":"<b>v</b>"}}`)
	f.Add(`{"id":"https://other.example/users/a","type":"Person"}`)
	f.Add(`{"id":"https://r.example/users/a","type":"Person","preferredUsername":"a","inbox":"i","publicKey":{"owner":"https://r.example/users/a"},"alsoKnownAs":["https://o.example/users/b",{"id":7}],"movedTo":{"id":"https://o.example/users/b"}}`)
	f.Add(`{"id":5,"type":["Person"],"url":{"href":7}}`)
	f.Add("{\"id\":\"https://r.example/users/a\",\"type\":\"Person\",\"preferredUsername\":\"a\",\"inbox\":\"https://r.example/i\",\"name\":\"x\\u0000y\xff\",\"summary\":\"\\ud800\",\"publicKey\":{\"owner\":\"https://r.example/users/a\"},\"attachment\":[{\"type\":\"PropertyValue\",\"name\":\"\xc0\xaf\",\"value\":\"\\u0000\"}],\"tag\":[{\"type\":\"Emoji\",\"name\":\":\xed\xa0\x80:\"}]}")
	s := NewResolver(nil, nil, nil, Options{Domain: "example.com", Scheme: "https"})
	f.Fuzz(func(t *testing.T, doc string) {
		m, err := decodeDocument([]byte(doc))
		if err != nil {
			return
		}
		a, err := s.parseActor("https://r.example/users/a", m)
		if err != nil {
			return
		}
		if a.Domain != "r.example" || a.Username == "" || a.InboxURL == "" {
			t.Fatalf("accepted %+v", a)
		}
		if err := checkStrings(reflect.ValueOf(a)); err != nil {
			t.Fatalf("accepted account holds %v", err)
		}
		b, err := store.Marshal(a)
		if err != nil {
			t.Fatalf("the account of an accepted actor cannot be stored: %v", err)
		}
		var back account.Account
		if err := store.Unmarshal(b, &back); err != nil {
			t.Fatalf("the stored account cannot be read back: %v", err)
		}
	})
}

// checkStrings applies text.CheckInput to every string reachable from v.
func checkStrings(v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		if err := text.CheckInput(v.String()); err != nil {
			return fmt.Errorf("%q: %w", v.String(), err)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return checkStrings(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if err := checkStrings(v.Field(i)); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := checkStrings(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := errors.Join(checkStrings(it.Key()), checkStrings(it.Value())); err != nil {
				return err
			}
		}
	}
	return nil
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
		v := addressedVisibility(asStrings(m["to"]), asStrings(m["cc"]), "f", asStrings(m["tag"]))
		switch v {
		case "public", "unlisted", "private", "direct":
		default:
			t.Fatalf("visibility %q", v)
		}
	})
}
