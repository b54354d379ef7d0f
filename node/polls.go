package node

import (
	"context"
	"math/rand/v2"
	"time"
)

// pollSweep is how often a worker ends the polls whose end has come, by default.
const pollSweep = 15 * time.Second

// sweepPolls ends the polls due every cfg.PollSweep (with jitter, so that the nodes of
// a cluster do not sweep together) until ctx is done. Two nodes may end one poll at
// once: its consumers are idempotent (a notification is made once per cause).
func (n *Node) sweepPolls(ctx context.Context) {
	every := n.cfg.PollSweep
	if every <= 0 {
		every = pollSweep
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(every/2 + rand.N(every)):
		}
		if k, err := n.Statuses.EndPolls(ctx); err != nil && ctx.Err() == nil {
			n.log.Error("node: end polls", "err", err)
		} else if k > 0 {
			n.log.Info("node: polls ended", "count", k)
		}
	}
}
