package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/shard"
)

// operator is the moderator the audit log names for the command line.
const operator shard.ID = 0

var accountCmd = &adminCmd{
	usage: `Usage: herd admin account [--text T] ACTION HANDLE
  ACTION: suspend, unsuspend, silence, unsilence, disable, enable, sensitive, unsensitive;
  approve or reject a registration waiting for approval; delete a suspended account for good.
  HANDLE is a local username or user@domain. --text is a note kept in the audit log.
herd admin account cull [--dry-run] [DOMAIN]
  fetch every remote account's actor (of DOMAIN), signed; those answering 404 or 410
  are removed (their follows end), as tootctl accounts cull. A domain failing
  otherwise is skipped. --dry-run lists them and removes nothing.
`,
	flags: func(fs *flag.FlagSet) {
		fs.String("text", "", "a note kept in the audit log")
		fs.Bool("dry-run", false, "cull: list the accounts gone, remove nothing")
	},
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		if len(c.args) > 0 && len(c.args) <= 2 && c.args[0] == "cull" {
			return cullAccounts(ctx, n, c)
		}
		if len(c.args) != 2 {
			return usagef("admin account: give ACTION HANDLE")
		}
		if err := n.AdminAccountAction(ctx, c.args[0], c.args[1], c.str("text")); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "%s %s: done\n", c.args[0], c.args[1])
		return nil
	},
}

var domainCmd = &adminCmd{
	usage: `Usage:
  herd admin domain block [--severity silence|suspend|noop] [--text PUBLIC_COMMENT] DOMAIN
      block a domain and its subdomains (suspend: their accounts and follows go)
  herd admin domain unblock DOMAIN
  herd admin domain list
  herd admin domain purge [--dry-run] DOMAIN
      remove every known account of DOMAIN and its subdomains, with their statuses,
      boosts, media, favourites, follows and the notifications they gave, and the
      domains' custom emoji, as tootctl domains purge --include-subdomains; nothing is
      federated. Run it again to resume a run stopped halfway.
      --dry-run counts the accounts and statuses and removes nothing.
`,
	verbs: []string{"block", "unblock", "list", "purge"},
	flags: func(fs *flag.FlagSet) {
		fs.String("severity", "silence", "block: silence, suspend or noop")
		fs.String("text", "", "block: the public comment")
		fs.Bool("dry-run", false, "purge: count what would go, remove nothing")
	},
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		switch {
		case c.verb == "block" && len(c.args) == 1:
			b, err := n.AdminBlockDomain(ctx, c.args[0], c.str("severity"), c.str("text"))
			if err == nil {
				fmt.Fprintf(c.out, "blocked %s (%s)\n", b.Domain, b.Severity)
			}
			return err
		case c.verb == "unblock" && len(c.args) == 1:
			return n.AdminUnblockDomain(ctx, c.args[0])
		case c.verb == "purge" && len(c.args) == 1:
			return purgeDomain(ctx, n, c)
		case c.verb == "list" && len(c.args) == 0:
			list, err := n.AdminDomainBlocks(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(w, "DOMAIN\tSEVERITY\tREJECT MEDIA\tREJECT REPORTS\tCREATED")
			for _, b := range list {
				fmt.Fprintf(w, "%s\t%s\t%v\t%v\t%s\n", b.Domain, b.Severity, b.RejectMedia, b.RejectReports,
					b.CreatedAt.Format(time.RFC3339))
			}
			return w.Flush()
		}
		return usagef("admin domain %s: wrong arguments %q", c.verb, strings.Join(c.args, " "))
	},
}

var auditCmd = &adminCmd{
	usage: "Usage: herd admin audit [--limit N]\n  the newest moderator actions\n",
	flags: func(fs *flag.FlagSet) { fs.Int("limit", 40, "how many entries, newest first") },
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		if len(c.args) != 0 {
			return usagef("admin audit: no arguments but flags")
		}
		lines, err := n.AdminAudit(ctx, c.num("limit"))
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "TIME\tMODERATOR\tACTION\tTARGET\tTEXT")
		for _, l := range lines {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s %s\t%s\n", l.CreatedAt.Format(time.RFC3339), l.Moderator, l.Action,
				l.TargetType, l.Target, l.Text)
		}
		return w.Flush()
	},
}

var emailBlockCmd = &adminCmd{
	usage: `Usage:
  herd admin email-block add DOMAIN       refuse sign-ups with addresses of DOMAIN and its subdomains
  herd admin email-block list
  herd admin email-block remove DOMAIN|ID
`,
	verbs: []string{"add", "list", "remove"},
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		mod := n.Reports
		switch {
		case c.verb == "add" && len(c.args) == 1:
			b, err := mod.CreateEmailDomainBlock(ctx, operator, c.args[0])
			if err == nil {
				fmt.Fprintf(c.out, "email domain block %s: %s\n", b.ID, b.Domain)
			}
			return err
		case c.verb == "list" && len(c.args) == 0:
			list, err := mod.EmailDomainBlocks(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tDOMAIN\tCREATED")
			for _, b := range list {
				fmt.Fprintf(w, "%s\t%s\t%s\n", b.ID, b.Domain, b.CreatedAt.Format(time.RFC3339))
			}
			return w.Flush()
		case c.verb == "remove" && len(c.args) == 1:
			list, err := mod.EmailDomainBlocks(ctx)
			if err != nil {
				return err
			}
			for _, b := range list {
				if b.Domain == strings.ToLower(c.args[0]) || b.ID.String() == c.args[0] {
					return mod.DeleteEmailDomainBlock(ctx, operator, b.ID)
				}
			}
			return fmt.Errorf("admin email-block remove %s: %w", c.args[0], moderation.ErrNotFound)
		}
		return usagef("admin email-block %s: wrong arguments %q", c.verb, strings.Join(c.args, " "))
	},
}

var ipBlockCmd = &adminCmd{
	usage: `Usage:
  herd admin ip-block add [--severity S] [--comment C] [--expires-in SECONDS] IP|CIDR
      S: sign_up_requires_approval, sign_up_block or no_access (default)
  herd admin ip-block list
  herd admin ip-block remove IP|CIDR|ID
`,
	verbs: []string{"add", "list", "remove"},
	flags: func(fs *flag.FlagSet) {
		fs.String("severity", moderation.SeverityNoAccess, "add: sign_up_requires_approval, sign_up_block or no_access")
		fs.String("comment", "", "add: a note for moderators")
		fs.Int("expires-in", 0, "add: seconds until the block lapses (0: never)")
	},
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		switch {
		case c.verb == "add" && len(c.args) == 1:
			return addIPBlock(ctx, n, c)
		case c.verb == "list" && len(c.args) == 0:
			return listIPBlocks(ctx, n, c)
		case c.verb == "remove" && len(c.args) == 1:
			list, err := n.Reports.IPBlocks(ctx)
			if err != nil {
				return err
			}
			want := c.args[0]
			if p, err := moderation.ParseIPRange(want); err == nil {
				want = p.String()
			}
			for _, b := range list {
				if b.IP == want || b.ID.String() == want {
					return n.Reports.DeleteIPBlock(ctx, operator, b.ID)
				}
			}
			return fmt.Errorf("admin ip-block remove %s: %w", c.args[0], moderation.ErrNotFound)
		}
		return usagef("admin ip-block %s: wrong arguments %q", c.verb, strings.Join(c.args, " "))
	},
}

func addIPBlock(ctx context.Context, n *node.Node, c *adminCall) error {
	ip, sev, comment := c.args[0], c.str("severity"), c.str("comment")
	in := moderation.IPBlockInput{IP: &ip, Severity: &sev, Comment: &comment}
	if secs := int64(c.num("expires-in")); secs > 0 {
		in.ExpiresIn = &secs
	} else if secs < 0 {
		return usagef("admin ip-block add: --expires-in must not be negative")
	}
	b, err := n.Reports.CreateIPBlock(ctx, operator, in)
	if err == nil {
		fmt.Fprintf(c.out, "ip block %s: %s (%s)\n", b.ID, b.IP, b.Severity)
	}
	return err
}

func listIPBlocks(ctx context.Context, n *node.Node, c *adminCall) error {
	list, err := n.Reports.IPBlocks(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tIP\tSEVERITY\tEXPIRES\tCOMMENT")
	for _, b := range list {
		expires := "never"
		if !b.ExpiresAt.IsZero() {
			expires = b.ExpiresAt.Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", b.ID, b.IP, b.Severity, expires, b.Comment)
	}
	return w.Flush()
}

// cullAccounts runs herd admin account cull.
func cullAccounts(ctx context.Context, n *node.Node, c *adminCall) error {
	domain, dry := "", c.on("dry-run")
	if len(c.args) == 2 {
		domain = c.args[1]
	}
	res, err := n.AdminCullAccounts(ctx, domain, dry, func(a *account.Account) {
		fmt.Fprintf(c.out, "gone: %s (%s)\n", a.Acct(), a.URI)
	})
	if err != nil {
		return err
	}
	verb := "removed"
	if dry {
		verb = "would remove (dry run)"
	}
	fmt.Fprintf(c.out, "%d accounts checked, %d gone: %s; %d skipped on unreachable domains %s\n", res.Checked, res.Gone,
		verb, res.Skipped, strings.Join(res.Unreachable, ", "))
	return nil
}

// purgeDomain runs herd admin domain purge.
func purgeDomain(ctx context.Context, n *node.Node, c *adminCall) error {
	dry := c.on("dry-run")
	if !strings.ContainsAny(c.args[0], ".:") {
		return usagef("admin domain purge: %q is no domain (a top-level domain would take every subdomain)", c.args[0])
	}
	res, err := n.AdminPurgeDomain(ctx, c.args[0], dry, c.out)
	if err != nil {
		return err
	}
	if len(res.Domains) == 0 {
		fmt.Fprintf(c.out, "no known account of %s\n", c.args[0])
		return nil
	}
	if dry {
		fmt.Fprintf(c.out, "would purge %d accounts, %d statuses and %d emoji of %s (dry run)\n", res.Accounts, res.Statuses,
			res.Emoji, strings.Join(res.Domains, ", "))
		return nil
	}
	fmt.Fprintf(c.out, "purged %d accounts, %d statuses, %d favourites, %d notifications and %d emoji of %s\n", res.Accounts,
		res.Statuses, res.Favourites, res.Notifications, res.Emoji, strings.Join(res.Domains, ", "))
	return nil
}
