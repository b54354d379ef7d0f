package activitypub_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/testrig"
)

// trendingLink is the part of a Trends::Link (and its admin view) the test reads.
type trendingLink struct {
	ID             string `json:"id"`
	URL            string `json:"url"`
	Title          string `json:"title"`
	Domain         string `json:"domain"`
	RequiresReview bool   `json:"requires_review"`
	History        []struct {
		Accounts string `json:"accounts"`
	} `json:"history"`
}

// TestTrendingLinks: a remote note linking a page, boosted by five local accounts,
// makes the page's link trend (its card, six accounts today) once moderators
// approve its publisher; the link's timeline lists the note; a rejected link leaves
// the trends and its timeline is 404.
func TestTrendingLinks(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	_, admin := c.RegisterModerator("mod")
	alice := c.Register("alice")
	remote := newFakeRemote(t, "remote")
	remote.actor["followers"] = remote.actorID() + "/followers"
	remote.actor["discoverable"] = true
	web := webPages(t)
	article := web + "/article"

	found := alice.Search("mallory@"+remote.domain, "resolve", "true")
	if len(found.Accounts) != 1 {
		t.Fatalf("search found %+v", found.Accounts)
	}
	alice.Relate(found.Accounts[0].ID, "follow")
	var follow map[string]any
	testrig.Eventually(t, "alice's follow at mallory's inbox", func() error {
		for _, b := range remote.received() {
			if json.Unmarshal(b, &follow) == nil && follow["type"] == "Follow" {
				return nil
			}
		}
		return fmt.Errorf("inbox holds %d activities, no Follow", len(remote.received()))
	})
	remote.post(t, c, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": remote.actorID() + "#accepts/1", "type": "Accept", "actor": remote.actorID(), "object": follow})
	testrig.Eventually(t, "alice following mallory", func() error {
		if r := alice.Relationship(found.Accounts[0].ID); !r.Following {
			return fmt.Errorf("relationship %+v", r)
		}
		return nil
	})
	id := remote.actorID() + "/statuses/news"
	remote.post(t, c, map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id + "/activity",
		"type": "Create", "actor": remote.actorID(), "object": map[string]any{"id": id, "type": "Note",
			"attributedTo": remote.actorID(), "published": time.Now().UTC().Format(time.RFC3339),
			"content": `<p>read <a href="` + article + `" rel="nofollow">` + article + `</a></p>`,
			"to":      []any{"https://www.w3.org/ns/activitystreams#Public"}, "cc": []any{remote.actorID() + "/followers"}}})
	var note testrig.Status
	testrig.Eventually(t, "mallory's note carded in alice's home", func() error {
		for _, st := range alice.Home(nil) {
			if st.URI == id && st.Card != nil {
				note = st
				return nil
			}
		}
		return fmt.Errorf("no carded note yet")
	})
	for i := range 5 {
		c.Register(fmt.Sprintf("booster%d", i)).Act(note.ID, "reblog")
	}

	list := func(path, token string) ([]trendingLink, error) {
		r := c.Do("GET", path, token, nil)
		if r.Code != 200 {
			return nil, fmt.Errorf("GET %s: %d %s", path, r.Code, r.Body)
		}
		var out []trendingLink
		r.JSON(t, &out)
		return out, nil
	}
	eventually := func(path, token string, want int) []trendingLink {
		var got []trendingLink
		testrig.Eventually(t, path, func() error {
			var err error
			if got, err = list(path, token); err != nil {
				return err
			}
			if len(got) != want {
				return fmt.Errorf("%s lists %+v, want %d", path, got, want)
			}
			return nil
		})
		return got
	}
	// The link is listed from its second account on: wait for all six (the author and
	// the five boosters).
	testrig.Eventually(t, "the link's six accounts", func() error {
		links := eventually("/api/v1/admin/trends/links", admin, 1)
		if l := links[0]; l.History[0].Accounts != "6" {
			return fmt.Errorf("admin view of the link: %+v", l)
		}
		return nil
	})
	links := eventually("/api/v1/admin/trends/links", admin, 1)
	if l := links[0]; l.URL != article || l.Title != "A fine article" || !l.RequiresReview || l.History[0].Accounts != "6" {
		t.Fatalf("admin view of the link: %+v", l)
	}
	if got, err := list("/api/v1/trends/links", ""); err != nil || len(got) != 0 {
		t.Fatalf("unreviewed link trends: %+v %v", got, err)
	}
	pubs := eventually("/api/v1/admin/trends/links/publishers", admin, 1)
	if u, _ := url.Parse(web); pubs[0].Domain != u.Hostname() || !pubs[0].RequiresReview {
		t.Fatalf("publishers: %+v", pubs)
	}
	c.Must(c.Do("POST", "/api/v1/admin/trends/links/publishers/"+pubs[0].ID+"/approve", admin, nil), 200)
	got := eventually("/api/v1/trends/links", "", 1)
	if got[0].URL != article || got[0].ID != "" {
		t.Fatalf("trending link %+v", got[0])
	}

	timeline := c.Must(c.Do("GET", "/api/v1/timelines/link?url="+url.QueryEscape(article), "", nil), 200)
	var sts []testrig.Status
	timeline.JSON(t, &sts)
	if ids := testrig.StatusIDs(sts); !slices.Equal(ids, []string{note.ID}) {
		t.Fatalf("link timeline %v, want the note %s", ids, note.ID)
	}
	if r := c.Do("GET", "/api/v1/timelines/link?url="+url.QueryEscape(web+"/plain"), "", nil); r.Code != 404 {
		t.Fatalf("timeline of a link not trending: %d", r.Code)
	}

	r := c.Must(c.Do("POST", "/api/v1/admin/trends/links/"+links[0].ID+"/reject", admin, nil), 200)
	if !strings.Contains(string(r.Body), `"requires_review":false`) {
		t.Fatalf("rejected link: %s", r.Body)
	}
	eventually("/api/v1/trends/links", "", 0)
	if r := c.Do("GET", "/api/v1/timelines/link?url="+url.QueryEscape(article), "", nil); r.Code != 404 {
		t.Fatalf("timeline of a rejected link: %d", r.Code)
	}
}
