package activitypub_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/bench"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// BenchmarkSignedDelivery measures deliveries through the delivery workers, each
// signed with the author's RSA key (draft-cavage, as Mastodon signs), to a loopback
// inbox that answers 202. The jobs are enqueued 100 inboxes at a time, as a status
// fans out to its followers' servers, so that what is measured is the workers and not
// one synced publish per job. Before the deliveries it measures, in the same run, how
// many such signatures the machine makes per second on every core (signs/s), and
// reports the ratio of the two (of-signing): the part of the signing rate that
// delivery keeps.
func BenchmarkSignedDelivery(b *testing.B) {
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
	c := testrig.New(b, testrig.Host(b, "alpha"))
	alice := c.Register("alice")
	id, _ := shard.Parse(alice.ID)
	n := c.Nodes[0]
	ctx := context.Background()
	activity := []byte(`{"@context":"https://www.w3.org/ns/activitystreams","type":"Create","actor":"x"}`)
	signs := signingRate(b, n.Federation, activity, id, sink.URL+"/inbox/0", max(b.N, 2000))
	const perCall = 100
	inboxes := make([]string, 0, perCall)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ { // one distinct inbox per job, as many followers' servers would be
		inboxes = append(inboxes, fmt.Sprintf("%s/inbox/%d", sink.URL, i))
		if len(inboxes) == perCall || i == b.N-1 {
			if err := n.Delivery.Enqueue(ctx, activity, id, inboxes); err != nil {
				b.Fatal(err)
			}
			inboxes = inboxes[:0]
		}
	}
	for got.Load() < int64(b.N) {
		if time.Since(start) > time.Minute {
			b.Fatalf("only %d of %d delivered", got.Load(), b.N)
		}
		time.Sleep(time.Millisecond)
	}
	rate := float64(b.N) / time.Since(start).Seconds()
	b.ReportMetric(rate, "deliveries/s")
	b.ReportMetric(signs, "signs/s")
	b.ReportMetric(rate/signs, "of-signing")
}

// postSigner is the part of the node's federation service that signs deliveries.
type postSigner interface {
	SignPost(ctx context.Context, req *http.Request, body []byte, signer shard.ID) error
}

// signingRate signs count POSTs of body to inbox as signer, on as many goroutines as
// there are cores, and returns the signatures per second.
func signingRate(b *testing.B, s postSigner, body []byte, signer shard.ID, inbox string, count int) float64 {
	b.Helper()
	procs := runtime.GOMAXPROCS(0)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range procs {
		wg.Go(func() {
			for next.Add(1) <= int64(count) {
				req, _ := http.NewRequest("POST", inbox, bytes.NewReader(body))
				if err := s.SignPost(context.Background(), req, body, signer); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return float64(count) / time.Since(start).Seconds()
}

// BenchmarkInboxIngest measures signed Create activities from a remote Herd instance
// POSTed to a node's shared inbox (verified, queued, applied, fanned out), end to end,
// 8 at a time over kept-alive connections. The requests are signed before the timer
// starts: the remote's RSA signing runs on the same cores, and would otherwise be
// what is measured. Like every test node, the receiving node does not sync its writes
// (testrig): what is measured is the work, not the disk.
func BenchmarkInboxIngest(b *testing.B) { inboxIngest(b, 1) }

// BenchmarkInboxIngestSynced is BenchmarkInboxIngest on a receiving node that syncs
// its writes, as a node in production does: a 202 is an activity on disk.
func BenchmarkInboxIngestSynced(b *testing.B) { inboxIngest(b, 1, synced) }

// BenchmarkInboxIngestActors is BenchmarkInboxIngestSynced with the activities of 8
// actors, taking turns, as a shared inbox receives them from a busy server: the
// activities of one actor apply in order, those of different actors side by side.
func BenchmarkInboxIngestActors(b *testing.B) { inboxIngest(b, 8, synced) }

// synced makes a receiving node sync its writes.
var synced = testrig.Config(func(c *node.Config) { c.NoSync = false })

func inboxIngest(b *testing.B, actors int, opts ...testrig.Option) {
	a := testrig.New(b, append([]testrig.Option{testrig.Host(b, "alpha")}, opts...)...)
	remote := testrig.New(b, testrig.Host(b, "beta"))
	names, ids := make([]string, actors), make([]shard.ID, actors)
	for k := range actors {
		names[k] = fmt.Sprintf("bob%d", k)
		ids[k], _ = shard.Parse(remote.Register(names[k]).ID)
	}
	inbox := a.URL() + "/inbox"
	const concurrency = 8
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = concurrency
	client := &http.Client{Transport: tr}
	defer client.CloseIdleConnections()
	signed := func(i, k int) *http.Request {
		actor := "http://" + remote.Nodes[0].Config().Domain + "/users/" + names[k]
		note := fmt.Sprintf(`{"id":"%s/statuses/b%d","type":"Note","attributedTo":"%s","content":"<p>post %d</p>",`+
			`"to":["https://www.w3.org/ns/activitystreams#Public"],"cc":[],"published":"2026-01-01T00:00:00Z"}`, actor, i, actor, i)
		body := []byte(fmt.Sprintf(`{"@context":"https://www.w3.org/ns/activitystreams","id":"%s/statuses/b%d/activity",`+
			`"type":"Create","actor":"%s","object":%s}`, actor, i, actor, note))
		req, _ := http.NewRequest("POST", inbox, bytes.NewReader(body))
		req.Host = a.Nodes[0].Config().Domain
		req.Header.Set("Content-Type", "application/activity+json")
		if err := remote.Nodes[0].Federation.SignPost(context.Background(), req, body, ids[k]); err != nil {
			b.Fatal(err)
		}
		return req
	}
	post := func(req *http.Request) {
		resp, err := client.Do(req)
		if err != nil || resp.StatusCode != 202 {
			b.Errorf("inbox answered %v %v", resp, err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	for k := range actors {
		post(signed(-1-k, k)) // the first activity fetches the actor; keep it out of the measurement
	}
	reqs := make([]*http.Request, b.N)
	for i := range reqs {
		reqs[i] = signed(i, i%actors)
	}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, concurrency)
	for _, req := range reqs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			post(req)
		}()
	}
	wg.Wait()
	accepted := time.Since(start)
	watcher := a.Register("watcher")
	testrig.EventuallyWithin(b, 2*time.Minute, "every activity applied", func() error {
		total := 0.0
		for _, name := range names {
			r := watcher.Do("GET", "/api/v1/accounts/lookup", url.Values{"acct": {name + "@" + remote.Nodes[0].Config().Domain}})
			if r.Code != 200 {
				return fmt.Errorf("lookup: status %d", r.Code)
			}
			n, _ := r.Object(b)["statuses_count"].(float64)
			total += n
		}
		if total != float64(b.N+actors) {
			return fmt.Errorf("statuses counted %v, want %d", total, b.N+actors)
		}
		return nil
	})
	b.ReportMetric(float64(b.N)/accepted.Seconds(), "accepted/s")
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "applied/s")
}

// BenchmarkLimitSign is BenchmarkSignedDelivery's ceiling on this machine, measured in
// the same run: RSA-2048 draft-cavage signatures of a delivery POST (bench.Signing, the
// signing limit of `herd bench`) on all cores.
func BenchmarkLimitSign(b *testing.B) { benchLimit(b, (*bench.Signing).Sign, "signs/s") }

// BenchmarkLimitVerify is the ceiling of a shared inbox on this machine, beside
// BenchmarkInboxIngest: verifying that signature, its digest included, on all cores.
func BenchmarkLimitVerify(b *testing.B) { benchLimit(b, (*bench.Signing).Verify, "verifies/s") }

func benchLimit(b *testing.B, op func(*bench.Signing) error, unit string) {
	s, err := bench.NewSigning()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(s); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
}
