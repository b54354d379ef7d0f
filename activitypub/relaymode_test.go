package activitypub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// subscriber is the admin entity of a server subscribed to the relay.
type subscriber struct {
	ID       string `json:"id"`
	Domain   string `json:"domain"`
	Protocol string `json:"protocol"`
	State    string `json:"state"`
}

// newHub starts an instance in relay mode.
func newHub(t *testing.T, manual bool) (*testrig.Cluster, string) {
	hub := testrig.New(t, testrig.Host(t, "hub"), testrig.Config(func(c *node.Config) {
		c.Relay.Enabled, c.Relay.ManualApproval = true, manual
	}))
	_, admin := hub.RegisterModerator("root")
	return hub, admin
}

// subscribers lists the hub's subscribers as its admin.
func subscribers(t *testing.T, hub *testrig.Cluster, admin string) []subscriber {
	return testrig.Decode[[]subscriber](t, hub.Must(hub.Do("GET", "/api/v1/admin/relay/subscribers", admin, nil), 200))
}

// waitSubscribers waits until the hub's subscribers are want (domain → protocol/state).
func waitSubscribers(t *testing.T, hub *testrig.Cluster, admin string, want map[string]string) []subscriber {
	t.Helper()
	var list []subscriber
	testrig.Eventually(t, "the relay's subscribers", func() error {
		list = subscribers(t, hub, admin)
		got := map[string]string{}
		for _, s := range list {
			got[s.Domain] = s.Protocol + "/" + s.State
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("subscribers %v, want %v", got, want)
		}
		return nil
	})
	return list
}

// forwarded waits until the hub has passed on the activity or object id.
func forwarded(t *testing.T, hub *testrig.Cluster, id string) {
	t.Helper()
	testrig.Eventually(t, "the relay to pass on "+id, func() error {
		done, err := hub.Nodes[0].Relays.Forwarded(context.Background(), id)
		if err == nil && !done {
			err = fmt.Errorf("%s not passed on", id)
		}
		return err
	})
}

// knows reports whether c stored a status of this URI.
func knows(c *testrig.Cluster, uri string) bool {
	_, err := c.Nodes[0].Statuses.ByURI(context.Background(), uri)
	return err == nil
}

// TestRelayMode: a Herd instance in relay mode serves a relay actor that two Herd
// instances subscribe to with their own relay subscription, alpha with Mastodon's
// protocol (by the inbox URL) and beta with LitePub's (by the actor URL); public posts
// of each reach the other through it (to beta as the relay's Announce, to alpha as
// the signed Create); a followers-only post is never passed on; alpha's removal of
// the relay unsubscribes it and nothing reaches it any more.
func TestRelayMode(t *testing.T) {
	hub, hubAdmin := newHub(t, false)
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"))
	_, adminA := a.RegisterModerator("root")
	_, adminB := b.RegisterModerator("root")
	alice, bob := a.Register("alice"), b.Register("bob")
	hubBase := "http://" + hub.Nodes[0].Config().Domain

	// The relay actor, found by WebFinger too.
	actor := hub.Must(hub.Do("GET", "/relay", "", nil), 200).Object(t)
	if actor["type"] != "Application" || actor["inbox"] != hubBase+"/relay/inbox" || actor["publicKey"] == nil {
		t.Fatalf("relay actor: %v", actor)
	}
	jrd := hub.Must(hub.Do("GET", "/.well-known/webfinger?resource=acct:relay@"+hub.Nodes[0].Config().Domain, "", nil), 200).Object(t)
	if !strings.Contains(fmt.Sprint(jrd["links"]), hubBase+"/relay") {
		t.Fatalf("relay WebFinger: %v", jrd)
	}

	onA := testrig.Decode[adminRelay](t, a.Must(a.Do("POST", "/api/v1/admin/relays", adminA,
		url.Values{"inbox_url": {hubBase + "/relay/inbox"}}), 200))
	onB := testrig.Decode[adminRelay](t, b.Must(b.Do("POST", "/api/v1/admin/relays", adminB,
		url.Values{"inbox_url": {hubBase + "/relay"}}), 200))
	if onA.Protocol != "mastodon" || onB.Protocol != "litepub" {
		t.Fatalf("subscriptions: %+v %+v", onA, onB)
	}
	accepted := func(c *testrig.Cluster, token string) func() error {
		return func() error {
			list := testrig.Decode[[]adminRelay](t, c.Must(c.Do("GET", "/api/v1/admin/relays", token, nil), 200))
			if len(list) != 1 || list[0].State != "accepted" || list[0].ActorURL != hubBase+"/relay" {
				return fmt.Errorf("relays %+v", list)
			}
			return nil
		}
	}
	testrig.Eventually(t, "the hub's Accept on alpha", accepted(a, adminA))
	testrig.Eventually(t, "the hub's Accept on beta", accepted(b, adminB))
	waitSubscribers(t, hub, hubAdmin, map[string]string{a.Nodes[0].Config().Domain: "mastodon/accepted",
		b.Nodes[0].Config().Domain: "litepub/accepted"})
	if got := hub.Must(hub.Do("GET", "/relay/followers", "", nil), 200).Object(t); got["totalItems"] != 2.0 {
		t.Fatalf("relay followers: %v", got)
	}

	// A followers-only post and then a public one: the public one reaches beta, as
	// the relay's Announce of it, fetched from alpha; the other is never passed on.
	private := alice.PostStatus("For my followers", "visibility", "private")
	post := alice.PostStatus("Hello through a Herd relay")
	testrig.Eventually(t, "alice's post on beta", func() error {
		_, err := inFederated(b, post.URI)
		return err
	})
	if knows(b, private.URI) || knows(hub, private.URI) {
		t.Fatalf("the followers-only post went through the relay")
	}
	if done, _ := hub.Nodes[0].Relays.Forwarded(context.Background(), private.URI); done {
		t.Fatalf("the relay passed on the followers-only post")
	}

	// Bob's public post reaches alpha as the LD-signed Create, forwarded as it is.
	bobs := bob.PostStatus("Hello from beta")
	testrig.Eventually(t, "bob's post on alpha", func() error {
		_, err := inFederated(a, bobs.URI)
		return err
	})
	// Its edit follows (an Update of an object the relay passed on).
	bob.Edit(bobs.ID, "Edited on beta")
	testrig.Eventually(t, "bob's edit on alpha", func() error {
		st, err := inFederated(a, bobs.URI)
		if err == nil && !strings.Contains(st.Content, "Edited on beta") {
			return fmt.Errorf("content %q", st.Content)
		}
		return err
	})

	// Alpha removes the relay: its Undo unsubscribes it, and beta's next post is
	// passed on to no one (beta is the only subscriber left).
	a.Must(a.Do("DELETE", "/api/v1/admin/relays/"+onA.ID, adminA, nil), 200)
	waitSubscribers(t, hub, hubAdmin, map[string]string{b.Nodes[0].Config().Domain: "litepub/accepted"})
	last := bob.PostStatus("After alpha left")
	forwarded(t, hub, last.URI)
	if knows(a, last.URI) {
		t.Fatalf("a post reached alpha after it unsubscribed")
	}
}

// TestRelayModeApprovalAndBlocks: with manual approval a subscription waits for an
// admin, who approves, rejects or removes it; a Mastodon-protocol subscriber gets
// signed activities unchanged, once, however often they arrive; a suspended domain
// cannot subscribe or send.
func TestRelayModeApprovalAndBlocks(t *testing.T) {
	hub, admin := newHub(t, true)
	a := testrig.New(t, testrig.Host(t, "alpha"))
	_, adminA := a.RegisterModerator("root")
	alice := a.Register("alice")
	hubBase := "http://" + hub.Nodes[0].Config().Domain
	sink := newFakeServer(t, "sink")
	sink.mu.Lock()
	sink.mu.lax = true // it takes what the relay forwards for others
	sink.mu.Unlock()

	follow := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": sink.actorID() + "#follows/1",
		"type": "Follow", "actor": sink.actorID(), "object": "https://www.w3.org/ns/activitystreams#Public"}
	if code := sink.send(hubBase+"/relay/inbox", follow); code != 202 {
		t.Fatalf("sink's Follow: %d", code)
	}
	a.Must(a.Do("POST", "/api/v1/admin/relays", adminA, url.Values{"inbox_url": {hubBase + "/relay/inbox"}}), 200)
	list := waitSubscribers(t, hub, admin, map[string]string{sink.domain: "mastodon/pending",
		a.Nodes[0].Config().Domain: "mastodon/pending"})
	if sink.find("Accept", sink.actorID()+"#follows/1") != nil {
		t.Fatalf("a pending subscription was accepted")
	}
	for _, s := range list {
		hub.Must(hub.Do("POST", "/api/v1/admin/relay/subscribers/"+s.ID+"/approve", admin, nil), 200)
	}
	testrig.Eventually(t, "the sink's Accept", func() error {
		if sink.find("Accept", sink.actorID()+"#follows/1") == nil {
			return fmt.Errorf("no Accept among %d activities", len(sink.received()))
		}
		return nil
	})
	testrig.Eventually(t, "alpha's subscription", func() error {
		list := testrig.Decode[[]adminRelay](t, a.Must(a.Do("GET", "/api/v1/admin/relays", adminA, nil), 200))
		if len(list) != 1 || list[0].State != "accepted" {
			return fmt.Errorf("relays %+v", list)
		}
		return nil
	})

	// Alice's public Create reaches the sink unchanged, signed; sent again, it is not
	// passed on again.
	post := alice.PostStatus("Once only")
	var create map[string]any
	testrig.Eventually(t, "the Create at the sink", func() error {
		if create = sink.find("Create", post.URI); create == nil {
			return fmt.Errorf("%d activities at the sink", len(sink.received()))
		}
		return nil
	})
	if _, ok := create["signature"].(map[string]any); !ok {
		t.Fatalf("the forwarded Create lost its signature: %v", create)
	}
	body, _ := json.Marshal(create)
	relaySend(t, hub, a, alice, body)
	// A followers-only Create sent to the relay (alpha never sends one) is not passed on.
	private := alice.PostStatus("Followers only", "visibility", "private")
	followers := create["actor"].(string) + "/followers"
	privateCreate, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": private.URI + "/activity", "type": "Create", "actor": create["actor"], "to": []string{followers},
		"object": map[string]any{"id": private.URI, "type": "Note", "attributedTo": create["actor"], "to": []string{followers},
			"content": "<p>Followers only</p>"}})
	relaySend(t, hub, a, alice, privateCreate)
	second := alice.PostStatus("The next one")
	testrig.Eventually(t, "the next Create at the sink", func() error {
		if sink.find("Create", second.URI) == nil {
			return fmt.Errorf("%d activities at the sink", len(sink.received()))
		}
		return nil
	})
	if n := count(sink, "Create", post.URI); n != 1 {
		t.Fatalf("the Create reached the sink %d times", n)
	}
	forwarded(t, hub, second.URI+"/activity")

	// A LitePub server's relay actor announces a public post, addressed to its
	// followers as Pleroma does: passed on too.
	announce := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": sink.actorID() + "#announces/1",
		"type": "Announce", "actor": sink.actorID(), "object": second.URI, "to": []string{sink.actorID() + "/followers"}}
	if code := sink.send(hubBase+"/relay/inbox", announce); code != 202 {
		t.Fatalf("the sink's Announce: %d", code)
	}
	forwarded(t, hub, sink.actorID()+"#announces/1")
	if done, _ := hub.Nodes[0].Relays.Forwarded(context.Background(), private.URI+"/activity"); done || count(sink, "Create", private.URI) != 0 {
		t.Fatalf("the relay passed on a followers-only Create")
	}

	// Rejected, then removed: the subscriber hears Reject each time, and is gone.
	sinkSub := waitSubscribers(t, hub, admin, map[string]string{sink.domain: "mastodon/accepted",
		a.Nodes[0].Config().Domain: "mastodon/accepted"})
	for _, s := range sinkSub {
		if s.Domain == sink.domain {
			got := testrig.Decode[subscriber](t, hub.Must(hub.Do("POST", "/api/v1/admin/relay/subscribers/"+s.ID+"/reject", admin, nil), 200))
			if got.State != "rejected" {
				t.Fatalf("rejected subscriber: %+v", got)
			}
			hub.Must(hub.Do("DELETE", "/api/v1/admin/relay/subscribers/"+s.ID, admin, nil), 200)
		}
	}
	testrig.Eventually(t, "the sink's Reject", func() error {
		if count(sink, "Reject", sink.actorID()+"#follows/1") < 2 {
			return fmt.Errorf("%d activities at the sink", len(sink.received()))
		}
		return nil
	})
	waitSubscribers(t, hub, admin, map[string]string{a.Nodes[0].Config().Domain: "mastodon/accepted"})

	// The sink's domain is suspended: it can subscribe no more.
	hub.Must(hub.Do("POST", "/api/v1/admin/domain_blocks", admin, url.Values{"domain": {"sink.localhost"},
		"severity": {"suspend"}}), 200)
	if code := sink.send(hubBase+"/relay/inbox", follow); code != 403 {
		t.Fatalf("a suspended domain's Follow: %d, want 403", code)
	}
	if code := hub.Do("GET", "/api/v1/admin/relay/subscribers", "", nil).Code; code != 401 && code != 403 {
		t.Fatalf("anonymous listing of subscribers: %d", code)
	}
}

// relaySend POSTs body to the hub's relay inbox, signed by u of from.
func relaySend(t *testing.T, hub, from *testrig.Cluster, u *testrig.User, body []byte) {
	t.Helper()
	req, err := http.NewRequest("POST", hub.URL()+"/relay/inbox", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = hub.Nodes[0].Config().Domain
	req.Header.Set("Content-Type", "application/activity+json")
	if err := from.Nodes[0].Federation.SignPost(context.Background(), req, body, id(t, u.ID)); err != nil {
		t.Fatal(err)
	}
	expectAccepted(t, req)
}

// count is how many activities of a type about uri a fake server received.
func count(f *fakeRelay, typ, uri string) int {
	n := 0
	for _, act := range f.received() {
		if act["type"] != typ {
			continue
		}
		if o, _ := act["object"].(map[string]any); act["object"] == uri || (o != nil && o["id"] == uri) {
			n++
		}
	}
	return n
}
