package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/search/indexer"
)

// adminSearch runs herd admin search reindex: a new rebuild starts from empty Bleve
// indexes (a search server's are replaced at the end); one interrupted (Ctrl-C, a
// crash) resumes from its cursor when run again.
func adminSearch(ctx context.Context, cfg node.Config, args []string) error {
	if len(args) != 1 || args[0] != "reindex" {
		return errors.New("admin search: reindex?")
	}
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
		fmt.Println("reindexing from the store")
	} else {
		fmt.Printf("resuming the reindex started %s after account %d (%d accounts, %d statuses done)\n",
			st.Started.Format(time.RFC3339), st.After, st.Accounts, st.Statuses)
	}
	defer n.Close()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	start, from := time.Now(), st.Statuses
	err = n.AdminSearchReindex(ctx, cur, func(s indexer.RebuildState) {
		rate := float64(s.Statuses-from) / time.Since(start).Seconds()
		fmt.Printf("  %d accounts, %d statuses indexed (%.0f statuses/s)\n", s.Accounts, s.Statuses, rate)
	})
	if ctx.Err() != nil {
		fmt.Println("stopped: run herd admin search reindex again to resume")
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("admin search reindex (run it again to resume): %w", err)
	}
	fmt.Printf("reindexed in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}
