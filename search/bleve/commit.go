package bleve

import (
	"errors"
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2"
)

// committer applies the batches of concurrent writers to one index as one Bleve batch
// (group commit): every Bleve batch makes a segment, which the persister writes and the
// merger merges again, so that segments of one document each cost more than the
// documents. A writer whose batch finds no other in progress applies it at once; one
// that finds another queues it, and the queue goes whole in the next batch. The last
// write of a document in the queue wins, as applying the batches one after the other
// would leave it; writers to one index at the same time have no order among them.
type committer struct {
	idx   bleve.Index
	mu    sync.Mutex
	queue []*pending
	busy  bool // a writer is applying a batch
}

type pending struct {
	b    *bleve.Batch
	done chan error // the batch's outcome, or errLead
}

// errLead tells a queued writer to apply the queue.
var errLead = errors.New("search: apply the queued batches")

func newCommitter(idx bleve.Index) *committer { return &committer{idx: idx} }

// apply returns when b is applied, with its batch's error.
func (c *committer) apply(b *bleve.Batch) error {
	p := &pending{b: b, done: make(chan error, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, p)
	lead := !c.busy
	c.busy = true
	c.mu.Unlock()
	if !lead {
		if err := <-p.done; !errors.Is(err, errLead) {
			return err
		}
	}
	c.mu.Lock()
	group := c.queue
	c.queue = nil
	c.mu.Unlock()
	err := c.commit(group)
	for _, q := range group {
		if q != p {
			q.done <- err
		}
	}
	c.mu.Lock()
	if len(c.queue) > 0 {
		c.queue[0].done <- errLead // the next batch is the first writer's to apply
	} else {
		c.busy = false
	}
	c.mu.Unlock()
	return err
}

func (c *committer) commit(group []*pending) error {
	b := group[0].b
	if len(group) > 1 {
		b = c.idx.NewBatch()
		for _, q := range group {
			b.Merge(q.b)
		}
	}
	if err := c.idx.Batch(b); err != nil {
		return fmt.Errorf("search: index: %w", err)
	}
	return nil
}
