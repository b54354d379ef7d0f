package kafka_test

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

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

// TestTopics checks what Open does to topics: it creates them with their partitions
// and retention, sets the retention of an existing one, and refuses one whose partition
// count differs from the declared one.
func TestTopics(t *testing.T) {
	addr := broker(t)
	testTopics(t, addr)
}

func testTopics(t *testing.T, addr string) {
	var rnd [6]byte
	rand.Read(rnd[:])
	tp := bus.Topic{Name: "herd.test.topics." + hex.EncodeToString(rnd[:]), Partitions: 3, Retention: time.Hour}
	open := func(tp bus.Topic) (*kafka.Bus, error) {
		return kafka.Open(t.Context(), kafka.Options{Brokers: []string{addr}, Topics: []bus.Topic{tp}, Logger: testLogger(t)})
	}
	b, err := open(tp)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	b.Close()
	wantRetention(t, addr, tp.Name, "3600000")
	tp.Retention = 2 * time.Hour
	if b, err = open(tp); err != nil {
		t.Fatalf("Open with a longer retention: %v", err)
	}
	b.Close()
	wantRetention(t, addr, tp.Name, "7200000")
	tp.Partitions = 4
	if b, err = open(tp); err == nil {
		b.Close()
		t.Fatal("Open of a topic with 3 partitions declared with 4 succeeded")
	}
}

func wantRetention(t *testing.T, addr, topic, want string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	rs, err := kadm.NewClient(cl).DescribeTopicConfigs(t.Context(), topic)
	if err != nil {
		t.Fatalf("DescribeTopicConfigs: %v", err)
	}
	r, err := rs.On(topic, nil)
	if err != nil || r.Err != nil {
		t.Fatalf("DescribeTopicConfigs: %v, %v", err, r.Err)
	}
	for _, c := range r.Configs {
		if c.Key == "retention.ms" {
			if c.MaybeValue() != want {
				t.Fatalf("retention.ms = %q, want %q", c.MaybeValue(), want)
			}
			return
		}
	}
	t.Fatalf("topic %s has no retention.ms", topic)
}
