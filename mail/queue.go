package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/store"
)

// Topic carries the jobs; Group is the consumer group that sends them.
const (
	Topic = "mail"
	Group = "mail"
)

// Topics lists the topic of this package.
func Topics() []bus.Topic { return []bus.Topic{{Name: Topic, Partitions: 4}} }

// QueueOptions configure a Queue.
type QueueOptions struct {
	// DeadLetters sets aside the jobs that cannot be sent; required.
	DeadLetters *deadletter.Keeper
	// Logger; default slog.Default().
	Logger *slog.Logger
}

// Queue publishes jobs to the event log and, in Run, sends them: requests never wait
// for the mail server. A job is sent at least once: a failure is retried with the
// event log's backoff, and after the dead-letter keeper's tries it is set aside (an
// operator may replay it).
type Queue struct {
	bus    bus.Bus
	sender Sender
	opts   QueueOptions
}

// NewQueue returns a queue on b that sends with s.
func NewQueue(b bus.Bus, s Sender, opts QueueOptions) *Queue {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Queue{bus: b, sender: s, opts: opts}
}

// Enqueue publishes j, keyed by its recipient, so that one person's messages go out
// in order.
func (q *Queue) Enqueue(ctx context.Context, j Job) error {
	b, err := store.Marshal(&j)
	if err != nil {
		return fmt.Errorf("mail: encode job: %w", err)
	}
	if err := q.bus.Publish(ctx, bus.Message{Topic: Topic, Key: []byte(j.To), Value: b}); err != nil {
		return fmt.Errorf("mail: queue %s to %s: %w", j.Kind, j.To, err)
	}
	return nil
}

// Run sends the queued jobs until ctx is done.
func (q *Queue) Run(ctx context.Context) error {
	return q.bus.Consume(ctx, Group, Topic, bus.ConsumeOptions{}, q.opts.DeadLetters.Handler(Group, q.handle))
}

func (q *Queue) handle(ctx context.Context, m bus.Message) error {
	var j Job
	if err := store.Unmarshal(m.Value, &j); err != nil {
		return bus.Permanent(fmt.Errorf("mail: job: %w", err))
	}
	msg, err := Render(j)
	if err != nil {
		return bus.Permanent(err)
	}
	if err := q.sender.Send(ctx, msg); err != nil {
		if errors.Is(err, ErrInvalid) {
			return bus.Permanent(err)
		}
		q.opts.Logger.Warn("mail: send failed; retrying", "kind", j.Kind, "err", err)
		return err
	}
	return nil
}
