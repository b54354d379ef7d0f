package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

// conversationsAre waits until u's conversations, newest first, have exactly the
// last statuses want (an empty want: no conversation).
func conversationsAre(t *testing.T, u *testrig.User, want ...string) []testrig.Conversation {
	t.Helper()
	var got []testrig.Conversation
	testrig.Eventually(t, "conversations of "+u.Name, func() error {
		got = u.Conversations(nil)
		var last []string
		for _, c := range got {
			if c.LastStatus == nil {
				last = append(last, "<none>")
				continue
			}
			last = append(last, c.LastStatus.ID)
		}
		if !slices.Equal(last, want) && !(len(last) == 0 && len(want) == 0) {
			return fmt.Errorf("last statuses %v, want %v", last, want)
		}
		return nil
	})
	return got
}

// TestConversations: a direct status between local accounts is a conversation of
// each, with the other participants, unread for the recipient until read; a reply
// moves its last status, deleting the last status falls back to the previous one,
// and removing a conversation removes it for the viewer alone.
func TestConversations(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	dm := alice.PostStatus("@bob hello", "visibility", "direct").ID

	ac := conversationsAre(t, alice, dm)[0]
	bc := conversationsAre(t, bob, dm)[0]
	if ac.Unread || !bc.Unread {
		t.Fatalf("unread: alice %v (want false), bob %v (want true)", ac.Unread, bc.Unread)
	}
	if len(ac.Accounts) != 1 || ac.Accounts[0].ID != bob.ID || len(bc.Accounts) != 1 || bc.Accounts[0].ID != alice.ID {
		t.Fatalf("accounts: alice's %+v, bob's %+v", ac.Accounts, bc.Accounts)
	}
	conversationsAre(t, carol)

	var read testrig.Conversation
	c.Must(bob.Do("POST", "/api/v1/conversations/"+bc.ID+"/read", nil), 200).JSON(t, &read)
	if read.Unread || read.ID != bc.ID {
		t.Fatalf("read conversation %+v", read)
	}
	if got := conversationsAre(t, bob, dm); got[0].Unread {
		t.Fatal("conversation still unread after read")
	}

	reply := bob.PostStatus("@alice hi back", "visibility", "direct", "in_reply_to_id", dm).ID
	if got := conversationsAre(t, bob, reply); got[0].ID != bc.ID || got[0].Unread {
		t.Fatalf("bob's conversation after his reply %+v", got[0])
	}
	if got := conversationsAre(t, alice, reply); got[0].ID != ac.ID || !got[0].Unread {
		t.Fatalf("alice's conversation after bob's reply %+v", got[0])
	}

	// Another participant set is another conversation, newest first.
	group := alice.PostStatus("@bob @carol all of us", "visibility", "direct").ID
	got := conversationsAre(t, alice, group, reply)
	if len(got[0].Accounts) != 2 || got[0].ID == ac.ID {
		t.Fatalf("group conversation %+v", got[0])
	}
	conversationsAre(t, carol, group)
	page := alice.Conversations(url.Values{"limit": {"1"}})
	if len(page) != 1 || page[0].LastStatus.ID != group {
		t.Fatalf("first page %+v", page)
	}
	if next := alice.Conversations(url.Values{"max_id": {group}}); len(next) != 1 || next[0].LastStatus.ID != reply {
		t.Fatalf("page after %s: %+v", group, next)
	}

	// Deleting the last status falls back to the previous one; deleting every
	// status ends the conversation.
	c.Must(bob.Do("DELETE", "/api/v1/statuses/"+reply, nil), 200)
	conversationsAre(t, alice, group, dm)
	conversationsAre(t, bob, group, dm)
	c.Must(carol.Do("DELETE", "/api/v1/conversations/"+conversationsAre(t, carol, group)[0].ID, nil), 200)
	conversationsAre(t, carol)
	conversationsAre(t, alice, group, dm)
	c.Must(alice.Do("DELETE", "/api/v1/statuses/"+group, nil), 200)
	conversationsAre(t, alice, dm)
	conversationsAre(t, bob, dm)

	// Removing is for the viewer alone; another's conversation is not found.
	wantError(t, bob.Do("DELETE", "/api/v1/conversations/"+ac.ID, nil), 404, "Record not found")
	wantError(t, bob.Do("POST", "/api/v1/conversations/"+ac.ID+"/read", nil), 404, "Record not found")
	c.Must(alice.Do("DELETE", "/api/v1/conversations/"+ac.ID, nil), 200)
	conversationsAre(t, alice)
	conversationsAre(t, bob, dm)

	// Public and followers-only posts with mentions make no conversation.
	alice.PostStatus("@carol public", "visibility", "public")
	alice.PostStatus("@carol private", "visibility", "private")
	last := alice.PostStatus("@carol direct", "visibility", "direct").ID
	conversationsAre(t, carol, last)

	// A recipient who blocks the author gets no conversation.
	carol.Relate(bob.ID, "block")
	blocked := bob.PostStatus("@carol @alice blocked", "visibility", "direct").ID
	final := alice.PostStatus("@carol after", "visibility", "direct").ID
	conversationsAre(t, alice, final, blocked) // bob's status was fanned out
	conversationsAre(t, carol, final)
}

// TestConversationStream: a direct status sends each local participant its
// conversation on the direct stream.
func TestConversationStream(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	ws := dialWS(t, c, bob.Token, "stream=direct")
	waitSubscribers(t, c, stream.Direct(id(t, bob.ID)), 1)
	dm := alice.PostStatus("@bob secret", "visibility", "direct").ID
	f := ws.expect("direct", "conversation")
	got := payloadAs[testrig.Conversation](t, f)
	if !got.Unread || got.LastStatus == nil || got.LastStatus.ID != dm || len(got.Accounts) != 1 || got.Accounts[0].ID != alice.ID {
		t.Fatalf("conversation event %s", payloadOf(f))
	}
}
