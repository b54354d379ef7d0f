package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/herd-social/herd/node"
)

const moderationUsage = `herd admin account [--text T] ACTION HANDLE
  ACTION: suspend, unsuspend, silence, unsilence, disable, enable, sensitive, unsensitive
herd admin domain [--severity silence|suspend|noop] [--text PUBLIC_COMMENT] block DOMAIN
herd admin domain unblock DOMAIN
herd admin domain list
herd admin audit [--limit N]  the newest moderator actions
`

// adminAccount runs herd admin account ACTION HANDLE.
func adminAccount(ctx context.Context, n *node.Node, args []string, text string) error {
	if len(args) != 2 {
		fmt.Fprint(os.Stderr, moderationUsage)
		return errors.New("admin account: give ACTION HANDLE")
	}
	return n.AdminAccountAction(ctx, args[0], args[1], text)
}

// adminDomain runs herd admin domain block|unblock|list.
func adminDomain(ctx context.Context, n *node.Node, args []string, severity, text string) error {
	switch {
	case len(args) == 2 && args[0] == "block":
		b, err := n.AdminBlockDomain(ctx, args[1], severity, text)
		if err == nil {
			fmt.Printf("blocked %s (%s)\n", b.Domain, b.Severity)
		}
		return err
	case len(args) == 2 && args[0] == "unblock":
		return n.AdminUnblockDomain(ctx, args[1])
	case len(args) == 1 && args[0] == "list":
		list, err := n.AdminDomainBlocks(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "DOMAIN\tSEVERITY\tREJECT MEDIA\tREJECT REPORTS\tCREATED")
		for _, b := range list {
			fmt.Fprintf(w, "%s\t%s\t%v\t%v\t%s\n", b.Domain, b.Severity, b.RejectMedia, b.RejectReports,
				b.CreatedAt.Format(time.RFC3339))
		}
		return w.Flush()
	}
	fmt.Fprint(os.Stderr, moderationUsage)
	return errors.New("admin domain: block, unblock or list?")
}

// adminAudit prints the newest entries of the audit log.
func adminAudit(ctx context.Context, n *node.Node, limit int) error {
	lines, err := n.AdminAudit(ctx, limit)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TIME\tMODERATOR\tACTION\tTARGET\tTEXT")
	for _, l := range lines {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s %s\t%s\n", l.CreatedAt.Format(time.RFC3339), l.Moderator, l.Action,
			l.TargetType, l.Target, l.Text)
	}
	return w.Flush()
}
