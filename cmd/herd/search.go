package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/search/indexer"
)

var searchCmd = &adminCmd{
	usage: `Usage: herd admin search reindex
  rebuild the search indexes from the store, with progress; run again to resume one
  interrupted. In a serving node, a search server's indexes are rebuilt aside and
  swapped in at the end, and Bleve's in place (what they hold is refreshed, nothing
  is dropped); with no node serving, Bleve's are first emptied, which a change of
  their mapping needs.
`,
	verbs: []string{"reindex"},
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		if len(c.args) != 0 {
			return usagef("admin search reindex: no arguments")
		}
		cur := node.SearchReindexCursor(n.Config())
		st, resumed, err := cur.Load()
		if err != nil {
			return err
		}
		if resumed {
			printResume(c.out, st)
		} else {
			fmt.Fprintln(c.out, "reindexing from the store")
		}
		return reindex(ctx, n, cur, st, c.out)
	},
	offline: func(ctx context.Context, cfg node.Config, c *adminCall) error {
		if len(c.args) != 0 {
			return usagef("admin search reindex: no arguments")
		}
		return adminSearch(ctx, cfg, c.out)
	},
}

// adminSearch runs herd admin search reindex with no node serving: a new rebuild
// starts from empty Bleve indexes (a search server's are replaced at the end); one
// interrupted (Ctrl-C, a crash) resumes from its cursor when run again.
func adminSearch(ctx context.Context, cfg node.Config, out io.Writer) error {
	cur := node.SearchReindexCursor(cfg)
	st, resumed, err := cur.Load()
	if err != nil {
		return err
	}
	n, err := node.Open(cfg, logger()) // fails while a node holds the data directory
	if err != nil {
		return err
	}
	if !resumed {
		_ = n.Close()
		if err := node.ClearEmbeddedSearch(cfg); err != nil {
			return err
		}
		if n, err = node.Open(cfg, logger()); err != nil {
			return err
		}
		fmt.Fprintln(out, "reindexing from the store")
	} else {
		printResume(out, st)
	}
	defer n.Close()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return reindex(ctx, n, cur, st, out)
}

func printResume(out io.Writer, st indexer.RebuildState) {
	fmt.Fprintf(out, "resuming the reindex started %s after account %d (%d accounts, %d statuses done)\n",
		st.Started.Format(time.RFC3339), st.After, st.Accounts, st.Statuses)
}

// reindex rebuilds n's search indexes from st, printing the progress.
func reindex(ctx context.Context, n *node.Node, cur indexer.FileCursor, st indexer.RebuildState, out io.Writer) error {
	start, from := time.Now(), st.Statuses
	err := n.AdminSearchReindex(ctx, cur, func(s indexer.RebuildState) {
		rate := float64(s.Statuses-from) / time.Since(start).Seconds()
		fmt.Fprintf(out, "  %d accounts, %d statuses indexed (%.0f statuses/s)\n", s.Accounts, s.Statuses, rate)
	})
	if ctx.Err() != nil {
		fmt.Fprintln(out, "stopped: run herd admin search reindex again to resume")
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("admin search reindex (run it again to resume): %w", err)
	}
	fmt.Fprintf(out, "reindexed in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}
