// Package bench is Herd's load harness, behind `herd bench`: it builds a population of
// accounts and a Zipf-shaped follow graph on a running server through the Mastodon API,
// drives a named scenario (a weighted mix of API operations) open-loop at a fixed
// arrival rate or closed-loop with a fixed number of workers, measures latency with HDR
// histograms and fan-out lag by polling followers' home timelines, and writes the result
// as JSON and as a self-contained HTML report.
//
// It only speaks HTTP to a server; it must not import the server's packages (node, api,
// store…), so that it measures what a client sees and can measure any Mastodon server.
// It assumes nothing of a server but Mastodon's API: ids are opaque strings (Herd and
// Mastodon use integers, GoToSocial ULIDs), never parsed or compared; timelines are read
// in the server's own order, by its Link headers and min_id cursors (homeLookup).
// Set-up requests that are throttled (429), refused for a while (503) or time out are
// sent again as the server asks, within a bound (retry.go); the measured phase never
// retries, so an error there is counted. Streaming subscribers (stream.go) hold
// WebSocket connections to the `user` stream during the run and measure the time from
// each post's acceptance to its event. After the load, a run measures this machine's
// own ceilings (limits.go: a bare loopback HTTP server, RSA signing and verifying),
// so that its report shows the server's figures beside them.
//
// It refuses targets that are not loopback unless told otherwise, and every run is
// bounded in time, in requests and in connections.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"time"

	"github.com/valyala/fasthttp"
)

// Limits of a run, whatever the options say.
const (
	MaxDuration    = 10 * time.Minute
	MaxRate        = 100_000
	MaxWorkers     = 10_000
	MaxAccounts    = 100_000
	MaxFollows     = 1_000
	MaxSeedPosts   = 100
	MaxRequestsCap = 50_000_000
)

// ErrRemoteTarget is returned for a target that is not a loopback address when
// Options.AllowRemote is false.
var ErrRemoteTarget = errors.New("bench: target is not loopback (pass --allow-remote to load a remote server)")

// Doer sends one HTTP request and reads the whole response; *fasthttp.Client is one.
// Tests wrap it (or the client's Transport) to count what is sent.
type Doer interface {
	Do(req *fasthttp.Request, resp *fasthttp.Response) error
}

// Options configures a run. Zero fields take the documented defaults.
type Options struct {
	// Target is the server's base URL, e.g. http://127.0.0.1:8080. Required.
	Target string
	// Scenario names the operation mix (see Scenarios); default "mixed".
	Scenario string
	// Duration of the measured phase; default 30s, at most MaxDuration.
	Duration time.Duration
	// Rate is the open-loop arrival rate in requests per second; default 100. Requests
	// start on schedule whether or not earlier ones have answered, and latency is
	// measured from the scheduled start. Ignored when Closed > 0.
	Rate float64
	// Closed, when positive, runs closed-loop with that many workers, each sending its
	// next request when the previous one answers: the way to find maximum throughput.
	Closed int
	// Accounts is the population registered during set-up; default 200, or
	// Subscribers if that is more. Ignored when Tokens are given.
	Accounts int
	// Follows is the mean number of accounts each account follows; default 20.
	Follows int
	// ZipfS is the exponent (> 1) of the Zipf distribution from which follow targets are
	// drawn, so that a few accounts are followed by most; default 1.1.
	ZipfS float64
	// SeedPosts is how many statuses each account posts during set-up, so that
	// timelines and interactions have content; default 2, negative for none.
	SeedPosts int
	// Tokens are user access tokens to use instead of registering accounts, for
	// servers where registration is closed.
	Tokens []string
	// SetupConcurrency bounds concurrent set-up requests; default 16.
	SetupConcurrency int
	// MaxInFlight bounds concurrent requests in open-loop mode; default 1024. A request
	// that waits for a slot still has its latency measured from its scheduled start.
	MaxInFlight int
	// MaxRequests is the hard cap on requests in the measured phase, fan-out probes
	// included; default 1,000,000, at most MaxRequestsCap.
	MaxRequests int64
	// Timeout bounds each request; default 10s.
	Timeout time.Duration
	// SetupRetry bounds the retries of each set-up request that answers 429 or 503 or
	// times out (see retry.go); default 1m. The measured phase never retries.
	SetupRetry time.Duration
	// Limits is how long each of this machine's ceilings (limits.go) is measured after
	// the measured phase, so that the report shows the server's figures beside them;
	// default 2s, negative for none, at most MaxLimits. The limits scenario measures
	// only the ceilings, each for a third of Duration.
	Limits time.Duration
	// Wait is how long to wait for the target to answer GET /api/v1/instance before
	// set-up; default 10s.
	Wait time.Duration
	// LagSample is how many followers' home timelines are polled per probed post;
	// default 2.
	LagSample int
	// LagEvery is the least interval between probed posts (posts whose fan-out lag is
	// measured); default 100ms, so at most 10 posts a second are probed.
	LagEvery time.Duration
	// LagTimeout is how long a probe waits for a post to reach a follower's home before
	// counting it missed; default 10s.
	LagTimeout time.Duration
	// AllowRemote permits targets that are not loopback addresses.
	AllowRemote bool
	// Seed makes the population, the follow graph and the operation sequence
	// reproducible; default 1.
	Seed uint64
	// Client sends the requests; default NewClient(MaxInFlight + probe and set-up
	// slots).
	Client Doer
	// Subscribers is how many subscriptions to the `user` stream of accounts of the
	// population are held during the run: 0 for the scenario's share, negative for
	// none; at most MaxSubscribers. Accounts are shared round-robin when there are
	// more subscribers than accounts.
	Subscribers int
	// Streamer opens the subscriptions; default NewWebSocketStreamer(Timeout).
	Streamer Streamer
	// Progress, when set, receives a progress line every second. ProgressInPlace
	// rewrites one line (for terminals) instead of printing one every 5 seconds.
	Progress        io.Writer
	ProgressInPlace bool
	// Log receives set-up messages; default discards.
	Log *slog.Logger
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Accounts, max(200, o.Subscribers))
	def(&o.Follows, 20)
	def(&o.SeedPosts, 2)
	def(&o.SetupConcurrency, 16)
	def(&o.MaxInFlight, 1024)
	def(&o.LagSample, 2)
	if o.Scenario == "" {
		o.Scenario = "mixed"
	}
	if o.Duration == 0 {
		o.Duration = 30 * time.Second
	}
	if o.Rate == 0 {
		o.Rate = 100
	}
	if o.ZipfS == 0 {
		o.ZipfS = 1.1
	}
	if o.MaxRequests == 0 {
		o.MaxRequests = 1_000_000
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Limits == 0 {
		o.Limits = 2 * time.Second
	}
	if o.SetupRetry == 0 {
		o.SetupRetry = time.Minute
	}
	if o.Wait == 0 {
		o.Wait = 10 * time.Second
	}
	if o.LagEvery == 0 {
		o.LagEvery = 100 * time.Millisecond
	}
	if o.LagTimeout == 0 {
		o.LagTimeout = 10 * time.Second
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Streamer == nil {
		o.Streamer = NewWebSocketStreamer(o.Timeout)
	}
	if o.Client == nil {
		o.Client = NewClient(o.MaxInFlight + o.SetupConcurrency + probeSlots*o.LagSample + 16)
	}
	return o
}

// Validate reports every unusable option (after defaults).
func (o Options) Validate() error {
	var errs []error
	bad := func(cond bool, format string, args ...any) {
		if cond {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	u, err := url.Parse(o.Target)
	bad(err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "",
		"target %q must be an http or https URL", o.Target)
	_, known := Scenarios()[o.Scenario]
	bad(!known, "unknown scenario %q (have %s)", o.Scenario, scenarioNames())
	bad(o.Duration <= 0 || o.Duration > MaxDuration, "duration %s must be in (0, %s]", o.Duration, MaxDuration)
	bad(o.Rate <= 0 || o.Rate > MaxRate, "rate %g must be in (0, %d]", o.Rate, MaxRate)
	bad(o.Closed < 0 || o.Closed > MaxWorkers, "closed %d must be in [0, %d]", o.Closed, MaxWorkers)
	bad(len(o.Tokens) == 0 && (o.Accounts < 1 || o.Accounts > MaxAccounts), "accounts %d must be in [1, %d]", o.Accounts, MaxAccounts)
	bad(o.Subscribers > MaxSubscribers, "subscribers %d must be at most %d", o.Subscribers, MaxSubscribers)
	bad(o.Follows < 0 || o.Follows > MaxFollows, "follows %d must be in [0, %d]", o.Follows, MaxFollows)
	bad(o.SeedPosts > MaxSeedPosts, "seed posts %d must be at most %d", o.SeedPosts, MaxSeedPosts)
	bad(o.ZipfS <= 1, "zipf exponent %g must be > 1", o.ZipfS)
	bad(o.SetupConcurrency < 1, "setup concurrency %d must be positive", o.SetupConcurrency)
	bad(o.MaxInFlight < 1, "max in-flight %d must be positive", o.MaxInFlight)
	bad(o.MaxRequests < 1 || o.MaxRequests > MaxRequestsCap, "max requests %d must be in [1, %d]", o.MaxRequests, MaxRequestsCap)
	bad(o.Timeout <= 0 || o.Wait < 0 || o.SetupRetry < 0 || o.LagEvery < 0 || o.LagTimeout <= 0, "timeouts must be positive")
	bad(o.Limits > MaxLimits, "limits %s must be at most %s", o.Limits, MaxLimits)
	bad(o.LagSample < 0, "lag sample %d must not be negative", o.LagSample)
	return errors.Join(errs...)
}

// NewClient returns the HTTP client the harness uses by default: fasthttp's, which costs
// about half the client CPU per request of net/http's on this workload — on a machine
// where the harness shares CPUs with the server that overhead is measured as server
// latency. It never retries (a retry would hide an error and send a request that is not
// counted) and allows conns connections, so requests never queue for a connection
// inside the client without that wait being part of their measured latency.
func NewClient(conns int) *fasthttp.Client {
	return &fasthttp.Client{
		Name:                      "herd-bench",
		MaxConnsPerHost:           conns,
		MaxIdemponentCallAttempts: 1,
		RetryIfErr:                func(*fasthttp.Request, int, error) (bool, bool) { return false, false },
		MaxIdleConnDuration:       30 * time.Second,
		MaxResponseBodySize:       16 << 20,
		DisablePathNormalizing:    true,
	}
}

// checkTarget refuses a target whose host is not (or does not resolve only to) a
// loopback address, unless allowRemote.
func checkTarget(ctx context.Context, target string, allowRemote bool) error {
	if allowRemote {
		return nil
	}
	u, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("bench: target: %w", err)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsLoopback() {
			return fmt.Errorf("%w: %s", ErrRemoteTarget, host)
		}
		return nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("bench: resolve %s: %w", host, err)
	}
	for _, a := range addrs {
		if !a.IsLoopback() {
			return fmt.Errorf("%w: %s resolves to %s", ErrRemoteTarget, host, a)
		}
	}
	return nil
}
