package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
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

// adminWebhook runs herd admin webhook add|list|remove|enable|disable|rotate.
func adminWebhook(ctx context.Context, n *node.Node, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, webhookUsage)
		return errors.New("admin webhook: add, list, remove, enable, disable or rotate?")
	}
	if args[0] == "add" {
		return adminWebhookAdd(ctx, n, args[1:])
	}
	if args[0] == "list" && len(args) == 1 {
		return adminWebhookList(ctx, n)
	}
	if len(args) != 2 {
		fmt.Fprint(os.Stderr, webhookUsage)
		return fmt.Errorf("admin webhook: unknown use %q", strings.Join(args, " "))
	}
	id, err := shard.Parse(args[1])
	if err != nil {
		return fmt.Errorf("admin webhook: %q is not a webhook id", args[1])
	}
	var w *webhook.Webhook
	switch args[0] {
	case "remove":
		return n.Webhooks.Delete(ctx, id)
	case "enable", "disable":
		w, err = n.Webhooks.SetEnabled(ctx, id, args[0] == "enable")
	case "rotate":
		if w, err = n.Webhooks.RotateSecret(ctx, id); err == nil {
			fmt.Println(w.Secret)
		}
	default:
		fmt.Fprint(os.Stderr, webhookUsage)
		return fmt.Errorf("admin webhook: unknown command %q", args[0])
	}
	return err
}

func adminWebhookAdd(ctx context.Context, n *node.Node, args []string) error {
	fs := flag.NewFlagSet("admin webhook add", flag.ContinueOnError)
	template := fs.String("template", "", "the body's template: {{event}}, {{object.…}} are replaced")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 2 {
		fmt.Fprint(os.Stderr, webhookUsage)
		return errors.New("admin webhook add: give URL EVENT...")
	}
	u, events := fs.Arg(0), fs.Args()[1:]
	c := webhook.Change{URL: &u, Events: &events}
	if *template != "" {
		c.Template = template
	}
	w, err := n.Webhooks.Create(ctx, c)
	if err != nil {
		return err
	}
	fmt.Printf("webhook %s; secret %s\n", w.ID, w.Secret)
	return nil
}

func adminWebhookList(ctx context.Context, n *node.Node) error {
	list, err := n.Webhooks.List(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
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
