package node

import (
	"context"
	"net/http"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/webhook"
)

// buildWebhooks makes the webhook service: it posts through the guarded outbound
// client (loopback only where federation may reach it, as in tests) and renders
// events' objects through the API, which is built after it.
func (n *Node) buildWebhooks(ids *shard.Generator, client *http.Client) {
	cfg := n.cfg
	n.Webhooks = webhook.New(n.store, n.bus, ids, webhookObjects{n}, webhook.Options{HTTP: client,
		AllowHTTP: cfg.FederationHTTP && cfg.AllowPrivateAddresses, Now: cfg.Clock, Logger: n.log,
		UserAgent:   "Herd/" + SoftwareVersion + " (+" + cfg.Scheme + "://" + cfg.Domain + "/)",
		BackoffUnit: cfg.WebhookBackoff, DeadLetters: n.DeadLetters})
}

func (n *Node) runWebhookTriggers(ctx context.Context) error {
	return n.Webhooks.RunTriggers(ctx, n.Accounts)
}

// webhookObjects renders events' objects through the node's API server.
type webhookObjects struct{ n *Node }

func (o webhookObjects) WebhookObject(ctx context.Context, kind webhook.Object, id shard.ID) (any, error) {
	return o.n.api.WebhookObject(ctx, kind, id)
}
