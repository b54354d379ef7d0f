package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/shard"
)

var relayCmd = &adminCmd{
	usage: `Usage:
  herd admin relay add URL         subscribe to a relay (its inbox, or a LitePub relay's actor)
  herd admin relay list
  herd admin relay remove|enable|disable ID
`,
	run: func(ctx context.Context, n *node.Node, c *adminCall) error { return adminRelay(ctx, n, c.args, c.out) },
}

var relaySubscribersCmd = &adminCmd{
	usage: `Usage:
  herd admin relay-subscribers list                       the servers subscribed to this relay (relay.enabled)
  herd admin relay-subscribers approve|reject|remove ID
`,
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		return adminRelaySubscribers(ctx, n, c.args, c.out)
	},
}

// adminRelay runs herd admin relay add|list|remove|enable|disable: the relays the
// instance subscribes to (add sends the instance actor's Follow, remove its Undo;
// they go out when a node's delivery workers run).
func adminRelay(ctx context.Context, n *node.Node, args []string, out io.Writer) error {
	fed := n.Federation
	switch {
	case len(args) == 2 && args[0] == "add":
		r, err := fed.AddRelay(ctx, args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "relay %s: %s (%s protocol), %s\n", r.ID, r.Inbox, r.Protocol, r.State)
		return nil
	case len(args) == 1 && args[0] == "list":
		all, err := fed.Relays(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tINBOX\tPROTOCOL\tSTATE\tADDED")
		for _, r := range all {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Inbox, r.Protocol, r.State, r.CreatedAt.Format(time.RFC3339))
		}
		return w.Flush()
	case len(args) == 2 && (args[0] == "remove" || args[0] == "enable" || args[0] == "disable"):
		id, err := shard.Parse(args[1])
		if err != nil {
			return fmt.Errorf("admin relay %s: %q is not a relay id", args[0], args[1])
		}
		switch args[0] {
		case "remove":
			return fed.RemoveRelay(ctx, id)
		case "enable":
			_, err = fed.EnableRelay(ctx, id)
		default:
			_, err = fed.DisableRelay(ctx, id)
		}
		return err
	case len(args) == 0:
		return usagef("admin relay: add, list, remove, enable or disable?")
	}
	return usagef("admin relay: unknown use %q", strings.Join(args, " "))
}

// adminRelaySubscribers runs herd admin relay-subscribers list|approve|reject|remove:
// the servers subscribed to this instance's relay actor, in relay mode (approve sends
// the Accept, reject and remove a Reject; they go out when a node's delivery workers
// run).
func adminRelaySubscribers(ctx context.Context, n *node.Node, args []string, out io.Writer) error {
	fed := n.Federation
	switch {
	case len(args) == 1 && args[0] == "list":
		all, err := fed.RelaySubscriberList(ctx)
		if err != nil {
			return err
		}
		stats, err := fed.RelaySubscriberStats(ctx, all)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tDOMAIN\tINBOX\tPROTOCOL\tSTATE\tSINCE\tRECEIVED\tFORWARDED\tDELIVERED\tFAILED\tLAST DELIVERY\tLAST FAILURE")
		for i, s := range all {
			st := stats[i]
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\n", s.ID, s.Domain, s.Inbox, s.Protocol, s.State,
				s.CreatedAt.Format(time.RFC3339), st.Received, st.Forwarded, st.Delivered, st.Failed, when(true, st.LastDelivered),
				strings.TrimSpace(when(true, st.LastFailed)+" "+st.LastFailure))
		}
		return w.Flush()
	case len(args) == 2 && (args[0] == "approve" || args[0] == "reject" || args[0] == "remove"):
		id, err := shard.Parse(args[1])
		if err != nil {
			return fmt.Errorf("admin relay-subscribers %s: %q is not a subscriber id", args[0], args[1])
		}
		switch args[0] {
		case "approve":
			_, err = fed.ApproveSubscriber(ctx, id)
		case "reject":
			_, err = fed.RejectSubscriber(ctx, id)
		default:
			err = fed.RemoveSubscriber(ctx, id)
		}
		return err
	case len(args) == 0:
		return usagef("admin relay-subscribers: list, approve, reject or remove?")
	}
	return usagef("admin relay-subscribers: unknown use %q", strings.Join(args, " "))
}

var relayAllowCmd = &adminCmd{
	usage: `Usage:
  herd admin relay-allow add DOMAIN      let a domain subscribe to this relay (relay.allow_list)
  herd admin relay-allow list
  herd admin relay-allow remove DOMAIN   take it off the list; under relay.allow_list its subscription ends
`,
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		return adminRelayAllow(ctx, n, c.args, c.out)
	},
}

// adminRelayAllow runs herd admin relay-allow add|list|remove: the relay's allow list,
// in relay mode (remove, under relay.allow_list, sends the domain's subscriber a
// Reject when a node's delivery workers run).
func adminRelayAllow(ctx context.Context, n *node.Node, args []string, out io.Writer) error {
	fed := n.Federation
	switch {
	case len(args) == 2 && args[0] == "add":
		a, err := fed.RelayAllowDomain(ctx, args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "allowed: %s\n", a.Domain)
		return nil
	case len(args) == 1 && args[0] == "list":
		all, err := fed.RelayAllowedDomains(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "DOMAIN\tSINCE")
		for _, a := range all {
			fmt.Fprintf(w, "%s\t%s\n", a.Domain, a.CreatedAt.Format(time.RFC3339))
		}
		return w.Flush()
	case len(args) == 2 && args[0] == "remove":
		return fed.RelayDisallowDomain(ctx, args[1])
	case len(args) == 0:
		return usagef("admin relay-allow: add, list or remove?")
	}
	return usagef("admin relay-allow: unknown use %q", strings.Join(args, " "))
}
