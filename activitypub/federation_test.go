package activitypub_test

import (
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
	testrig.Eventually(t, "Bob's Accept", func() bool {
		rels := a.Must(alice.Do("GET", "/api/v1/accounts/relationships", url.Values{"id[]": {bobOnA}}), 200).List(t)
		return rels[0]["following"] == true
	})
	// The follow backfills Bob's earlier posts into Alice's home.
	testrig.Eventually(t, "the backfill of Bob's earlier post", func() bool {
		home := a.Must(alice.Do("GET", "/api/v1/timelines/home", nil), 200).List(t)
		return len(home) == 1 && home[0]["uri"] == early["uri"]
	})
	followers := b.Must(b.Do("GET", "/api/v1/accounts/"+bob.ID+"/followers", "", nil), 200).List(t)
	if len(followers) != 1 || followers[0]["acct"] != "alice@"+alphaDomain {
		t.Fatalf("Bob's followers: %v", followers)
	}

	// Bob posts; the post reaches Alice's home.
	post := bob.Post("Hello from beta #fediverse")
	var onA map[string]any
	testrig.Eventually(t, "Bob's post in Alice's home", func() bool {
		for _, st := range a.Must(alice.Do("GET", "/api/v1/timelines/home", nil), 200).List(t) {
			if strings.Contains(st["content"].(string), "Hello from beta") {
				onA = st
			}
		}
		return onA != nil
	})
	if onA["account"].(map[string]any)["acct"] != "bob@"+betaDomain || onA["uri"] != post["uri"] {
		t.Fatalf("Bob's post on alpha: %v", onA)
	}
	postOnA := onA["id"].(string)

	// Alice replies, favourites and boosts; Bob hears of each.
	alice.Post("@bob@"+betaDomain+" hello back", "in_reply_to_id", postOnA)
	a.Must(alice.Do("POST", "/api/v1/statuses/"+postOnA+"/favourite", nil), 200)
	a.Must(alice.Do("POST", "/api/v1/statuses/"+postOnA+"/reblog", nil), 200)
	testrig.Eventually(t, "Bob's notifications", func() bool {
		ns := b.Must(bob.Do("GET", "/api/v1/notifications", nil), 200).List(t)
		kinds := map[any]bool{}
		for _, n := range ns {
			kinds[n["type"]] = true
		}
		return kinds["follow"] && kinds["mention"] && kinds["favourite"] && kinds["reblog"]
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
	testrig.Eventually(t, "the edit on alpha", func() bool {
		st := a.Must(alice.Do("GET", "/api/v1/statuses/"+postOnA, nil), 200).Object(t)
		return strings.Contains(st["content"].(string), "Edited on beta") && st["edited_at"] != nil
	})
	b.Must(bob.Do("DELETE", "/api/v1/statuses/"+post["id"].(string), nil), 200)
	testrig.Eventually(t, "the delete on alpha", func() bool {
		return alice.Do("GET", "/api/v1/statuses/"+postOnA, nil).Code == 404
	})

	// Bob blocks Alice: the follow ends on both sides.
	aliceOnB := followers[0]["id"].(string)
	b.Must(bob.Do("POST", "/api/v1/accounts/"+aliceOnB+"/block", nil), 200)
	testrig.Eventually(t, "the block on alpha", func() bool {
		rels := a.Must(alice.Do("GET", "/api/v1/accounts/relationships", url.Values{"id[]": {bobOnA}}), 200).List(t)
		return rels[0]["following"] == false && rels[0]["blocked_by"] == true
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
	testrig.Eventually(t, "the follow", func() bool {
		return len(b.Must(b.Do("GET", "/api/v1/accounts/"+bob.ID+"/followers", "", nil), 200).List(t)) == 1
	})

	// Carol, whom nobody on alpha follows, posts; Bob replies; Alice gets the reply and
	// its ancestor.
	root := carol.Post("carol's question")
	answer := bob.Post("bob's answer", "in_reply_to_id", root["id"].(string))
	// A reply to someone Alice does not follow stays out of her home, as in Mastodon;
	// it is on alpha all the same.
	var reply map[string]any
	testrig.Eventually(t, "Bob's reply on alpha", func() bool {
		found := a.Must(alice.Do("GET", "/api/v2/search", url.Values{"q": {answer["uri"].(string)}}), 200).Object(t)
		if sts := found["statuses"].([]any); len(sts) == 1 {
			reply = sts[0].(map[string]any)
		}
		return reply != nil
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
	testrig.Eventually(t, "the replies fetched on opening the thread", func() bool {
		ctx := a.Must(alice.Do("GET", "/api/v1/statuses/"+rootOnA+"/context", nil), 200).Object(t)
		return len(ctx["descendants"].([]any)) == 2
	})
}
