package bench

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// stallingDoer answers every request with an empty list, the first one only after
// stall: a server that stops for a moment.
type stallingDoer struct {
	stall time.Duration
	n     atomic.Int64
}

func (d *stallingDoer) Do(req *fasthttp.Request, resp *fasthttp.Response) error {
	if d.n.Add(1) == 1 {
		time.Sleep(d.stall)
	}
	resp.SetStatusCode(200)
	resp.SetBodyString("[]")
	return nil
}

func fakeRunner(t *testing.T, d Doer, o Options) *runner {
	t.Helper()
	checkNoLeaks(t)
	o.Target, o.Client = "http://127.0.0.1:1", d
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	pop := &population{users: []*User{{Name: "a", ID: "1", Token: "t"}}, recent: newRecentStatuses(4)}
	return newRunner(newAPI(d, o.Target, o.Timeout, o.SetupRetry), o, pop)
}

// checkNoLeaks fails the test if goroutines it started outlive it.
func checkNoLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(2 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				t.Errorf("%d goroutines leaked", runtime.NumGoroutine()-before)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// TestOpenLoopCountsTheStall checks that requests scheduled while the server stalls
// carry the stall in their latency, even though one request at a time is in flight:
// the schedule does not wait for the server (no coordinated omission).
func TestOpenLoopCountsTheStall(t *testing.T) {
	d := &stallingDoer{stall: 300 * time.Millisecond}
	r := fakeRunner(t, d, Options{Scenario: "public", Rate: 100, Duration: time.Second, MaxInFlight: 1})
	res := r.run(context.Background())
	pub := res.Ops[0]
	// Requests 1..20 were due 10ms apart during the 300ms stall, so they waited at least
	// 100ms each: 20% of the ~100 requests, so the 90th percentile is at least 100ms.
	if pub.Op != OpPublic || pub.Requests < 90 || pub.Latency.P90 < 100 {
		t.Errorf("stall hidden: %s %d requests, p90 %.1fms (want >= 100ms)", pub.Op, pub.Requests, pub.Latency.P90)
	}
	if got := d.n.Load(); got != pub.Requests || got != res.Requests {
		t.Errorf("doer saw %d requests, result %d (op %d)", got, res.Requests, pub.Requests)
	}
}

func TestRequestCap(t *testing.T) {
	for _, closed := range []int{0, 4} {
		d := &stallingDoer{}
		r := fakeRunner(t, d, Options{Scenario: "notifications", Rate: 5000, Closed: closed, Duration: 10 * time.Second, MaxRequests: 50})
		res := r.run(context.Background())
		if res.Stopped != StopRequestCap || res.Total.Requests != 50 || d.n.Load() != 50 {
			t.Errorf("closed=%d: stopped by %q after %d requests (doer %d), want the cap of 50", closed, res.Stopped, res.Total.Requests, d.n.Load())
		}
	}
}

func TestFollowGraphIsZipf(t *testing.T) {
	const n, mean = 200, 20
	g := followGraph(n, mean, 1.1, rand.New(rand.NewPCG(1, 1)))
	followers := make([]int, n)
	for i, targets := range g {
		if len(targets) < 1 || len(targets) > 2*mean-1 {
			t.Errorf("account %d follows %d", i, len(targets))
		}
		seen := map[int]bool{}
		for _, to := range targets {
			if to == i || seen[to] {
				t.Fatalf("account %d: self or duplicate follow of %d", i, to)
			}
			seen[to] = true
			followers[to]++
		}
	}
	// A few very-followed accounts: the first is followed by most, the tail by few.
	if followers[0] < n/2 || followers[n-1] > followers[0]/5 {
		t.Errorf("followers not Zipf-shaped: first %d, last %d", followers[0], followers[n-1])
	}
}

func TestValidate(t *testing.T) {
	ok := Options{Target: "http://127.0.0.1:8080"}.withDefaults()
	if err := ok.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for name, f := range map[string]func(*Options){
		"target":       func(o *Options) { o.Target = "127.0.0.1:8080" },
		"scenario":     func(o *Options) { o.Scenario = "nope" },
		"duration":     func(o *Options) { o.Duration = MaxDuration + time.Second },
		"rate":         func(o *Options) { o.Rate = -1 },
		"max requests": func(o *Options) { o.MaxRequests = MaxRequestsCap + 1 },
		"zipf":         func(o *Options) { o.ZipfS = 1 },
		"subscribers":  func(o *Options) { o.Subscribers = MaxSubscribers + 1 },
		"limits":       func(o *Options) { o.Limits = MaxLimits + time.Second },
	} {
		o := ok
		f(&o)
		if err := o.Validate(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestCheckTarget(t *testing.T) {
	for target, want := range map[string]error{
		"http://127.0.0.1:8080": nil, "http://[::1]:8080": nil, "http://localhost:8080": nil,
		"http://10.0.0.1:8080": ErrRemoteTarget, "https://[2001:db8::1]/": ErrRemoteTarget,
	} {
		if err := checkTarget(context.Background(), target, false); !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", target, err, want)
		}
	}
	if err := checkTarget(context.Background(), "http://10.0.0.1:8080", true); err != nil {
		t.Errorf("allowed remote: %v", err)
	}
}

func TestNextQuery(t *testing.T) {
	link := `<https://example.com/api/v1/timelines/home?limit=20&max_id=42>; rel="next", <https://example.com/api/v1/timelines/home?limit=20&min_id=99>; rel="prev"`
	if q, ok := nextQuery(link); !ok || q != "limit=20&max_id=42" {
		t.Errorf("next = %q, %v", q, ok)
	}
	if _, ok := nextQuery(`<https://example.com/x?min_id=1>; rel="prev"`); ok {
		t.Error("found a next link in a prev-only header")
	}
}

func TestServerWait(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		name              string
		retryAfter, reset string
		want              time.Duration
		asked             bool
	}{
		{"seconds", "3", "", 3 * time.Second, true},
		{"http date", "Fri, 02 Jan 2026 03:04:07 GMT", "", 2 * time.Second, true},
		{"date passed", "Fri, 02 Jan 2026 03:04:00 GMT", "", 0, true},
		{"retry-after first", "1", "2026-01-02T03:05:05.000Z", time.Second, true},
		{"mastodon reset", "", "2026-01-02T03:04:05.500Z", 500 * time.Millisecond, true},
		{"unix reset", "", strconv.FormatInt(now.Unix()+4, 10), 4 * time.Second, true},
		{"none", "", "", 0, false},
		{"garbage", "soon", "later", 0, false},
	} {
		got, asked := serverWait(reply{retryAfter: c.retryAfter, rateReset: c.reset}, now)
		if got != c.want || asked != c.asked {
			t.Errorf("%s: %s, %v; want %s, %v", c.name, got, asked, c.want, c.asked)
		}
	}
	for attempt := range 20 {
		if d := backoff(attempt); d < retryFirst/2 || d > retryMax {
			t.Errorf("back-off %d: %s", attempt, d)
		}
	}
}

// TestRetryingBounds checks that set-up gives up once the waits would pass the bound,
// and that it retries only what it should.
func TestRetryingBounds(t *testing.T) {
	a := newAPI(nil, "http://127.0.0.1:1", time.Second, 500*time.Millisecond)
	n := 0
	_, err := a.retrying(context.Background(), true, func() (reply, error) {
		n++
		return reply{code: 429, retryAfter: "1"}, nil
	})
	if !errors.Is(err, ErrSetupRetries) || n != 1 {
		t.Errorf("a wait beyond the bound: %d attempts, err %v", n, err)
	}
	n = 0
	r, err := a.retrying(context.Background(), true, func() (reply, error) {
		n++
		if n < 3 {
			return reply{code: 503}, nil
		}
		return reply{code: 422}, nil
	})
	if err != nil || r.code != 422 || n != 3 {
		t.Errorf("503 twice then 422: %d attempts, code %d, err %v", n, r.code, err)
	}
	if codes, total := a.retries(); total != 2 || codes["503"] != 2 {
		t.Errorf("retries %v", codes)
	}
	for _, timeouts := range []bool{true, false} {
		n = 0
		_, err = a.retrying(context.Background(), timeouts, func() (reply, error) {
			n++
			if n < 2 {
				return reply{}, fasthttp.ErrTimeout
			}
			return reply{code: 200}, nil
		})
		if want := map[bool]int{true: 2, false: 1}[timeouts]; n != want {
			t.Errorf("a timeout, then 200, timeouts retried %v: %d attempts (want %d), err %v", timeouts, n, want, err)
		}
	}
}

func TestLinkQueryPrev(t *testing.T) {
	link := `<https://example.com/api/v1/timelines/home?limit=40&max_id=01M951X0ZB>; rel="next", <https://example.com/api/v1/timelines/home?limit=40&min_id=01M951X0ZC>; rel="prev"`
	if q, ok := linkQuery(link, "prev"); !ok || q != "limit=40&min_id=01M951X0ZC" {
		t.Errorf("prev = %q, %v", q, ok)
	}
}

func TestCursor(t *testing.T) {
	var c cursor
	t0 := time.Now()
	if got := c.load(t0); got != "" {
		t.Errorf("empty cursor: %q", got)
	}
	for i := range 200 { // one acknowledgement every 10ms for 2s
		c.store("id"+strconv.Itoa(i), t0.Add(time.Duration(i)*10*time.Millisecond))
	}
	now := t0.Add(2 * time.Second)
	got := c.load(now)
	i, _ := strconv.Atoi(strings.TrimPrefix(got, "id"))
	if at := t0.Add(time.Duration(i) * 10 * time.Millisecond); now.Sub(at) < cursorMargin || now.Sub(at) > cursorMargin+cursorEvery+10*time.Millisecond {
		t.Errorf("cursor %q acknowledged %s before now, want at least %s (and not much more)", got, now.Sub(at), cursorMargin)
	}
	if n := len(c.mu.marks); n > cursorMarks {
		t.Errorf("%d marks kept", n)
	}
}
