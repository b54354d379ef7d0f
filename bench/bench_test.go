package bench_test

import (
	"bytes"
	"context"
	"errors"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/bench"
	"github.com/herd-social/herd/testrig"
)

// countingTransport counts every attempt the fasthttp client makes on the wire,
// independently of the harness's own accounting.
type countingTransport struct {
	n    *atomic.Int64
	next fasthttp.RoundTripper
}

func (c countingTransport) RoundTrip(hc *fasthttp.HostClient, req *fasthttp.Request, resp *fasthttp.Response) (bool, error) {
	c.n.Add(1)
	return c.next.RoundTrip(hc, req, resp)
}

// TestRunAgainstNode runs the mixed scenario against a real node and checks that the
// result is consistent with what was sent and that the report has its plots.
func TestRunAgainstNode(t *testing.T) {
	c := testrig.New(t)
	var sent atomic.Int64
	// More connections than the run sends requests (150/s for 2 s), so that a node
	// slowed by a loaded machine (the cluster shape beside other suites) cannot make
	// the client refuse a request for want of a free connection: this test checks the
	// accounting, not the machine.
	client := bench.NewClient(1024)
	client.Transport = countingTransport{n: &sent, next: fasthttp.DefaultTransport}
	res, err := bench.Run(context.Background(), bench.Options{Target: c.URL(), Scenario: "mixed",
		Duration: 2 * time.Second, Rate: 150, Accounts: 30, Follows: 6, SeedPosts: 1,
		LagEvery: 20 * time.Millisecond, Limits: 300 * time.Millisecond, Client: client})
	if err != nil {
		t.Fatal(err)
	}
	if err := bench.Check(res); err != nil {
		t.Errorf("inconsistent result: %v", err)
	}
	l := res.Limits
	if l == nil {
		t.Fatal("no limits measured")
	}
	if got, want := res.Setup.Requests+res.Requests+l.TargetRequests+l.HTTP.Requests, sent.Load(); got != want {
		t.Errorf("result counts %d requests (set-up %d + run %d + limits %d to the target and %d to the bare server), the client sent %d",
			got, res.Setup.Requests, res.Requests, l.TargetRequests, l.HTTP.Requests, want)
	}
	checkLimits(t, l)
	var perOp int64
	for _, o := range res.Ops {
		perOp += o.Requests
		if o.Errors != 0 {
			t.Errorf("%s: %d errors: %v", o.Op, o.Errors, o.Codes)
		}
		if o.Latency.Count != o.Requests {
			t.Errorf("%s: histogram holds %d values, %d requests", o.Op, o.Latency.Count, o.Requests)
		}
	}
	if perOp != res.Requests {
		t.Errorf("operations add up to %d requests, the run sent %d", perOp, res.Requests)
	}
	if res.Errors != 0 || res.Stopped != bench.StopDuration {
		t.Errorf("errors %d, stopped by %q", res.Errors, res.Stopped)
	}
	if lag := res.FanoutLag; lag.Posts == 0 || lag.Seen == 0 || lag.Missed != 0 || lag.Lag.Count != lag.Seen {
		t.Errorf("fan-out lag: %+v", lag)
	}
	if s := res.Setup; s.Accounts != 30 || s.Follows == 0 || s.SeedPosts != 30 || s.TopFollowers[0] <= s.MedianFollows {
		t.Errorf("set-up: %+v", s)
	}
	// mixed holds user streams for a tenth of the accounts.
	if s := res.Streams; s == nil || s.Subscribers != 3 || s.Connected != 3 || s.Received != s.Expected {
		t.Errorf("streams: %+v", s)
	}
	checkSaved(t, res)
}

// TestStreamingAgainstNode holds 50 WebSocket user streams on 40 accounts (some
// accounts with two) while accounts post, and checks that every subscriber got every
// post of the accounts it follows, and nothing else.
func TestStreamingAgainstNode(t *testing.T) {
	c := testrig.New(t)
	res, err := bench.Run(context.Background(), bench.Options{Target: c.URL(), Scenario: "streaming",
		Duration: 2 * time.Second, Rate: 40, Accounts: 40, Subscribers: 50, Follows: 6, SeedPosts: 1, Limits: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := bench.Check(res); err != nil {
		t.Errorf("inconsistent result: %v", err)
	}
	s := res.Streams
	if s == nil {
		t.Fatal("no streaming result")
	}
	if s.Subscribers != 50 || s.Accounts != 40 || s.Connected != 50 || s.ConnectErrors != 0 || s.Dropped != 0 {
		t.Errorf("subscriptions: %d on %d accounts, %d live, %d failed (%v), %d dropped (%v)", s.Subscribers, s.Accounts,
			s.Connected, s.ConnectErrors, s.ConnectCodes, s.Dropped, s.DropCodes)
	}
	if posts := res.Ops[0]; posts.Op != bench.OpPost || s.Posts != posts.Requests || posts.Errors != 0 {
		t.Errorf("%d posts tracked; %s: %d requests, %d errors", s.Posts, posts.Op, posts.Requests, posts.Errors)
	}
	// Every post reaches at least the subscriptions of its author's account.
	if s.Expected < s.Posts || s.Received != s.Expected || s.Missed != 0 || s.Lost != 0 {
		t.Errorf("events: %d expected, %d received, %d missed, %d lost", s.Expected, s.Received, s.Missed, s.Lost)
	}
	if s.Unexpected != 0 || s.Duplicates != 0 {
		t.Errorf("events: %d unexpected, %d duplicates", s.Unexpected, s.Duplicates)
	}
	if l := s.Latency; l.Count != s.Received || !(l.Min <= l.P50 && l.P50 <= l.P90 && l.P90 <= l.P99 && l.P99 <= l.P999 && l.P999 <= l.Max) {
		t.Errorf("post-to-event latency: %+v", l)
	}
	checkSaved(t, res)
}

// checkLimits checks that every ceiling was measured; their values are the machine's
// and are not judged.
func checkLimits(t *testing.T, l *bench.LimitsResult) {
	t.Helper()
	if l.Error != "" || l.HTTP.Requests == 0 || l.HTTP.Errors != 0 || l.HTTP.BodyBytes < 100 || l.HTTP.Throughput <= 0 ||
		l.Sign.Ops == 0 || l.SignRaw.Ops == 0 || l.Verify.Ops == 0 || l.VerifyRaw.Ops == 0 {
		t.Errorf("limits: %+v", l)
	}
}

// checkSaved writes the result and checks the JSON round-trips and the report is one
// self-contained file with its charts.
func checkSaved(t *testing.T, res *bench.Result) {
	t.Helper()
	jsonPath, htmlPath, err := bench.Save(filepath.Join(t.TempDir(), "out"), res)
	if err != nil {
		t.Fatal(err)
	}
	back, err := bench.Load(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if back.Total.Requests != res.Total.Requests || len(back.Ops) != len(res.Ops) {
		t.Errorf("result.json does not round-trip: %+v", back.Total)
	}
	b, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	charts := []string{"Throughput over time", "Tail latency over time", "Latency by percentile", "Fan-out lag by percentile"}
	if res.Streams != nil {
		charts = append(charts, "Post-to-event latency by percentile")
	}
	if res.Limits != nil && !strings.Contains(html, "This machine's limits") {
		t.Error("report has no limits section")
	}
	for _, want := range charts {
		if !strings.Contains(html, `aria-label="`+want+`"`) {
			t.Errorf("report has no chart %q", want)
		}
	}
	if n := strings.Count(html, `<polyline class="series"`); n < len(res.Ops) {
		t.Errorf("report has %d plotted lines, want at least %d", n, len(res.Ops))
	}
	if ext := regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:)?//|@import|<link`).FindString(html); ext != "" {
		t.Errorf("report loads something from outside the file: %q", ext)
	}
	var cmp bytes.Buffer
	if err := bench.Compare(&cmp, res, back); err != nil || !strings.Contains(cmp.String(), "1.00x") {
		t.Errorf("compare of a result with itself: %v\n%s", err, cmp.String())
	}
}

// TestRunWithTokens uses accounts made beforehand, as on a server with closed
// registration.
func TestRunWithTokens(t *testing.T) {
	c := testrig.New(t)
	var tokens []string
	for _, name := range []string{"ann", "bob", "cat", "dan"} {
		tokens = append(tokens, c.Register(name).Token)
	}
	res, err := bench.Run(context.Background(), bench.Options{Target: c.URL(), Scenario: "home",
		Duration: time.Second, Rate: 50, Tokens: tokens, Follows: 2, Limits: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := bench.Check(res); err != nil || res.Errors != 0 || res.Setup.Registered || res.Setup.Accounts != 4 {
		t.Errorf("check: %v; errors %d, set-up %+v", err, res.Errors, res.Setup)
	}
}

func TestRefusesRemoteTarget(t *testing.T) {
	_, err := bench.Run(context.Background(), bench.Options{Target: "http://192.0.2.1:8080", Duration: time.Second})
	if !errors.Is(err, bench.ErrRemoteTarget) {
		t.Fatalf("remote target: err = %v", err)
	}
}

// TestImportsNoServerPackages keeps the harness a client: it measures what any client
// of the API sees, so it must not reach into the server's packages.
func TestImportsNoServerPackages(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			if strings.HasPrefix(strings.Trim(imp.Path.Value, `"`), "github.com/herd-social/herd/") {
				t.Errorf("%s imports %s", f, imp.Path.Value)
			}
		}
	}
}
