package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/herd-social/herd/node"
)

// adminCopy runs herd admin copy --to CLUSTER.toml: it copies the stopped
// single-shape instance of the configuration into the cluster's engines, verifies
// the copy and prints the verification. Interrupted, it resumes when run again.
func adminCopy(ctx context.Context, from node.Config, toFile string, leaveEvents bool) error {
	if toFile == "" {
		return errors.New("admin copy: give --to FILE, the configuration of the cluster")
	}
	to, err := node.LoadConfig(node.Sources{File: toFile})
	if err != nil {
		return fmt.Errorf("admin copy: the cluster's configuration: %w", err)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	last := time.Time{}
	rep, err := node.CopyToCluster(ctx, from, to, logger(), node.CopyOptions{LeaveEvents: leaveEvents,
		Progress: func(line string) {
			if time.Since(last) > 2*time.Second { // a line every two seconds at most
				last = time.Now()
				fmt.Println("  " + line)
			}
		}})
	if rep.Resumed {
		fmt.Println("resumed the copy left unfinished")
	}
	if leaveEvents {
		for _, t := range rep.Trailing {
			fmt.Println("left behind, unconsumed: " + t)
		}
	}
	if len(rep.Tables) > 0 {
		printCopyReport(rep)
	}
	if ctx.Err() != nil {
		fmt.Println("stopped: run herd admin copy again to resume")
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("admin copy: %w", err)
	}
	fmt.Printf("copied and verified in %s. Next: herd admin search reindex --config %s, then start the cluster's nodes\n",
		time.Since(start).Round(time.Second), toFile)
	return nil
}

// printCopyReport prints each table's rows and checksums on both sides, then the
// media files'.
func printCopyReport(rep node.CopyReport) {
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TABLE\tROWS\tCHECKSUM\tTARGET ROWS\tTARGET CHECKSUM\t")
	for _, c := range rep.Tables {
		mark := "ok"
		if !c.OK() {
			mark = "DIFFERS"
		}
		fmt.Fprintf(w, "%s\t%d\t%016x\t%d\t%016x\t%s\n", c.Table, c.Source.Rows, c.Source.Checksum, c.Target.Rows, c.Target.Checksum, mark)
	}
	w.Flush()
	if m := rep.Media; m != nil {
		fmt.Printf("media files: %d (%d bytes) at the source, %d (%d bytes) of them at the target; %d copied by this run\n",
			m.Source.Objects, m.Source.Bytes, m.Target.Objects, m.Target.Bytes, rep.MediaCopied.Objects)
	}
}
