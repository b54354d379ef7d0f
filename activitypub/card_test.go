package activitypub_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// webPages is a loopback web site under a .localhost name, standing in for the pages
// statuses link to. Every path not listed is an OpenGraph page titled "Wrong", so that
// a link carded when it should not be shows.
func webPages(t *testing.T) (base string) {
	t.Helper()
	page := func(head string) string {
		return "<!doctype html><html lang=\"en\"><head>" + head + "</head><body>x</body></html>"
	}
	pages := map[string]struct{ typ, body string }{
		"/article": {"text/html; charset=utf-8", page(`<title>Not this</title>
<meta property="og:title" content="A fine article"><meta property="og:description" content="All about it">
<meta property="og:image" content="/cover.png"><meta property="og:site_name" content="Daily Loopback">
<meta property="og:type" content="article">`)},
		"/plain": {"text/html", page(`<title>Just a title</title><meta name="description" content="Plain words">`)},
		"/json":  {"application/json", `{"title":"not a page"}`},
		"/big":   {"text/html", page(`<title>Too big</title>`) + strings.Repeat("<p>padding</p>", 80_000)},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[r.URL.Path]
		if handle, by := strings.CutPrefix(r.URL.Path, "/creator/"); by { // a page by the handle
			p, ok = struct{ typ, body string }{"text/html", page(`<title>A post by someone</title>
<meta name="fediverse:creator" content="` + html.EscapeString(handle) + `">`)}, true
		}
		if !ok {
			p.typ, p.body = "text/html", page(`<meta property="og:title" content="Wrong">`)
		}
		w.Header().Set("Content-Type", p.typ)
		fmt.Fprint(w, p.body)
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return "http://pages.localhost:" + port
}

// TestLinkCards: statuses of a followed remote account that link web pages get the
// cards of the pages, on the status and in the follower's home, once fetched; mentions
// and hashtags are not carded, a page without OpenGraph falls back to its <title>, and
// a page that is not HTML or is too large gives no card.
func TestLinkCards(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	alice := c.Register("alice")
	remote, _ := followedRemote(t, c, alice)
	web := webPages(t)

	mention := `<span class="h-card"><a href="` + web + `/@bob" class="u-url mention">@<span>bob</span></a></span>`
	hashtag := `<a href="` + web + `/tags/cats" class="mention hashtag" rel="tag">#<span>cats</span></a>`
	link := func(path string) string { return `<a href="` + web + path + `" rel="nofollow">` + web + path + `</a>` }
	notes := []struct{ name, content string }{
		{"tags", "<p>" + mention + " " + hashtag + "</p>"},
		{"json", "<p>data " + link("/json") + "</p>"},
		{"big", "<p>huge " + link("/big") + "</p>"},
		{"plain", "<p>read " + link("/plain") + "</p>"},
		{"article", "<p>" + mention + " " + hashtag + " look " + link("/article") + " and " + link("/plain") + "</p>"},
	}
	uris := map[string]string{}
	for i, n := range notes {
		id := fmt.Sprintf("%s/statuses/card%d", remote.actorID(), i)
		uris[id] = n.name
		remote.post(t, c, map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id + "/activity",
			"type": "Create", "actor": remote.actorID(), "object": map[string]any{"id": id, "type": "Note",
				"attributedTo": remote.actorID(), "content": n.content, "published": "2026-01-02T00:00:00Z",
				"to": []any{"https://www.w3.org/ns/activitystreams#Public"}, "cc": []any{remote.actorID() + "/followers"}}})
	}

	// The notes are one author's, so their cards are fetched in order: once the last
	// has its card, every other one has been looked at.
	byName := map[string]testrig.Status{}
	testrig.Eventually(t, "the article's card in alice's home", func() error {
		clear(byName)
		for _, st := range alice.Home(nil) {
			if name, ok := uris[st.URI]; ok {
				byName[name] = st
			}
		}
		if a, ok := byName["article"]; !ok || a.Card == nil {
			return fmt.Errorf("home holds %d of the notes; the article has no card yet", len(byName))
		}
		return nil
	})
	if len(byName) != len(notes) {
		t.Fatalf("home holds %d of the %d notes", len(byName), len(notes))
	}
	a := *byName["article"].Card
	if a.URL != web+"/article" || a.Title != "A fine article" || a.Description != "All about it" || a.Type != "link" ||
		a.ProviderName != "Daily Loopback" || a.Image == nil || *a.Image != web+"/cover.png" || a.Language == nil || *a.Language != "en" {
		t.Errorf("article card %+v", a)
	}
	if p := byName["plain"].Card; p == nil || p.Title != "Just a title" || p.Description != "Plain words" || p.Image != nil {
		t.Errorf("plain card %+v, want the <title> and description", p)
	}
	for _, name := range []string{"tags", "json", "big"} {
		if c := byName[name].Card; c != nil {
			t.Errorf("%s note carded: %+v", name, c)
		}
	}
	// The status itself shows the card too.
	if got := alice.Status(byName["article"].ID).Card; got == nil || got.Title != "A fine article" {
		t.Errorf("GET status card %+v", got)
	}

	// Edits: the plain note now links the article and takes its card; the article's
	// note drops its links and its card.
	edit := func(i int, content string) {
		id := fmt.Sprintf("%s/statuses/card%d", remote.actorID(), i)
		remote.post(t, c, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
			"id": fmt.Sprintf("%s/update/%d", id, i), "type": "Update", "actor": remote.actorID(),
			"object": map[string]any{"id": id, "type": "Note", "attributedTo": remote.actorID(), "content": content,
				"to": []any{"https://www.w3.org/ns/activitystreams#Public"}, "cc": []any{remote.actorID() + "/followers"},
				"updated": "2030-01-01T00:00:00Z"}})
	}
	edit(3, "<p>now "+link("/article")+"</p>")
	edit(4, "<p>no links any more</p>")
	testrig.Eventually(t, "the cards after the edits", func() error {
		plain, article := alice.Status(byName["plain"].ID), alice.Status(byName["article"].ID)
		if plain.Card == nil || plain.Card.Title != "A fine article" || article.Card != nil {
			return fmt.Errorf("plain note's card %+v, article note's %+v", plain.Card, article.Card)
		}
		return nil
	})
}

// followedRemote makes a fake remote server whose mallory u follows (the Follow
// accepted), so that mallory's public posts enter u's home.
func followedRemote(t *testing.T, c *testrig.Cluster, u *testrig.User) (*fakeRemote, testrig.Account) {
	t.Helper()
	remote := newFakeRemote(t, "remote")
	remote.actor["followers"] = remote.actorID() + "/followers"
	found := u.Search("mallory@"+remote.domain, "resolve", "true")
	if len(found.Accounts) != 1 {
		t.Fatalf("search found %+v", found.Accounts)
	}
	mallory := found.Accounts[0]
	u.Relate(mallory.ID, "follow")
	var follow map[string]any
	testrig.Eventually(t, "the follow at mallory's inbox", func() error {
		for _, b := range remote.received() {
			var act map[string]any
			if json.Unmarshal(b, &act) == nil && act["type"] == "Follow" {
				follow = act
				return nil
			}
		}
		return fmt.Errorf("inbox holds %d activities, no Follow", len(remote.received()))
	})
	remote.post(t, c, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": remote.actorID() + "#accepts/1", "type": "Accept", "actor": remote.actorID(), "object": follow})
	testrig.Eventually(t, "following mallory", func() error {
		if r := u.Relationship(mallory.ID); !r.Following {
			return fmt.Errorf("relationship %+v", r)
		}
		return nil
	})
	return remote, mallory
}

// TestCardAuthorAccounts: a card's fediverse:creator names an account, shown on the
// card's author when the account lets the page's site credit it, and not otherwise.
func TestCardAuthorAccounts(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	domain := c.Nodes[0].Config().Domain
	c.Must(alice.Do("PATCH", "/api/v1/profile", url.Values{"attribution_domains[]": {"pages.localhost"}}), 200)
	c.Must(carol.Do("PATCH", "/api/v1/profile", url.Values{"attribution_domains[]": {"elsewhere.example"}}), 200)
	remote, _ := followedRemote(t, c, bob)
	web := webPages(t)
	var n int
	authorOf := func(handle string) *testrig.Account {
		n++
		page := web + "/creator/" + url.PathEscape(handle)
		id := fmt.Sprintf("%s/statuses/creator%d", remote.actorID(), n)
		remote.post(t, c, map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id + "/activity",
			"type": "Create", "actor": remote.actorID(), "object": map[string]any{"id": id, "type": "Note",
				"attributedTo": remote.actorID(), "content": `<p><a href="` + page + `">` + page + `</a></p>`,
				"published": "2026-01-02T00:00:00Z",
				"to":        []any{"https://www.w3.org/ns/activitystreams#Public"}, "cc": []any{remote.actorID() + "/followers"}}})
		var card map[string]any
		testrig.Eventually(t, "the card of "+handle+"'s page", func() error {
			for _, st := range testrig.Decode[[]map[string]any](t, c.Must(bob.Do("GET", "/api/v1/timelines/home", nil), 200)) {
				if st["uri"] == id && st["card"] != nil {
					card = st["card"].(map[string]any)
					return nil
				}
			}
			return fmt.Errorf("no card yet")
		})
		raw, _ := json.Marshal(card["authors"])
		var authors []struct {
			Name    string           `json:"name"`
			Account *testrig.Account `json:"account"`
		}
		if err := json.Unmarshal(raw, &authors); err != nil || len(authors) != 1 || authors[0].Name != handle {
			t.Fatalf("authors of %s's page: %s (%v)", handle, raw, err)
		}
		return authors[0].Account
	}
	if a := authorOf("@alice@" + domain); a == nil || a.ID != alice.ID {
		t.Errorf("alice lists the page's site: %+v", a)
	}
	if a := authorOf("@carol@" + domain); a != nil {
		t.Errorf("carol does not list the page's site: %+v", a)
	}
	if a := authorOf("@nobody@" + domain); a != nil {
		t.Errorf("an unknown handle: %+v", a)
	}
}
