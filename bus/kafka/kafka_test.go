package kafka_test

import (
	"log/slog"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/bus/bustest"
	"github.com/herd-social/herd/bus/kafka"
)

// The conformance suite runs against a real broker named by HERD_KAFKA (host:port), as
// `make test-cluster` starts one; without it the tests are skipped. The suite gives
// every case topics and groups of its own, so runs can share a broker.

// broker returns the broker's address, skipping the test without one.
func broker(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("HERD_KAFKA")
	if addr == "" {
		t.Skip("HERD_KAFKA (host:port of a Kafka broker) is not set; " +
			"`make test-cluster` starts one and runs these tests")
	}
	return addr
}

// engine opens buses on one broker; a reopened bus is a new one on the same cluster.
type engine struct{ addr string }

func (e engine) Open(t *testing.T, topics []bus.Topic) bus.Bus {
	t.Helper()
	b, err := kafka.Open(t.Context(), kafka.Options{
		Brokers: []string{e.addr},
		Topics:  topics,
		// Members learn of rebalances within a quarter second; the broker's minimum
		// session timeout is 6s.
		HeartbeatInterval: 250 * time.Millisecond,
		SessionTimeout:    6 * time.Second,
		Logger:            testLogger(t),
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return b
}

func (e engine) Reopen(t *testing.T, _ bus.Bus, topics []bus.Topic) bus.Bus {
	return e.Open(t, topics)
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: testLogLevel()}))
}

func TestConformance(t *testing.T) {
	addr := broker(t)
	before := runtime.NumGoroutine()
	t.Run("bustest", func(t *testing.T) {
		bustest.Run(t, engine{addr})
	})
	checkNoLeak(t, before)
}

// checkNoLeak polls until no more goroutines run than before.
func checkNoLeak(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines running, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func testLogLevel() slog.Level {
	if os.Getenv("HERD_KAFKA_DEBUG") != "" {
		return slog.LevelDebug
	}
	return slog.LevelWarn
}
