package local

import (
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// trimLoop deletes expired messages every TrimInterval until Close.
func (b *Bus) trimLoop() {
	defer close(b.trimmerDone)
	tick := time.NewTicker(b.opts.TrimInterval)
	defer tick.Stop()
	for {
		select {
		case <-b.gate.Closing():
			return
		case <-tick.C:
			if err := b.trim(); err != nil {
				b.log.Error("bus: trim expired messages", "err", err)
			}
		}
	}
}

// trim deletes, in every partition, the messages appended before now minus the topic's
// retention. It stops early when the bus is closing.
func (b *Bus) trim() error {
	now := b.opts.Now()
	for _, t := range b.topics {
		for _, p := range t.parts {
			select {
			case <-b.gate.Closing():
				return nil
			default:
			}
			if err := b.trimPartition(t.Name, p, now.Add(-t.Retention)); err != nil {
				return fmt.Errorf("local: trim %s/%d: %w", t.Name, p.id, err)
			}
		}
	}
	return nil
}

// trimPartition deletes the entries of p from its floor up to the first entry appended
// at or after cutoff, and moves the floor there in the same batch, so that a partition
// trimmed empty still recovers its next offset.
func (b *Bus) trimPartition(topic string, p *partition, cutoff time.Time) error {
	p.mu.Lock()
	floor, visible := p.mu.floor, p.mu.visible
	p.mu.Unlock()
	cut, err := b.firstRetained(topic, p.id, floor, visible, cutoff)
	if err != nil || cut <= floor {
		return err
	}
	batch := b.db.NewBatch()
	defer batch.Close()
	lower, upper := logBounds(topic, p.id, floor, cut)
	if err := batch.DeleteRange(lower, upper, nil); err != nil {
		return err
	}
	if err := batch.Set(floorKey(topic, p.id), encodeUint64(uint64(cut)), nil); err != nil {
		return err
	}
	// Unsynced: losing a trim in a crash only keeps messages a little longer.
	if err := b.db.Apply(batch, pebble.NoSync); err != nil {
		return err
	}
	p.mu.Lock()
	p.mu.floor = cut
	p.mu.Unlock()
	return nil
}

// firstRetained returns the offset of the first entry in [from, to) appended at or after
// cutoff, or to if there is none. Append times grow with offsets (up to clock steps).
func (b *Bus) firstRetained(topic string, partition int, from, to int64, cutoff time.Time) (off int64, err error) {
	lower, upper := logBounds(topic, partition, from, to)
	it, err := b.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, it.Close()) }()
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			return 0, err
		}
		at, err := entryTime(v)
		if err != nil {
			return 0, err
		}
		if !at.Before(cutoff) {
			return logKeyOffset(it.Key())
		}
	}
	return to, it.Error()
}
