package local

import (
	"context"
	"fmt"
	"sync"

	"github.com/herd-social/herd/bus"
)

// partition is the live state of one partition of a topic.
//
// Publishes reserve offsets under the lock, then write without it, so that concurrent
// publishes share Pebble's group commit. Writes may therefore land out of offset order;
// readers stop at visible, below which every offset is stored (or its write failed and
// it stays a hole, which readers skip).
type partition struct {
	id int
	mu struct {
		sync.Mutex
		next    int64         // next offset to assign
		visible int64         // offsets below are settled; readers stop here
		floor   int64         // first offset the trimmer has not deleted
		pending []*ticket     // reservations in flight, in offset order
		wake    chan struct{} // closed and replaced when visible advances
	}
}

// ticket is one publish call's reservation of offsets [.., end) in one partition.
type ticket struct {
	end  int64
	done bool
}

func newPartition(id int, floor, next int64) *partition {
	p := &partition{id: id}
	p.mu.next, p.mu.visible, p.mu.floor = next, next, floor
	p.mu.wake = make(chan struct{})
	return p
}

// reserve assigns n consecutive offsets and returns the first.
func (p *partition) reserve(n int) (first int64, tk *ticket) {
	p.mu.Lock()
	defer p.mu.Unlock()
	first = p.mu.next
	p.mu.next += int64(n)
	tk = &ticket{end: p.mu.next}
	p.mu.pending = append(p.mu.pending, tk)
	return first, tk
}

// settle marks a reservation written (or failed) and advances visible over every
// settled reservation at the front, waking readers.
func (p *partition) settle(tk *ticket) {
	p.mu.Lock()
	defer p.mu.Unlock()
	tk.done = true
	advanced := false
	for len(p.mu.pending) > 0 && p.mu.pending[0].done {
		p.mu.visible = p.mu.pending[0].end
		p.mu.pending[0] = nil
		p.mu.pending = p.mu.pending[1:]
		advanced = true
	}
	if advanced {
		close(p.mu.wake)
		p.mu.wake = make(chan struct{})
	}
}

// watermark returns visible and a channel closed when it next advances.
func (p *partition) watermark() (visible int64, wake <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mu.visible, p.mu.wake
}

// Publish appends msgs, assigning each a partition by key and the next offset of that
// partition, in one atomic Pebble batch (synced unless Options.NoSync), then wakes the
// consumers of those partitions. Partition, Offset and Time of msgs are ignored.
func (b *Bus) Publish(ctx context.Context, msgs ...bus.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.gate.Enter(); err != nil {
		return err
	}
	defer b.gate.Leave()
	if len(msgs) == 0 {
		return nil
	}
	parts := make([]*partition, len(msgs))
	for i, m := range msgs {
		t, err := b.topic(m.Topic)
		if err != nil {
			return err
		}
		parts[i] = t.parts[bus.PartitionFor(m.Key, t.Partitions)]
	}
	offsets, tickets := reserveAll(parts)
	defer func() {
		for p, tk := range tickets {
			p.settle(tk)
		}
	}()
	if err := b.write(msgs, parts, offsets); err != nil {
		return fmt.Errorf("local: publish %d messages: %w", len(msgs), err)
	}
	return nil
}

// reserveAll reserves offsets for messages bound to parts, one reservation per
// partition so that a call's messages of one partition stay consecutive.
func reserveAll(parts []*partition) ([]int64, map[*partition]*ticket) {
	counts := make(map[*partition]int, 4)
	for _, p := range parts {
		counts[p]++
	}
	next := make(map[*partition]int64, len(counts))
	tickets := make(map[*partition]*ticket, len(counts))
	for p, n := range counts {
		next[p], tickets[p] = p.reserve(n)
	}
	offsets := make([]int64, len(parts))
	for i, p := range parts {
		offsets[i] = next[p]
		next[p]++
	}
	return offsets, tickets
}

// write stores msgs at their offsets in one batch.
func (b *Bus) write(msgs []bus.Message, parts []*partition, offsets []int64) error {
	batch := b.db.NewBatch()
	defer batch.Close()
	now := b.opts.Now()
	for i, m := range msgs {
		k := logKey(m.Topic, parts[i].id, offsets[i])
		if err := batch.Set(k, encodeEntry(now, m.Key, m.Value, m.Headers), nil); err != nil {
			return err
		}
	}
	return b.db.Apply(batch, b.writeOpts)
}
