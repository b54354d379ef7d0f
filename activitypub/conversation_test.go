package activitypub_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/herd-social/herd/testrig"
)

// conversationURIs says why u's conversations, newest first, do not end in the
// statuses of want (by URI), with others as their participants' accts.
func conversationURIs(u *testrig.User, want []string, others string) error {
	cs := u.Conversations(nil)
	if len(cs) != len(want) {
		return fmt.Errorf("%d conversations, want %d", len(cs), len(want))
	}
	for i, c := range cs {
		if c.LastStatus == nil || c.LastStatus.URI != want[i] {
			return fmt.Errorf("conversation %d: last status %+v, want %s", i, c.LastStatus, want[i])
		}
		if len(c.Accounts) != 1 || c.Accounts[0].Acct != others {
			return fmt.Errorf("conversation %d: accounts %+v, want %s", i, c.Accounts, others)
		}
	}
	return nil
}

// TestRemoteConversation: a direct status to an account of another server is a
// conversation on both, its reply moves both, and deleting the reply falls back.
func TestRemoteConversation(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"))
	alice, bob := a.Register("alice"), b.Register("bob")
	alphaDomain, betaDomain := a.Nodes[0].Config().Domain, b.Nodes[0].Config().Domain
	if found := alice.Search("@bob@"+betaDomain, "resolve", "true"); len(found.Accounts) != 1 {
		t.Fatalf("search: %+v", found)
	}

	dm := alice.PostStatus("@bob@"+betaDomain+" just us", "visibility", "direct")
	testrig.Eventually(t, "the conversation on alpha", func() error {
		return conversationURIs(alice, []string{dm.URI}, "bob@"+betaDomain)
	})
	var dmOnB string
	testrig.Eventually(t, "the conversation on beta", func() error {
		if err := conversationURIs(bob, []string{dm.URI}, "alice@"+alphaDomain); err != nil {
			return err
		}
		c := bob.Conversations(nil)[0]
		if !c.Unread {
			return fmt.Errorf("conversation on beta is read")
		}
		dmOnB = c.LastStatus.ID
		return nil
	})

	// Remote ids follow the published time, to the second: the reply must be
	// published in a later second than the direct status to come after it, on
	// Herd as on Mastodon.
	created, err := time.Parse(time.RFC3339, dm.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	testrig.Eventually(t, "a second later than the direct status", func() error {
		if now := time.Now(); now.Unix() <= created.Unix() {
			return fmt.Errorf("now %v", now)
		}
		return nil
	})
	reply := bob.PostStatus("@alice@"+alphaDomain+" indeed", "visibility", "direct", "in_reply_to_id", dmOnB)
	testrig.Eventually(t, "the reply in alice's conversation", func() error {
		return conversationURIs(alice, []string{reply.URI}, "bob@"+betaDomain)
	})
	if c := alice.Conversations(nil)[0]; !c.Unread {
		t.Fatalf("alice's conversation after a remote reply is read: %+v", c)
	}
	bob.Delete(reply.ID)
	testrig.Eventually(t, "the fallback on alpha", func() error {
		return conversationURIs(alice, []string{dm.URI}, "bob@"+betaDomain)
	})
	testrig.Eventually(t, "the fallback on beta", func() error { // fan-out of the delete is asynchronous
		return conversationURIs(bob, []string{dm.URI}, "alice@"+alphaDomain)
	})
}

// TestRemoteTaggedPost: a remote public post with a hashtag that a local account
// follows enters its home, though it follows no one.
func TestRemoteTaggedPost(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"))
	alice, carol, bob := a.Register("alice"), a.Register("carol"), b.Register("bob")
	betaDomain := b.Nodes[0].Config().Domain
	// carol's follow brings bob's posts to alpha; alice only follows the tag.
	found := carol.Search("@bob@"+betaDomain, "resolve", "true")
	if len(found.Accounts) != 1 {
		t.Fatalf("search: %+v", found)
	}
	bobOnA := found.Accounts[0].ID
	carol.Relate(bobOnA, "follow")
	testrig.Eventually(t, "bob's Accept", func() error {
		if rel := carol.Relationship(bobOnA); !rel.Following {
			return fmt.Errorf("relationship %+v", rel)
		}
		return nil
	})
	a.Must(alice.Do("POST", "/api/v1/tags/fediverse/follow", nil), 200)

	post := bob.PostStatus("hello #fediverse")
	testrig.Eventually(t, "bob's tagged post in alice's home", func() error {
		if uris := testrig.StatusURIs(alice.Home(nil)); len(uris) != 1 || uris[0] != post.URI {
			return fmt.Errorf("alice's home holds %v", uris)
		}
		return nil
	})
}
