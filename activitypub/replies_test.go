package activitypub_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/testrig"
)

// refreshHeader is the Mastodon-Async-Refresh header of a thread being crawled.
var refreshHeader = regexp.MustCompile(`^id="([A-Za-z0-9_-]+)", retry=3, result_count=(\d+)$`)

// asyncRefresh is the body of GET /api/v1_alpha/async_refreshes/:id.
type asyncRefresh struct {
	AsyncRefresh struct {
		ID          string `json:"id"`
		Status      string `json:"status"`
		ResultCount int    `json:"result_count"`
	} `json:"async_refresh"`
}

// thread serves on f a remote thread: a root note whose replies collection has three
// pages (the first embedding a reply, which has replies of its own), and returns the
// root's id and the ids of the five replies.
func thread(f *fakeRemote) (root string, replies []string) {
	base := f.actorID() + "/statuses/"
	note := func(n int, parent string, repliesOf any) map[string]any {
		doc := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": base + fmt.Sprint(n),
			"type": "Note", "attributedTo": f.actorID(), "content": fmt.Sprintf("<p>note %d</p>", n),
			"to": []any{"https://www.w3.org/ns/activitystreams#Public"}, "published": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)}
		if parent != "" {
			doc["inReplyTo"] = parent
		}
		if repliesOf != nil {
			doc["replies"] = repliesOf
		}
		return doc
	}
	path := func(id string) string { return strings.TrimPrefix(id, "http://"+f.domain) }
	root = base + "1"
	page := func(n int, items []any, next string) map[string]any {
		p := map[string]any{"id": root + fmt.Sprintf("/replies/p%d", n), "type": "CollectionPage", "partOf": root + "/replies", "items": items}
		if next != "" {
			p["next"] = next
		}
		return p
	}
	f.docs[path(root)] = note(1, "", map[string]any{"id": root + "/replies", "type": "Collection", "first": root + "/replies/p1"})
	second := note(2, root, map[string]any{"id": base + "2/replies", "type": "Collection",
		"first": map[string]any{"type": "CollectionPage", "items": []any{base + "6"}}})
	f.docs[path(root+"/replies/p1")] = page(1, []any{second, base + "3"}, root+"/replies/p2")
	f.docs[path(root+"/replies/p2")] = page(2, []any{base + "4"}, root+"/replies/p3")
	f.docs[path(root+"/replies/p3")] = page(3, []any{base + "5", base + "3"}, "")
	f.docs[path(base+"2")] = second
	for n, parent := range map[int]string{3: root, 4: root, 5: root, 6: base + "2"} {
		f.docs[path(base+fmt.Sprint(n))] = note(n, parent, nil)
	}
	for n := 2; n <= 6; n++ {
		replies = append(replies, base+fmt.Sprint(n))
	}
	return root, replies
}

// TestContextCrawlsReplies: a signed-in user opening the thread of a remote status
// starts the crawl of its replies collection, page after page and into the replies of
// replies, named by the Mastodon-Async-Refresh header; polling the refresh reaches
// finished with the count of new replies, which are then in the thread. The crawl is
// not started again while it runs (a second reader gets the same refresh) or within
// the cooldown, nor by an anonymous reader.
func TestContextCrawlsReplies(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	alice := c.Register("alice")
	far := newFakeRemote(t, "far")
	rootURI, replyURIs := thread(far)

	found := alice.Search(rootURI, "resolve", "true").Statuses
	if len(found) != 1 {
		t.Fatalf("search found %d statuses", len(found))
	}
	path := "/api/v1/statuses/" + found[0].ID + "/context"
	if r := c.Must(c.Do("GET", path, "", nil), 200); r.Header.Get("Mastodon-Async-Refresh") != "" {
		t.Fatalf("an anonymous reader got a refresh: %s", r.Header.Get("Mastodon-Async-Refresh"))
	}
	hold := make(chan struct{}) // the crawl waits until the thread is opened twice
	var release sync.Once
	t.Cleanup(func() { release.Do(func() { close(hold) }) }) // before the server closes
	far.mu.Lock()
	far.hold = hold
	far.mu.Unlock()
	opened := c.Must(alice.Do("GET", path, nil), 200)
	m := refreshHeader.FindStringSubmatch(opened.Header.Get("Mastodon-Async-Refresh"))
	if m == nil {
		t.Fatalf("Mastodon-Async-Refresh %q", opened.Header.Get("Mastodon-Async-Refresh"))
	}
	id := m[1]
	if again := c.Must(alice.Do("GET", path, nil), 200).Header.Get("Mastodon-Async-Refresh"); again != opened.Header.Get("Mastodon-Async-Refresh") {
		t.Fatalf("while the crawl waits on the remote, a second reader got %q", again)
	}
	if r := testrig.Decode[asyncRefresh](t, c.Must(alice.Do("GET", "/api/v1_alpha/async_refreshes/"+id, nil), 200)); r.AsyncRefresh.Status != "running" {
		t.Fatalf("refresh while the remote holds its answers: %+v", r.AsyncRefresh)
	}
	far.mu.Lock()
	far.hold = nil
	far.mu.Unlock()
	release.Do(func() { close(hold) })

	var last asyncRefresh
	testrig.Eventually(t, "the refresh finished", func() error {
		last = testrig.Decode[asyncRefresh](t, c.Must(alice.Do("GET", "/api/v1_alpha/async_refreshes/"+id, nil), 200))
		if last.AsyncRefresh.Status != "finished" {
			return fmt.Errorf("refresh %+v", last.AsyncRefresh)
		}
		return nil
	})
	if got := last.AsyncRefresh; got.ID != id || got.ResultCount != len(replyURIs) {
		t.Fatalf("refresh %+v, want id %s and %d results", got, id, len(replyURIs))
	}
	ctx := alice.Context(found[0].ID)
	got := testrig.StatusURIs(ctx.Descendants)
	slices.Sort(got)
	if !slices.Equal(got, replyURIs) {
		t.Fatalf("descendants %v, want %v", got, replyURIs)
	}

	if h := c.Must(alice.Do("GET", path, nil), 200).Header.Get("Mastodon-Async-Refresh"); h != "" {
		t.Fatalf("a second crawl within the cooldown: %s", h)
	}
	c.Must(alice.Do("GET", "/api/v1_alpha/async_refreshes/"+id+"x", nil), 404)
	c.Must(c.Do("GET", "/api/v1_alpha/async_refreshes/"+id, "", nil), 401)
}
