package activitypub_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestForgedNoteRefused: a server cannot speak for another. A note served by evil
// whose id and author are on beta is not taken as beta's: Herd fetches it again from
// its id, as Mastodon does, and keeps what beta says, or nothing.
func TestForgedNoteRefused(t *testing.T) {
	beta := testrig.New(t, testrig.Host(t, "beta"))
	bob := beta.Register("bob")
	real := bob.PostStatus("the real words")
	bobActor := "http://" + beta.Nodes[0].Config().Domain + "/users/bob"
	alpha := testrig.New(t, testrig.Host(t, "alpha"))
	alice := alpha.Register("alice")
	evil := newFakeRemote(t, "evil")
	forged := func(id string) map[string]any {
		return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "Note",
			"attributedTo": bobActor, "content": "<p>forged words</p>", "published": "2026-01-01T00:00:00Z",
			"to": []any{"https://www.w3.org/ns/activitystreams#Public"}}
	}
	evil.docs["/invented"] = forged(bobActor + "/statuses/1234567890")
	evil.docs["/copied"] = forged(real.URI)

	search := func(q string) []testrig.Status { return alice.Search(q, "resolve", "true").Statuses }
	if got := search("http://" + evil.domain + "/invented"); len(got) != 0 {
		t.Fatalf("a note beta never wrote was taken as bob's: %+v", got)
	}
	got := search("http://" + evil.domain + "/copied")
	if len(got) != 1 || !strings.Contains(got[0].Content, "the real words") {
		t.Fatalf("resolving a copy of bob's note: %+v, want bob's own words", got)
	}

	// The same forgery boosted through the inbox changes nothing either; mallory's
	// next activity, on the same partition, is applied after it.
	evil.post(t, alpha, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": evil.actorID() + "/boosts/1", "type": "Announce", "actor": evil.actorID(),
		"object": "http://" + evil.domain + "/invented", "to": []any{"https://www.w3.org/ns/activitystreams#Public"}})
	noteID := evil.actorID() + "/statuses/2"
	evil.post(t, alpha, map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": noteID + "/activity",
		"type": "Create", "actor": evil.actorID(), "object": map[string]any{"id": noteID, "type": "Note",
			"attributedTo": evil.actorID(), "content": "<p>after</p>", "published": "2026-01-02T00:00:00Z",
			"to": []any{"https://www.w3.org/ns/activitystreams#Public"}}})
	testrig.Eventually(t, "mallory's note after the boost", func() error {
		if found := search(noteID); len(found) != 1 {
			return fmt.Errorf("search found %d statuses", len(found))
		}
		return nil
	})
	bobOnAlpha := alice.Lookup("bob@" + beta.Nodes[0].Config().Domain)
	statuses := alpha.Must(alice.Do("GET", "/api/v1/accounts/"+bobOnAlpha.ID+"/statuses", nil), 200)
	if strings.Contains(string(statuses.Body), "forged words") {
		t.Fatalf("bob's statuses on alpha hold the forgery: %s", statuses.Body)
	}
}
