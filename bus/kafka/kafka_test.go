package kafka_test

import (
	"context"
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
	// A broker serves the configuration from its copy of the cluster's metadata,
	// which follows the controller's a moment behind on a busy machine.
	var got string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		rs, err := kadm.NewClient(cl).DescribeTopicConfigs(t.Context(), topic)
		if err != nil {
			t.Fatalf("DescribeTopicConfigs: %v", err)
		}
		r, err := rs.On(topic, nil)
		if err != nil || r.Err != nil {
			t.Fatalf("DescribeTopicConfigs: %v, %v", err, r.Err)
		}
		got = "(none)"
		for _, c := range r.Configs {
			if c.Key == "retention.ms" {
				got = c.MaybeValue()
			}
		}
		if got == want {
			return
		}
	}
	t.Fatalf("topic %s: retention.ms = %s, want %q", topic, got, want)
}

// TestPrefix checks that buses with different prefixes share a broker without seeing
// each other's messages, under the declared topic and group names.
func TestPrefix(t *testing.T) {
	addr := broker(t)
	var rnd [6]byte
	rand.Read(rnd[:])
	run := hex.EncodeToString(rnd[:])
	topic := bus.Topic{Name: "events", Partitions: 2}
	open := func(prefix string) *kafka.Bus {
		b, err := kafka.Open(t.Context(), kafka.Options{Brokers: []string{addr}, Topics: []bus.Topic{topic},
			Prefix: prefix, HeartbeatInterval: 250 * time.Millisecond, SessionTimeout: 6 * time.Second, Logger: testLogger(t)})
		if err != nil {
			t.Fatalf("Open with prefix %q: %v", prefix, err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	}
	a, b := open("herd.test.a"+run+"."), open("herd.test.b"+run+".")
	for i, bb := range []*kafka.Bus{a, b} {
		if err := bb.Publish(t.Context(), bus.Message{Topic: "events", Key: []byte("k"), Value: []byte{byte('a' + i)}}); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
	for i, bb := range []*kafka.Bus{a, b} {
		got := make(chan bus.Message, 10)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			done <- bb.Consume(ctx, "readers", "events", bus.ConsumeOptions{}, func(_ context.Context, msgs []bus.Message) error {
				for _, m := range msgs {
					got <- m
				}
				return nil
			})
		}()
		select {
		case m := <-got:
			if m.Topic != "events" || string(m.Value) != string(rune('a'+i)) {
				t.Errorf("bus %d got %q on topic %q, want %q on events", i, m.Value, m.Topic, string(rune('a'+i)))
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("bus %d got nothing", i)
		}
		select {
		case m := <-got:
			t.Errorf("bus %d got a second message %q", i, m.Value)
		case <-time.After(500 * time.Millisecond):
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Consume: %v", err)
		}
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	topics, err := kadm.NewClient(cl).ListTopics(t.Context(), "herd.test.a"+run+".events", "herd.test.b"+run+".events")
	if err != nil || len(topics) != 2 || topics.Error() != nil {
		t.Fatalf("the prefixed topics on the broker: %v, %v", topics, err)
	}
	if _, err := kafka.Open(t.Context(), kafka.Options{Brokers: []string{addr}, Prefix: "no/slash"}); err == nil {
		t.Error("Open with an illegal prefix succeeded")
	}
}

// TestRevokeCancelsLongBatch checks that a partition whose batch outlives a quarter of
// the rebalance timeout still moves to a new member: the handler's context is
// cancelled, and the new owner gets the batch again.
func TestRevokeCancelsLongBatch(t *testing.T) {
	addr := broker(t)
	var rnd [6]byte
	rand.Read(rnd[:])
	topic := bus.Topic{Name: "herd.test.revoke." + hex.EncodeToString(rnd[:]), Partitions: 2}
	open := func() *kafka.Bus {
		b, err := kafka.Open(t.Context(), kafka.Options{Brokers: []string{addr}, Topics: []bus.Topic{topic},
			HeartbeatInterval: 250 * time.Millisecond, SessionTimeout: 6 * time.Second,
			RebalanceTimeout: 8 * time.Second, Logger: testLogger(t)})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	}
	first, second := open(), open()
	// One message on each partition.
	for _, key := range []string{"a", "b", "c", "d", "e", "f"} {
		if err := first.Publish(t.Context(), bus.Message{Topic: topic.Name, Key: []byte(key), Value: []byte(key)}); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
	// The first member's handler never finishes a batch of its own accord.
	cancelled := make(chan int, 2)
	started := make(chan int, 2)
	go first.Consume(t.Context(), "g", topic.Name, bus.ConsumeOptions{}, func(ctx context.Context, msgs []bus.Message) error {
		started <- msgs[0].Partition
		<-ctx.Done()
		cancelled <- msgs[0].Partition
		return ctx.Err()
	})
	for range 2 {
		select {
		case <-started:
		case <-time.After(30 * time.Second):
			t.Fatal("the first member got no batch of both partitions")
		}
	}
	got := make(chan int, 100)
	go second.Consume(t.Context(), "g", topic.Name, bus.ConsumeOptions{}, func(_ context.Context, msgs []bus.Message) error {
		got <- msgs[0].Partition
		return nil
	})
	var moved int
	select {
	case moved = <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("the second member got no partition while the first one's batches ran on")
	}
	select {
	case p := <-cancelled:
		if p != moved {
			t.Errorf("the batch of partition %d was cancelled, but partition %d moved", p, moved)
		}
	case <-time.After(5 * time.Second):
		t.Error("the moved partition's handler was not cancelled")
	}
}
