package local

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/bus"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ nanos atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.nanos.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.nanos.Add(int64(d)) }

func openTest(t *testing.T, dir string, clock *fakeClock, topics ...bus.Topic) *Bus {
	t.Helper()
	b, err := Open(Options{Dir: dir, Topics: topics, Now: clock.now, TrimInterval: time.Millisecond, NoSync: true})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func publishN(t *testing.T, b *Bus, topic string, from, to int) {
	t.Helper()
	var msgs []bus.Message
	for i := from; i < to; i++ {
		msgs = append(msgs, bus.Message{Topic: topic, Key: fmt.Appendf(nil, "k%d", i), Value: fmt.Appendf(nil, "%d", i)})
	}
	if err := b.Publish(context.Background(), msgs...); err != nil {
		t.Fatalf("Publish: %v", err)
	}
}

// stored returns the values stored in every partition of a topic.
func stored(t *testing.T, b *Bus, topic string) []string {
	t.Helper()
	var vals []string
	for _, p := range b.topics[topic].parts {
		visible, _ := p.watermark()
		msgs, err := b.read(topic, p.id, 0, visible, 1<<20)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		for _, m := range msgs {
			vals = append(vals, string(m.Value))
		}
	}
	return vals
}

// waitStored polls until the topic stores n messages.
func waitStored(t *testing.T, b *Bus, topic string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for got := len(stored(t, b, topic)); got != n; got = len(stored(t, b, topic)) {
		if time.Now().After(deadline) {
			t.Fatalf("topic %s stores %d messages, want %d", topic, got, n)
		}
		runtime.Gosched()
	}
}

// nextOffsets returns the next offset of every partition of a topic.
func nextOffsets(b *Bus, topic string) []int64 {
	var next []int64
	for _, p := range b.topics[topic].parts {
		p.mu.Lock()
		next = append(next, p.mu.next)
		p.mu.Unlock()
	}
	return next
}

func TestTrim(t *testing.T) {
	before := runtime.NumGoroutine()
	dir := t.TempDir()
	clock := &fakeClock{}
	clock.advance(time.Duration(time.Now().UnixNano()))
	short := bus.Topic{Name: "short", Partitions: 2, Retention: time.Hour}
	long := bus.Topic{Name: "long", Partitions: 1} // the default retention, 7 days
	b := openTest(t, dir, clock, short, long)
	publishN(t, b, short.Name, 0, 10)
	publishN(t, b, long.Name, 0, 10)
	clock.advance(30 * time.Minute)
	publishN(t, b, short.Name, 10, 20)
	clock.advance(45 * time.Minute) // the first ten are 75 minutes old, the rest 45

	waitStored(t, b, short.Name, 10)
	for _, v := range stored(t, b, short.Name) {
		if len(v) != 2 {
			t.Fatalf("short keeps %q, want only 10 to 19", v)
		}
	}
	consumeAll(t, b, short.Name, 10) // a new group starts at the earliest retained
	if n := len(stored(t, b, long.Name)); n != 10 {
		t.Fatalf("long keeps %d messages, want 10", n)
	}

	// Trimmed empty, a partition still recovers its next offset after a restart.
	clock.advance(2 * time.Hour)
	waitStored(t, b, short.Name, 0)
	want := nextOffsets(b, short.Name)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = openTest(t, dir, clock, short, long)
	if got := nextOffsets(b, short.Name); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after restart, next offsets %v, want %v", got, want)
	}
	if n := len(stored(t, b, long.Name)); n != 10 {
		t.Fatalf("after restart, long keeps %d messages, want 10", n)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	waitGoroutines(t, before)
}

// consumeAll runs a new group on topic until it has been given n messages, and checks
// that it was given no more by then.
func consumeAll(t *testing.T, b *Bus, topic string, n int64) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var total atomic.Int64
	done := make(chan error, 1)
	go func() {
		done <- b.Consume(ctx, "all", topic, bus.ConsumeOptions{}, func(_ context.Context, msgs []bus.Message) error {
			total.Add(int64(len(msgs)))
			return nil
		})
	}()
	deadline := time.Now().Add(10 * time.Second)
	for total.Load() < n && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Consume: %v", err)
	}
	if got := total.Load(); got != n {
		t.Fatalf("a new group was given %d messages, want %d", got, n)
	}
}

func waitGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		runtime.Gosched()
	}
}

func TestPartitionCountIsFixed(t *testing.T) {
	dir := t.TempDir()
	clock := &fakeClock{}
	b := openTest(t, dir, clock, bus.Topic{Name: "t", Partitions: 2})
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := Open(Options{Dir: dir, Topics: []bus.Topic{{Name: "t", Partitions: 3}}})
	if err == nil || !strings.Contains(err.Error(), "2 partitions on disk") {
		t.Fatalf("Open with a changed partition count: %v, want a refusal", err)
	}
	openTest(t, dir, clock, bus.Topic{Name: "t", Partitions: 2})
}

func TestOptionsValidate(t *testing.T) {
	topic := bus.Topic{Name: "t", Partitions: 1}
	tests := []struct {
		name string
		opts Options
		want string // substring of the error; empty for none
	}{
		{"ok", Options{Dir: "d", Topics: []bus.Topic{topic}}, ""},
		{"no dir", Options{Topics: []bus.Topic{topic}}, "Dir is required"},
		{"bad topic", Options{Dir: "d", Topics: []bus.Topic{{Name: "a b", Partitions: 1}}}, "character"},
		{"twice", Options{Dir: "d", Topics: []bus.Topic{topic, topic}}, "declared twice"},
		{"negative retention", Options{Dir: "d", Retention: -1}, "negative"},
		{"negative topic retention", Options{Dir: "d", Topics: []bus.Topic{{Name: "t", Partitions: 1, Retention: -1}}}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.withDefaults().Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate: %v, want %q", err, tt.want)
			}
		})
	}
}

// TestWatermark: writes that land out of order become visible in offset order.
func TestWatermark(t *testing.T) {
	p := newPartition(0, 0, 5)
	_, t1 := p.reserve(2) // 5, 6
	first, t2 := p.reserve(1)
	if first != 7 {
		t.Fatalf("second reservation starts at %d, want 7", first)
	}
	visible, wake := p.watermark()
	p.settle(t2)
	if v, _ := p.watermark(); v != 5 || visible != 5 {
		t.Fatalf("visible %d after the later write settled, want 5", v)
	}
	p.settle(t1)
	select {
	case <-wake:
	default:
		t.Fatal("readers were not woken")
	}
	if v, _ := p.watermark(); v != 8 {
		t.Fatalf("visible %d after both settled, want 8", v)
	}
}

func TestEntryRoundTrip(t *testing.T) {
	at := time.Unix(1700000000, 123)
	hs := []bus.Header{{Key: "traceparent", Value: []byte("00-ab-cd-01")}, {Key: "", Value: []byte{}}, {Key: "k", Value: []byte{0, 1}}}
	for _, tt := range []struct {
		key, value string
		headers    []bus.Header
	}{{"", "", nil}, {"k", "", nil}, {"", "v", nil}, {"key", "value", nil}, {"", "", hs}, {"key", "value", hs[:1]}} {
		gotAt, key, value, headers, err := decodeEntry(encodeEntry(at, []byte(tt.key), []byte(tt.value), tt.headers))
		if err != nil || !gotAt.Equal(at) || string(key) != tt.key || string(value) != tt.value || !sameHeaders(headers, tt.headers) {
			t.Fatalf("round trip of %q/%q/%v: %v %q %q %v %v", tt.key, tt.value, tt.headers, gotAt, key, value, headers, err)
		}
	}
	for _, bad := range [][]byte{{1, 2, 3}, encodeEntry(at, []byte("key"), nil, hs)[:14]} {
		if _, _, _, _, err := decodeEntry(bad); err == nil {
			t.Fatalf("decoded a truncated entry %v", bad)
		}
	}
	if off, err := logKeyOffset(logKey("t", 3, 42)); err != nil || off != 42 {
		t.Fatalf("logKeyOffset: %d %v", off, err)
	}
}

// oldEntry is a log entry as stored before messages had headers: append time, key
// length, key, value.
func oldEntry(at time.Time, key, value string) []byte {
	v := binary.BigEndian.AppendUint64(nil, uint64(at.UnixNano()))
	v = binary.AppendUvarint(v, uint64(len(key)))
	return append(append(v, key...), value...)
}

// TestOldEntriesStillRead: an entry stored in the format that predates headers reads
// back with its time, key and value, and no headers.
func TestOldEntriesStillRead(t *testing.T) {
	var clock fakeClock
	clock.advance(time.Hour)
	tp := bus.Topic{Name: "t", Partitions: 1}
	b := openTest(t, t.TempDir(), &clock, tp)
	publishN(t, b, tp.Name, 0, 1)
	at := time.Unix(1600000000, 5)
	if err := b.db.Set(logKey(tp.Name, 0, 0), oldEntry(at, "old-key", "old-value"), nil); err != nil {
		t.Fatalf("Set: %v", err)
	}
	msgs, err := b.read(tp.Name, 0, 0, 1, 10)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("read: %v %v", msgs, err)
	}
	m := msgs[0]
	if !m.Time.Equal(at) || string(m.Key) != "old-key" || string(m.Value) != "old-value" || m.Headers != nil {
		t.Fatalf("old entry read as %v %q %q %v", m.Time, m.Key, m.Value, m.Headers)
	}
}

func sameHeaders(a, b []bus.Header) bool {
	return slices.EqualFunc(a, b, func(x, y bus.Header) bool { return x.Key == y.Key && bytes.Equal(x.Value, y.Value) })
}
