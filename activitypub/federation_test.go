package activitypub_test

import (
	"fmt"
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
	early := bob.PostStatus("written before anyone followed")
	alphaDomain := a.Nodes[0].Config().Domain

	// Alice finds Bob by handle (WebFinger, then his actor) and follows him.
	found := alice.Search("@bob@"+betaDomain, "resolve", "true")
	if len(found.Accounts) != 1 || found.Accounts[0].Acct != "bob@"+betaDomain {
		t.Fatalf("search: %+v", found)
	}
	bobOnA := found.Accounts[0].ID
	if rel := alice.Relate(bobOnA, "follow"); !rel.Requested && !rel.Following {
		t.Fatalf("follow: %+v", rel)
	}
	testrig.Eventually(t, "Bob's Accept", func() error {
		if rel := alice.Relationship(bobOnA); !rel.Following {
			return fmt.Errorf("relationship %+v", rel)
		}
		return nil
	})
	// The follow backfills Bob's earlier posts into Alice's home.
	testrig.Eventually(t, "the backfill of Bob's earlier post", func() error {
		home := alice.Home(nil)
		if len(home) != 1 || home[0].URI != early.URI {
			return fmt.Errorf("home holds %d statuses: %v", len(home), testrig.StatusURIs(home))
		}
		return nil
	})
	followers := b.Anonymous().Followers(bob.ID)
	if len(followers) != 1 || followers[0].Acct != "alice@"+alphaDomain {
		t.Fatalf("Bob's followers: %+v", followers)
	}

	// Bob posts; the post reaches Alice's home.
	post := bob.PostStatus("Hello from beta #fediverse")
	var onA testrig.Status
	testrig.Eventually(t, "Bob's post in Alice's home", func() error {
		home := alice.Home(nil)
		for _, st := range home {
			if strings.Contains(st.Content, "Hello from beta") {
				onA = st
				return nil
			}
		}
		return fmt.Errorf("home holds %v", testrig.StatusURIs(home))
	})
	if onA.Account.Acct != "bob@"+betaDomain || onA.URI != post.URI {
		t.Fatalf("Bob's post on alpha: %+v", onA)
	}
	postOnA := onA.ID

	// Alice replies, favourites and boosts; Bob hears of each.
	alice.PostStatus("@bob@"+betaDomain+" hello back", "in_reply_to_id", postOnA)
	alice.Act(postOnA, "favourite")
	alice.Act(postOnA, "reblog")
	testrig.Eventually(t, "Bob's notifications", func() error {
		kinds := map[string]bool{}
		for _, n := range bob.Notifications(nil) {
			kinds[n.Type] = true
		}
		if !kinds["follow"] || !kinds["mention"] || !kinds["favourite"] || !kinds["reblog"] {
			return fmt.Errorf("notification types %v, want follow, mention, favourite and reblog", kinds)
		}
		return nil
	})
	if ctx := b.Anonymous().Context(post.ID); len(ctx.Descendants) != 1 {
		t.Fatalf("Bob's thread: %+v", ctx)
	}
	got := bob.Status(post.ID)
	if got.FavouritesCount != 1 || got.ReblogsCount != 1 || got.RepliesCount != 1 {
		t.Fatalf("counts on beta: %+v", got)
	}

	// Bob edits, then deletes; Alice sees both.
	bob.Edit(post.ID, "Edited on beta")
	testrig.Eventually(t, "the edit on alpha", func() error {
		st := alice.Status(postOnA)
		if !strings.Contains(st.Content, "Edited on beta") || st.EditedAt == nil {
			return fmt.Errorf("content %q, edited %v", st.Content, st.EditedAt != nil)
		}
		return nil
	})
	bob.Delete(post.ID)
	testrig.Eventually(t, "the delete on alpha", func() error {
		if code := alice.Do("GET", "/api/v1/statuses/"+postOnA, nil).Code; code != 404 {
			return fmt.Errorf("GET the status: %d, want 404", code)
		}
		return nil
	})

	// Bob blocks Alice: the follow ends on both sides.
	bob.Relate(followers[0].ID, "block")
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
	found := alice.Search("bob@"+beta, "resolve", "true")
	if len(found.Accounts) == 0 {
		t.Fatalf("search: %+v", found)
	}
	alice.Relate(found.Accounts[0].ID, "follow")
	testrig.Eventually(t, "the follow", func() error {
		if n := len(b.Anonymous().Followers(bob.ID)); n != 1 {
			return fmt.Errorf("bob has %d followers", n)
		}
		return nil
	})

	// Carol, whom nobody on alpha follows, posts; Bob replies; Alice gets the reply and
	// its ancestor.
	root := carol.PostStatus("carol's question")
	answer := bob.PostStatus("bob's answer", "in_reply_to_id", root.ID)
	// A reply to someone Alice does not follow stays out of her home, as in Mastodon;
	// it is on alpha all the same.
	var reply testrig.Status
	testrig.Eventually(t, "Bob's reply on alpha", func() error {
		sts := alice.Search(answer.URI).Statuses
		if len(sts) != 1 {
			return fmt.Errorf("search found %d statuses", len(sts))
		}
		reply = sts[0]
		return nil
	})
	if reply.InReplyToID == nil {
		t.Fatalf("the reply lost its parent: %+v", reply)
	}
	ctx := alice.Context(reply.ID)
	if anc := ctx.Ancestors; len(anc) != 1 || anc[0].URI != root.URI {
		t.Fatalf("ancestors on alpha: %v", testrig.StatusURIs(anc))
	}

	// Carol answers Bob; alpha does not get it (nobody follows Carol), until Alice opens
	// the thread.
	carol.PostStatus("carol's thanks", "in_reply_to_id", root.ID)
	rootOnA := ctx.Ancestors[0].ID
	testrig.Eventually(t, "the replies fetched on opening the thread", func() error {
		if n := len(alice.Context(rootOnA).Descendants); n != 2 {
			return fmt.Errorf("%d descendants, want 2", n)
		}
		return nil
	})
}
