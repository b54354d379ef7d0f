// Package bustest is the conformance suite of the bus contract: every engine (bus/local,
// bus/kafka) runs Run from its own tests and must pass all of it.
//
// It owns the meaning of the contract as tests; it must not depend on any engine, and it
// gives every test its own topic and group names so that engines sharing one cluster can
// run it. It waits by polling with a deadline, never by sleeping.
package bustest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/bus"
)

// Engine opens buses of the engine under test.
type Engine interface {
	// Open returns a bus with topics declared, on storage the test may share with no
	// other test but for names (the suite makes its topic and group names unique).
	// The suite closes the bus; Open may register more cleanup on t.
	Open(t *testing.T, topics []bus.Topic) bus.Bus
}

// Reopener is an Engine whose data outlives a bus, as every durable engine's does. The
// suite's restart tests run only for a Reopener.
type Reopener interface {
	Engine
	// Reopen returns a new bus on the storage of prev, a bus that Open or Reopen
	// returned in this test and that the suite has closed.
	Reopen(t *testing.T, prev bus.Bus, topics []bus.Topic) bus.Bus
}

// timeout bounds every wait of the suite.
const timeout = 20 * time.Second

// Run runs the conformance suite, each case in parallel in its own subtest.
//
// Besides what bus.Bus states, the suite holds engines to what its callers rely on:
// Publish is all or nothing when it names an unknown topic; after Close, Publish and
// Consume return bus.ErrClosed and running Consume calls return nil or bus.ErrClosed,
// their handlers' contexts cancelled; and a Consume call that has returned has committed
// every batch its handler returned nil for, so the group resumes right after it.
func Run(t *testing.T, e Engine) {
	cases := []struct {
		name string
		run  func(*testing.T, Engine)
	}{
		{"PublishConsume", testPublishConsume},
		{"KeysKeepOrder", testKeysKeepOrder},
		{"GroupsAreIndependent", testGroupsAreIndependent},
		{"MembersSplitPartitions", testMembersSplitPartitions},
		{"HandlerErrorRedelivers", testHandlerErrorRedelivers},
		{"CommitsSurviveReopen", testCommitsSurviveReopen},
		{"CrashMidWork", testCrashMidWork},
		{"UnknownTopic", testUnknownTopic},
		{"Closed", testClosed},
		{"ConsumeStopsOnCancel", testConsumeStopsOnCancel},
		{"CloseStopsConsumers", testCloseStopsConsumers},
		{"Burst", testBurst},
		{"Lag", testLag},
		{"Headers", testHeaders},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, e)
		})
	}
}

// open opens a bus and closes it when the test ends.
func open(t *testing.T, e Engine, topics ...bus.Topic) bus.Bus {
	t.Helper()
	b := e.Open(t, topics)
	t.Cleanup(func() { b.Close() })
	return b
}

// reopen closes b and opens its storage again; it skips the test for an engine that
// cannot.
func reopen(t *testing.T, e Engine, b bus.Bus, topics ...bus.Topic) bus.Bus {
	t.Helper()
	r, ok := e.(Reopener)
	if !ok {
		t.Skip("engine is not a Reopener")
	}
	closeBus(t, b)
	nb := r.Reopen(t, b, topics)
	t.Cleanup(func() { nb.Close() })
	return nb
}

// name returns a name unique to this run, built from the test's name.
func name(t *testing.T, kind string) string {
	var sb strings.Builder
	for _, r := range t.Name() {
		if r == '_' || r == '-' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			sb.WriteRune(r)
		}
	}
	s := sb.String()
	if len(s) > 60 {
		s = s[len(s)-60:]
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	return fmt.Sprintf("bt.%s.%s.%s", s, kind, hex.EncodeToString(rnd[:]))
}

func newTopic(t *testing.T, partitions int) bus.Topic {
	return bus.Topic{Name: name(t, "topic"), Partitions: partitions}
}

// msg is message seq of key; its value records both so that deliveries can be checked.
func msg(topic, key string, seq int) bus.Message {
	return bus.Message{Topic: topic, Key: []byte(key), Value: []byte(key + "/" + strconv.Itoa(seq))}
}

func parse(m bus.Message) (key string, seq int, err error) {
	k, s, ok := strings.Cut(string(m.Value), "/")
	if !ok || k != string(m.Key) {
		return "", 0, fmt.Errorf("message %q with key %q was not published by the suite", m.Value, m.Key)
	}
	seq, err = strconv.Atoi(s)
	return k, seq, err
}

// publishKeys publishes seq from..to-1 of every key, interleaved, calls of batch messages.
func publishKeys(t *testing.T, b bus.Bus, topic string, keys []string, from, to, batch int) {
	t.Helper()
	var msgs []bus.Message
	flush := func() {
		if err := b.Publish(context.Background(), msgs...); err != nil {
			t.Errorf("Publish: %v", err)
		}
		msgs = msgs[:0]
	}
	for seq := from; seq < to; seq++ {
		for _, k := range keys {
			msgs = append(msgs, msg(topic, k, seq))
			if len(msgs) == batch {
				flush()
			}
		}
	}
	if len(msgs) > 0 {
		flush()
	}
}

func keys(prefix string, n int) []string {
	ks := make([]string, n)
	for i := range ks {
		ks[i] = prefix + strconv.Itoa(i)
	}
	return ks
}

// recorder records what a handler was given.
type recorder struct {
	mu    sync.Mutex
	calls [][]bus.Message // every call, failed or not
	got   []bus.Message   // messages of calls that returned nil
	seen  map[string]bool // values of got
}

// handler records calls and returns what fn returns (nil when fn is nil).
func (r *recorder) handler(fn bus.Handler) bus.Handler {
	return func(ctx context.Context, msgs []bus.Message) error {
		var err error
		if fn != nil {
			err = fn(ctx, msgs)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.calls = append(r.calls, append([]bus.Message(nil), msgs...))
		if err == nil {
			r.got = append(r.got, msgs...)
			if r.seen == nil {
				r.seen = make(map[string]bool)
			}
			for _, m := range msgs {
				r.seen[string(m.Value)] = true
			}
		}
		return err
	}
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

func (r *recorder) distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}

func (r *recorder) delivered() []bus.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bus.Message(nil), r.got...)
}

func (r *recorder) batches() [][]bus.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]bus.Message(nil), r.calls...)
}

// consumer is a Consume call running in its own goroutine.
type consumer struct {
	cancel context.CancelFunc
	done   chan error
}

// consume starts Consume; it is stopped when the test ends.
func consume(t *testing.T, b bus.Bus, group, topic string, opts bus.ConsumeOptions, h bus.Handler) *consumer {
	ctx, cancel := context.WithCancel(context.Background())
	c := &consumer{cancel: cancel, done: make(chan error, 1)}
	go func() { c.done <- b.Consume(ctx, group, topic, opts, h) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-c.done:
		case <-time.After(timeout):
			t.Errorf("Consume did not return within %v of the end of the test", timeout)
		}
	})
	return c
}

// stop cancels the consumer and returns what Consume returned.
func (c *consumer) stop(t *testing.T) error {
	t.Helper()
	c.cancel()
	return c.wait(t)
}

// wait returns what Consume returned, failing the test if it does not return in time.
func (c *consumer) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-c.done:
		c.done <- err // keep it for cleanup and later waits
		return err
	case <-time.After(timeout):
		t.Fatalf("Consume did not return within %v", timeout)
		return nil
	}
}

// waitFor polls cond until it returns nil, failing the test with its last error after
// timeout.
func waitFor(t *testing.T, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", timeout, err)
		}
		<-tick.C
	}
}

// waitCount waits until r has n messages delivered successfully.
func waitCount(t *testing.T, r *recorder, n int) {
	t.Helper()
	waitFor(t, func() error {
		if got := r.count(); got < n {
			return fmt.Errorf("%d of %d messages delivered", got, n)
		}
		return nil
	})
}

// waitDistinct waits until r has n different messages delivered successfully.
func waitDistinct(t *testing.T, r *recorder, n int) {
	t.Helper()
	waitFor(t, func() error {
		if got := r.distinct(); got < n {
			return fmt.Errorf("%d of %d different messages delivered", got, n)
		}
		return nil
	})
}

// closeBus closes b, failing the test if Close fails or does not return in time.
func closeBus(t *testing.T, b bus.Bus) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- b.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(timeout):
		t.Fatalf("Close did not return within %v", timeout)
	}
}

// check verifies deliveries of seq from..to-1 of keys on topic (partitions of it). With
// once, every message came exactly once in order; without, at least once, and a key
// never went past a message it had not been given (redelivery repeats, never skips).
func check(t *testing.T, got []bus.Message, topic bus.Topic, ks []string, from, to int, once bool) {
	t.Helper()
	next := make(map[string]int, len(ks)) // next seq not yet seen, per key
	for _, k := range ks {
		next[k] = from
	}
	lastOffset := make(map[int]int64)
	for _, m := range got {
		if err := checkOne(m, topic, next, once); err != nil {
			t.Fatal(err)
		}
		if last, ok := lastOffset[m.Partition]; ok && once && m.Offset <= last {
			t.Fatalf("partition %d: offset %d after %d", m.Partition, m.Offset, last)
		}
		lastOffset[m.Partition] = m.Offset
	}
	for _, k := range ks {
		if next[k] != to {
			t.Fatalf("key %s: delivered up to seq %d, want all below %d", k, next[k], to)
		}
	}
}

func checkOne(m bus.Message, topic bus.Topic, next map[string]int, once bool) error {
	k, seq, err := parse(m)
	if err != nil {
		return err
	}
	switch {
	case m.Topic != topic.Name:
		return fmt.Errorf("%s: topic %q, want %q", m.Value, m.Topic, topic.Name)
	case m.Partition != bus.PartitionFor(m.Key, topic.Partitions):
		return fmt.Errorf("%s: partition %d, want %d", m.Value, m.Partition, bus.PartitionFor(m.Key, topic.Partitions))
	case m.Time.IsZero():
		return fmt.Errorf("%s: no append time", m.Value)
	case m.Offset < 0:
		return fmt.Errorf("%s: offset %d", m.Value, m.Offset)
	}
	n, ok := next[k]
	switch {
	case !ok:
		return fmt.Errorf("%s: key was not published to this topic", m.Value)
	case once && seq != n:
		return fmt.Errorf("key %s: got seq %d, want %d", k, seq, n)
	case seq > n:
		return fmt.Errorf("key %s: got seq %d before %d", k, seq, n)
	case seq == n:
		next[k] = n + 1
	}
	return nil
}

// isStopped reports whether err is what Consume may return when the bus closes.
func isStopped(err error) bool {
	return err == nil || errors.Is(err, bus.ErrClosed)
}
