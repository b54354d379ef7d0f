// Command benchtable prints the performance table (`make bench`): for each row, Herd's
// figure from its Go benchmark, this machine's limit measured right after it in the
// same run (a bare fasthttp server answering the same bytes, RSA-2048 signing or
// verifying on all cores, Cassandra's raw batched insert rate), their ratio and the
// goal. The rows, and the benchmark and metric behind each figure, are in rows.go and
// nowhere else.
//
// A row whose benchmark does not exist, skips itself, or needs an engine whose
// variable (HERD_CASSANDRA, HERD_KAFKA) is not set prints "not measured"; a benchmark
// that fails or a package that does not build prints why and makes the exit status 1,
// after the whole table. Each benchmark runs with a bounded -benchtime, once; its
// output, as go test prints it, can be kept for benchstat (-raw).
//
// It only runs go: it imports nothing of the module.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	only := flag.String("rows", "", "measure only the rows whose name contains one of these comma-separated words")
	raw := flag.String("raw", "", "also write every benchmark's output, as go test prints it, to this file (for benchstat)")
	timeout := flag.Duration("timeout", 20*time.Minute, "stop after this long")
	flag.Parse()
	if err := benchTable(*only, *raw, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func benchTable(only, rawPath string, timeout time.Duration) error {
	selected := selectRows(rows, only)
	if len(selected) == 0 {
		return fmt.Errorf("no row matches %q", only)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" || strings.TrimSpace(string(gomod)) == os.DevNull {
		return fmt.Errorf("run it inside the module (go env GOMOD: %v)", err)
	}
	dir, err := os.MkdirTemp("", "benchtable")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var rawOut io.Writer = io.Discard
	if rawPath != "" {
		f, err := os.Create(rawPath)
		if err != nil {
			return err
		}
		defer f.Close()
		rawOut = f
	}
	// The nodes under test log every request: kept out of the way, and kept.
	logs, err := os.CreateTemp("", "benchtable-*.log")
	if err != nil {
		return err
	}
	defer logs.Close()
	fmt.Fprintf(os.Stderr, "benchtable: the benchmarks' logs go to %s\n", logs.Name())
	r := newGoRunner(ctx, filepath.Dir(strings.TrimSpace(string(gomod))), dir, rawOut, logs, os.Stderr)
	t := newTable(r, os.Getenv, os.Stderr)
	var lines []line
	failed := false
	for _, rw := range selected {
		l := t.measure(rw)
		failed = failed || l.failed
		lines = append(lines, l)
	}
	fmt.Println()
	if err := render(os.Stdout, lines); err != nil {
		return err
	}
	if failed {
		return fmt.Errorf("a benchmark failed (its logs are in %s)", logs.Name())
	}
	return nil
}
