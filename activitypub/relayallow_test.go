package activitypub_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// TestRelayModeAllowList: under relay.allow_list a server on the allow list subscribes
// and is accepted, one off it is answered Reject and never recorded; the admin API
// lists, adds (idempotently) and removes domains, refuses a malformed one (422) and an
// unknown one (404); taking an accepted subscriber's domain off the list ends its
// subscription with a Reject.
func TestRelayModeAllowList(t *testing.T) {
	hub := testrig.New(t, testrig.Host(t, "hub"), testrig.Config(func(c *node.Config) {
		c.Relay.Enabled, c.Relay.AllowList = true, true
	}))
	_, admin := hub.RegisterModerator("root")
	hubBase := "http://" + hub.Nodes[0].Config().Domain
	in, out := newFakeServer(t, "insider"), newFakeServer(t, "outsider")

	type allowed struct {
		Domain string `json:"domain"`
	}
	got := testrig.Decode[allowed](t, hub.Must(hub.Do("POST", "/api/v1/admin/relay/allowed_domains", admin,
		url.Values{"domain": {in.domain}}), 200))
	if got.Domain != in.domain {
		t.Fatalf("allowed %+v, want %s", got, in.domain)
	}
	hub.Must(hub.Do("POST", "/api/v1/admin/relay/allowed_domains", admin, url.Values{"domain": {in.domain}}), 200)
	hub.Must(hub.Do("POST", "/api/v1/admin/relay/allowed_domains", admin, url.Values{"domain": {"https://x.example/"}}), 422)
	hub.Must(hub.Do("DELETE", "/api/v1/admin/relay/allowed_domains/nowhere.example", admin, nil), 404)
	list := testrig.Decode[[]allowed](t, hub.Must(hub.Do("GET", "/api/v1/admin/relay/allowed_domains", admin, nil), 200))
	if len(list) != 1 || list[0].Domain != in.domain {
		t.Fatalf("allow list %+v", list)
	}

	follow := func(f *fakeRelay) string {
		id := f.actorID() + "#follows/1"
		act := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "Follow",
			"actor": f.actorID(), "object": "https://www.w3.org/ns/activitystreams#Public"}
		if code := f.send(hubBase+"/relay/inbox", act); code != 202 {
			t.Fatalf("%s's Follow: %d", f.domain, code)
		}
		return id
	}
	answered := func(f *fakeRelay, kind, id string, n int) {
		t.Helper()
		testrig.Eventually(t, f.domain+"'s "+kind, func() error {
			if got := count(f, kind, id); got < n {
				return fmt.Errorf("%d %s of %s among %d activities", got, kind, id, len(f.received()))
			}
			return nil
		})
	}
	inFollow, outFollow := follow(in), follow(out)
	answered(in, "Accept", inFollow, 1)
	answered(out, "Reject", outFollow, 1)
	if count(out, "Accept", outFollow) != 0 {
		t.Fatalf("the outsider was accepted")
	}
	waitSubscribers(t, hub, admin, map[string]string{in.domain: "mastodon/accepted"})

	// Off the list: the insider's subscription ends.
	hub.Must(hub.Do("DELETE", "/api/v1/admin/relay/allowed_domains/"+in.domain, admin, nil), 200)
	answered(in, "Reject", inFollow, 1)
	waitSubscribers(t, hub, admin, map[string]string{})
	if list := testrig.Decode[[]allowed](t, hub.Must(hub.Do("GET", "/api/v1/admin/relay/allowed_domains", admin, nil), 200)); len(list) != 0 {
		t.Fatalf("allow list after removal %+v", list)
	}
	if code := hub.Do("GET", "/api/v1/admin/relay/allowed_domains", "", nil).Code; code != 401 {
		t.Fatalf("anonymous listing of the allow list: %d", code)
	}
}

// TestRelayModeAllowListTurnedOn: three servers subscribe while the relay has no allow
// list, and the admin lists two of them; then the operator turns relay.allow_list on
// and restarts the relay. The third, still a subscriber, gets nothing of what the
// others send through the relay, and what it sends is passed on to no one.
func TestRelayModeAllowListTurnedOn(t *testing.T) {
	hub := testrig.New(t, testrig.Host(t, "hub"), testrig.Config(func(c *node.Config) { c.Relay.Enabled = true }))
	_, admin := hub.RegisterModerator("root")
	hubBase := "http://" + hub.Nodes[0].Config().Domain
	one, two, off := newFakeServer(t, "one"), newFakeServer(t, "two"), newFakeServer(t, "off")
	for _, f := range []*fakeRelay{one, two, off} {
		f.mu.Lock()
		f.mu.lax = true // they take what the relay passes on from the others
		f.mu.Unlock()
		follow := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": f.actorID() + "#follows/1",
			"type": "Follow", "actor": f.actorID(), "object": "https://www.w3.org/ns/activitystreams#Public"}
		if code := f.send(hubBase+"/relay/inbox", follow); code != 202 {
			t.Fatalf("%s's Follow: %d", f.domain, code)
		}
	}
	waitSubscribers(t, hub, admin, map[string]string{one.domain: "mastodon/accepted", two.domain: "mastodon/accepted",
		off.domain: "mastodon/accepted"})
	for _, f := range []*fakeRelay{one, two} {
		hub.Must(hub.Do("POST", "/api/v1/admin/relay/allowed_domains", admin, url.Values{"domain": {f.domain}}), 200)
	}

	hub.Restart(testrig.Config(func(c *node.Config) { c.Relay.AllowList = true }))
	// The subscriptions stay as they were: turning the list on ends none of them.
	waitSubscribers(t, hub, admin, map[string]string{one.domain: "mastodon/accepted", two.domain: "mastodon/accepted",
		off.domain: "mastodon/accepted"})

	announce := func(f *fakeRelay, n int) string {
		t.Helper()
		id := fmt.Sprintf("%s#announces/%d", f.actorID(), n)
		act := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "Announce",
			"actor": f.actorID(), "object": fmt.Sprintf("http://%s/notes/%d", f.domain, n),
			"to": []string{f.actorID() + "/followers"}, "cc": []string{"https://www.w3.org/ns/activitystreams#Public"}}
		if code := f.send(hubBase+"/relay/inbox", act); code != 202 {
			t.Fatalf("%s's Announce: %d", f.domain, code)
		}
		return id
	}
	// The server off the list sends first: its Announce is dropped, passed on to no one.
	offID := announce(off, 1)
	oneID := announce(one, 1)
	oneNote := "http://" + one.domain + "/notes/1"
	testrig.Eventually(t, "one's post at two", func() error {
		if two.find("Announce", oneNote) == nil {
			return fmt.Errorf("not among two's %d activities", len(two.received()))
		}
		return nil
	})
	forwarded(t, hub, oneID)
	if done, err := hub.Nodes[0].Relays.Forwarded(context.Background(), offID); err != nil || done {
		t.Fatalf("the relay passed on the Announce of a server off the list (%v)", err)
	}
	if off.find("Announce", oneNote) != nil {
		t.Fatalf("a server off the list got what the relay passed on")
	}
	if two.find("Announce", "http://"+off.domain+"/notes/1") != nil || one.find("Announce", "http://"+off.domain+"/notes/1") != nil {
		t.Fatalf("what a server off the list sent was passed on")
	}
}
