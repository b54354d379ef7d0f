package node

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/search/indexer"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// Every node keeps the status and account records it renders in memory (package
// recordcache, behind status.Service.Cached and account.Service.Cached). A write
// forgets its record on the node that made it; these consumers make every other node
// forget it too, from the events that the writes publish anyway: the statuses topic
// (edits, deletes, votes, tallies) and the accounts topic of search indexing, which
// carries every account written (profile, suspension, silence, role, migration). Each
// node reads them in a consumer group of its own, as an embedded search index does,
// since every node must see every message.

// runForgetting runs both consumers until ctx is done, whatever the node's roles:
// every node renders.
func (n *Node) runForgetting(ctx context.Context) {
	n.wg.Go(func() { n.consume(ctx, "records_statuses", n.runForgetStatuses) })
	n.wg.Go(func() { n.consume(ctx, "records_accounts", n.runForgetAccounts) })
}

// RecordGroup is this node's consumer group of the record caches.
func (c Config) RecordGroup() string { return fmt.Sprintf("records.%d", c.NodeID) }

// runForgetStatuses makes this node forget the statuses that events say changed.
func (n *Node) runForgetStatuses(ctx context.Context) error {
	g := n.cfg.RecordGroup()
	return n.bus.Consume(ctx, g, status.Topic, bus.ConsumeOptions{MaxBatch: 1024},
		n.DeadLetters.Handler(g, func(_ context.Context, m bus.Message) error {
			e, err := status.DecodeEvent(m)
			if err != nil {
				return bus.Permanent(fmt.Errorf("records: status event: %w", err))
			}
			n.Statuses.ForgetEvent(e)
			return nil
		}))
}

// runForgetAccounts makes this node forget the accounts that events say were written.
func (n *Node) runForgetAccounts(ctx context.Context) error {
	g := n.cfg.RecordGroup()
	return n.bus.Consume(ctx, g, indexer.Topic, bus.ConsumeOptions{MaxBatch: 1024},
		n.DeadLetters.Handler(g, func(_ context.Context, m bus.Message) error {
			var e indexer.AccountEvent
			if err := store.Unmarshal(m.Value, &e); err != nil {
				return bus.Permanent(fmt.Errorf("records: account event: %w", err))
			}
			n.Accounts.Forget(e.AccountID)
			return nil
		}))
}
