package node

import (
	"context"
	"errors"
	"time"

	"github.com/herd-social/herd/bus"
)

// runConsumers runs the event consumers until ctx is done. In the cluster shape they
// are members of Kafka consumer groups, which spread the partitions over the nodes.
// Each builds its handler with Services.DeadLetters, so that a message it can never
// process is set aside instead of stopping its partition; a consumer added here must
// do the same.
func (n *Node) runConsumers(ctx context.Context) {
	for name, run := range map[string]func(context.Context) error{"fanout": n.Fanout.Run, "media": n.Media.Run, "media_remote": n.Media.RunRemote, "cards": n.Cards.Run, "trends": n.Trends.Run,
		"trends_favourites": n.Trends.RunFavourites, "search": n.Indexer.Run, "search_accounts": n.Indexer.RunAccounts,
		"inbox": n.Federation.RunInbox, "federation": n.Federation.RunOutbox, "fetch": n.Federation.RunFetch, "relay": n.Federation.RunRelay,
		"delivery": n.Delivery.Run, "push": n.Push.Run,
		"webhooks": n.Webhooks.Run, "webhook_triggers": n.runWebhookTriggers,
		"mail": n.runMail, "annual_reports": n.AnnualReports.Run, "account_erasures": n.runErasures} {
		n.wg.Go(func() { n.consume(ctx, name, run) })
	}
}

// consume runs a consumer until ctx is done, restarting it after unexpected errors.
func (n *Node) consume(ctx context.Context, name string, run func(context.Context) error) {
	for ctx.Err() == nil {
		err := run(ctx)
		if err == nil || ctx.Err() != nil || errors.Is(err, bus.ErrClosed) {
			return
		}
		n.log.Error("node: consumer failed; restarting", "consumer", name, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}
