package activitypub_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// subscriberStats is a subscriber of the admin listing with its figures.
type subscriberStats struct {
	Domain          string  `json:"domain"`
	ReceivedCount   int64   `json:"received_count"`
	ForwardedCount  int64   `json:"forwarded_count"`
	DeliveredCount  int64   `json:"delivered_count"`
	FailedCount     int64   `json:"failed_count"`
	LastDeliveredAt *string `json:"last_delivered_at"`
	LastFailedAt    *string `json:"last_failed_at"`
	LastFailure     *string `json:"last_failure"`
}

// subscribeFake makes a fake server follow the relay by Mastodon's protocol; it takes
// what the relay passes on from others (lax).
func subscribeFake(t *testing.T, f *fakeRelay, hubBase string) {
	t.Helper()
	f.mu.Lock()
	f.mu.lax = true
	f.mu.Unlock()
	follow := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": f.actorID() + "#follows/1",
		"type": "Follow", "actor": f.actorID(), "object": "https://www.w3.org/ns/activitystreams#Public"}
	if code := f.send(hubBase+"/relay/inbox", follow); code != 202 {
		t.Fatalf("%s's Follow: %d", f.domain, code)
	}
}

// fakeAnnounce makes a fake subscriber's actor announce its note n through the relay,
// as a LitePub relay actor does; it returns the Announce's id.
func fakeAnnounce(t *testing.T, f *fakeRelay, hubBase string, n int) string {
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

// TestRelayModeSubscriberStats: the admin listing of the relay's subscribers gives each
// one's figures: what the relay took from it, what it queued for it, the deliveries
// that arrived (the relay's Accept, then what it passed on) and those that failed,
// with the time of the last of each and why the last failure failed.
func TestRelayModeSubscriberStats(t *testing.T) {
	hub, admin := newHub(t, false)
	hubBase := "http://" + hub.Nodes[0].Config().Domain
	one, two, down := newFakeServer(t, "one"), newFakeServer(t, "two"), newFakeServer(t, "down")
	for _, f := range []*fakeRelay{one, two, down} {
		subscribeFake(t, f, hubBase)
	}
	waitSubscribers(t, hub, admin, map[string]string{one.domain: "mastodon/accepted", two.domain: "mastodon/accepted",
		down.domain: "mastodon/accepted"})
	for _, f := range []*fakeRelay{one, two, down} {
		testrig.Eventually(t, f.domain+"'s Accept", func() error {
			if f.find("Accept", f.actorID()+"#follows/1") == nil {
				return fmt.Errorf("no Accept among %d activities", len(f.received()))
			}
			return nil
		})
	}
	down.mu.Lock()
	down.mu.down = true // its deliveries fail from now on
	down.mu.Unlock()
	fakeAnnounce(t, one, hubBase, 1)

	type figures struct {
		received, forwarded, delivered int64
		failed                         bool
	}
	want := map[string]figures{one.domain: {1, 0, 1, false}, two.domain: {0, 1, 2, false}, down.domain: {0, 1, 1, true}}
	testrig.Eventually(t, "the subscribers' figures", func() error {
		list := testrig.Decode[[]subscriberStats](t, hub.Must(hub.Do("GET", "/api/v1/admin/relay/subscribers", admin, nil), 200))
		if len(list) != len(want) {
			return fmt.Errorf("%d subscribers", len(list))
		}
		for _, s := range list {
			w, got := want[s.Domain], figures{s.ReceivedCount, s.ForwardedCount, s.DeliveredCount, s.FailedCount > 0}
			if got != w {
				return fmt.Errorf("%s: %+v, want %+v", s.Domain, got, w)
			}
			if s.LastDeliveredAt == nil {
				return fmt.Errorf("%s: no last delivery", s.Domain)
			}
			if w.failed != (s.LastFailedAt != nil && s.LastFailure != nil && strings.Contains(*s.LastFailure, "503")) {
				return fmt.Errorf("%s: last failure %v at %v", s.Domain, s.LastFailure, s.LastFailedAt)
			}
		}
		return nil
	})
}
