package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/webhook"
)

const webhookUsage = `herd admin webhook add [--template T] URL EVENT...  register a webhook; prints its secret
  EVENT: account.created, account.approved, account.updated, report.created, report.updated,
  status.created, status.updated
herd admin webhook list                  the webhooks and their last delivery
herd admin webhook enable|disable|remove|rotate ID  (rotate prints the new secret)
`

var webhookCmd = &adminCmd{
	usage: webhookUsage,
	verbs: []string{"add", "list", "enable", "disable", "remove", "rotate"},
	flags: func(fs *flag.FlagSet) {
		fs.String("template", "", "add: the body's template: {{event}}, {{object.…}} are replaced")
	},
	run: adminWebhook,
}

// adminWebhook runs herd admin webhook add|list|remove|enable|disable|rotate.
func adminWebhook(ctx context.Context, n *node.Node, c *adminCall) error {
	out, args := c.out, c.args
	switch {
	case c.verb == "add" && len(args) >= 2:
		u, events := args[0], args[1:]
		ch := webhook.Change{URL: &u, Events: &events}
		if t := c.str("template"); t != "" {
			ch.Template = &t
		}
		w, err := n.Webhooks.Create(ctx, ch)
		if err == nil {
			fmt.Fprintf(out, "webhook %s; secret %s\n", w.ID, w.Secret)
		}
		return err
	case c.verb == "list" && len(args) == 0:
		return adminWebhookList(ctx, n, out)
	case c.verb == "add" || c.verb == "list" || len(args) != 1:
		return usagef("admin webhook %s: wrong arguments %q", c.verb, strings.Join(args, " "))
	}
	id, err := shard.Parse(args[0])
	if err != nil {
		return usagef("admin webhook: %q is not a webhook id", args[0])
	}
	var w *webhook.Webhook
	switch c.verb {
	case "remove":
		return n.Webhooks.Delete(ctx, id)
	case "enable", "disable":
		w, err = n.Webhooks.SetEnabled(ctx, id, c.verb == "enable")
	default: // rotate
		if w, err = n.Webhooks.RotateSecret(ctx, id); err == nil {
			fmt.Fprintln(out, w.Secret)
		}
	}
	return err
}

func adminWebhookList(ctx context.Context, n *node.Node, out io.Writer) error {
	list, err := n.Webhooks.List(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tURL\tEVENTS\tENABLED\tLAST DELIVERY")
	for _, h := range list {
		last := "-"
		log, err := n.Webhooks.Attempts(ctx, h.ID)
		if err != nil {
			return err
		}
		if len(log) > 0 {
			last = fmt.Sprintf("%s %s try %d: %d %s", log[0].At.Format(time.RFC3339), log[0].Event, log[0].Try,
				log[0].Status, log[0].Error)
		}
		events := make([]string, len(h.Events))
		for i, e := range h.Events {
			events[i] = string(e)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%v\t%s\n", h.ID, h.URL, strings.Join(events, ","), h.Enabled, last)
	}
	return w.Flush()
}
