// Package deadletter keeps one bad message from stopping a queue. Every consumer of
// the event log builds its bus.Handler with a Keeper: Handler turns a function of one
// message into a handler of batches, and a message that fails for a reason that
// delivering it again cannot fix is set aside as a dead letter, so that the messages
// after it in its partition go on. A message is set aside when its error is
// permanent (errors.Is bus.ErrPermanent, or store.ErrUndecodable: a value, in the
// message or in the store, that cannot be decoded), or when a transient error
// persisted for Options.MaxTries tries of that message. A consumer that stops
// (context cancelled, engine closed) never counts a try and never sets one aside.
//
// Dead letters live in a store table (dead_letters, partitioned by consumer group)
// rather than in a dead-letter topic: the event-log contract can append and consume
// but cannot list, fetch one message by id or remove it, which is what an operator
// needs (`herd admin dead-letters list` and `replay`). A letter keeps the group,
// topic, partition, offset, key, value, error text, time and tries; its id,
// "group/topic/partition/offset", makes recording it again harmless. Replay publishes
// the value with its key to its original topic and removes the letter: every group
// of that topic sees the message again, and the groups that had processed it apply it
// again harmlessly, as consumers are idempotent. A counter per group counts the
// letters ever set aside. Letters expire after TTL (30 days).
//
// The package knows the store and bus contracts only; it must not learn what a
// message means.
package deadletter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/logctx"
	"github.com/herd-social/herd/store"
)

// ErrNotFound is returned for a dead letter that does not exist.
var ErrNotFound = errors.New("deadletter: not found")

// TTL is how long a dead letter is kept, as delivery keeps its own: long past the
// event log's retention, so that an operator has weeks to look and replay.
const TTL = 30 * 24 * time.Hour

const (
	tLetters = "dead_letters"       // pk group; ck topic 0 partition offset; value wireLetter
	tGroups  = "dead_letter_groups" // pk "groups"; ck group: the groups that ever set one aside
	tCounts  = "dead_letter_counts" // counters; pk group; ck "set_aside"
)

var (
	groupsPK = []byte("groups")
	countCK  = []byte("set_aside")
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tLetters, TTL: TTL}, {Name: tGroups}, {Name: tCounts, Kind: store.Counters}}
}

// Each processes one message. Its error is judged by the Keeper: permanent, retried,
// or set aside after Options.MaxTries.
type Each func(ctx context.Context, m bus.Message) error

// Options tune a Keeper. Zero fields take the documented defaults.
type Options struct {
	// MaxTries is how many tries of one message a transient error may fail before
	// the message is set aside; default 8, as Mastodon's workers retry.
	MaxTries int
	// Logger receives one warning per letter set aside; default slog.Default().
	Logger *slog.Logger
	// Now is the clock of the letters' times; default time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.MaxTries <= 0 {
		o.MaxTries = 8
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// msgKey names one message of one group; partKey one partition of one group.
type (
	partKey struct {
		group, topic string
		partition    int
	}
	msgKey struct {
		partKey
		offset int64
	}
)

// maxTracked bounds the tries remembered; past it they start again from zero.
const maxTracked = 10_000

// Keeper sets messages aside and lists, counts and replays them. Its methods are safe
// for concurrent use. Tries are counted in memory, per node: a message that moves to
// another node starts counting again there.
type Keeper struct {
	st   store.Store
	opts Options
	mu   struct {
		sync.Mutex
		tries map[msgKey]int
		// done is, per partition, the last offset of a batch that later failed:
		// redelivered, the messages up to it are not processed again.
		done map[partKey]int64
	}
}

// New returns a Keeper recording into st.
func New(st store.Store, opts Options) *Keeper {
	k := &Keeper{st: st, opts: opts.withDefaults()}
	k.mu.tries = map[msgKey]int{}
	k.mu.done = map[partKey]int64{}
	return k
}

// Handler returns the bus.Handler of consumer group `group` that calls each for every
// message of a batch in order. A message whose error Settle keeps is retried with its
// batch (the messages before it, already processed, are skipped when the same node
// gets the batch again); a message set aside is passed over.
func (k *Keeper) Handler(group string, each Each) bus.Handler {
	return func(ctx context.Context, msgs []bus.Message) error {
		for i, m := range msgs {
			if k.processed(group, m) {
				continue
			}
			mctx := ctx
			if id, ok := m.HeaderValue(logctx.Header); ok { // the request the message came from, for the log lines
				mctx = logctx.With(ctx, string(id))
			}
			if err := k.Settle(mctx, group, m, each(mctx, m)); err != nil {
				if i > 0 {
					k.markProcessed(group, msgs[i-1])
				}
				return err
			}
		}
		if len(msgs) > 0 {
			k.clearProcessed(group, msgs[len(msgs)-1])
		}
		return nil
	}
}

// Settle judges the outcome err of one try of m by group, for handlers that process
// a batch their own way. It returns nil when err is nil or m was set aside, and an
// error, to return so that the bus delivers the batch again, when m is to be tried
// again, the consumer is stopping, or the dead letter could not be recorded.
func (k *Keeper) Settle(ctx context.Context, group string, m bus.Message, err error) error {
	key := msgKey{partKey{group, m.Topic, m.Partition}, m.Offset}
	if err == nil {
		k.forget(key)
		return nil
	}
	if stopping(ctx, err) {
		return err
	}
	tries := k.try(key)
	if tries < k.opts.MaxTries && !Permanent(err) {
		return err
	}
	l := Letter{Group: group, Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Key: m.Key,
		// The error may quote what made the message bad: kept as valid text, or the
		// letter itself could not be stored.
		Value: m.Value, Err: strings.ToValidUTF8(err.Error(), "\uFFFD"), Tries: tries, At: k.opts.Now(), Appended: m.Time}
	fresh, rerr := k.record(ctx, l)
	if rerr != nil {
		return fmt.Errorf("deadletter: set aside %s (after %v): %w", l.ID(), err, rerr)
	}
	k.forget(key)
	if fresh {
		k.opts.Logger.WarnContext(ctx, "deadletter: message set aside", "group", group, "topic", m.Topic,
			"partition", m.Partition, "offset", m.Offset, "tries", tries, "id", l.ID(), "err", err)
	}
	return nil
}

// Permanent reports whether err is one that trying again cannot fix.
func Permanent(err error) bool {
	return errors.Is(err, bus.ErrPermanent) || errors.Is(err, store.ErrUndecodable)
}

// stopping reports whether err comes from the consumer stopping rather than from the
// message: such a try does not count.
func stopping(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, bus.ErrClosed) || errors.Is(err, store.ErrClosed)
}

// try counts a failed try of key and returns the tries so far.
func (k *Keeper) try(key msgKey) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.mu.tries) >= maxTracked {
		k.mu.tries = map[msgKey]int{}
	}
	k.mu.tries[key]++
	return k.mu.tries[key]
}

func (k *Keeper) forget(key msgKey) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.mu.tries, key)
}

func (k *Keeper) processed(group string, m bus.Message) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	done, ok := k.mu.done[partKey{group, m.Topic, m.Partition}]
	return ok && m.Offset <= done
}

func (k *Keeper) markProcessed(group string, m bus.Message) {
	k.mu.Lock()
	defer k.mu.Unlock()
	p := partKey{group, m.Topic, m.Partition}
	if done, ok := k.mu.done[p]; !ok || m.Offset > done {
		if len(k.mu.done) >= maxTracked {
			k.mu.done = map[partKey]int64{}
		}
		k.mu.done[p] = m.Offset
	}
}

// clearProcessed forgets the partition's mark once a batch reaching past it succeeded.
func (k *Keeper) clearProcessed(group string, last bus.Message) {
	k.mu.Lock()
	defer k.mu.Unlock()
	p := partKey{group, last.Topic, last.Partition}
	if done, ok := k.mu.done[p]; ok && last.Offset >= done {
		delete(k.mu.done, p)
	}
}
