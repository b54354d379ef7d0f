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

// scheduleSweep is how often a worker publishes the scheduled statuses due, by default.
const scheduleSweep = 5 * time.Second

// sweepScheduled publishes the scheduled statuses whose time has come every
// cfg.ScheduleSweep, with jitter, until ctx is done. Every worker of a cluster sweeps:
// a status is claimed before it is published and made under its reserved id, so it is
// published once, by whichever node is alive.
func (n *Node) sweepScheduled(ctx context.Context) {
	every := n.cfg.ScheduleSweep
	if every <= 0 {
		every = scheduleSweep
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(every/2 + rand.N(every)):
		}
		if k, err := n.Scheduled.PublishDue(ctx); err != nil && ctx.Err() == nil {
			n.log.Error("node: publish scheduled statuses", "err", err)
		} else if k > 0 {
			n.log.Info("node: scheduled statuses published", "count", k)
		}
	}
}
