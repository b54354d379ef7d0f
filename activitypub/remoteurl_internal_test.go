package activitypub

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/herd-social/herd/account"
)

// TestParseActorDropsUnsafeURLs: every URL of an actor document that is not https
// (http being off) is left out, and an actor without a usable id or inbox is refused.
func TestParseActorDropsUnsafeURLs(t *testing.T) {
	s := NewResolver(nil, nil, nil, Options{Client: ClientOptions{AllowHTTP: false}})
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

// TestParseActorLimits: a remote actor keeps Mastodon's hard limits: a username that
// is not a username refuses the actor, and long names, notes and lists are cut.
func TestParseActorLimits(t *testing.T) {
	s := NewResolver(nil, nil, nil, Options{})
	const id = "https://remote.example/users/m"
	actor := func(edit func(map[string]any)) map[string]any {
		doc := map[string]any{"id": id, "type": "Person", "preferredUsername": "m", "inbox": id + "/inbox",
			"publicKey": map[string]any{"id": id + "#main-key", "owner": id, "publicKeyPem": "PEM"}}
		edit(doc)
		return doc
	}
	for _, name := range []string{"alice@evil.example", "a/b", "a b", "-a", "a.", "é", strings.Repeat("a", maxRemoteUsername+1)} {
		if _, err := s.parseActor(id, actor(func(d map[string]any) { d["preferredUsername"] = name })); !errors.Is(err, ErrInvalid) {
			t.Errorf("username %.20q: %v, want ErrInvalid", name, err)
		}
	}
	for _, name := range []string{"m", "M_1", "a.b-c", "a..b"} {
		if _, err := s.parseActor(id, actor(func(d map[string]any) { d["preferredUsername"] = name })); err != nil {
			t.Errorf("username %q: %v", name, err)
		}
	}
	// An instance actor is named after its domain, port included.
	instance := actor(func(d map[string]any) { d["preferredUsername"], d["type"] = "remote.example:8443", "Application" })
	if _, err := s.parseActor(id, instance); err != nil {
		t.Errorf("instance actor: %v", err)
	}
	instance["type"] = "Person"
	if _, err := s.parseActor(id, instance); !errors.Is(err, ErrInvalid) {
		t.Errorf("a person named with a port: %v, want ErrInvalid", err)
	}
	var fields, aka []any
	for i := range 300 {
		fields = append(fields, map[string]any{"type": "PropertyValue", "name": "n", "value": "v"})
		aka = append(aka, "https://old.example/users/"+strconv.Itoa(i))
	}
	a, err := s.parseActor(id, actor(func(d map[string]any) {
		d["name"] = strings.Repeat("é", maxRemoteDisplayName) // twice the limit in bytes
		d["summary"] = strings.Repeat("x", 1<<20)
		d["attachment"], d["alsoKnownAs"] = fields, aka
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.DisplayName) != maxRemoteDisplayName || !utf8.ValidString(a.DisplayName) {
		t.Errorf("display name of %d bytes", len(a.DisplayName))
	}
	if len(a.Note) > maxRemoteNote+len("<p></p>") {
		t.Errorf("note of %d bytes", len(a.Note))
	}
	if len(a.Fields) != maxRemoteFields || len(a.AlsoKnownAs) != maxAlsoKnownAs {
		t.Errorf("%d fields, %d aliases", len(a.Fields), len(a.AlsoKnownAs))
	}
}

// TestParseActorProfileExtras: a remote actor's pictures' alt text (the Image's name)
// and its attribution domains (normalised, invalid ones dropped) are kept.
func TestParseActorProfileExtras(t *testing.T) {
	s := NewResolver(nil, nil, nil, Options{})
	const id = "https://remote.example/users/m"
	doc := map[string]any{"id": id, "type": "Person", "preferredUsername": "m", "inbox": id + "/inbox",
		"publicKey":          map[string]any{"id": id + "#main-key", "owner": id, "publicKeyPem": "PEM"},
		"icon":               []any{map[string]any{"type": "Image", "url": "https://remote.example/a.png", "name": "a dog"}},
		"image":              map[string]any{"type": "Image", "url": "https://remote.example/h.png"},
		"attributionDomains": []any{"https://Blog.example", "not a domain", "*.news.example", 7}}
	a, err := s.parseActor(id, doc)
	if err != nil {
		t.Fatal(err)
	}
	if a.AvatarDescription != "a dog" || a.HeaderDescription != "" ||
		!reflect.DeepEqual(a.AttributionDomains, []string{"blog.example", "news.example"}) {
		t.Errorf("got avatar %q, header %q, domains %v", a.AvatarDescription, a.HeaderDescription, a.AttributionDomains)
	}
}
