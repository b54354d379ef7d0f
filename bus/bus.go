// Package bus owns the contract of Herd's durable event log, shaped after Kafka:
// topics split into partitions by key, consumer groups with committed offsets, and
// at-least-once delivery (a batch whose handler did not return nil is delivered again,
// also after a crash).
//
// Engines: bus/local (embedded, durable on disk) and bus/kafka. The package must not
// learn what an event means; payloads are opaque bytes.
package bus

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"
)

var (
	// ErrUnknownTopic is returned for a topic that was not declared.
	ErrUnknownTopic = errors.New("bus: unknown topic")
	// ErrClosed is returned after Close.
	ErrClosed = errors.New("bus: closed")
	// ErrPermanent marks a handler's error that delivering the message again cannot
	// fix (the message is malformed, or names something that can never apply). Wrap
	// an error with Permanent; consumers set such a message aside (package deadletter)
	// instead of retrying it.
	ErrPermanent = errors.New("bus: permanent failure")
)

// Permanent marks err as permanent: errors.Is(Permanent(err), ErrPermanent) holds,
// and the message and errors.Is/As of err are kept. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil || errors.Is(err, ErrPermanent) {
		return err
	}
	return permanentError{err}
}

type permanentError struct{ err error }

func (e permanentError) Error() string   { return e.err.Error() }
func (e permanentError) Unwrap() []error { return []error{e.err, ErrPermanent} }

// Topic declares one topic. Partitions is fixed for the life of the topic, as in Kafka:
// per-key order holds because a key always lands in the same partition.
type Topic struct {
	Name       string
	Partitions int
	// Retention is how long messages are kept; zero means the engine's default.
	Retention time.Duration
}

// Validate reports whether the declaration is usable by every engine.
func (t Topic) Validate() error {
	if t.Name == "" || len(t.Name) > 100 {
		return fmt.Errorf("bus: topic name %q must have 1 to 100 characters", t.Name)
	}
	for _, r := range t.Name {
		ok := r == '_' || r == '-' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return fmt.Errorf("bus: topic name %q has a character Kafka refuses", t.Name)
		}
	}
	if t.Partitions < 1 || t.Partitions > 1024 {
		return fmt.Errorf("bus: topic %q needs 1 to 1024 partitions", t.Name)
	}
	if t.Retention < 0 {
		return fmt.Errorf("bus: topic %q has a negative retention", t.Name)
	}
	return nil
}

// ValidateTopics checks the topics an engine is opened with: each one valid, and no
// name declared twice.
func ValidateTopics(topics []Topic) error {
	seen := make(map[string]bool, len(topics))
	for _, t := range topics {
		if err := t.Validate(); err != nil {
			return err
		}
		if seen[t.Name] {
			return fmt.Errorf("bus: topic %q declared twice", t.Name)
		}
		seen[t.Name] = true
	}
	return nil
}

// Message is one event of a topic.
type Message struct {
	Topic     string
	Key       []byte
	Value     []byte
	Partition int
	Offset    int64
	// Time is when the message was appended.
	Time time.Time
	// Headers are the message's metadata (a trace context, say), kept in order and
	// delivered as published; nil when it has none. Keys need not be unique.
	Headers []Header
}

// Header is one key and value of a message's headers, as in a Kafka record.
type Header struct {
	Key   string
	Value []byte
}

// HeaderValue returns the value of the first header named key, and whether there is one.
func (m Message) HeaderValue(key string) ([]byte, bool) {
	for _, h := range m.Headers {
		if h.Key == key {
			return h.Value, true
		}
	}
	return nil, false
}

// Handler processes a batch of messages of one partition, in offset order. Returning
// nil commits the batch; returning an error delivers the same batch again after a
// backoff. Handlers must be idempotent: a batch may be delivered more than once.
// Consumers build their handler with package deadletter, so that a message that can
// never be processed is set aside instead of stopping its partition.
type Handler func(ctx context.Context, msgs []Message) error

// ConsumeOptions tune a consumer.
type ConsumeOptions struct {
	// MaxBatch caps the messages handed to one Handler call; default 256.
	MaxBatch int
	// RetryBackoff is the first delay before a failed batch is delivered again; it
	// doubles up to MaxRetryBackoff. Defaults 100ms and 30s.
	RetryBackoff, MaxRetryBackoff time.Duration
}

// WithDefaults fills zero fields with their documented defaults.
func (o ConsumeOptions) WithDefaults() ConsumeOptions {
	if o.MaxBatch <= 0 {
		o.MaxBatch = 256
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = 100 * time.Millisecond
	}
	if o.MaxRetryBackoff <= 0 {
		o.MaxRetryBackoff = 30 * time.Second
	}
	return o
}

// Bus is the event-log contract. Every method is safe for concurrent use.
type Bus interface {
	// Publish appends messages durably: when it returns nil every message is stored
	// and will be delivered to every consumer group of its topic.
	Publish(ctx context.Context, msgs ...Message) error
	// Consume runs a member of consumer group `group` on topic until ctx is done or
	// the bus is closed. Partitions are shared among the group's live members; each
	// partition is handled by one member at a time, in order. It returns nil when ctx
	// is done.
	Consume(ctx context.Context, group, topic string, opts ConsumeOptions, h Handler) error
	// Lag reports how far consumer group `group` trails topic: per partition, in
	// partition order, the number of retained messages the group has not committed.
	// A group that never committed trails by every retained message. It is for
	// monitoring: the numbers may be a moment old.
	Lag(ctx context.Context, group, topic string) ([]int64, error)
	// Close stops the engine; running Consume calls return.
	Close() error
}

// PartitionFor maps a key to a partition the way every engine does (FNV-1a), so that
// per-key order holds in each of them. Kafka engines set it as their partitioner.
func PartitionFor(key []byte, partitions int) int {
	if partitions <= 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write(key)
	return int(h.Sum32() % uint32(partitions))
}
