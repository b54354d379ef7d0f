package bench

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// TestStreamTracker walks the tracker through each way an event can end: received
// (on time, or before the post's response), duplicated, delivered to a subscriber
// that does not follow the author, lost with a dropped subscriber, missed, or of a
// status the run did not post.
func TestStreamTracker(t *testing.T) {
	a, b, c := &User{Name: "a"}, &User{Name: "b"}, &User{Name: "c"}
	a.followers = []int{1} // b follows a; nobody follows b or c
	// Subscribers 0 and 1 are on b, 2 on c, 3 on a.
	tr := newStreamTracker([]*User{a, b, c}, []*User{b, b, c, a})
	for s := range 4 {
		tr.live(s)
	}
	t0 := time.Now()
	tr.posted(a, "10", t0) // expected at 0, 1 (b follows a) and 3 (a's own)
	tr.seen(0, "10", t0.Add(5*time.Millisecond))
	tr.seen(0, "10", t0.Add(6*time.Millisecond)) // duplicate
	tr.seen(2, "10", t0.Add(7*time.Millisecond)) // c does not follow a
	tr.seen(3, "11", t0)                         // before the post's response
	tr.posted(a, "11", t0.Add(time.Millisecond)) // expected at 0, 1, 3
	if got := tr.outstanding(); got != 4 {
		t.Errorf("outstanding %d, want 4 (0 and 1 for 11, 1 and 3 for 10)", got)
	}
	tr.ended(1, &StreamError{Code: "close 1008", Err: errors.New("too slow")}, false) // loses 10 and 11
	tr.seen(0, "11", t0.Add(9*time.Millisecond))
	tr.seen(0, "99", t0)   // not a post of the run
	tr.posted(b, "12", t0) // expected at 0 (b's own; 1 is gone)
	tr.ended(2, nil, true)
	r := tr.result()
	want := StreamResult{Subscribers: 4, Accounts: 3, Connected: 4, Dropped: 1, Posts: 3, Expected: 7, Received: 3,
		Missed: 2, Lost: 2, Early: 1, Unexpected: 1, Duplicates: 1, Unmatched: 1}
	got := *r
	got.ConnectCodes, got.DropCodes, got.Latency, got.Spectrum = nil, nil, Percentiles{}, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("result\n got %+v\nwant %+v", got, want)
	}
	if r.DropCodes["close 1008"] != 1 || len(r.ConnectCodes) != 0 {
		t.Errorf("codes: drops %v, connects %v", r.DropCodes, r.ConnectCodes)
	}
	if l := r.Latency; l.Count != 3 || l.Min > 0.01 || l.Max < 7.99 || l.Max > 8.01 {
		t.Errorf("latency %+v, want 3 events from 0 to 8ms", l)
	}
	if err := checkStreams(r); err != nil {
		t.Error(err)
	}
}

func TestSubscriberCount(t *testing.T) {
	mixed, streaming := Scenarios()["mixed"], Scenarios()["streaming"]
	for _, c := range []struct {
		subs     int
		scen     Scenario
		accounts int
		want     int
	}{
		{0, mixed, 200, 20}, {0, streaming, 200, 200}, {0, streaming, 100_000, MaxSubscribers},
		{-1, streaming, 200, 0}, {300, mixed, 200, 300}, {0, Scenarios()["home"], 200, 0},
	} {
		if got := subscriberCount(Options{Subscribers: c.subs}, c.scen, c.accounts); got != c.want {
			t.Errorf("%d subscribers, %s, %d accounts: %d, want %d", c.subs, c.scen.Name, c.accounts, got, c.want)
		}
	}
	users := []*User{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	seen := map[*User]int{}
	for _, u := range subscriberUsers(users, 7, 1) {
		seen[u]++
	}
	if len(seen) != 3 || seen[users[0]]+seen[users[1]]+seen[users[2]] != 7 {
		t.Errorf("7 subscribers on 3 accounts: %v", seen)
	}
}

func TestUpdateID(t *testing.T) {
	for frame, want := range map[string]string{
		`{"stream":["user"],"event":"update","payload":"{\"id\":\"123\",\"content\":\"x\"}"}`: "123",
		`{"stream":["user"],"event":"notification","payload":"{\"id\":\"7\"}"}`:               "",
		`{"stream":["user"],"event":"delete","payload":"123"}`:                                "",
		`{"error":"Unknown stream type","status":400}`:                                        "",
	} {
		if got, _ := updateID([]byte(frame)); got != want {
			t.Errorf("%s: id %q, want %q", frame, got, want)
		}
	}
	if u := streamURL("https://example.com/"); u != "wss://example.com/api/v1/streaming?stream=user" {
		t.Errorf("stream URL %s", u)
	}
}
