package kafka

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/herd-social/herd/bus"
)

// Publish produces msgs with the idempotent producer, acknowledged by every in-sync
// replica, and returns once each is stored. A key goes to the partition
// bus.PartitionFor picks; messages of one partition keep the order of msgs, and of
// Publish calls that follow one another. Partition, Offset and Time of msgs are
// ignored. A message naming an undeclared topic fails the call before anything is
// produced; past that, a failed call may have stored some of its messages.
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
	records := make([]*kgo.Record, len(msgs))
	for i, m := range msgs {
		if _, err := b.topic(m.Topic); err != nil {
			return err
		}
		records[i] = &kgo.Record{Topic: b.opts.Prefix + m.Topic, Key: m.Key, Value: m.Value, Headers: recordHeaders(m.Headers)}
	}
	if err := b.producer.ProduceSync(ctx, records...).FirstErr(); err != nil {
		return fmt.Errorf("kafka: publish %d messages: %w", len(msgs), err)
	}
	return nil
}

// partitioner places records where bus.PartitionFor does, as every engine does, so
// that a key's messages keep their order in all of them.
type partitioner struct{}

func (partitioner) ForTopic(string) kgo.TopicPartitioner { return keyPartitioner{} }

type keyPartitioner struct{}

// RequiresConsistency is true: a key must always land in its partition, even when
// that partition's leader is unavailable for a while.
func (keyPartitioner) RequiresConsistency(*kgo.Record) bool { return true }

func (keyPartitioner) Partition(r *kgo.Record, n int) int { return bus.PartitionFor(r.Key, n) }

// recordHeaders converts a message's headers to a record's; nil stays nil.
func recordHeaders(hs []bus.Header) []kgo.RecordHeader {
	if len(hs) == 0 {
		return nil
	}
	out := make([]kgo.RecordHeader, len(hs))
	for i, h := range hs {
		out[i] = kgo.RecordHeader{Key: h.Key, Value: h.Value}
	}
	return out
}

// messageHeaders converts a record's headers to a message's; none gives nil.
func messageHeaders(hs []kgo.RecordHeader) []bus.Header {
	if len(hs) == 0 {
		return nil
	}
	out := make([]bus.Header, len(hs))
	for i, h := range hs {
		out[i] = bus.Header{Key: h.Key, Value: h.Value}
	}
	return out
}
