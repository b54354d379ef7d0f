package activitypub_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestTwoInstancesFederate runs two Herd instances on loopback under distinct host
// names and checks every effect through the client API on the other side.
func TestTwoInstancesFederate(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"))
	alice, bob := a.Register("alice"), b.Register("bob")
	betaDomain := b.Nodes[0].Config().Domain
	early := bob.Post("written before anyone followed")
	alphaDomain := a.Nodes[0].Config().Domain

	// Alice finds Bob by handle (WebFinger, then his actor) and follows him.
	found := a.Must(alice.Do("GET", "/api/v2/search", url.Values{"q": {"@bob@" + betaDomain}, "resolve": {"true"}}), 200).Object(t)
	accs := found["accounts"].([]any)
	if len(accs) != 1 || accs[0].(map[string]any)["acct"] != "bob@"+betaDomain {
		t.Fatalf("search: %v", found)
	}
	bobOnA := accs[0].(map[string]any)["id"].(string)
	rel := a.Must(alice.Do("POST", "/api/v1/accounts/"+bobOnA+"/follow", nil), 200).Object(t)
	if rel["requested"] != true && rel["following"] != true {
		t.Fatalf("follow: %v", rel)
	}
	testrig.Eventually(t, "Bob's Accept", func() error {
		if rel := alice.Relationship(bobOnA); !rel.Following {
			return fmt.Errorf("relationship %+v", rel)
		}
		return nil
	})
	// The follow backfills Bob's earlier posts into Alice's home.
	testrig.Eventually(t, "the backfill of Bob's earlier post", func() error {
		home := a.Must(alice.Do("GET", "/api/v1/timelines/home", nil), 200).List(t)
		if len(home) != 1 || home[0]["uri"] != early["uri"] {
			return fmt.Errorf("home holds %d statuses: %v", len(home), uris(home))
		}
		return nil
	})
	followers := b.Must(b.Do("GET", "/api/v1/accounts/"+bob.ID+"/followers", "", nil), 200).List(t)
	if len(followers) != 1 || followers[0]["acct"] != "alice@"+alphaDomain {
		t.Fatalf("Bob's followers: %v", followers)
	}

	// Bob posts; the post reaches Alice's home.
	post := bob.Post("Hello from beta #fediverse")
	var onA map[string]any
	testrig.Eventually(t, "Bob's post in Alice's home", func() error {
		home := a.Must(alice.Do("GET", "/api/v1/timelines/home", nil), 200).List(t)
		for _, st := range home {
			if strings.Contains(st["content"].(string), "Hello from beta") {
				onA = st
				return nil
			}
		}
		return fmt.Errorf("home holds %v", uris(home))
	})
	if onA["account"].(map[string]any)["acct"] != "bob@"+betaDomain || onA["uri"] != post["uri"] {
		t.Fatalf("Bob's post on alpha: %v", onA)
	}
	postOnA := onA["id"].(string)

	// Alice replies, favourites and boosts; Bob hears of each.
	alice.Post("@bob@"+betaDomain+" hello back", "in_reply_to_id", postOnA)
	a.Must(alice.Do("POST", "/api/v1/statuses/"+postOnA+"/favourite", nil), 200)
	a.Must(alice.Do("POST", "/api/v1/statuses/"+postOnA+"/reblog", nil), 200)
	testrig.Eventually(t, "Bob's notifications", func() error {
		ns := b.Must(bob.Do("GET", "/api/v1/notifications", nil), 200).List(t)
		kinds := map[any]bool{}
		for _, n := range ns {
			kinds[n["type"]] = true
		}
		if !kinds["follow"] || !kinds["mention"] || !kinds["favourite"] || !kinds["reblog"] {
			return fmt.Errorf("notification types %v, want follow, mention, favourite and reblog", kinds)
		}
		return nil
	})
	ctx := b.Must(b.Do("GET", "/api/v1/statuses/"+post["id"].(string)+"/context", "", nil), 200).Object(t)
	if d := ctx["descendants"].([]any); len(d) != 1 {
		t.Fatalf("Bob's thread: %v", ctx)
	}
	got := b.Must(bob.Do("GET", "/api/v1/statuses/"+post["id"].(string), nil), 200).Object(t)
	if got["favourites_count"] != 1.0 || got["reblogs_count"] != 1.0 || got["replies_count"] != 1.0 {
		t.Fatalf("counts on beta: %v", got)
	}

	// Bob edits, then deletes; Alice sees both.
	b.Must(bob.Do("PUT", "/api/v1/statuses/"+post["id"].(string), url.Values{"status": {"Edited on beta"}}), 200)
	testrig.Eventually(t, "the edit on alpha", func() error {
		st := a.Must(alice.Do("GET", "/api/v1/statuses/"+postOnA, nil), 200).Object(t)
		if !strings.Contains(st["content"].(string), "Edited on beta") || st["edited_at"] == nil {
			return fmt.Errorf("content %q, edited_at %v", st["content"], st["edited_at"])
		}
		return nil
	})
	b.Must(bob.Do("DELETE", "/api/v1/statuses/"+post["id"].(string), nil), 200)
	testrig.Eventually(t, "the delete on alpha", func() error {
		if code := alice.Do("GET", "/api/v1/statuses/"+postOnA, nil).Code; code != 404 {
			return fmt.Errorf("GET the status: %d, want 404", code)
		}
		return nil
	})

	// Bob blocks Alice: the follow ends on both sides.
	aliceOnB := followers[0]["id"].(string)
	b.Must(bob.Do("POST", "/api/v1/accounts/"+aliceOnB+"/block", nil), 200)
	testrig.Eventually(t, "the block on alpha", func() error {
		if rel := alice.Relationship(bobOnA); rel.Following || !rel.BlockedBy {
			return fmt.Errorf("relationship %+v", rel)
		}
		return nil
	})
}

// TestThreadsFillIn: a reply whose parent is unknown brings its ancestors along, and
// opening a remote thread fetches the replies its server lists.
func TestThreadsFillIn(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"))
	alice := a.Register("alice")
	bob, carol := b.Register("bob"), b.Register("carol")
	beta := b.Nodes[0].Config().Domain
	found := a.Must(alice.Do("GET", "/api/v2/search", url.Values{"q": {"bob@" + beta}, "resolve": {"true"}}), 200).Object(t)
	bobOnA := found["accounts"].([]any)[0].(map[string]any)["id"].(string)
	a.Must(alice.Do("POST", "/api/v1/accounts/"+bobOnA+"/follow", nil), 200)
	testrig.Eventually(t, "the follow", func() error {
		if n := len(b.Must(b.Do("GET", "/api/v1/accounts/"+bob.ID+"/followers", "", nil), 200).List(t)); n != 1 {
			return fmt.Errorf("bob has %d followers", n)
		}
		return nil
	})

	// Carol, whom nobody on alpha follows, posts; Bob replies; Alice gets the reply and
	// its ancestor.
	root := carol.Post("carol's question")
	answer := bob.Post("bob's answer", "in_reply_to_id", root["id"].(string))
	// A reply to someone Alice does not follow stays out of her home, as in Mastodon;
	// it is on alpha all the same.
	var reply map[string]any
	testrig.Eventually(t, "Bob's reply on alpha", func() error {
		found := a.Must(alice.Do("GET", "/api/v2/search", url.Values{"q": {answer["uri"].(string)}}), 200).Object(t)
		sts := found["statuses"].([]any)
		if len(sts) != 1 {
			return fmt.Errorf("search found %d statuses", len(sts))
		}
		reply = sts[0].(map[string]any)
		return nil
	})
	if reply["in_reply_to_id"] == nil {
		t.Fatalf("the reply lost its parent: %v", reply)
	}
	ctx := a.Must(alice.Do("GET", "/api/v1/statuses/"+reply["id"].(string)+"/context", nil), 200).Object(t)
	if anc := ctx["ancestors"].([]any); len(anc) != 1 || anc[0].(map[string]any)["uri"] != root["uri"] {
		t.Fatalf("ancestors on alpha: %v", ctx["ancestors"])
	}

	// Carol answers Bob; alpha does not get it (nobody follows Carol), until Alice opens
	// the thread.
	carol.Post("carol's thanks", "in_reply_to_id", root["id"].(string))
	rootOnA := ctx["ancestors"].([]any)[0].(map[string]any)["id"].(string)
	testrig.Eventually(t, "the replies fetched on opening the thread", func() error {
		ctx := a.Must(alice.Do("GET", "/api/v1/statuses/"+rootOnA+"/context", nil), 200).Object(t)
		if n := len(ctx["descendants"].([]any)); n != 2 {
			return fmt.Errorf("%d descendants, want 2", n)
		}
		return nil
	})
}

// uris lists the "uri" fields of statuses, for failure messages.
func uris(statuses []map[string]any) []any {
	out := make([]any, len(statuses))
	for i, st := range statuses {
		out[i] = st["uri"]
	}
	return out
}
