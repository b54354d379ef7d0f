package bustest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/bus"
)

var errPlanned = errors.New("bustest: planned handler failure")

// testPublishConsume: one key's messages, published singly and in batches, before and
// while consuming, arrive once each, in order, in batches that respect MaxBatch.
func testPublishConsume(t *testing.T, e Engine) {
	tp := newTopic(t, 4)
	b := open(t, e, tp)
	ks := []string{"alice"}
	publishKeys(t, b, tp.Name, ks, 0, 40, 1)
	publishKeys(t, b, tp.Name, ks, 40, 100, 7)
	var r recorder
	consume(t, b, name(t, "group"), tp.Name, bus.ConsumeOptions{MaxBatch: 16}, r.handler(nil))
	waitCount(t, &r, 100)
	publishKeys(t, b, tp.Name, ks, 100, 120, 3)
	waitCount(t, &r, 120)
	check(t, r.delivered(), tp, ks, 0, 120, true)
	for _, batch := range r.batches() {
		if len(batch) == 0 || len(batch) > 16 {
			t.Fatalf("batch of %d messages, want 1 to MaxBatch (16)", len(batch))
		}
		for i, m := range batch {
			if m.Partition != batch[0].Partition || (i > 0 && m.Offset <= batch[i-1].Offset) {
				t.Fatalf("batch mixes partitions or is out of order: %v", offsets(batch))
			}
		}
	}
}

// testKeysKeepOrder: many keys published concurrently spread over partitions, and each
// key's messages arrive in order.
func testKeysKeepOrder(t *testing.T, e Engine) {
	tp := newTopic(t, 4)
	b := open(t, e, tp)
	ks := keys("key", 16)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() { publishKeys(t, b, tp.Name, ks[4*i:4*i+4], 0, 25, 5) })
	}
	wg.Wait()
	var r recorder
	consume(t, b, name(t, "group"), tp.Name, bus.ConsumeOptions{}, r.handler(nil))
	waitCount(t, &r, 16*25)
	got := r.delivered()
	check(t, got, tp, ks, 0, 25, true)
	parts := make(map[int]bool)
	for _, m := range got {
		parts[m.Partition] = true
	}
	if len(parts) < 2 {
		t.Fatalf("16 keys landed in %d partition(s) of 4", len(parts))
	}
}

// testGroupsAreIndependent: two groups on a topic each see every message, also one
// that starts late.
func testGroupsAreIndependent(t *testing.T, e Engine) {
	tp := newTopic(t, 3)
	b := open(t, e, tp)
	ks := keys("key", 6)
	var r1, r2 recorder
	consume(t, b, name(t, "first"), tp.Name, bus.ConsumeOptions{}, r1.handler(nil))
	publishKeys(t, b, tp.Name, ks, 0, 20, 4)
	waitCount(t, &r1, 120)
	consume(t, b, name(t, "second"), tp.Name, bus.ConsumeOptions{MaxBatch: 5}, r2.handler(nil))
	publishKeys(t, b, tp.Name, ks, 20, 30, 4)
	waitCount(t, &r1, 180)
	waitCount(t, &r2, 180)
	check(t, r1.delivered(), tp, ks, 0, 30, true)
	check(t, r2.delivered(), tp, ks, 0, 30, true)
}

// testMembersSplitPartitions: two members of a group share the partitions, never handle
// one partition at the same time, and together see every message; when one leaves, the
// other takes its partitions over.
//
// The first member starts alone and, until the second member's first batch begins, holds
// each batch (for at most holdCap), so that the second joins while the first is in the
// middle of partitions that move to it: an engine that hands a partition over before its
// batch is done shows as an overlap (see splitProbe).
func testMembersSplitPartitions(t *testing.T, e Engine) {
	tp := newTopic(t, 4)
	b := open(t, e, tp)
	ks := keys("key", 16)
	group := name(t, "group")
	s := newSplitProbe(tp.Partitions)
	all, handled := &s.all, &s.handled
	a := consume(t, b, group, tp.Name, bus.ConsumeOptions{MaxBatch: 4}, s.handler(0))
	publishKeys(t, b, tp.Name, ks, 0, 1, len(ks))
	waitFor(t, func() error {
		if handled[0].Load() == 0 {
			return errors.New("the first member has not begun a batch")
		}
		return nil
	})
	consume(t, b, group, tp.Name, bus.ConsumeOptions{MaxBatch: 4}, s.handler(1))
	rounds := 1
	waitFor(t, func() error { // publish a round whenever the last one is in
		if handled[1].Load() > 0 {
			return nil
		}
		if all.distinct() == rounds*len(ks) {
			publishKeys(t, b, tp.Name, ks, rounds, rounds+1, len(ks))
			rounds++
		}
		return fmt.Errorf("the second member has begun no batch after %d rounds", rounds)
	})
	before := handled[0].Load()
	publishKeys(t, b, tp.Name, ks, rounds, rounds+5, 8)
	waitDistinct(t, all, (rounds+5)*len(ks))
	if handled[0].Load() == before {
		t.Fatal("the first member handled nothing once the second had joined; want partitions shared")
	}
	if err := a.stop(t); err != nil {
		t.Fatalf("Consume returned %v after cancel, want nil", err)
	}
	publishKeys(t, b, tp.Name, ks, rounds+5, rounds+10, 8)
	waitDistinct(t, all, (rounds+10)*len(ks))
	check(t, all.delivered(), tp, ks, 0, rounds+10, false)
	if n := s.overlaps.Load(); n > 0 {
		t.Fatalf("%d batches began while another member handled the same partition", n)
	}
}

// splitProbe is the handlers of two members of a group: it counts the batches each
// begins and the batches begun while the other member was in the same partition.
type splitProbe struct {
	all      recorder
	inflight []atomic.Int32 // per partition
	overlaps atomic.Int32
	handled  [2]atomic.Int32 // batches begun, per member
	joined   chan struct{}   // closed when member 1 begins its first batch
	once     sync.Once
}

// holdCap bounds how long member 0 holds a batch waiting for member 1 to begin one.
const holdCap = 50 * time.Millisecond

func newSplitProbe(partitions int) *splitProbe {
	return &splitProbe{inflight: make([]atomic.Int32, partitions), joined: make(chan struct{})}
}

func (s *splitProbe) handler(member int) bus.Handler {
	return s.all.handler(func(ctx context.Context, msgs []bus.Message) error {
		p := msgs[0].Partition
		if s.inflight[p].Add(1) > 1 {
			s.overlaps.Add(1)
		}
		defer s.inflight[p].Add(-1)
		s.handled[member].Add(1)
		if member == 1 {
			s.once.Do(func() { close(s.joined) })
			return nil
		}
		select {
		case <-s.joined:
		case <-ctx.Done():
		case <-time.After(holdCap):
		}
		return nil
	})
}

// testHandlerErrorRedelivers: a failing batch is delivered again, unchanged, and the
// messages after it wait until it succeeds.
func testHandlerErrorRedelivers(t *testing.T, e Engine) {
	tp := newTopic(t, 1)
	b := open(t, e, tp)
	ks := []string{"key"}
	publishKeys(t, b, tp.Name, ks, 0, 8, 8)
	var failures atomic.Int32
	var r recorder
	h := r.handler(func(ctx context.Context, msgs []bus.Message) error {
		if hasSeq(msgs, 3) && failures.Add(1) <= 3 {
			return errPlanned
		}
		return nil
	})
	opts := bus.ConsumeOptions{MaxBatch: 2, RetryBackoff: time.Millisecond, MaxRetryBackoff: 4 * time.Millisecond}
	consume(t, b, name(t, "group"), tp.Name, opts, h)
	waitCount(t, &r, 8)
	check(t, r.delivered(), tp, ks, 0, 8, true)
	calls := r.batches()
	i := slices.IndexFunc(calls, func(msgs []bus.Message) bool { return hasSeq(msgs, 3) })
	if i < 0 || len(calls) < i+4 {
		t.Fatalf("%d calls, the failing batch at %d; want it and 3 more", len(calls), i)
	}
	for _, c := range calls[i+1 : i+4] {
		if !slices.Equal(offsets(c), offsets(calls[i])) {
			t.Fatalf("after a failure, delivered offsets %v, want the failed batch %v again", offsets(c), offsets(calls[i]))
		}
	}
}

// testCommitsSurviveReopen: after a restart a group resumes after its last commit, the
// messages it had not consumed are there, and new offsets follow the old ones.
func testCommitsSurviveReopen(t *testing.T, e Engine) {
	tp := newTopic(t, 2)
	b := open(t, e, tp)
	ks := keys("key", 4)
	group := name(t, "group")
	opts := bus.ConsumeOptions{MaxBatch: 4}
	publishKeys(t, b, tp.Name, ks, 0, 10, 3)
	var r1 recorder
	c := consume(t, b, group, tp.Name, opts, r1.handler(nil))
	waitCount(t, &r1, 40)
	if err := c.stop(t); err != nil {
		t.Fatalf("Consume returned %v after cancel, want nil", err)
	}
	check(t, r1.delivered(), tp, ks, 0, 10, true)
	publishKeys(t, b, tp.Name, ks, 10, 15, 3)

	b = reopen(t, e, b, tp)
	publishKeys(t, b, tp.Name, ks, 15, 20, 3)
	var r2, r3 recorder
	consume(t, b, group, tp.Name, opts, r2.handler(nil))
	consume(t, b, name(t, "fresh"), tp.Name, opts, r3.handler(nil))
	waitCount(t, &r2, 40)
	waitCount(t, &r3, 80)
	check(t, r2.delivered(), tp, ks, 10, 20, true)
	check(t, r3.delivered(), tp, ks, 0, 20, true)
}

// testCrashMidWork: the bus closes while a handler is in the middle of a batch; after a
// restart the group resumes at that batch, not before and not after it.
func testCrashMidWork(t *testing.T, e Engine) {
	tp := newTopic(t, 1)
	b := open(t, e, tp)
	ks := []string{"key"}
	group := name(t, "group")
	opts := bus.ConsumeOptions{MaxBatch: 1}
	publishKeys(t, b, tp.Name, ks, 0, 4, 4)
	blocked := make(chan struct{})
	var once sync.Once
	var r1 recorder
	c := consume(t, b, group, tp.Name, opts, r1.handler(func(ctx context.Context, msgs []bus.Message) error {
		if !hasSeq(msgs, 2) {
			return nil
		}
		once.Do(func() { close(blocked) })
		<-ctx.Done()
		return ctx.Err()
	}))
	select {
	case <-blocked:
	case <-time.After(timeout):
		t.Fatalf("the handler was not given seq 2 within %v", timeout)
	}
	b = reopen(t, e, b, tp)
	if err := c.wait(t); !isStopped(err) {
		t.Fatalf("Consume returned %v after Close, want nil or bus.ErrClosed", err)
	}
	var r2 recorder
	consume(t, b, group, tp.Name, opts, r2.handler(nil))
	waitCount(t, &r2, 2)
	check(t, r2.delivered(), tp, ks, 2, 4, true)
}

// testUnknownTopic: Publish and Consume refuse an undeclared topic, and a Publish that
// names one stores none of its messages.
func testUnknownTopic(t *testing.T, e Engine) {
	tp := newTopic(t, 2)
	b := open(t, e, tp)
	unknown := name(t, "unknown")
	ctx := context.Background()
	if err := b.Publish(ctx, msg(unknown, "key", 0)); !errors.Is(err, bus.ErrUnknownTopic) {
		t.Fatalf("Publish to an unknown topic: %v, want bus.ErrUnknownTopic", err)
	}
	if err := b.Publish(ctx, msg(tp.Name, "key", 0), msg(unknown, "key", 1)); !errors.Is(err, bus.ErrUnknownTopic) {
		t.Fatalf("Publish naming an unknown topic: %v, want bus.ErrUnknownTopic", err)
	}
	c := consume(t, b, name(t, "group"), unknown, bus.ConsumeOptions{}, func(context.Context, []bus.Message) error { return nil })
	if err := c.wait(t); !errors.Is(err, bus.ErrUnknownTopic) {
		t.Fatalf("Consume of an unknown topic: %v, want bus.ErrUnknownTopic", err)
	}
	publishKeys(t, b, tp.Name, []string{"key"}, 0, 1, 1)
	var r recorder
	consume(t, b, name(t, "group"), tp.Name, bus.ConsumeOptions{}, r.handler(nil))
	waitCount(t, &r, 1)
	check(t, r.delivered(), tp, []string{"key"}, 0, 1, true)
}

// testClosed: Publish and Consume return bus.ErrClosed after Close.
func testClosed(t *testing.T, e Engine) {
	tp := newTopic(t, 1)
	b := open(t, e, tp)
	closeBus(t, b)
	if err := b.Publish(context.Background(), msg(tp.Name, "key", 0)); !errors.Is(err, bus.ErrClosed) {
		t.Fatalf("Publish after Close: %v, want bus.ErrClosed", err)
	}
	c := consume(t, b, name(t, "group"), tp.Name, bus.ConsumeOptions{}, func(context.Context, []bus.Message) error { return nil })
	if err := c.wait(t); !errors.Is(err, bus.ErrClosed) {
		t.Fatalf("Consume after Close: %v, want bus.ErrClosed", err)
	}
}

// testConsumeStopsOnCancel: Consume returns nil when its context is done, idle or in the
// middle of a batch; the unfinished batch goes to the group's next member.
func testConsumeStopsOnCancel(t *testing.T, e Engine) {
	tp := newTopic(t, 1)
	b := open(t, e, tp)
	group := name(t, "group")
	idle := consume(t, b, name(t, "idle"), tp.Name, bus.ConsumeOptions{}, func(context.Context, []bus.Message) error { return nil })
	if err := idle.stop(t); err != nil {
		t.Fatalf("idle Consume returned %v after cancel, want nil", err)
	}
	publishKeys(t, b, tp.Name, []string{"key"}, 0, 3, 3)
	blocked := make(chan struct{})
	var once sync.Once
	busy := consume(t, b, group, tp.Name, bus.ConsumeOptions{}, func(ctx context.Context, _ []bus.Message) error {
		once.Do(func() { close(blocked) })
		<-ctx.Done()
		return ctx.Err()
	})
	select {
	case <-blocked:
	case <-time.After(timeout):
		t.Fatalf("the handler was not called within %v", timeout)
	}
	if err := busy.stop(t); err != nil {
		t.Fatalf("busy Consume returned %v after cancel, want nil", err)
	}
	var r recorder
	consume(t, b, group, tp.Name, bus.ConsumeOptions{}, r.handler(nil))
	waitCount(t, &r, 3)
	check(t, r.delivered(), tp, []string{"key"}, 0, 3, true)
}

// testCloseStopsConsumers: Close makes every Consume return, idle or busy.
func testCloseStopsConsumers(t *testing.T, e Engine) {
	tp := newTopic(t, 2)
	b := open(t, e, tp)
	publishKeys(t, b, tp.Name, keys("key", 4), 0, 2, 8)
	blocked := make(chan struct{})
	var once sync.Once
	nop := func(context.Context, []bus.Message) error { return nil }
	cs := []*consumer{
		consume(t, b, name(t, "a"), tp.Name, bus.ConsumeOptions{}, nop),
		consume(t, b, name(t, "a"), tp.Name, bus.ConsumeOptions{}, nop),
		consume(t, b, name(t, "b"), tp.Name, bus.ConsumeOptions{}, func(ctx context.Context, _ []bus.Message) error {
			once.Do(func() { close(blocked) })
			<-ctx.Done()
			return ctx.Err()
		}),
	}
	select {
	case <-blocked:
	case <-time.After(timeout):
		t.Fatalf("the handler was not called within %v", timeout)
	}
	closeBus(t, b)
	for i, c := range cs {
		if err := c.wait(t); !isStopped(err) {
			t.Fatalf("consumer %d returned %v after Close, want nil or bus.ErrClosed", i, err)
		}
	}
}

// testBurst: 10,000 messages from concurrent publishers reach a group of two members.
func testBurst(t *testing.T, e Engine) {
	tp := newTopic(t, 8)
	b := open(t, e, tp)
	ks := keys("user", 100)
	group := name(t, "group")
	var r recorder
	consume(t, b, group, tp.Name, bus.ConsumeOptions{}, r.handler(nil))
	consume(t, b, group, tp.Name, bus.ConsumeOptions{}, r.handler(nil))
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() { publishKeys(t, b, tp.Name, ks[25*i:25*i+25], 0, 100, 100) })
	}
	wg.Wait()
	waitDistinct(t, &r, 10_000)
	check(t, r.delivered(), tp, ks, 0, 100, false)
}

func hasSeq(msgs []bus.Message, seq int) bool {
	return slices.ContainsFunc(msgs, func(m bus.Message) bool {
		_, s, err := parse(m)
		return err == nil && s == seq
	})
}

func offsets(msgs []bus.Message) []int64 {
	offs := make([]int64, len(msgs))
	for i, m := range msgs {
		offs[i] = m.Offset
	}
	return offs
}
