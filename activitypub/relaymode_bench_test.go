package activitypub_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/relay"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// relaySubscribers is how many subscriber inboxes the relay fans out to, each on a
// domain of its own (all answered by one loopback server).
const relaySubscribers = 1000

// BenchmarkRelayFanOut measures a relay's fan-out: public activities POSTed by a
// subscribed Herd instance to a Herd node in relay mode, each passed on to 1,000
// subscriber inboxes through the delivery workers, every POST signed with the relay
// actor's RSA-2048 key (one signature per delivery). One op is one delivery. In the
// same run it measures how many RSA-2048 signatures per second the machine makes on
// all cores: the ceiling of any relay that signs each delivery.
//
//	go test ./activitypub/ -run '^$' -bench BenchmarkRelayFanOut -benchtime 20000x
func BenchmarkRelayFanOut(b *testing.B) {
	var got atomic.Int64
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Signature") == "" {
			w.WriteHeader(401)
			return
		}
		got.Add(1)
		w.WriteHeader(202)
	}))
	defer sink.Close()
	_, port, _ := net.SplitHostPort(sink.Listener.Addr().String())
	hub := testrig.New(b, testrig.Host(b, "hub"), testrig.Config(func(c *node.Config) { c.Relay.Enabled = true }))
	a := testrig.New(b, testrig.Host(b, "alpha"))
	_, adminA := a.RegisterModerator("root")
	alice := a.Register("alice")
	hubBase := "http://" + hub.Nodes[0].Config().Domain
	a.Must(a.Do("POST", "/api/v1/admin/relays", adminA, url.Values{"inbox_url": {hubBase + "/relay/inbox"}}), 200)
	ctx := context.Background()
	for i := range relaySubscribers {
		domain := fmt.Sprintf("s%d.localhost:%s", i, port)
		if _, err := hub.Nodes[0].Relays.Subscribe(ctx, relay.Subscriber{Domain: domain, Actor: "http://" + domain + "/actor",
			Inbox: "http://" + domain + "/inbox", Protocol: relay.Mastodon}, relay.Accepted); err != nil {
			b.Fatal(err)
		}
	}
	testrig.Eventually(b, "alpha's subscription", func() error {
		sub, err := hub.Nodes[0].Relays.Subscriber(ctx, a.Nodes[0].Config().Domain)
		if err == nil && sub.State != relay.Accepted {
			err = fmt.Errorf("state %s", sub.State)
		}
		return err
	})
	aliceID, _ := shard.Parse(alice.ID)
	actor := "http://" + a.Nodes[0].Config().Domain + "/users/alice"
	activities := (b.N + relaySubscribers - 1) / relaySubscribers
	want := int64(activities * relaySubscribers)

	b.ResetTimer()
	start := time.Now()
	for i := range activities {
		note := fmt.Sprintf("%s/statuses/bench-%d-%d", actor, start.UnixNano(), i)
		body, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": note + "/activity",
			"type": "Create", "actor": actor, "to": []string{"https://www.w3.org/ns/activitystreams#Public"},
			"object": map[string]any{"id": note, "type": "Note", "attributedTo": actor, "content": "<p>relayed</p>",
				"to": []string{"https://www.w3.org/ns/activitystreams#Public"}}})
		req, _ := http.NewRequest("POST", hub.URL()+"/relay/inbox", bytes.NewReader(body))
		req.Host = hub.Nodes[0].Config().Domain
		req.Header.Set("Content-Type", "application/activity+json")
		if err := a.Nodes[0].Federation.SignPost(ctx, req, body, aliceID); err != nil {
			b.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 202 {
			b.Fatalf("POST to the relay: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	for got.Load() < want {
		if time.Since(start) > 10*time.Minute {
			b.Fatalf("only %d of %d delivered", got.Load(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(want)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(rsaSignRate(b), "rsa2048-signs/s")
}

// rsaSignRate is how many RSA-2048 PKCS#1 v1.5 SHA-256 signatures (what an HTTP
// signature costs) the machine makes per second on all cores, over one second.
func rsaSignRate(b *testing.B) float64 {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	digest := sha256.Sum256([]byte("(request-target): post /inbox"))
	var n atomic.Int64
	deadline := time.Now().Add(time.Second)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if _, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:]); err != nil {
					panic(err)
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load())
}
