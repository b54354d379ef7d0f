// Package kafka is the cluster engine of the bus contract, on Apache Kafka (or a
// Kafka-compatible broker) through franz-go.
//
// It owns the mapping of the contract onto Kafka: topics created with their declared
// partition counts and broker append times, an idempotent producer that places a key
// where bus.PartitionFor does (so per-key order matches the embedded engine), and
// consumer groups with cooperative-sticky balancing whose members hand per-partition
// batches to a handler and commit a batch's offsets, synchronously, only once the
// handler returned nil.
//
// It must not learn what a payload means, and it keeps no state of its own: offsets
// and messages live in the cluster. Only node builds it; everything else sees bus.Bus.
//
// What Kafka gives differently from the embedded engine, all within the contract: a
// Publish of several messages is not atomic (each message is stored or not; a failed
// Publish may have stored some of them, and publishing again duplicates those, which
// consumers tolerate since they are idempotent); and Message.Time is the broker's
// append time only for topics this package created (it sets
// message.timestamp.type=LogAppendTime), the producer's time otherwise.
package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/herd-social/herd/bus"
)

// Options configure a Bus.
type Options struct {
	// Brokers are the seed brokers, host:port. Required.
	Brokers []string
	// Topics are the topics Publish and Consume accept. Open creates those missing with
	// their partition counts, sets the retention of existing ones that declare one, and
	// refuses an existing topic with another partition count.
	Topics []bus.Topic
	// ReplicationFactor of the topics Open creates. Default -1: the broker's
	// default.replication.factor.
	ReplicationFactor int16
	// Prefix is put before every topic and consumer group name on the brokers, so that
	// several instances (a staging and a production one, or test runs) can share
	// brokers without seeing each other's messages. Topics keep their declared names
	// in the API: Publish, Consume and the delivered messages use them. Default none.
	Prefix string
	// ClientID names the clients to the brokers. Default "herd".
	ClientID string
	// SessionTimeout is how long a group member that stopped heartbeating (a crashed
	// node) keeps its partitions. Default 45s.
	SessionTimeout time.Duration
	// HeartbeatInterval is how often members heartbeat, and so how soon they learn of
	// a rebalance. Default 3s.
	HeartbeatInterval time.Duration
	// RebalanceTimeout is how long a rebalance waits for members to finish the batches
	// in hand of partitions they give up. A handler still running after a quarter of
	// it has its context cancelled, and the batch, not committed, goes to the
	// partition's next owner. Default 60s.
	RebalanceTimeout time.Duration
	// Logger receives failed handlers and the client's warnings. Default discards.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.ReplicationFactor == 0 {
		o.ReplicationFactor = -1
	}
	if o.ClientID == "" {
		o.ClientID = "herd"
	}
	if o.SessionTimeout == 0 {
		o.SessionTimeout = 45 * time.Second
	}
	if o.HeartbeatInterval == 0 {
		o.HeartbeatInterval = 3 * time.Second
	}
	if o.RebalanceTimeout == 0 {
		o.RebalanceTimeout = time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Validate reports whether the options can open a Bus.
func (o Options) Validate() error {
	if len(o.Brokers) == 0 {
		return errors.New("kafka: options: Brokers is required")
	}
	if o.SessionTimeout < 0 || o.HeartbeatInterval < 0 || o.RebalanceTimeout < 0 {
		return errors.New("kafka: options: negative timeout")
	}
	if o.HeartbeatInterval > 0 && o.SessionTimeout > 0 && o.HeartbeatInterval >= o.SessionTimeout {
		return errors.New("kafka: options: HeartbeatInterval must be shorter than SessionTimeout")
	}
	if len(o.Prefix) > maxPrefix || strings.Trim(o.Prefix, legalNameChars) != "" {
		return fmt.Errorf("kafka: options: Prefix %q must be at most %d of [a-zA-Z0-9._-]", o.Prefix, maxPrefix)
	}
	return bus.ValidateTopics(o.Topics)
}

// Kafka names topics with up to 249 of these characters; Prefix leaves room for the
// declared names.
const (
	legalNameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
	maxPrefix      = 100
)

// The producer's bounds. Publishes block, rather than buffer without bound, past
// maxBufferedRecords or maxBufferedBytes awaiting their acks (a slow broker then
// slows the callers). A batch keeps franz-go's default bound, the brokers' default
// message.max.bytes: a message larger than a batch could not be published at all.
const (
	maxBufferedRecords = 20_000
	maxBufferedBytes   = 64 << 20
)

// Bus is the Kafka engine. It implements bus.Bus.
type Bus struct {
	opts     Options
	log      *slog.Logger
	producer *kgo.Client
	topics   map[string]bus.Topic // fixed at Open
	// gate counts Publish and Consume calls in flight, so that Close can wait for them.
	gate *bus.Gate
}

var _ bus.Bus = (*Bus)(nil)

// Open connects to the brokers and creates the declared topics that are missing. Close
// releases the producer; consumers make clients of their own.
func Open(ctx context.Context, opts Options) (*Bus, error) {
	opts = opts.withDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	b := &Bus{
		opts:   opts,
		log:    opts.Logger,
		topics: make(map[string]bus.Topic, len(opts.Topics)),
		gate:   bus.NewGate(),
	}
	for _, t := range opts.Topics {
		b.topics[t.Name] = t
	}
	producer, err := kgo.NewClient(b.clientOpts(
		kgo.RecordPartitioner(partitioner{}),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		// No linger (franz-go's default is 10ms): every Publish waits for its ack, and a
		// post's event is on the path to the streams, so a record goes out at once.
		// Batching comes without waiting: records published while a produce request of
		// their partition is in flight fill the next batch.
		kgo.ProducerLinger(0),
		// LZ4 costs little CPU and shrinks the JSON of a busy partition's batches (a
		// batch that would not shrink goes out as is); zstd compressed a little better
		// for several times the CPU.
		kgo.ProducerBatchCompression(kgo.Lz4Compression(), kgo.NoCompression()),
		kgo.MaxBufferedRecords(maxBufferedRecords),
		kgo.MaxBufferedBytes(maxBufferedBytes),
	)...)
	if err != nil {
		return nil, fmt.Errorf("kafka: producer: %w", err)
	}
	b.producer = producer
	if err := ensureTopics(ctx, producer, opts); err != nil {
		producer.Close()
		return nil, err
	}
	return b, nil
}

// clientOpts returns the options every client of the bus shares, then more.
func (b *Bus) clientOpts(more ...kgo.Opt) []kgo.Opt {
	return append([]kgo.Opt{
		kgo.SeedBrokers(b.opts.Brokers...),
		kgo.ClientID(b.opts.ClientID),
		kgo.WithLogger(kgoLogger{b.log}),
		kgo.MetadataMinAge(500 * time.Millisecond),
	}, more...)
}

// Close makes running Consume calls return (their handlers' contexts are cancelled,
// and Close waits for the handlers to return, so a handler must not call Close), waits
// for publishes in flight and closes the producer. Publish and Consume then return
// bus.ErrClosed; later Close calls wait for the first and return nil.
func (b *Bus) Close() error {
	return b.gate.Shut(func() error {
		b.producer.Close()
		return nil
	})
}

func (b *Bus) topic(name string) (bus.Topic, error) {
	t, ok := b.topics[name]
	if !ok {
		return bus.Topic{}, fmt.Errorf("%w: %q", bus.ErrUnknownTopic, name)
	}
	return t, nil
}

// kgoLogger sends franz-go's messages to slog. Its info messages (each group join,
// rebalance and metadata refresh of every consumer) are logged at debug level.
type kgoLogger struct{ l *slog.Logger }

func (k kgoLogger) Level() kgo.LogLevel {
	ctx := context.Background()
	switch {
	case k.l.Enabled(ctx, slog.LevelDebug):
		return kgo.LogLevelDebug
	case k.l.Enabled(ctx, slog.LevelWarn):
		return kgo.LogLevelWarn
	default:
		return kgo.LogLevelError
	}
}

func (k kgoLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	l := slog.LevelDebug
	switch level {
	case kgo.LogLevelError:
		l = slog.LevelError
	case kgo.LogLevelWarn:
		l = slog.LevelWarn
	}
	k.l.Log(context.Background(), l, msg, append(keyvals, "engine", "kafka")...)
}
