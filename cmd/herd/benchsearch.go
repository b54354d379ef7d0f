package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/search/searchbench"
)

// benchSearch runs herd bench search: it indexes generated multilingual statuses into
// a fresh engine and times queries (package searchbench). The engine is Bleve in a
// temporary directory, or the Elasticsearch/OpenSearch server at --url (default
// $HERD_BENCH_SEARCH_URL), in indexes of their own prefix, deleted afterwards.
func benchSearch(args []string) error {
	fset := flag.NewFlagSet("bench search", flag.ContinueOnError)
	var o searchbench.Options
	fset.IntVar(&o.Statuses, "statuses", 20000, "statuses to index")
	fset.IntVar(&o.Batch, "batch", 500, "statuses per indexing call")
	fset.IntVar(&o.Queries, "queries", 2000, "queries to time after indexing")
	fset.IntVar(&o.Accounts, "accounts", 1000, "accounts that author and read the statuses")
	url := fset.String("url", os.Getenv("HERD_BENCH_SEARCH_URL"), "elasticsearch or opensearch server (default $HERD_BENCH_SEARCH_URL; none: bleve)")
	dir := fset.String("dir", "", "directory of the bleve indexes (default a temporary one, removed)")
	if err := fset.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	e, size, cleanup, err := benchEngine(*url, *dir)
	if err != nil {
		return err
	}
	defer cleanup()
	cpu0 := cpuTime()
	var indexCPU time.Duration
	o.Checkpoint = func(n int, elapsed time.Duration) {
		fmt.Printf("  %7d statuses indexed in %6.1fs (%5.0f/s)%s\n", n, elapsed.Seconds(), float64(n)/elapsed.Seconds(), size())
		if n == o.Statuses {
			indexCPU = cpuTime() - cpu0
		}
	}
	fmt.Printf("search bench: %d statuses, %d queries\n", o.Statuses, o.Queries)
	res, err := searchbench.Run(ctx, e, o)
	if err != nil {
		return err
	}
	queryCPU := cpuTime() - cpu0 - indexCPU
	// On a shared machine the wall clock counts waits for a core; the process's CPU
	// time tells what the work costs.
	fmt.Printf("indexing: %d statuses in %s, %.0f statuses/s; %s of CPU, %.0f statuses per CPU second%s\n",
		res.Statuses, res.IndexTime.Round(time.Millisecond), res.StatusesPerSec, indexCPU.Round(time.Millisecond),
		float64(res.Statuses)/indexCPU.Seconds(), size())
	fmt.Printf("queries: %d, p50 %s, p99 %s, max %s, %.1f hits a query; %s of CPU a query\n", res.Queries,
		res.P50.Round(time.Microsecond), res.P99.Round(time.Microsecond), res.Max.Round(time.Microsecond), res.Hits,
		(queryCPU / time.Duration(res.Queries)).Round(time.Microsecond))
	return nil
}

// benchEngine opens the engine of a bench, a function telling its size on disk (the
// directory's files for Bleve, the index stats for a server) and one that closes and
// deletes it.
func benchEngine(url, dir string) (search.Engine, func() string, func(), error) {
	if url != "" {
		e, err := node.OpenSearch(node.Config{Search: node.SearchConfig{Engine: node.SearchElastic, URL: url,
			Prefix: fmt.Sprintf("herd-bench-%d-", os.Getpid())}})
		if err != nil {
			return nil, nil, nil, err
		}
		fmt.Printf("engine: %s\n", url)
		size := func() string {
			sz, ok := e.(interface {
				Size(context.Context) (int64, error)
			})
			if !ok {
				return ""
			}
			n, err := sz.Size(context.Background())
			if err != nil {
				return fmt.Sprintf(", index size unknown (%v)", err)
			}
			return fmt.Sprintf(", index %.1f MB", float64(n)/(1<<20))
		}
		return e, size, func() {
			if d, ok := e.(interface{ Drop(context.Context) error }); ok {
				_ = d.Drop(context.Background())
			}
			_ = e.Close()
		}, nil
	}
	remove := dir == ""
	if remove {
		var err error
		if dir, err = os.MkdirTemp("", "herd-bench-search-"); err != nil {
			return nil, nil, nil, err
		}
	}
	e, err := node.OpenSearch(node.Config{Search: node.SearchConfig{Engine: node.SearchBleve, Dir: dir}})
	if err != nil {
		return nil, nil, nil, err
	}
	fmt.Printf("engine: bleve in %s\n", dir)
	size := func() string { return fmt.Sprintf(", index %.1f MB", float64(dirSize(dir))/(1<<20)) }
	return e, size, func() {
		_ = e.Close()
		if remove {
			_ = os.RemoveAll(dir)
		}
	}, nil
}

// cpuTime is the CPU time the process used, user and system.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
