package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
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

// adminDeadLetters runs `herd admin dead-letters …`.
func adminDeadLetters(args []string) error {
	if len(args) == 0 {
		fmt.Print(deadLettersUsage)
		return errors.New("admin dead-letters: list or replay?")
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		fmt.Print(deadLettersUsage)
		return nil
	case "list", "replay":
	default:
		fmt.Print(deadLettersUsage)
		return fmt.Errorf("admin dead-letters: unknown command %q", args[0])
	}
	fs := flag.NewFlagSet("admin dead-letters "+args[0], flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), deadLettersUsage, "\nFlags:\n")
		fs.PrintDefaults()
	}
	load := configFlags(fs)
	group := fs.String("group", "", "only the dead letters of this consumer group")
	limit := fs.Int("limit", 100, "list: at most this many (0: all)")
	all := fs.Bool("all", false, "replay: every dead letter (of --group)")
	if err := fs.Parse(args[1:]); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if args[0] == "replay" && *all == (fs.NArg() > 0) {
		return errors.New("admin dead-letters replay: give ids or --all")
	}
	n, err := openNode(load)
	if err != nil {
		return err
	}
	defer n.Close()
	ctx := context.Background()
	if args[0] == "list" {
		return listDeadLetters(ctx, os.Stdout, n, *group, *limit)
	}
	if *all {
		k, err := n.AdminReplayDeadLetters(ctx, *group)
		fmt.Printf("%d replayed\n", k)
		return err
	}
	for _, id := range fs.Args() {
		if err := n.AdminReplayDeadLetter(ctx, id); err != nil {
			return err
		}
		fmt.Println(id, "replayed")
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
