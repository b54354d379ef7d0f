package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/herd-social/herd/bus"
	buslocal "github.com/herd-social/herd/bus/local"
)

// TestReadiness: a node is not ready before Start; then /health/ready and /ops/ready
// answer 200; while it drains they answer 503 and liveness (/health, /ops/health)
// still 200, until the listener closes.
func TestReadiness(t *testing.T) {
	n, err := Open(Config{Listen: "127.0.0.1:0", Ops: "127.0.0.1:0", Data: t.TempDir(), NoSync: true, BcryptCost: 4,
		ShutdownDelay: 10 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n.Ready() {
		t.Fatal("ready before Start")
	}
	if err := n.Start(context.Background()); err != nil {
		n.Close()
		t.Fatal(err)
	}
	api, ops := "http://"+n.Addr(), "http://"+n.OpsAddr()
	for _, u := range []string{api + "/health/ready", ops + "/ops/ready", api + "/health", ops + "/ops/health"} {
		if code, body, err := get(u); err != nil || code != 200 {
			t.Fatalf("%s on a started node: %d %q %v", u, code, body, err)
		}
	}
	closed := make(chan error, 1)
	go func() { closed <- n.Close() }()
	// While it drains: not ready, alive, and still serving the API.
	eventually(t, "readiness to turn false while liveness holds", func() error {
		want := map[string]int{api + "/health/ready": 503, ops + "/ops/ready": 503, api + "/health": 200,
			ops + "/ops/health": 200, api + "/api/v1/instance": 200}
		for u, code := range want {
			got, body, err := get(u)
			if err != nil || got != code {
				return fmt.Errorf("%s: %d %q %v, want %d", u, got, body, err, code)
			}
		}
		if _, body, _ := get(ops + "/ops/ready"); body != `{"status":"draining"}`+"\n" {
			return fmt.Errorf("/ops/ready says %q", body)
		}
		return nil
	})
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if _, _, err := get(api + "/health"); err == nil {
		t.Fatal("the API still answers after Close")
	}
}

func get(u string) (int, string, error) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestDrainFinishesBatch: when the node drains, a consumer's handler in the middle
// of a batch keeps a live context after its Consume call stops, finishes, and the
// batch is committed; past the drain's deadline, the handler's context is
// cancelled and the batch is left for the next owner.
func TestDrainFinishesBatch(t *testing.T) {
	engine, err := buslocal.Open(buslocal.Options{Dir: t.TempDir(), Topics: []bus.Topic{{Name: "t", Partitions: 1}}, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close()
	life := newLifecycle()
	b := drainingBus{Bus: engine, life: life}
	ctx := context.Background()
	if err := b.Publish(ctx, bus.Message{Topic: "t", Key: []byte("k"), Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	cctx, stopConsumer := context.WithCancel(ctx)
	inBatch, handled := make(chan struct{}), make(chan error, 1)
	consumed := make(chan error, 1)
	go func() {
		consumed <- b.Consume(cctx, "g", "t", bus.ConsumeOptions{}, func(hctx context.Context, msgs []bus.Message) error {
			close(inBatch)
			<-cctx.Done() // the node stopped its consumers while this batch ran
			select {
			case <-hctx.Done():
				handled <- errors.New("the handler's context was cancelled during the drain")
				return hctx.Err()
			case <-time.After(100 * time.Millisecond): // the batch's remaining work
			}
			handled <- nil
			return nil
		})
	}()
	<-inBatch
	life.stopDraining() // Close: the drain begins, then the consumers stop
	stopConsumer()
	if err := <-handled; err != nil {
		t.Fatal(err)
	}
	if err := <-consumed; err != nil {
		t.Fatal(err)
	}
	lag, err := engine.Lag(ctx, "g", "t")
	if err != nil || lag[0] != 0 {
		t.Fatalf("lag after the drained batch: %v %v, want 0: the batch was not committed", lag, err)
	}

	// Past the deadline, a running batch is cancelled.
	if err := b.Publish(ctx, bus.Message{Topic: "t", Key: []byte("k"), Value: []byte("w")}); err != nil {
		t.Fatal(err)
	}
	cctx, stopConsumer = context.WithCancel(ctx)
	go func() {
		consumed <- b.Consume(cctx, "g", "t", bus.ConsumeOptions{}, func(hctx context.Context, msgs []bus.Message) error {
			stopConsumer()
			life.stopHard()
			<-hctx.Done() // fails the test by its timeout if never cancelled
			return hctx.Err()
		})
	}()
	if err := <-consumed; err != nil {
		t.Fatal(err)
	}
	if lag, err := engine.Lag(ctx, "g", "t"); err != nil || lag[0] != 1 {
		t.Fatalf("lag after the cancelled batch: %v %v, want 1", lag, err)
	}
}
