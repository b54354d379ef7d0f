package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// resultSchema versions result.json.
const resultSchema = 1

// Result is everything a run measured; it is result.json.
type Result struct {
	Schema      int           `json:"schema"`
	Target      string        `json:"target"`
	Scenario    Scenario      `json:"scenario"`
	Mode        string        `json:"mode"` // "open" or "closed"
	Rate        float64       `json:"rate,omitempty"`
	Workers     int           `json:"workers,omitempty"`
	Client      string        `json:"client"`
	Started     time.Time     `json:"started"`
	DurationS   float64       `json:"duration_s"` // asked for
	ElapsedS    float64       `json:"elapsed_s"`  // measured phase, until the last scenario request answered
	Stopped     string        `json:"stopped"`    // StopDuration, StopRequestCap or StopInterrupted
	MaxRequests int64         `json:"max_requests"`
	Requests    int64         `json:"requests"` // HTTP requests sent in the measured phase, probes included
	Errors      int64         `json:"errors"`   // failed requests, probes included
	Setup       SetupResult   `json:"setup"`
	Ops         []OpResult    `json:"ops"`   // per operation, probes (fanout_poll) included
	Total       OpResult      `json:"total"` // the scenario's operations together, without probes
	FanoutLag   LagResult     `json:"fanout_lag"`
	Streams     *StreamResult `json:"streams,omitempty"`
	// Limits are this machine's ceilings, measured after the load (limits.go).
	Limits *LimitsResult `json:"limits,omitempty"`
}

// OpResult is one operation's numbers.
type OpResult struct {
	Op         Op               `json:"op"`
	Requests   int64            `json:"requests"`
	Errors     int64            `json:"errors"`
	Codes      map[string]int64 `json:"codes"`      // outcome → count: status codes, "timeout", "transport"
	Throughput float64          `json:"throughput"` // requests answered per second of the measured phase
	Latency    Percentiles      `json:"latency"`    // from the intended start (open loop) or the send (closed loop)
	Spectrum   []SpectrumPoint  `json:"spectrum"`
	Timeline   []Point          `json:"timeline"`
}

// ErrorCodes returns the codes that count as errors, with their counts, sorted.
func (o OpResult) ErrorCodes() []string {
	var out []string
	for c, n := range o.Codes {
		if !strings.HasPrefix(c, "2") {
			out = append(out, fmt.Sprintf("%s×%d", c, n))
		}
	}
	slices.Sort(out)
	return out
}

// Save writes dir/result.json and dir/report.html, creating dir.
func Save(dir string, res *Result) (jsonPath, htmlPath string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", fmt.Errorf("bench: %w", err)
	}
	jsonPath, htmlPath = filepath.Join(dir, "result.json"), filepath.Join(dir, "report.html")
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return "", "", fmt.Errorf("bench: encode result: %w", err)
	}
	if err := os.WriteFile(jsonPath, append(b, '\n'), 0o644); err != nil {
		return "", "", fmt.Errorf("bench: %w", err)
	}
	f, err := os.Create(htmlPath)
	if err != nil {
		return "", "", fmt.Errorf("bench: %w", err)
	}
	err = WriteHTML(f, res)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return jsonPath, htmlPath, err
}

// Load reads a result.json.
func Load(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	var res Result
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("bench: decode %s: %w", path, err)
	}
	if res.Schema != resultSchema {
		return nil, fmt.Errorf("bench: %s has schema %d, want %d", path, res.Schema, resultSchema)
	}
	return &res, nil
}

// Summary prints a run's numbers as a table.
func Summary(w io.Writer, res *Result) error {
	if res.Stopped == StopNoLoad {
		fmt.Fprintf(w, "%s: scenario %s (no load)\n", res.Target, res.Scenario.Name)
	} else {
		fmt.Fprintf(w, "%s: scenario %s, %s, %.1fs measured (%s), %d requests, %d errors\n",
			res.Target, res.Scenario.Name, modeText(res), res.ElapsedS, res.Stopped, res.Requests, res.Errors)
	}
	s := res.Setup
	fmt.Fprintf(w, "set-up: %d accounts, %d follows (most followed: %v; median %d), %d seed posts, %d requests in %.1fs\n",
		s.Accounts, s.Follows, s.TopFollowers, s.MedianFollows, s.SeedPosts, s.Requests, s.Seconds)
	if s.Retries > 0 {
		fmt.Fprintf(w, "set-up retries: %d (%s)\n", s.Retries, codeList(s.RetryCodes))
	}
	if res.Stopped == StopNoLoad {
		return limitsSummary(w, res.Limits)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\treq/s\tof limit\trequests\terrors\tp50 ms\tp90 ms\tp99 ms\tp99.9 ms\tmax ms\t")
	for _, o := range append(slices.Clone(res.Ops), res.Total) {
		l := o.Latency
		fmt.Fprintf(tw, "%s\t%.1f\t%s\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t\n",
			o.Op, o.Throughput, res.Limits.OfHTTP(o.Throughput), o.Requests, o.Errors, l.P50, l.P90, l.P99, l.P999, l.Max)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	lag := res.FanoutLag
	if _, err := fmt.Fprintf(w, "fan-out lag: %d posts probed, %d timelines watched, %d seen, %d missed, %d cut; p50 %.2fms p90 %.2fms p99 %.2fms max %.2fms\n",
		lag.Posts, lag.Samples, lag.Seen, lag.Missed, lag.Cut, lag.Lag.P50, lag.Lag.P90, lag.Lag.P99, lag.Lag.Max); err != nil {
		return err
	}
	if err := streamSummary(w, res.Streams); err != nil {
		return err
	}
	return limitsSummary(w, res.Limits)
}

func modeText(res *Result) string {
	if res.Mode == "closed" {
		return fmt.Sprintf("closed loop, %d workers", res.Workers)
	}
	return fmt.Sprintf("open loop, %g req/s", res.Rate)
}

// Compare prints two results side by side, per operation, with the ratio B/A of each
// number (above 1: B is higher, which is better for throughput and worse for latency).
func Compare(w io.Writer, a, b *Result) error {
	if a.Scenario.Name != b.Scenario.Name {
		fmt.Fprintf(w, "warning: comparing scenario %s with %s\n", a.Scenario.Name, b.Scenario.Name)
	}
	fmt.Fprintf(w, "A: %s, %s, %s\nB: %s, %s, %s\n", a.Started.Format(time.RFC3339), a.Scenario.Name, modeText(a),
		b.Started.Format(time.RFC3339), b.Scenario.Name, modeText(b))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\treq/s A\treq/s B\tB/A\tp50 A\tp50 B\tB/A\tp99 A\tp99 B\tB/A\tp99.9 A\tp99.9 B\tB/A\terrors A\terrors B\t")
	row := func(name string, x, y OpResult) {
		fmt.Fprintf(tw, "%s\t%.1f\t%.1f\t%s\t%.2f\t%.2f\t%s\t%.2f\t%.2f\t%s\t%.2f\t%.2f\t%s\t%d\t%d\t\n", name,
			x.Throughput, y.Throughput, ratio(x.Throughput, y.Throughput),
			x.Latency.P50, y.Latency.P50, ratio(x.Latency.P50, y.Latency.P50),
			x.Latency.P99, y.Latency.P99, ratio(x.Latency.P99, y.Latency.P99),
			x.Latency.P999, y.Latency.P999, ratio(x.Latency.P999, y.Latency.P999), x.Errors, y.Errors)
	}
	for _, op := range unionOps(a, b) {
		row(string(op), findOp(a, op), findOp(b, op))
	}
	row("total", a.Total, b.Total)
	la, lb := a.FanoutLag, b.FanoutLag
	row("fanout_lag", OpResult{Latency: la.Lag}, OpResult{Latency: lb.Lag})
	if la, lb := orNoLimits(a.Limits), orNoLimits(b.Limits); a.Limits != nil || b.Limits != nil {
		row("limit_http", OpResult{Throughput: la.HTTP.Throughput, Latency: la.HTTP.Latency},
			OpResult{Throughput: lb.HTTP.Throughput, Latency: lb.HTTP.Latency})
		for _, c := range []struct {
			name string
			x, y CryptoLimit
		}{{"limit_sign", la.Sign, lb.Sign}, {"limit_verify", la.Verify, lb.Verify}} {
			row(c.name+" (ops/s)", OpResult{Throughput: c.x.PerSecond}, OpResult{Throughput: c.y.PerSecond})
		}
	}
	if a.Streams != nil || b.Streams != nil {
		row("stream_post_to_event", OpResult{Latency: orEmpty(a.Streams).Latency}, OpResult{Latency: orEmpty(b.Streams).Latency})
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "set-up: A %.1fs, B %.1fs (%s); fan-out lag and post to event have no req/s (their ratio is n/a)\n",
		a.Setup.Seconds, b.Setup.Seconds, ratio(a.Setup.Seconds, b.Setup.Seconds)); err != nil {
		return err
	}
	return streamCompare(w, a.Streams, b.Streams)
}

func ratio(a, b float64) string {
	if a == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", b/a)
}

func unionOps(a, b *Result) []Op {
	var out []Op
	for _, op := range recordedOps {
		if findOp(a, op).Op != "" || findOp(b, op).Op != "" {
			out = append(out, op)
		}
	}
	return out
}

func findOp(r *Result, op Op) OpResult {
	for _, o := range r.Ops {
		if o.Op == op {
			return o
		}
	}
	return OpResult{}
}

// ErrNoRequests is returned by Check for a result with nothing measured (a limits
// run measured something when it has its limits).
var ErrNoRequests = errors.New("bench: the run measured no requests")

// Check verifies a result's internal consistency: per-operation counts add up to the
// totals, percentiles are ordered, codes add up to requests, and every expected
// streaming event is received, missed or lost.
func Check(res *Result) error {
	if res.Total.Requests == 0 && (res.Stopped != StopNoLoad || res.Limits == nil) {
		return ErrNoRequests
	}
	var errs []error
	var sum, sumErr int64
	for _, o := range res.Ops {
		if o.Op != OpFanoutPoll {
			sum += o.Requests
		}
		sumErr += o.Errors
		var codes int64
		for _, n := range o.Codes {
			codes += n
		}
		if codes != o.Requests {
			errs = append(errs, fmt.Errorf("%s: codes add up to %d, requests %d", o.Op, codes, o.Requests))
		}
		errs = append(errs, checkPercentiles(string(o.Op), o.Latency))
	}
	if sum != res.Total.Requests {
		errs = append(errs, fmt.Errorf("operations add up to %d requests, total %d", sum, res.Total.Requests))
	}
	if sumErr != res.Errors {
		errs = append(errs, fmt.Errorf("operations add up to %d errors, result %d", sumErr, res.Errors))
	}
	errs = append(errs, checkPercentiles("total", res.Total.Latency), checkPercentiles("fanout lag", res.FanoutLag.Lag),
		checkStreams(res.Streams), checkLimits(res.Limits))
	return errors.Join(errs...)
}

func checkPercentiles(name string, p Percentiles) error {
	if p.Count == 0 {
		return nil
	}
	if !(p.Min <= p.P50 && p.P50 <= p.P90 && p.P90 <= p.P99 && p.P99 <= p.P999 && p.P999 <= p.Max) {
		return fmt.Errorf("%s: percentiles out of order: %+v", name, p)
	}
	return nil
}
