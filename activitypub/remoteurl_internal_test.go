package activitypub

import (
	"reflect"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
)

// TestParseActorDropsUnsafeURLs: every URL of an actor document that is not https
// (http being off) is left out, and an actor without a usable id or inbox is refused.
func TestParseActorDropsUnsafeURLs(t *testing.T) {
	s := &Service{opts: Options{Client: ClientOptions{AllowHTTP: false}}, now: time.Now}
	const id = "https://remote.example/users/m"
	actor := func(edit func(map[string]any)) map[string]any {
		doc := map[string]any{"id": id, "type": "Person", "preferredUsername": "m", "inbox": id + "/inbox",
			"url": "javascript:alert(1)", "icon": map[string]any{"type": "Image", "url": "JAVASCRIPT:alert(1)"},
			"image":  map[string]any{"type": "Image", "url": "data:image/png;base64,AAAA"},
			"outbox": "vbscript:x", "followers": "\x01javascript:x", "following": "//evil.example/f",
			"featured": "http://remote.example/featured", "movedTo": "javascript:alert(1)",
			"alsoKnownAs": []any{"javascript:alert(1)", "https://old.example/users/m", "https://u:p@old.example/"},
			"endpoints":   map[string]any{"sharedInbox": "javascript:alert(1)"},
			"publicKey":   map[string]any{"id": "javascript:alert(1)", "owner": id, "publicKeyPem": "PEM"},
			"attachment": []any{map[string]any{"type": "PropertyValue", "name": "site",
				"value": `<a href="javascript:alert(1)">x</a> <a href="https://m.example/" rel="me">m</a>`}}}
		if edit != nil {
			edit(doc)
		}
		return doc
	}
	a, err := s.parseActor(id, actor(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := account.Account{URI: id, URL: id, InboxURL: id + "/inbox", AlsoKnownAs: []string{"https://old.example/users/m"}}
	got := account.Account{URI: a.URI, URL: a.URL, InboxURL: a.InboxURL, AvatarURL: a.AvatarURL, HeaderURL: a.HeaderURL,
		OutboxURL: a.OutboxURL, FollowersURL: a.FollowersURL, FollowingURL: a.FollowingURL, FeaturedURL: a.FeaturedURL,
		SharedInboxURL: a.SharedInboxURL, PublicKeyID: a.PublicKeyID, AlsoKnownAs: a.AlsoKnownAs, MovedToURI: a.MovedToURI}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("links of the actor\n got %+v\nwant %+v", got, want)
	}
	if len(a.Fields) != 1 || a.Fields[0].Value != `x <a href="https://m.example/" rel="nofollow noopener" target="_blank">m</a>` {
		t.Errorf("field %+v", a.Fields)
	}
	// setID changes the id and the key's owner together, so that only the id's form
	// is wrong.
	setID := func(v string) func(map[string]any) {
		return func(d map[string]any) { d["id"] = v; d["publicKey"].(map[string]any)["owner"] = v }
	}
	for name, edit := range map[string]func(map[string]any){
		"javascript inbox": func(d map[string]any) { d["inbox"] = "javascript:alert(1)" },
		"http inbox":       func(d map[string]any) { d["inbox"] = "http://remote.example/inbox" },
		"javascript id":    setID("javascript://remote.example/%0aalert(1)"),
		"id with userinfo": setID("https://x@remote.example/users/m"),
		"relative id":      setID("/users/m"),
	} {
		if _, err := s.parseActor(id, actor(edit)); err == nil {
			t.Errorf("%s: actor accepted", name)
		}
	}
	s.opts.Client.AllowHTTP = true
	if a, err := s.parseActor(id, actor(nil)); err != nil || a.FeaturedURL != "http://remote.example/featured" {
		t.Errorf("with http allowed: %v, featured %q", err, a.FeaturedURL)
	}
}
