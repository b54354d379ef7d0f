package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/herd-social/herd/bus"
)

const (
	// commitTimeout bounds the commit of one batch, retries included.
	commitTimeout = 30 * time.Second
	// commitAttempts bounds the tries of one commit (a rebalance in progress refuses
	// commits for a moment).
	commitAttempts = 5
	// minQueue is the fewest records a partition's worker may have queued before the
	// partition's fetches pause (see queueLimit).
	minQueue = 1024
	// fetchMaxWait bounds how long a fetch waits for new records, and so how long a
	// resumed partition may wait for its first fetch (the fetch in flight does not
	// ask for it). A new record does not wait for it: the broker answers a waiting
	// fetch as soon as it has one (fetch.min.bytes 1). Every idle consumer sends a
	// fetch this often, and a node has a score of them: half a second would double
	// those fetches for no gain in latency.
	fetchMaxWait = time.Second
	// fetchMaxBytes bounds what one fetch brings (franz-go's default is 50 MiB), and
	// fetchPartitionBytes what it brings of one partition (Kafka's default, 1 MiB):
	// every consumer of a node is a client of its own, and a worker holds at most
	// queueLimit records of a partition anyway, so a larger fetch would only be
	// dropped or wait in memory.
	fetchMaxBytes       = 8 << 20
	fetchPartitionBytes = 1 << 20
)

// queueLimit is how many records a partition's worker may have queued before its
// fetches pause: a partition whose handler keeps failing stops fetching, and the
// others go on.
func queueLimit(maxBatch int) int { return max(4*maxBatch, minQueue) }

// Consume runs a member of consumer group `group` on topic until ctx is done (it
// returns nil) or the bus is closed (bus.ErrClosed). The member is a Kafka client of
// its own in the group, balanced cooperative-sticky: when partitions move, a member
// finishes the batch in hand of each partition it gives up, and commits it, before
// the partition is assigned elsewhere.
//
// On the brokers the group is named GroupID(Options.Prefix, group, topic).
//
// Each assigned partition has a goroutine that hands the handler batches of up to
// opts.MaxBatch messages in offset order, starting at the group's committed offset
// (or the earliest retained message). When h returns nil the batch's offsets are
// committed, synchronously, before the next batch; otherwise the same batch is
// delivered again after a backoff that doubles, and the partition's later messages
// wait. h's context is cancelled when ctx is done, when the bus closes, and when its
// partition moves to another member and the batch is not done within
// Options.RebalanceTimeout/4 (a handler waiting for a retry's time, say): the batch is
// then not committed, and the next owner gets it again. Consume waits for h before it
// returns.
func (b *Bus) Consume(ctx context.Context, group, topic string, opts bus.ConsumeOptions, h bus.Handler) error {
	t, err := b.topic(topic)
	if err != nil {
		return err
	}
	if group == "" {
		return errors.New("kafka: consumer group name is empty")
	}
	if h == nil {
		return errors.New("kafka: nil handler")
	}
	if err := b.gate.Enter(); err != nil {
		return err
	}
	defer b.gate.Leave()
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { // owned: ends when hctx is done, which run's return ensures
		select {
		case <-b.gate.Closing():
			cancel()
		case <-hctx.Done():
		}
	}()
	m := &member{b: b, group: group, topic: t, name: b.opts.Prefix + t.Name, opts: opts.WithDefaults(), h: h, hctx: hctx}
	if err := m.run(); err != nil {
		return err
	}
	select {
	case <-b.gate.Closing():
		return bus.ErrClosed
	default:
		return nil
	}
}

// GroupID is the name on the brokers of consumer group `group` on topic, for a bus
// with Options.Prefix prefix. Each topic has a group of its own, so that the members
// of one group on different topics (the delivery tiers) rebalance apart.
func GroupID(prefix, group, topic string) string { return prefix + group + "." + topic }

// member is one Consume call: a group member with a worker per assigned partition.
type member struct {
	b     *Bus
	group string
	topic bus.Topic
	name  string // the topic's name on the brokers: Options.Prefix and topic.Name
	opts  bus.ConsumeOptions
	h     bus.Handler
	hctx  context.Context // handlers' context: done when Consume stops
	cl    *kgo.Client
	wg    sync.WaitGroup // workers
	mu    struct {
		sync.Mutex
		workers  map[int32]*worker
		stopping bool // no more workers start
	}
}

// run joins the group and polls until m.hctx is done, then stops the workers (which
// commit what their handlers finished) and leaves the group.
func (m *member) run() error {
	m.mu.workers = make(map[int32]*worker)
	o := m.b.opts
	cl, err := kgo.NewClient(m.b.clientOpts(
		kgo.ConsumerGroup(GroupID(o.Prefix, m.group, m.topic.Name)),
		kgo.ConsumeTopics(m.name),
		kgo.Balancers(kgo.CooperativeStickyBalancer()),
		kgo.DisableAutoCommit(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.SessionTimeout(o.SessionTimeout),
		kgo.HeartbeatInterval(o.HeartbeatInterval),
		kgo.RebalanceTimeout(o.RebalanceTimeout),
		kgo.FetchMaxWait(fetchMaxWait),
		kgo.FetchMaxBytes(fetchMaxBytes),
		kgo.FetchMaxPartitionBytes(fetchPartitionBytes),
		kgo.OnPartitionsAssigned(m.assigned),
		kgo.OnPartitionsRevoked(m.revoked),
		kgo.OnPartitionsLost(m.revoked),
	)...)
	if err != nil {
		return fmt.Errorf("kafka: consumer of %s: %w", m.topic.Name, err)
	}
	m.cl = cl
	m.poll()
	m.stopWorkers()
	cl.Close() // leaves the group; revokes nothing left running
	m.wg.Wait()
	return nil
}

// poll hands fetched records to the partitions' workers until m.hctx is done.
func (m *member) poll() {
	for {
		fetches := m.cl.PollRecords(m.hctx, queueLimit(m.opts.MaxBatch))
		if m.hctx.Err() != nil || fetches.IsClientClosed() {
			return
		}
		fetches.EachError(func(topic string, p int32, err error) {
			if !errors.Is(err, context.Canceled) {
				m.b.log.Warn("bus: fetch failed", "group", m.group, "topic", topic, "partition", p, "err", err)
			}
		})
		fetches.EachPartition(func(p kgo.FetchTopicPartition) {
			if len(p.Records) > 0 {
				m.dispatch(p.Partition, p.Records)
			}
		})
	}
}

// dispatch queues records for the worker of partition p, pausing the partition's
// fetches while the worker is far behind. Records of a partition without a worker
// (just revoked) are dropped: its next owner reads them from the committed offset.
func (m *member) dispatch(p int32, records []*kgo.Record) {
	m.mu.Lock()
	w := m.mu.workers[p]
	m.mu.Unlock()
	if w != nil {
		w.push(records, queueLimit(m.opts.MaxBatch), m.pause)
	}
}

// pause stops fetching partition p, and resume fetches it again.
func (m *member) pause(p int32) {
	m.cl.PauseFetchPartitions(map[string][]int32{m.name: {p}})
}

func (m *member) resume(p int32) {
	m.cl.ResumeFetchPartitions(map[string][]int32{m.name: {p}})
}

// assigned starts a worker for each newly assigned partition.
func (m *member) assigned(_ context.Context, _ *kgo.Client, assigned map[string][]int32) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.mu.stopping {
		return
	}
	for _, p := range assigned[m.name] {
		if m.mu.workers[p] != nil {
			continue
		}
		w := newWorker(m.hctx, p)
		m.mu.workers[p] = w
		m.wg.Go(func() { m.work(w) })
	}
}

// revoked stops the workers of partitions taken away (or lost) and waits for each to
// finish and commit the batch in hand, so that the next owner starts after it.
func (m *member) revoked(_ context.Context, cl *kgo.Client, revoked map[string][]int32) {
	var stopped []*worker
	m.mu.Lock()
	for _, p := range revoked[m.name] {
		if w := m.mu.workers[p]; w != nil {
			delete(m.mu.workers, p)
			stopped = append(stopped, w)
		}
	}
	m.mu.Unlock()
	waitStopped(stopped, m.b.opts.RebalanceTimeout/4)
	if ps := revoked[m.name]; len(ps) > 0 {
		cl.ResumeFetchPartitions(map[string][]int32{m.name: ps})
	}
}

// stopWorkers stops every worker and prevents new ones.
func (m *member) stopWorkers() {
	m.mu.Lock()
	m.mu.stopping = true
	stopped := make([]*worker, 0, len(m.mu.workers))
	for p, w := range m.mu.workers {
		delete(m.mu.workers, p)
		stopped = append(stopped, w)
	}
	m.mu.Unlock()
	waitStopped(stopped, 0) // the handlers' context is done already
}

// waitStopped stops workers and waits for them to finish the batch in hand, cancelling
// the handlers still running after grace.
func waitStopped(ws []*worker, grace time.Duration) {
	for _, w := range ws {
		close(w.stop)
	}
	cancel := func() {
		for _, w := range ws {
			w.cancel()
		}
	}
	timer := time.NewTimer(grace)
	defer timer.Stop()
	for _, w := range ws {
		select {
		case <-w.done:
		case <-timer.C:
			cancel()
			<-w.done
		}
	}
	cancel() // releases the contexts
}

// work hands w's records to the handler batch by batch, committing each, until w is
// stopped or the handler gives up on a batch because Consume is stopping.
func (m *member) work(w *worker) {
	defer close(w.done)
	for {
		batch := w.next(m.opts.MaxBatch, m.resume)
		if batch == nil || !m.handle(w, batch) {
			return
		}
		if err := m.commit(batch[len(batch)-1]); err != nil {
			m.b.log.Warn("bus: commit failed, the batch will be delivered again",
				"group", m.group, "topic", m.topic.Name, "partition", w.partition,
				"offset", batch[0].Offset, "err", err)
		}
	}
}

// handle calls the handler until it returns nil (true), or gives up when the worker is
// stopped during a backoff or Consume is stopping (false), doubling the backoff.
func (m *member) handle(w *worker, records []*kgo.Record) bool {
	msgs := make([]bus.Message, len(records))
	for i, r := range records {
		msgs[i] = bus.Message{
			Topic: m.topic.Name, Key: r.Key, Value: r.Value,
			Partition: int(r.Partition), Offset: r.Offset, Time: r.Timestamp,
			Headers: messageHeaders(r.Headers),
		}
	}
	backoff := m.opts.RetryBackoff
	for attempt := 1; ; attempt++ {
		err := m.h(w.ctx, msgs)
		if err == nil {
			return true
		}
		if w.ctx.Err() != nil {
			return false
		}
		m.b.log.Warn("bus: handler failed, will deliver the batch again",
			"group", m.group, "topic", m.topic.Name, "partition", w.partition,
			"offset", msgs[0].Offset, "attempt", attempt, "backoff", backoff, "err", err)
		timer := time.NewTimer(backoff)
		select {
		case <-timer.C:
		case <-w.stop:
			timer.Stop()
			return false
		case <-w.ctx.Done():
			timer.Stop()
			return false
		}
		backoff = min(2*backoff, m.opts.MaxRetryBackoff)
	}
}

// commit commits the offset after last, synchronously, trying again while a rebalance
// refuses it. It does not use the handlers' context: a batch the handler finished is
// committed even when Consume is stopping.
func (m *member) commit(last *kgo.Record) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(m.hctx), commitTimeout)
	defer cancel()
	backoff := 50 * time.Millisecond
	var err error
	for range commitAttempts {
		if err = m.cl.CommitRecords(ctx, last); err == nil {
			return nil
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return err
		}
		backoff *= 2
	}
	return err
}

// worker is the queue of one assigned partition's fetched records.
type worker struct {
	partition int32
	// ctx is the handler's: the member's, cancelled also when the partition is taken
	// away and its batch outlives the grace.
	ctx    context.Context
	cancel context.CancelFunc
	stop   chan struct{} // closed to stop the worker after the batch in hand
	done   chan struct{} // closed when the worker has stopped
	wake   chan struct{} // capacity 1: records arrived
	mu     struct {
		sync.Mutex
		queue  []*kgo.Record
		paused bool // fetches of the partition are paused
	}
}

func newWorker(hctx context.Context, p int32) *worker {
	ctx, cancel := context.WithCancel(hctx)
	return &worker{partition: p, ctx: ctx, cancel: cancel, stop: make(chan struct{}), done: make(chan struct{}),
		wake: make(chan struct{}, 1)}
}

// push queues records; when the queue holds more than limit records it pauses the
// partition's fetches until next drains it. Pausing under w.mu orders it with next's
// resume.
func (w *worker) push(records []*kgo.Record, limit int, pause func(int32)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.mu.queue = append(w.mu.queue, records...)
	select {
	case w.wake <- struct{}{}:
	default:
	}
	if len(w.mu.queue) > limit && !w.mu.paused {
		w.mu.paused = true
		pause(w.partition)
	}
}

// next waits for records and returns up to max of them, or nil when the worker is
// stopped. When it drains the queue of a paused partition, it resumes its fetches.
func (w *worker) next(max int, resume func(int32)) []*kgo.Record {
	for {
		select {
		case <-w.stop:
			return nil
		default:
		}
		if batch := w.take(max, resume); batch != nil {
			return batch
		}
		select {
		case <-w.wake:
		case <-w.stop:
			return nil
		}
	}
}

// take removes up to max records from the queue; nil if it is empty.
func (w *worker) take(max int, resume func(int32)) []*kgo.Record {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := min(max, len(w.mu.queue))
	if n == 0 {
		return nil
	}
	batch := w.mu.queue[:n:n]
	w.mu.queue = w.mu.queue[n:]
	if len(w.mu.queue) == 0 {
		w.mu.queue = nil
		if w.mu.paused {
			w.mu.paused = false
			resume(w.partition)
		}
	}
	return batch
}
