package delivery_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/bus/local"
	"github.com/herd-social/herd/delivery"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store/pebble"
)

// nopSigner is the trivial signer of the benchmark.
type nopSigner struct{}

func (nopSigner) SignPost(context.Context, *http.Request, []byte, shard.ID) error { return nil }

// BenchmarkDeliver measures deliveries per second, from Enqueue to a 202 at a loopback
// sink, through the durable local bus (synced) and Pebble store, with the default options.
// hosts is how many remote domains the inboxes are spread over (each domain is one
// partition of the log).
func BenchmarkDeliver(b *testing.B) {
	for _, hosts := range []int{1, 16} {
		b.Run(fmt.Sprintf("hosts=%d", hosts), func(b *testing.B) { benchDeliver(b, hosts) })
	}
}

func benchDeliver(b *testing.B, hosts int) {
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		got.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()

	dir := b.TempDir()
	quiet := slog.New(slog.DiscardHandler)
	bs, err := local.Open(local.Options{Dir: filepath.Join(dir, "log"), Topics: delivery.Topics(), Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer bs.Close()
	st, err := pebble.Open(pebble.Options{Dir: filepath.Join(dir, "store"), Schema: delivery.Schema(), Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := delivery.New(bs, st, nopSigner{}, delivery.Options{Client: client, Logger: quiet})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	defer func() { cancel(); <-done }()

	const perCall = 100 // inboxes per Enqueue, as fan-out enqueues one status
	inboxes := make([]string, perCall)
	for i := range inboxes {
		inboxes[i] = fmt.Sprintf("http://h%d.example/users/u%d/inbox", i%hosts, i)
	}
	body := []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"https://herd.example/activities/1",` +
		`"type":"Create","object":{"type":"Note","content":"` + strings.Repeat("x", 1000) + `"}}`)

	b.ResetTimer()
	for sent := 0; sent < b.N; {
		n := min(perCall, b.N-sent)
		if err := svc.Enqueue(ctx, body, 1, inboxes[:n]); err != nil {
			b.Fatal(err)
		}
		sent += n
	}
	for got.Load() < int64(b.N) {
		time.Sleep(100 * time.Microsecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
}
