package local

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/herd-social/herd/bus"
)

type groupKey struct{ group, topic string }

// group is the live members of one consumer group on one topic. Its fields are guarded
// by Bus.mu.
type group struct {
	members []*member // in join order
	// tokens hold one value per partition while a member handles that partition: a
	// partition loop sends before reading its committed offset and receives when it
	// stops, so that a revoked loop finishes its batch before the next owner starts.
	tokens []chan struct{}
}

// member is one Consume call.
type member struct {
	changed  chan struct{} // capacity 1; signalled when assigned changes
	assigned []int         // partitions this member handles; guarded by Bus.mu
}

// Consume runs a member of group on topic until ctx is done (it returns nil) or the bus
// is closed (bus.ErrClosed). The topic's partitions are spread round-robin over the
// group's live Consume calls in join order, and spread again when one joins or leaves;
// a revoked partition is handed over once its current batch is done.
//
// Each partition is read from its committed offset (or its earliest retained message)
// in batches of up to opts.MaxBatch. A batch is committed, synced, when h returns nil;
// otherwise it is delivered again after a backoff, and later messages wait behind it.
// h's context is cancelled when ctx is done or the bus closes, and Close waits for h.
func (b *Bus) Consume(ctx context.Context, group, topic string, opts bus.ConsumeOptions, h bus.Handler) error {
	t, err := b.topic(topic)
	if err != nil {
		return err
	}
	if group == "" {
		return errors.New("local: consumer group name is empty")
	}
	if h == nil {
		return errors.New("local: nil handler")
	}
	c := &consumer{b: b, t: t, key: groupKey{group, topic}, opts: opts.WithDefaults(), h: h}
	g, m, err := b.join(c.key, t.Partitions)
	if err != nil {
		return err
	}
	defer b.gate.Leave()
	return c.run(ctx, g, m)
}

// join adds a member to a group and rebalances it; the caller must call b.gate.Leave.
func (b *Bus) join(k groupKey, partitions int) (*group, *member, error) {
	if err := b.gate.Enter(); err != nil {
		return nil, nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	g := b.mu.groups[k]
	if g == nil {
		g = &group{tokens: make([]chan struct{}, partitions)}
		for i := range g.tokens {
			g.tokens[i] = make(chan struct{}, 1)
		}
		b.mu.groups[k] = g
	}
	m := &member{changed: make(chan struct{}, 1)}
	g.members = append(g.members, m)
	g.rebalanceLocked(partitions)
	return g, m, nil
}

// leave removes a member whose partition loops have all stopped.
func (b *Bus) leave(k groupKey, g *group, m *member, partitions int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, x := range g.members {
		if x == m {
			g.members = append(g.members[:i], g.members[i+1:]...)
			break
		}
	}
	if len(g.members) == 0 {
		delete(b.mu.groups, k)
		return
	}
	g.rebalanceLocked(partitions)
}

// rebalanceLocked assigns partition p to member p mod n and signals every member.
func (g *group) rebalanceLocked(partitions int) {
	n := len(g.members)
	for i, m := range g.members {
		m.assigned = m.assigned[:0]
		for p := i; p < partitions; p += n {
			m.assigned = append(m.assigned, p)
		}
		select {
		case m.changed <- struct{}{}:
		default:
		}
	}
}

func (b *Bus) assignment(m *member) map[int]bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	set := make(map[int]bool, len(m.assigned))
	for _, p := range m.assigned {
		set[p] = true
	}
	return set
}

// consumer is the state of one Consume call.
type consumer struct {
	b    *Bus
	t    *topic
	key  groupKey
	opts bus.ConsumeOptions
	h    bus.Handler
}

// run owns the partition loops of member m: it starts and stops them as the assignment
// changes, and stops them all before it returns.
func (c *consumer) run(ctx context.Context, g *group, m *member) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
		c.b.leave(c.key, g, m, c.t.Partitions)
	}()
	loops := make(map[int]context.CancelFunc)
	errc := make(chan error, 1)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-c.b.gate.Closing():
			return bus.ErrClosed
		case err := <-errc:
			return err
		case <-m.changed:
		}
		want := c.b.assignment(m)
		for p, stop := range loops {
			if !want[p] {
				stop()
				delete(loops, p)
			}
		}
		for p := range want {
			if loops[p] != nil {
				continue
			}
			lctx, stop := context.WithCancel(ctx)
			loops[p] = stop
			wg.Go(func() {
				if err := c.runPartition(lctx, ctx, g.tokens[p], c.t.parts[p]); err != nil {
					select {
					case errc <- err:
					default:
					}
				}
			})
		}
	}
}

// runPartition handles one partition until lctx is done (revoked or stopping). Handlers
// get hctx, which is not cancelled by a revocation: the batch in hand is finished.
func (c *consumer) runPartition(lctx, hctx context.Context, token chan struct{}, p *partition) error {
	select {
	case token <- struct{}{}:
	case <-lctx.Done():
		return nil
	}
	defer func() { <-token }()
	ck := commitKey(c.key.group, c.t.Name, p.id)
	cursor, err := c.b.readUint64(ck)
	if err != nil {
		return fmt.Errorf("local: read offset of %s %s/%d: %w", c.key.group, c.t.Name, p.id, err)
	}
	for lctx.Err() == nil {
		visible, wake := p.watermark()
		if cursor >= visible {
			select {
			case <-wake:
			case <-lctx.Done():
			}
			continue
		}
		msgs, err := c.b.read(c.t.Name, p.id, cursor, visible, c.opts.MaxBatch)
		if err != nil {
			return fmt.Errorf("local: read %s/%d at %d: %w", c.t.Name, p.id, cursor, err)
		}
		if len(msgs) == 0 { // trimmed, or holes left by failed writes
			cursor = visible
			continue
		}
		if !c.handle(lctx, hctx, msgs) {
			return nil
		}
		cursor = msgs[len(msgs)-1].Offset + 1
		if err := c.b.db.Set(ck, encodeUint64(uint64(cursor)), c.b.writeOpts); err != nil {
			return fmt.Errorf("local: commit %s %s/%d at %d: %w", c.key.group, c.t.Name, p.id, cursor, err)
		}
	}
	return nil
}

// handle calls the handler until it returns nil (true), or gives up when the loop is
// revoked or stopped (false), doubling the backoff between attempts.
func (c *consumer) handle(lctx, hctx context.Context, msgs []bus.Message) bool {
	backoff := c.opts.RetryBackoff
	for attempt := 1; ; attempt++ {
		err := c.h(hctx, msgs)
		if err == nil {
			return true
		}
		if hctx.Err() != nil {
			return false
		}
		c.b.log.Warn("bus: handler failed, will deliver the batch again",
			"group", c.key.group, "topic", c.t.Name, "partition", msgs[0].Partition,
			"offset", msgs[0].Offset, "attempt", attempt, "backoff", backoff, "err", err)
		timer := time.NewTimer(backoff)
		select {
		case <-timer.C:
		case <-lctx.Done():
			timer.Stop()
			return false
		}
		backoff = min(2*backoff, c.opts.MaxRetryBackoff)
	}
}

// read returns up to limit messages of a partition at offsets [from, to).
func (b *Bus) read(topic string, partition int, from, to int64, limit int) (msgs []bus.Message, err error) {
	lower, upper := logBounds(topic, partition, from, to)
	it, err := b.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, it.Close()) }()
	msgs = make([]bus.Message, 0, min(int64(limit), to-from))
	for ok := it.First(); ok && len(msgs) < limit; ok = it.Next() {
		off, err := logKeyOffset(it.Key())
		if err != nil {
			return nil, err
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return nil, err
		}
		at, key, value, headers, err := decodeEntry(v)
		if err != nil {
			return nil, fmt.Errorf("offset %d: %w", off, err)
		}
		msgs = append(msgs, bus.Message{
			Topic: topic, Key: key, Value: value, Partition: partition, Offset: off, Time: at,
			Headers: headers,
		})
	}
	return msgs, it.Error()
}

// Lag reports, per partition, the settled messages group has not committed: from its
// committed offset, or the trimmed floor if that is later, to the visible end.
func (b *Bus) Lag(ctx context.Context, group, topic string) ([]int64, error) {
	if err := b.gate.Enter(); err != nil {
		return nil, err
	}
	defer b.gate.Leave()
	t, err := b.topic(topic)
	if err != nil {
		return nil, err
	}
	lag := make([]int64, len(t.parts))
	for i, p := range t.parts {
		next, err := b.readUint64(commitKey(group, t.Name, p.id))
		if err != nil {
			return nil, fmt.Errorf("local: read offset of %s %s/%d: %w", group, t.Name, p.id, err)
		}
		p.mu.Lock()
		end, floor := p.mu.visible, p.mu.floor
		p.mu.Unlock()
		lag[i] = end - max(next, floor)
		if lag[i] < 0 {
			lag[i] = 0
		}
	}
	return lag, nil
}
