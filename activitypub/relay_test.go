package activitypub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// adminRelay is the relay entity of the admin API.
type adminRelay struct {
	ID, InboxURL, ActorURL, Protocol, State string
	Enabled                                 bool
}

func (r *adminRelay) UnmarshalJSON(b []byte) error {
	var v struct {
		ID       string `json:"id"`
		InboxURL string `json:"inbox_url"`
		ActorURL string `json:"actor_url"`
		Protocol string `json:"protocol"`
		State    string `json:"state"`
		Enabled  bool   `json:"enabled"`
	}
	err := json.Unmarshal(b, &v)
	*r = adminRelay{v.ID, v.InboxURL, v.ActorURL, v.Protocol, v.State, v.Enabled}
	return err
}

// subscribe adds the relay on c as its admin and waits for the relay's Accept.
func subscribe(t *testing.T, c *testrig.Cluster, token string, relay *fakeRelay) adminRelay {
	t.Helper()
	added := testrig.Decode[adminRelay](t, c.Must(c.Do("POST", "/api/v1/admin/relays", token,
		url.Values{"inbox_url": {relay.inbox()}}), 200))
	if added.State != "pending" || added.Enabled || added.Protocol != "mastodon" {
		t.Fatalf("added relay: %+v", added)
	}
	testrig.Eventually(t, "the relay's Accept", func() error {
		list := testrig.Decode[[]adminRelay](t, c.Must(c.Do("GET", "/api/v1/admin/relays", token, nil), 200))
		if len(list) != 1 || list[0].State != "accepted" || !list[0].Enabled || list[0].ActorURL != relay.actorID() {
			return fmt.Errorf("relays %+v", list)
		}
		return nil
	})
	return added
}

// inFederated finds a status by URI in the federated timeline of c.
func inFederated(c *testrig.Cluster, uri string) (testrig.Status, error) {
	var list []testrig.Status
	resp := c.Do("GET", "/api/v1/timelines/public?remote=true", "", nil)
	if resp.Code != 200 {
		return testrig.Status{}, fmt.Errorf("federated timeline: %d", resp.Code)
	}
	if err := json.Unmarshal(resp.Body, &list); err != nil {
		return testrig.Status{}, err
	}
	for _, st := range list {
		if st.URI == uri {
			return st, nil
		}
	}
	return testrig.Status{}, fmt.Errorf("%s not in the federated timeline %v", uri, testrig.StatusURIs(list))
}

// TestRelays: two instances subscribe to a relay (a stand-in speaking Mastodon's
// protocol); a public post of one reaches the relay with a Linked Data signature and,
// forwarded, the other's federated timeline; a forged forwarding is refused; a
// forwarding without a signature, and a relay's Announce, bring the object from its
// origin; removing the relay undoes the Follow, stops deliveries and refuses what the
// relay still sends.
func TestRelays(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"))
	relay := newFakeRelay(t)
	_, adminA := a.RegisterModerator("root")
	_, adminB := b.RegisterModerator("root")
	alice, bob := a.Register("alice"), b.Register("bob")

	// Only admins manage relays, with an admin scope, and only by a usable URL.
	if code := a.Do("GET", "/api/v1/admin/relays", alice.Token, nil).Code; code != 403 {
		t.Fatalf("a user's listing: %d, want 403", code)
	}
	plain, err := a.Nodes[0].AdminToken(context.Background(), "root", "read write")
	if err != nil {
		t.Fatal(err)
	}
	if code := a.Do("POST", "/api/v1/admin/relays", plain, url.Values{"inbox_url": {relay.inbox()}}).Code; code != 403 {
		t.Fatalf("an admin's token without admin scopes: %d, want 403", code)
	}
	for _, bad := range []string{"", "ftp://relay.example/inbox", "not a url", "http://user@" + relay.domain + "/inbox",
		"http://" + a.Nodes[0].Config().Domain + "/inbox"} {
		if resp := a.Do("POST", "/api/v1/admin/relays", adminA, url.Values{"inbox_url": {bad}}); resp.Code != 422 {
			t.Fatalf("adding %q: %d %s, want 422", bad, resp.Code, resp.Body)
		}
	}
	if list := testrig.Decode[[]adminRelay](t, a.Must(a.Do("GET", "/api/v1/admin/relays", adminA, nil), 200)); len(list) != 0 {
		t.Fatalf("refused relays were kept: %+v", list)
	}

	// Both subscribe: the instance actor follows the public collection at the inbox.
	onA := subscribe(t, a, adminA, relay)
	subscribe(t, b, adminB, relay)
	follow := relay.find("Follow", "https://www.w3.org/ns/activitystreams#Public")
	if follow == nil || !strings.HasSuffix(follow["actor"].(string), "/actor") {
		t.Fatalf("the relay's Follows: %v", relay.received())
	}

	// Alice's public post reaches the relay, signed, and beta's federated timeline; her
	// unlisted post, sent before it, does not go to the relay (deliveries to one inbox
	// keep their order).
	unlisted := alice.PostStatus("Not for the relay", "visibility", "unlisted")
	post := alice.PostStatus("Hello through the relay")
	testrig.Eventually(t, "the relayed post on beta", func() error {
		_, err := inFederated(b, post.URI)
		return err
	})
	if got := relay.find("Create", unlisted.URI); got != nil {
		t.Fatalf("an unlisted post went to the relay: %v", got)
	}
	create := relay.find("Create", post.URI)
	if sig, _ := create["signature"].(map[string]any); sig["type"] != "RsaSignature2017" ||
		!strings.HasSuffix(fmt.Sprint(sig["creator"]), "/users/alice#main-key") {
		t.Fatalf("the Create the relay got: %v", create)
	}

	// Its edit and its deletion follow the same way, signed.
	alice.Edit(post.ID, "Edited through the relay")
	testrig.Eventually(t, "the relayed edit on beta", func() error {
		st, err := inFederated(b, post.URI)
		if err == nil && !strings.Contains(st.Content, "Edited through the relay") {
			return fmt.Errorf("content %q", st.Content)
		}
		return err
	})
	onB, _ := inFederated(b, post.URI)
	alice.Delete(post.ID)
	testrig.Eventually(t, "the relayed deletion on beta", func() error {
		if code := b.Do("GET", "/api/v1/statuses/"+onB.ID, "", nil).Code; code != 404 {
			return fmt.Errorf("GET the status: %d, want 404", code)
		}
		return nil
	})

	// A forged forwarding (another text under Alice's signature) is refused.
	relay.hold(true)
	second := alice.PostStatus("The second post")
	var forged map[string]any
	testrig.Eventually(t, "the second post at the relay", func() error {
		if forged = relay.find("Create", second.URI); forged == nil {
			return fmt.Errorf("the relay has %d activities", len(relay.received()))
		}
		return nil
	})
	forged["object"].(map[string]any)["content"] = "<p>Words Alice never wrote</p>"
	body, _ := json.Marshal(forged)
	betaInbox := "http://" + b.Nodes[0].Config().Domain + "/inbox"
	if code := relay.forward(betaInbox, body); code != 401 {
		t.Fatalf("forged forwarding: %d, want 401", code)
	}

	// Without a signature, the object is fetched from its origin: Alice's own words.
	delete(forged, "signature")
	body, _ = json.Marshal(forged)
	if code := relay.forward(betaInbox, body); code != 202 {
		t.Fatalf("unsigned forwarding: %d, want 202", code)
	}
	testrig.Eventually(t, "the second post, fetched from alpha", func() error {
		st, err := inFederated(b, second.URI)
		if err == nil && !strings.Contains(st.Content, "The second post") {
			return fmt.Errorf("content %q", st.Content)
		}
		return err
	})

	// A valid signature is what makes a forwarded post authentic: this one was deleted
	// at its origin before the relay passed it on, so no fetch could have brought it.
	gone := alice.PostStatus("Signed, then deleted")
	var signed map[string]any
	testrig.Eventually(t, "the signed post at the relay", func() error {
		if signed = relay.find("Create", gone.URI); signed == nil {
			return fmt.Errorf("the relay has %d activities", len(relay.received()))
		}
		return nil
	})
	alice.Delete(gone.ID)
	body, _ = json.Marshal(signed)
	if code := relay.forward(betaInbox, body); code != 202 {
		t.Fatalf("signed forwarding: %d, want 202", code)
	}
	testrig.Eventually(t, "the signed post on beta", func() error {
		_, err := inFederated(b, gone.URI)
		return err
	})

	// A LitePub relay's Announce of a URL: fetched from its origin too, not a boost.
	third := alice.PostStatus("The third post")
	if code := relay.send(betaInbox, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": relay.actorID() + "#announces/3", "type": "Announce", "actor": relay.actorID(), "object": third.URI}); code != 202 {
		t.Fatalf("relay Announce: %d, want 202", code)
	}
	testrig.Eventually(t, "the third post, fetched from alpha", func() error {
		st, err := inFederated(b, third.URI)
		if err == nil && (st.Reblog != nil || st.Account.Acct != "alice@"+a.Nodes[0].Config().Domain) {
			return fmt.Errorf("status %+v", st)
		}
		return err
	})

	// One that announces an activity's URL (a Create, as Mastodon serves at a status's
	// /activity): its note is fetched.
	remote := newFakeRemote(t, "remote")
	note := remote.actorID() + "/statuses/1"
	remote.docs["/users/mallory/statuses/1"] = map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": note, "type": "Note", "attributedTo": remote.actorID(), "content": "<p>From a third server</p>",
		"to": []any{"https://www.w3.org/ns/activitystreams#Public"}, "published": "2026-01-02T03:04:05Z"}
	remote.docs["/users/mallory/statuses/1/activity"] = map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": note + "/activity", "type": "Create", "actor": remote.actorID(), "object": note}
	if code := relay.send(betaInbox, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": relay.actorID() + "#announces/5", "type": "Announce", "actor": relay.actorID(), "object": note + "/activity"}); code != 202 {
		t.Fatalf("relay Announce of an activity: %d, want 202", code)
	}
	testrig.Eventually(t, "the third server's note on beta", func() error {
		st, err := inFederated(b, note)
		if err == nil && !strings.Contains(st.Content, "From a third server") {
			return fmt.Errorf("content %q", st.Content)
		}
		return err
	})
	relay.hold(false)

	// Alpha removes the relay: the Follow is undone, and what the relay sends is refused.
	a.Must(a.Do("DELETE", "/api/v1/admin/relays/"+onA.ID, adminA, nil), 200)
	testrig.Eventually(t, "the Undo at the relay", func() error {
		if !hasUndo(relay) {
			return fmt.Errorf("no Undo among %d activities", len(relay.received()))
		}
		return nil
	})
	if list := testrig.Decode[[]adminRelay](t, a.Must(a.Do("GET", "/api/v1/admin/relays", adminA, nil), 200)); len(list) != 0 {
		t.Fatalf("relays after removal: %+v", list)
	}
	bobURI := "http://" + b.Nodes[0].Config().Domain + "/users/bob"
	alphaInbox := "http://" + a.Nodes[0].Config().Domain + "/inbox"
	if code := relay.send(alphaInbox, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": bobURI + "/statuses/1/activity", "type": "Create", "actor": bobURI, "object": bobURI + "/statuses/1"}); code != 401 {
		t.Fatalf("forwarding by a removed relay: %d, want 401", code)
	}
	// Deliveries stop: Bob follows Alice, and her next post reaches him but not the relay.
	found := bob.Search("@alice@"+a.Nodes[0].Config().Domain, "resolve", "true")
	if len(found.Accounts) != 1 {
		t.Fatalf("search: %+v", found)
	}
	bob.Relate(found.Accounts[0].ID, "follow")
	testrig.Eventually(t, "Bob's follow of Alice", func() error {
		if rel := bob.Relationship(found.Accounts[0].ID); !rel.Following {
			return fmt.Errorf("relationship %+v", rel)
		}
		return nil
	})
	last := alice.PostStatus("After the relay")
	testrig.Eventually(t, "the last post in Bob's home", func() error {
		for _, st := range bob.Home(nil) {
			if st.URI == last.URI {
				return nil
			}
		}
		return fmt.Errorf("not in Bob's home")
	})
	if got := relay.find("Create", last.URI); got != nil {
		t.Fatalf("the relay got a post after its removal: %v", got)
	}
}

func hasUndo(r *fakeRelay) bool {
	for _, act := range r.received() {
		if act["type"] == "Undo" {
			return true
		}
	}
	return false
}

// TestRelayLitePubAndReject: a relay added by its actor's URL is followed as LitePub
// relays are (the instance actor follows the relay's actor, at the inbox its document
// names); a Reject makes it rejected, and enabling it again sends a new Follow, which
// an Accept answers; the relay's Follow back of the instance actor is accepted.
func TestRelayLitePubAndReject(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"))
	relay := newFakeRelay(t)
	relay.rejecting(true)
	_, admin := a.RegisterModerator("root")
	added := testrig.Decode[adminRelay](t, a.Must(a.Do("POST", "/api/v1/admin/relays", admin,
		url.Values{"inbox_url": {relay.actorID()}}), 200))
	if added.Protocol != "litepub" || added.InboxURL != relay.inbox() || added.ActorURL != relay.actorID() || added.State != "pending" {
		t.Fatalf("added relay: %+v", added)
	}
	state := func(want string) func() error {
		return func() error {
			list := testrig.Decode[[]adminRelay](t, a.Must(a.Do("GET", "/api/v1/admin/relays", admin, nil), 200))
			if len(list) != 1 || list[0].State != want {
				return fmt.Errorf("relays %+v, want one %s", list, want)
			}
			return nil
		}
	}
	testrig.Eventually(t, "the relay's Reject", state("rejected"))
	if relay.find("Follow", relay.actorID()) == nil {
		t.Fatalf("no Follow of the relay's actor among %v", relay.received())
	}
	relay.rejecting(false)
	enabled := testrig.Decode[adminRelay](t, a.Must(a.Do("POST", "/api/v1/admin/relays/"+added.ID+"/enable", admin, nil), 200))
	if enabled.State != "pending" {
		t.Fatalf("enabled relay: %+v", enabled)
	}
	testrig.Eventually(t, "the relay's Accept", state("accepted"))
	testrig.Eventually(t, "the Accept of the relay's Follow back", func() error {
		for _, act := range relay.received() {
			if obj, _ := act["object"].(map[string]any); act["type"] == "Accept" && obj["actor"] == relay.actorID() {
				return nil
			}
		}
		return fmt.Errorf("no Accept among %d activities", len(relay.received()))
	})
	disabled := testrig.Decode[adminRelay](t, a.Must(a.Do("POST", "/api/v1/admin/relays/"+added.ID+"/disable", admin, nil), 200))
	if disabled.State != "idle" || disabled.Enabled {
		t.Fatalf("disabled relay: %+v", disabled)
	}
	testrig.Eventually(t, "the Undo at the relay", func() error {
		if !hasUndo(relay) {
			return fmt.Errorf("no Undo among %d activities", len(relay.received()))
		}
		return nil
	})
	if code := a.Do("DELETE", "/api/v1/admin/relays/1", admin, nil).Code; code != 404 {
		t.Fatalf("removing an unknown relay: %d, want 404", code)
	}
}
