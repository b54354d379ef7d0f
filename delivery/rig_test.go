package delivery_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/delivery"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
)

// timeout bounds every wait of the tests: twice testrig's, as the retry tiers' consumers
// join their groups one after another on the cluster shape.
var timeout = 2 * testrig.Wait()

// waitFor polls cond until it returns nil, failing the test with its last error
// after timeout.
func waitFor(t testing.TB, what string, cond func() error) {
	t.Helper()
	testrig.EventuallyWithin(t, timeout, what, cond)
}

// checkNoLeak waits until the goroutine count is back to before. It checks the single
// shape only: on the cluster shape, testrig keeps one CQL session per test binary for
// dropping keyspaces, and the engines' own tests check their clients.
func checkNoLeak(t *testing.T, before int) {
	t.Helper()
	if testrig.Clustered() {
		return
	}
	waitFor(t, "the goroutines to stop", func() error {
		if n := runtime.NumGoroutine(); n > before {
			return leak{n, before}
		}
		return nil
	})
}

// leak is the error of a goroutine count above before; it shows the stacks.
type leak struct{ n, before int }

func (l leak) Error() string {
	buf := make([]byte, 1<<20)
	return fmt.Sprintf("%d goroutines, %d before:\n%s", l.n, l.before, buf[:runtime.Stack(buf, true)])
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// activity returns a minimal activity whose id ends in name.
func activity(name string) []byte {
	return fmt.Appendf(nil, `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://herd.example/activities/%s","type":"Create"}`, name)
}

// activityID returns the id of an activity body, or "" for one that is not JSON.
func activityID(body []byte) string {
	var a struct {
		ID string `json:"id"`
	}
	json.Unmarshal(body, &a)
	return a.ID
}

// clock is a settable clock; its zero value reads the real time.
type clock struct{ at atomic.Pointer[time.Time] }

func (c *clock) Now() time.Time {
	if t := c.at.Load(); t != nil {
		return *t
	}
	return time.Now()
}

func (c *clock) Set(t time.Time) { c.at.Store(&t) }

// signer records its calls and sets a recognisable Signature header. With knock on,
// it double-knocks as activitypub.Keys does, between two schemes named in the header:
// "first", and after a 401 to it "second" for the next signing.
type signer struct {
	calls  atomic.Int64
	knock  atomic.Bool
	second atomic.Bool // the next signing is a second knock
	asked  atomic.Int64
}

func (s *signer) SignPost(ctx context.Context, req *http.Request, body []byte, id shard.ID) error {
	s.calls.Add(1)
	sig := fmt.Sprintf("keyId=%q,len=%d", id.String(), len(body))
	if s.knock.Load() {
		scheme := "first"
		if s.second.Swap(false) {
			scheme = "second"
		}
		sig += ",scheme=" + scheme
	}
	req.Header.Set("Signature", sig)
	return nil
}

// Answered makes signer a delivery.Knocker: a 401 to a first knock asks for a second.
func (s *signer) Answered(req *http.Request, status int, second bool) bool {
	if !s.knock.Load() {
		return false
	}
	s.asked.Add(1)
	if second || status != http.StatusUnauthorized {
		return false
	}
	s.second.Store(true)
	return true
}

// post is one POST the sink received.
type post struct {
	Host, Path, ID         string
	ContentType, Signature string
	UserAgent              string
	Body                   []byte
	Status                 int
	earlier                int // POSTs of the same key before this one
}

// key identifies an activity at an inbox: the receiver's dedupe key.
func (p post) key() string { return p.Host + p.Path + "|" + p.ID }

// sink is a receiving inbox server that dedupes by activity id. respond picks the status
// of each POST from the POST and how many POSTs of its key came before.
type sink struct {
	srv *httptest.Server
	mu  struct {
		sync.Mutex
		respond  func(p post) int
		posts    []post
		byKey    map[string]int
		accepted map[string]bool
	}
}

func newSink(t *testing.T, respond func(p post) int) *sink {
	s := &sink{}
	s.mu.byKey = make(map[string]int)
	s.mu.accepted = make(map[string]bool)
	s.mu.respond = respond
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *sink) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	p := post{Host: r.Host, Path: r.URL.Path, ID: activityID(body), ContentType: r.Header.Get("Content-Type"),
		Signature: r.Header.Get("Signature"), UserAgent: r.UserAgent(), Body: body}
	s.mu.Lock()
	k := p.key()
	p.earlier = s.mu.byKey[k]
	s.mu.byKey[k]++
	p.Status = http.StatusAccepted
	if s.mu.respond != nil {
		p.Status = s.mu.respond(p)
	}
	if r.Method != http.MethodPost {
		p.Status = http.StatusMethodNotAllowed
	}
	if p.Status >= 200 && p.Status < 300 {
		s.mu.accepted[k] = true
	}
	s.mu.posts = append(s.mu.posts, p)
	s.mu.Unlock()
	w.WriteHeader(p.Status)
	io.WriteString(w, `{"ok":true}`)
}

// setRespond changes how the sink answers.
func (s *sink) setRespond(f func(p post) int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mu.respond = f
}

// posts returns a copy of every POST received.
func (s *sink) posts() []post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]post(nil), s.mu.posts...)
}

// total is the number of raw POSTs.
func (s *sink) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.mu.posts)
}

// accepted is the number of distinct keys the sink accepted: deliveries in effect.
func (s *sink) accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.mu.accepted)
}

// count is the number of POSTs of one key.
func (s *sink) count(host, path, name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mu.byKey[post{Host: host, Path: path, ID: "https://herd.example/activities/" + name}.key()]
}

// client sends every request to the sink whatever the URL's host, so that tests can
// use many domains on one loopback listener.
func (s *sink) client() *http.Client {
	addr := s.srv.Listener.Addr().String()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// recorder keeps every Outcome.
type recorder struct {
	mu       sync.Mutex
	outcomes []delivery.Outcome
}

func (r *recorder) observe(o delivery.Outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outcomes = append(r.outcomes, o)
}

// find returns the outcomes of an activity (by name) with result res, at any inbox.
func (r *recorder) find(name string, res delivery.Result) []delivery.Outcome {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []delivery.Outcome
	for _, o := range r.outcomes {
		if o.Result == res && activityID(o.Job.Activity) == "https://herd.example/activities/"+name {
			out = append(out, o)
		}
	}
	return out
}

// countResult is the number of outcomes with result res.
func (r *recorder) countResult(res delivery.Result) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, o := range r.outcomes {
		if o.Result == res {
			n++
		}
	}
	return n
}

// rig is a delivery service on a real local bus and Pebble store in temp directories,
// delivering to a loopback sink.
type rig struct {
	t       *testing.T
	engines *testrig.Engines
	opts    delivery.Options
	sink    *sink
	signer  *signer
	rec     *recorder
	clock   *clock

	bus  bus.Bus
	st   store.Store
	svc  *delivery.Service
	stop func() // stops Run and waits for it
}

// newRig starts a rig. opts.Client, Observe, Now and Logger are set by the rig when zero.
func newRig(t *testing.T, opts delivery.Options, respond func(p post) int) *rig {
	r := &rig{t: t, engines: testrig.NewEngines(t), sink: newSink(t, respond), signer: &signer{}, rec: &recorder{}, clock: &clock{}}
	if opts.Client == nil {
		opts.Client = r.sink.client()
	}
	if opts.Observe == nil {
		opts.Observe = r.rec.observe
	}
	if opts.Now == nil {
		opts.Now = r.clock.Now
	}
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	r.opts = opts
	t.Cleanup(func() {
		r.shutdown()
		opts.Client.CloseIdleConnections()
	})
	r.start()
	return r
}

// start opens the rig's engines (again, after shutdown) and runs a new service.
func (r *rig) start() {
	t := r.t
	t.Helper()
	r.bus, r.st = r.engines.OpenBus(), r.engines.OpenStore(delivery.Schema()...)
	r.svc = delivery.New(r.bus, r.st, r.signer, r.opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.svc.Run(ctx) }()
	r.stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
}

// shutdown stops the service and closes the engines; it may be called twice.
func (r *rig) shutdown() {
	if r.stop == nil {
		return
	}
	r.stop()
	r.stop = nil
	if err := r.bus.Close(); err != nil {
		r.t.Errorf("close bus: %v", err)
	}
	if err := r.st.Close(); err != nil {
		r.t.Errorf("close store: %v", err)
	}
}

// enqueue enqueues activity name to inboxes as account 42.
func (r *rig) enqueue(name string, inboxes ...string) {
	r.t.Helper()
	if err := r.svc.Enqueue(context.Background(), activity(name), 42, inboxes); err != nil {
		r.t.Fatalf("Enqueue %s: %v", name, err)
	}
}

// waitResult waits until activity name has n outcomes with result res.
func (r *rig) waitResult(name string, res delivery.Result, n int) []delivery.Outcome {
	r.t.Helper()
	waitFor(r.t, fmt.Sprintf("%d %v outcomes of %s", n, res, name), func() error {
		if got := r.rec.find(name, res); len(got) < n {
			return fmt.Errorf("%d such outcomes", len(got))
		}
		return nil
	})
	return r.rec.find(name, res)
}
