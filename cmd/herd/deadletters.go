package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/herd-social/herd/node"
)

const deadLettersUsage = `Usage:
  herd admin dead-letters list [--group G] [--limit N]   list the messages the consumers set aside
  herd admin dead-letters replay [flags] ID [ID…]         publish each message again to its topic, then remove it
  herd admin dead-letters replay --all [--group G]        replay every dead letter (of group G)

A consumer group (fanout, federation, inbox, fetch, delivery) sets a message aside when
it can never process it: it cannot be decoded, it is invalid, or it failed 8 times. An
id reads group/topic/partition/offset. Replay reaches every group of the topic: the
groups that had processed the message apply it again, harmlessly. Flags come before ids;
the common flags (--config, --data, …) pick the node's engines, as for other admin
commands.
`

var deadLettersCmd = &adminCmd{
	usage: deadLettersUsage,
	verbs: []string{"list", "replay"},
	flags: func(fs *flag.FlagSet) {
		fs.String("group", "", "only the dead letters of this consumer group")
		fs.Int("limit", 100, "list: at most this many (0: all)")
		fs.Bool("all", false, "replay: every dead letter (of --group)")
	},
	run: adminDeadLetters,
}

// adminDeadLetters runs `herd admin dead-letters …`.
func adminDeadLetters(ctx context.Context, n *node.Node, c *adminCall) error {
	group, all := c.str("group"), c.on("all")
	switch {
	case c.verb == "list" && len(c.args) == 0:
		return listDeadLetters(ctx, c.out, n, group, c.num("limit"))
	case c.verb == "list":
		return usagef("admin dead-letters list: no arguments but flags")
	case all == (len(c.args) > 0):
		return usagef("admin dead-letters replay: give ids or --all")
	case all:
		k, err := n.AdminReplayDeadLetters(ctx, group)
		fmt.Fprintf(c.out, "%d replayed\n", k)
		return err
	}
	for _, id := range c.args {
		if err := n.AdminReplayDeadLetter(ctx, id); err != nil {
			return err
		}
		fmt.Fprintln(c.out, id, "replayed")
	}
	return nil
}

// listDeadLetters prints the dead letters and the counts of letters ever set aside.
func listDeadLetters(ctx context.Context, out io.Writer, n *node.Node, group string, limit int) error {
	letters, err := n.AdminDeadLetters(ctx, group, limit)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSET ASIDE\tTRIES\tKEY\tBYTES\tERROR")
	for _, l := range letters {
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%d\t%s\n", l.ID(), l.At.Local().Format(time.DateTime), l.Tries,
			strconv.Quote(short(string(l.Key), 40)), len(l.Value), short(l.Err, 120))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	counts, err := n.AdminDeadLetterCounts(ctx)
	if err != nil {
		return err
	}
	for _, g := range slices.Sorted(maps.Keys(counts)) {
		if group == "" || g == group {
			fmt.Fprintf(out, "group %s: %d set aside in all\n", g, counts[g])
		}
	}
	return nil
}

// short cuts s to at most n bytes, marking the cut.
func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
