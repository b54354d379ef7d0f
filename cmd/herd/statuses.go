package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/herd-social/herd/node"
)

var statusesCmd = &adminCmd{
	usage: `Usage: herd admin statuses remove [--days N] [--limit N] [--clean-followed] [--dry-run] [--restart]
  remove remote statuses (and boosts) published more than N days ago that nothing here
  holds, as tootctl statuses remove: one stays when any status replies to it, when it
  boosts a local status, when a local status or a recent boost boosts it, when it is
  pinned, mentions a local account, is favourited or bookmarked by a local account or
  quoted by a local status, or when a local account follows its author (unless
  --clean-followed). Their media go with them; nothing is federated.
  A run removes at most --limit statuses; the next run resumes where it stopped
  (--restart starts from the newest account again).
`,
	verbs: []string{"remove"},
	flags: func(fs *flag.FlagSet) {
		fs.Int("days", 90, "remove statuses published more than this many days ago")
		fs.Int("limit", 10000, "remove at most this many statuses in this run")
		fs.Bool("clean-followed", false, "also remove the statuses of accounts local accounts follow")
		fs.Bool("dry-run", false, "count the statuses that would go, remove nothing")
		fs.Bool("restart", false, "forget where the last bounded run stopped")
	},
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		if len(c.args) != 0 {
			return usagef("admin statuses remove: no arguments but flags")
		}
		o := node.StatusCleanup{Days: c.num("days"), Limit: c.num("limit"), CleanFollowed: c.on("clean-followed"),
			DryRun: c.on("dry-run"), Restart: c.on("restart")}
		if o.Days < 1 || o.Limit < 1 {
			return usagef("admin statuses remove: --days and --limit must be at least 1")
		}
		st, err := n.AdminRemoveStatuses(ctx, o, c.out)
		if err != nil {
			return err
		}
		verb := "removed"
		if o.DryRun {
			verb = "would remove (dry run)"
		}
		fmt.Fprintf(c.out, "%d remote accounts, %d statuses older than %d days checked: %s %d\n", st.Accounts, st.Checked,
			o.Days, verb, st.Removed)
		if !st.Done {
			fmt.Fprintf(c.out, "stopped after %d statuses (--limit): run again to continue\n", o.Limit)
		}
		return nil
	},
}
