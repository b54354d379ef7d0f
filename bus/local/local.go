// Package local is the embedded, durable engine of the bus contract: one process keeps
// the log of every topic in its own Pebble database, in a directory it is given.
//
// It owns that directory (its layout is in keys.go), the offsets it assigns, the offsets
// consumer groups commit, and the trimming of messages older than their retention. A
// consumer group is the set of live Consume calls of the group on a topic in this
// process; partitions are spread among them.
//
// It must not share its database with other packages, be opened twice on one directory,
// or learn what a payload means. Only node builds it; everything else sees bus.Bus.
package local

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/pebblelog"
)

// Options configure a Bus. The zero value of each field but Dir is a usable default.
type Options struct {
	// Dir is the directory of the Pebble database; it is created if missing. Required.
	Dir string
	// Topics are the topics Publish and Consume accept. A topic's partition count is
	// stored on first use and may not change afterwards.
	Topics []bus.Topic
	// Now is the clock of append times and retention; default time.Now.
	Now func() time.Time
	// Logger receives failed handlers and background errors; default slog.Default().
	Logger *slog.Logger
	// NoSync skips the fsync of publishes and commits: a crash may then lose the last
	// writes. Default false (every Publish and commit is synced). For tests and benches.
	NoSync bool
	// Retention is how long messages of topics without their own Retention are kept;
	// default 7 days.
	Retention time.Duration
	// TrimInterval is how often messages past retention are deleted; default 1 minute.
	TrimInterval time.Duration
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Retention == 0 {
		o.Retention = 7 * 24 * time.Hour
	}
	if o.TrimInterval == 0 {
		o.TrimInterval = time.Minute
	}
	return o
}

// Validate reports whether the options can open a Bus.
func (o Options) Validate() error {
	if o.Dir == "" {
		return errors.New("local: Options.Dir is required")
	}
	if o.Retention < 0 || o.TrimInterval < 0 {
		return errors.New("local: Retention and TrimInterval must not be negative")
	}
	return bus.ValidateTopics(o.Topics)
}

// Bus is the local engine. It implements bus.Bus.
type Bus struct {
	db        *pebble.DB
	opts      Options
	log       *slog.Logger
	writeOpts *pebble.WriteOptions
	topics    map[string]*topic // fixed at Open

	trimmerDone chan struct{} // closed when the trimmer has stopped
	// gate counts Consume and Publish calls in flight, so that Close can wait for them.
	gate *bus.Gate

	mu struct {
		sync.Mutex
		groups map[groupKey]*group
	}
}

var _ bus.Bus = (*Bus)(nil)

// topic is a declared topic and the live state of its partitions.
type topic struct {
	bus.Topic // Retention is set
	parts     []*partition
}

// Open opens or creates the database in opts.Dir and starts the trimmer. Close stops it.
func Open(opts Options) (*Bus, error) {
	opts = opts.withDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	db, err := pebble.Open(opts.Dir, &pebble.Options{
		FormatMajorVersion: pebble.FormatNewest,
		Logger:             pebblelog.Logger{Log: opts.Logger, DB: "bus"},
	})
	if err != nil {
		return nil, fmt.Errorf("local: open %s: %w", opts.Dir, err)
	}
	b := &Bus{
		db:          db,
		opts:        opts,
		log:         opts.Logger,
		writeOpts:   pebble.Sync,
		topics:      make(map[string]*topic, len(opts.Topics)),
		trimmerDone: make(chan struct{}),
		gate:        bus.NewGate(),
	}
	if opts.NoSync {
		b.writeOpts = pebble.NoSync
	}
	b.mu.groups = make(map[groupKey]*group)
	for _, t := range opts.Topics {
		if t.Retention == 0 {
			t.Retention = opts.Retention
		}
		tp, err := b.recoverTopic(t)
		if err != nil {
			return nil, errors.Join(err, db.Close())
		}
		b.topics[t.Name] = tp
	}
	go b.trimLoop()
	return b, nil
}

// recoverTopic checks the stored partition count of t and recovers the next offset of
// each partition from its last stored entry and its floor.
func (b *Bus) recoverTopic(t bus.Topic) (*topic, error) {
	if err := b.checkMeta(t); err != nil {
		return nil, err
	}
	tp := &topic{Topic: t, parts: make([]*partition, t.Partitions)}
	for i := range tp.parts {
		floor, err := b.readUint64(floorKey(t.Name, i))
		if err != nil {
			return nil, fmt.Errorf("local: recover %s/%d: %w", t.Name, i, err)
		}
		next, err := b.lastOffset(t.Name, i)
		if err != nil {
			return nil, fmt.Errorf("local: recover %s/%d: %w", t.Name, i, err)
		}
		tp.parts[i] = newPartition(i, floor, max(floor, next))
	}
	return tp, nil
}

// checkMeta stores the partition count of a new topic, or refuses a changed one.
func (b *Bus) checkMeta(t bus.Topic) error {
	v, closer, err := b.db.Get(metaKey(t.Name))
	if errors.Is(err, pebble.ErrNotFound) {
		err = b.db.Set(metaKey(t.Name), encodeUint64(uint64(t.Partitions)), pebble.Sync)
		if err != nil {
			return fmt.Errorf("local: store topic %s: %w", t.Name, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("local: read topic %s: %w", t.Name, err)
	}
	defer closer.Close()
	n, err := decodeUint64(v)
	if err != nil {
		return fmt.Errorf("local: read topic %s: %w", t.Name, err)
	}
	if n != uint64(t.Partitions) {
		return fmt.Errorf("local: topic %s has %d partitions on disk, %d declared", t.Name, n, t.Partitions)
	}
	return nil
}

// lastOffset returns one past the last stored offset of a partition, or 0.
func (b *Bus) lastOffset(topic string, partition int) (int64, error) {
	lower, upper := logBounds(topic, partition, 0, math.MaxInt64)
	it, err := b.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return 0, err
	}
	defer it.Close()
	if !it.Last() {
		return 0, it.Error()
	}
	off, err := logKeyOffset(it.Key())
	if err != nil {
		return 0, err
	}
	return off + 1, nil
}

// readUint64 reads an offset stored at k; a missing key reads as 0.
func (b *Bus) readUint64(k []byte) (int64, error) {
	v, closer, err := b.db.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer closer.Close()
	n, err := decodeUint64(v)
	if err != nil || n > math.MaxInt64 {
		return 0, errCorrupt
	}
	return int64(n), nil
}

// Close stops the trimmer, makes running Consume calls return (their handlers' contexts
// are cancelled, and Close waits for the handlers to return, so a handler must not call
// Close), waits for publishes in flight and closes the database. Publish and Consume then return bus.ErrClosed; later
// Close calls wait for the first and return nil.
func (b *Bus) Close() error {
	return b.gate.Shut(func() error {
		<-b.trimmerDone
		if err := b.db.Close(); err != nil {
			return fmt.Errorf("local: close: %w", err)
		}
		return nil
	})
}

// Checkpoint writes a consistent copy of the log, as of now, to dir, which must not
// exist: messages and committed offsets alike (Pebble's checkpoint). Opening dir as a
// bus's Dir opens the copy.
func (b *Bus) Checkpoint(ctx context.Context, dir string) error {
	if err := b.gate.Enter(); err != nil {
		return err
	}
	defer b.gate.Leave()
	if err := b.db.Checkpoint(dir, pebble.WithFlushedWAL()); err != nil {
		return fmt.Errorf("local: checkpoint to %s: %w", dir, err)
	}
	return nil
}

func (b *Bus) topic(name string) (*topic, error) {
	t, ok := b.topics[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", bus.ErrUnknownTopic, name)
	}
	return t, nil
}
