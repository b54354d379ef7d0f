package node

import (
	"context"
	"math/rand/v2"
	"time"
)

// outboxSweep is how often a clustered node republishes the statuses left in the
// outbox. A node republishes at start what a crash left there; in the cluster shape
// the node that crashed may never start again, so every node also sweeps.
const outboxSweep = 30 * time.Second

// outboxMinAge is how old a status left in the outbox must be for a sweep to
// republish it: a younger one is likely being published by its creator at that
// moment, and a stream would show the duplicate (its row is cleared a second after
// the publish).
const outboxMinAge = 10 * time.Second

// sweepOutbox republishes the outbox every outboxSweep (with jitter, so that the
// nodes do not sweep together) until ctx is done. A sweep may publish a status whose
// creator is publishing it at the same moment: consumers are idempotent, so the
// duplicate is harmless.
func (n *Node) sweepOutbox(ctx context.Context) {
	for {
		wait := outboxSweep/2 + rand.N(outboxSweep)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		if k, err := n.Statuses.Republish(ctx, outboxMinAge); err != nil && ctx.Err() == nil {
			n.log.Error("node: sweep status outbox", "err", err)
		} else if k > 0 {
			n.log.Info("node: republished statuses left unannounced", "count", k)
		}
	}
}
