package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/herd-social/herd/bench"
)

const benchUsage = `Usage:
  herd bench run --target URL [flags]   load a server with a scenario; writes DIR/result.json and DIR/report.html
  herd bench compare A.json B.json      print two results side by side with ratios B/A
  herd bench scenarios                  list the scenarios
  herd bench search [flags]             index generated multilingual statuses into Bleve (or the
                                        server at $HERD_BENCH_SEARCH_URL) and time queries

The target may be any server of the Mastodon API (Herd, Mastodon, GoToSocial…): ids
are opaque strings, timelines are read by the server's own pagination (Link headers,
min_id), and set-up requests answered 429 or 503, or timed out, are retried as
Retry-After or X-RateLimit-Reset ask (for at most --setup-retry each); the measured
phase never retries, an error is counted. After the load, every run measures this
machine's limits (--limits each): a bare loopback HTTP server answering a body the
size of a home page with the same client and concurrency, and RSA-2048 HTTP-signature
signing and verifying per second on all cores; the summary shows each operation's
req/s as a share of the HTTP limit. --scenario limits measures only the limits.

Run "herd bench run -h" for the flags of a run.
`

func benchCmd(args []string) error {
	if len(args) == 0 {
		fmt.Print(benchUsage)
		return errors.New("bench: no subcommand")
	}
	switch args[0] {
	case "run":
		return benchRun(args[1:])
	case "compare":
		return benchCompare(args[1:])
	case "scenarios":
		return benchScenarios()
	case "search":
		return benchSearch(args[1:])
	case "help", "-h", "--help":
		fmt.Print(benchUsage)
		return nil
	}
	fmt.Print(benchUsage)
	return fmt.Errorf("bench: unknown subcommand %q", args[0])
}

// benchFlags registers the flags of a run and returns a function that builds its
// options once they are parsed.
func benchFlags(fs *flag.FlagSet) (opts func() (bench.Options, error), out *string) {
	var o bench.Options
	fs.StringVar(&o.Target, "target", "", "base URL of the server (required), e.g. http://127.0.0.1:8080")
	fs.StringVar(&o.Scenario, "scenario", "mixed", "operation mix: post, home, public, interact, notifications, mixed, streaming, limits (no load: this machine's ceilings only)")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "length of the measured phase (at most 10m)")
	fs.Float64Var(&o.Rate, "rate", 100, "open loop: requests started per second, on schedule")
	fs.IntVar(&o.Closed, "closed", 0, "closed loop with N workers instead of --rate (maximum throughput)")
	fs.IntVar(&o.Accounts, "accounts", 0, "accounts to register (0: 200, or --subscribers if more)")
	fs.IntVar(&o.Subscribers, "subscribers", 0, fmt.Sprintf("WebSocket user-stream subscribers held during the run, at most %d "+
		"(0: the scenario's share of the accounts, all for streaming and 10%% for mixed; -1: none)", bench.MaxSubscribers))
	fs.IntVar(&o.Follows, "follows", 20, "mean accounts followed per account")
	fs.Float64Var(&o.ZipfS, "zipf", 1.1, "Zipf exponent (> 1) of the follower distribution")
	fs.IntVar(&o.SeedPosts, "seed-posts", 2, "statuses each account posts during set-up (negative: none)")
	tokens := fs.String("tokens", "", "file of user access tokens, one a line, instead of registering accounts")
	fs.IntVar(&o.SetupConcurrency, "setup-concurrency", 16, "concurrent set-up requests")
	fs.IntVar(&o.MaxInFlight, "max-inflight", 1024, "open loop: most requests in flight at once")
	fs.Int64Var(&o.MaxRequests, "max-requests", 1_000_000, "hard cap on requests in the measured phase")
	fs.DurationVar(&o.Timeout, "timeout", 10*time.Second, "timeout of each request")
	fs.DurationVar(&o.SetupRetry, "setup-retry", time.Minute, "how long each set-up request is retried on 429, 503 or a timeout "+
		"(waiting as Retry-After or X-RateLimit-Reset ask, else backing off); the measured phase never retries")
	fs.DurationVar(&o.Limits, "limits", 2*time.Second, "after the load, measure each of this machine's limits for this long (negative: none; at most 1m)")
	fs.DurationVar(&o.Wait, "wait", 10*time.Second, "how long to wait for the target to answer before set-up")
	fs.IntVar(&o.LagSample, "lag-sample", 2, "followers' home timelines polled per probed post (0: no fan-out probe)")
	fs.DurationVar(&o.LagEvery, "lag-every", 100*time.Millisecond, "least interval between probed posts")
	fs.DurationVar(&o.LagTimeout, "lag-timeout", 10*time.Second, "a probed post not in a follower's home by then is missed")
	fs.BoolVar(&o.AllowRemote, "allow-remote", false, "allow a target that is not a loopback address")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the population, the follow graph and the operation sequence")
	out = fs.String("out", "bench-out", "directory for result.json and report.html")
	quiet := fs.Bool("quiet", false, "no progress line and no set-up messages")
	return func() (bench.Options, error) {
		if *tokens != "" {
			t, err := readTokens(*tokens)
			if err != nil {
				return o, err
			}
			o.Tokens = t
		}
		if !*quiet {
			o.Progress, o.ProgressInPlace = os.Stderr, isTerminal(os.Stderr)
			o.Log = logger()
		}
		return o, nil
	}, out
}

func benchRun(args []string) error {
	fs := flag.NewFlagSet("bench run", flag.ContinueOnError)
	load, out := benchFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	o, err := load()
	if err != nil {
		return err
	}
	if o.Target == "" {
		return errors.New("bench run: --target is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := bench.Run(ctx, o)
	if err != nil {
		return err
	}
	jsonPath, htmlPath, err := bench.Save(*out, res)
	if err != nil {
		return err
	}
	if err := bench.Summary(os.Stdout, res); err != nil {
		return err
	}
	fmt.Printf("wrote %s and %s\n", jsonPath, htmlPath)
	return nil
}

func benchCompare(args []string) error {
	if len(args) != 2 {
		return errors.New("bench compare: want two result.json files, A and B")
	}
	a, err := bench.Load(args[0])
	if err != nil {
		return err
	}
	b, err := bench.Load(args[1])
	if err != nil {
		return err
	}
	return bench.Compare(os.Stdout, a, b)
}

func benchScenarios() error {
	all := bench.Scenarios()
	var names []string
	for n := range all {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Printf("%-14s %s\n", n, all[n].Description)
	}
	return nil
}

// readTokens reads one token a line, skipping blank lines and # comments.
func readTokens(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" && !strings.HasPrefix(t, "#") {
			out = append(out, t)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("tokens %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("tokens %s: no tokens", path)
	}
	return out, nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
