package bench_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/bench"
)

// fakeMastodon is a small Mastodon-compatible server for TestRunAgainstOtherServer. No
// other Mastodon server (Mastodon, GoToSocial…) can run on this machine, so this one
// stands in for them with what makes them differ from Herd as the harness sees them:
// ids are ULID-like strings (26 characters of Crockford base32, ordered as strings, not
// integers), timelines page by those ids with Link headers, and set-up is throttled:
// the first request of several kinds answers 429 (with Retry-After in seconds, with
// X-RateLimit-Reset as a timestamp, with Retry-After 0) or 503 (with no hint). In the
// measured phase every fifth public timeline read answers 429, which the harness must
// count as an error and never send again.
type fakeMastodon struct {
	mu struct {
		sync.Mutex
		seq       int
		byToken   map[string]*fakeAccount
		byID      map[string]*fakeAccount
		homes     map[string][]string // account id → status ids, ascending
		public    []string
		idem      map[string]string        // Idempotency-Key → status id
		throttled map[string]string        // kind → the request refused (its kind and what identifies it)
		refusedAt map[string]time.Time     // kind → when
		retriedIn map[string]time.Duration // kind → from the refusal to the same request again
		requests  int64
		publicN   int64
		public429 int64
	}
}

type fakeAccount struct {
	id, name  string
	followers []string
}

func newFakeMastodon() *fakeMastodon {
	f := &fakeMastodon{}
	f.mu.byToken, f.mu.byID, f.mu.homes = map[string]*fakeAccount{}, map[string]*fakeAccount{}, map[string][]string{}
	f.mu.idem, f.mu.throttled = map[string]string{}, map[string]string{}
	f.mu.refusedAt, f.mu.retriedIn = map[string]time.Time{}, map[string]time.Duration{}
	return f
}

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ulidLocked returns the next id: a fixed time part, then a counter in base32, so that
// ids sort as strings in the order they were made (as ULIDs do) and parse as no number.
func (f *fakeMastodon) ulidLocked() string {
	f.mu.seq++
	b := []byte("01M951X0ZB0000000000000000")
	for i, n := len(b)-1, f.mu.seq; n > 0; i, n = i-1, n/32 {
		b[i] = crockford[n%32]
	}
	return string(b)
}

// throttleLocked refuses the first request of kind, as a throttled server would, and
// records how long the client waited before sending the same request (identified by
// who) again.
func (f *fakeMastodon) throttleLocked(w http.ResponseWriter, kind, who string) bool {
	if refused, ok := f.mu.throttled[kind]; ok {
		if at, ok := f.mu.refusedAt[kind]; ok && refused == who {
			f.mu.retriedIn[kind] = time.Since(at)
			delete(f.mu.refusedAt, kind)
		}
		return false
	}
	f.mu.throttled[kind] = who
	f.mu.refusedAt[kind] = time.Now()
	switch kind {
	case "app":
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	case "register":
		w.Header().Set("X-RateLimit-Reset", time.Now().Add(300*time.Millisecond).UTC().Format("2006-01-02T15:04:05.000Z"))
		w.WriteHeader(http.StatusTooManyRequests)
	case "post":
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
	default:
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	fmt.Fprint(w, `{"error":"Too many requests"}`)
	return true
}

func (f *fakeMastodon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mu.requests++
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = r.ParseForm()
	me := f.mu.byToken[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	path := r.URL.Path
	reply := func(v any) { _ = json.NewEncoder(w).Encode(v) }
	switch {
	case path == "/api/v1/instance":
		reply(map[string]string{"uri": "fake.example", "version": "4.3.0 (compatible; fake)"})
	case path == "/api/v1/apps":
		if !f.throttleLocked(w, "app", "") {
			reply(map[string]string{"client_id": "cid", "client_secret": "secret"})
		}
	case path == "/oauth/token":
		reply(map[string]string{"access_token": "app-token"})
	case path == "/api/v1/accounts" && r.Method == http.MethodPost:
		if !f.throttleLocked(w, "register", r.Form.Get("username")) {
			a := &fakeAccount{id: f.ulidLocked(), name: r.Form.Get("username")}
			tok := "tok-" + a.id
			f.mu.byToken[tok], f.mu.byID[a.id] = a, a
			reply(map[string]string{"access_token": tok})
		}
	case me == nil:
		w.WriteHeader(http.StatusUnauthorized)
		reply(map[string]string{"error": "The access token is invalid"})
	case path == "/api/v1/accounts/verify_credentials":
		reply(map[string]string{"id": me.id, "username": me.name})
	case strings.HasSuffix(path, "/follow"):
		if !f.throttleLocked(w, "follow", me.id+path) {
			id := strings.TrimSuffix(strings.TrimPrefix(path, "/api/v1/accounts/"), "/follow")
			target := f.mu.byID[id]
			if target == nil {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			if !slices.Contains(target.followers, me.id) {
				target.followers = append(target.followers, me.id)
			}
			reply(map[string]any{"id": id, "following": true})
		}
	case path == "/api/v1/statuses" && r.Method == http.MethodPost:
		if !f.throttleLocked(w, "post", r.Header.Get("Idempotency-Key")) {
			reply(map[string]string{"id": f.postLocked(me, r.Header.Get("Idempotency-Key"))})
		}
	case path == "/api/v1/timelines/home":
		f.pageLocked(w, r, f.mu.homes[me.id])
	case path == "/api/v1/timelines/public":
		f.mu.publicN++
		if f.mu.publicN%5 == 0 {
			f.mu.public429++
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		f.pageLocked(w, r, f.mu.public)
	case path == "/api/v1/notifications":
		reply([]any{})
	case strings.HasSuffix(path, "/favourite") || strings.HasSuffix(path, "/reblog"):
		reply(map[string]string{"id": strings.Split(strings.TrimPrefix(path, "/api/v1/statuses/"), "/")[0]})
	default:
		w.WriteHeader(http.StatusNotFound)
		reply(map[string]string{"error": "Record not found"})
	}
}

// postLocked makes a status and puts it in the author's and the followers' homes.
func (f *fakeMastodon) postLocked(me *fakeAccount, key string) string {
	if id, ok := f.mu.idem[key]; ok && key != "" {
		return id
	}
	id := f.ulidLocked()
	if key != "" {
		f.mu.idem[key] = id
	}
	for _, a := range append([]string{me.id}, me.followers...) {
		f.mu.homes[a] = append(f.mu.homes[a], id) // ids grow: the list stays sorted
	}
	f.mu.public = append(f.mu.public, id)
	return id
}

// pageLocked answers a page of ids (ascending) as Mastodon does: max_id, since_id and
// min_id compared as the server orders its ids, newest first, with a Link header.
func (f *fakeMastodon) pageLocked(w http.ResponseWriter, r *http.Request, ids []string) {
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 || limit > 40 {
		limit = 20
	}
	var in []string
	for _, id := range ids {
		if (q.Get("max_id") == "" || id < q.Get("max_id")) && (q.Get("since_id") == "" || id > q.Get("since_id")) &&
			(q.Get("min_id") == "" || id > q.Get("min_id")) {
			in = append(in, id)
		}
	}
	if q.Get("min_id") != "" { // the oldest after min_id
		in = in[:min(limit, len(in))]
	} else {
		in = in[max(0, len(in)-limit):]
	}
	slices.Reverse(in)
	if len(in) > 0 {
		base := "https://fake.example" + r.URL.Path + "?limit=" + strconv.Itoa(limit)
		w.Header().Set("Link", fmt.Sprintf(`<%s&max_id=%s>; rel="next", <%s&min_id=%s>; rel="prev"`,
			base, url.QueryEscape(in[len(in)-1]), base, url.QueryEscape(in[0])))
	}
	list := make([]map[string]string, len(in))
	for i, id := range in {
		list[i] = map[string]string{"id": id, "content": "<p>a status</p>"}
	}
	_ = json.NewEncoder(w).Encode(list)
}

// TestRunAgainstOtherServer runs the mixed scenario against fakeMastodon: string ids
// that are no integers, a throttled set-up that must be retried as the server asks, and
// refusals in the measured phase that must be counted, not retried.
func TestRunAgainstOtherServer(t *testing.T) {
	f := newFakeMastodon()
	srv := httptest.NewServer(f) // loopback
	defer srv.Close()
	res, err := bench.Run(context.Background(), bench.Options{Target: srv.URL, Scenario: "mixed",
		Duration: 2 * time.Second, Rate: 100, Accounts: 20, Follows: 4, SeedPosts: 1, Subscribers: -1,
		LagEvery: 20 * time.Millisecond, Limits: 200 * time.Millisecond, SetupRetry: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := bench.Check(res); err != nil {
		t.Errorf("inconsistent result: %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// Set-up: each throttled kind was refused once and sent again.
	if s := res.Setup; s.Retries != 4 || s.RetryCodes["429"] != 3 || s.RetryCodes["503"] != 1 || s.Accounts != 20 || s.SeedPosts != 20 {
		t.Errorf("set-up: %d retries (%v), %d accounts, %d seed posts", s.Retries, s.RetryCodes, s.Accounts, s.SeedPosts)
	}
	// The waits the server asked for were kept. These are lower bounds the harness
	// enforces by sleeping, so no slowness of the machine can make them fail.
	if d := f.mu.retriedIn["app"]; d < time.Second {
		t.Errorf("apps retried %s after a 429 with Retry-After: 1", d)
	}
	if d := f.mu.retriedIn["register"]; d < 250*time.Millisecond {
		t.Errorf("registration retried %s after a 429 with X-RateLimit-Reset 300ms ahead", d)
	}
	if len(f.mu.retriedIn) != 4 {
		t.Errorf("requests sent again after their refusal: %v, want app, register, follow and post", f.mu.retriedIn)
	}
	// The measured phase: every request the server saw is one the result counts, and
	// the refused public reads are errors, not retried.
	if got, want := res.Setup.Requests+res.Requests+res.Limits.TargetRequests, f.mu.requests; got != want {
		t.Errorf("result counts %d requests to the target, the server saw %d", got, want)
	}
	for _, o := range res.Ops {
		switch {
		case o.Op == bench.OpPublic:
			if o.Requests != f.mu.publicN || o.Errors != f.mu.public429 || o.Codes["429"] != f.mu.public429 || f.mu.public429 == 0 {
				t.Errorf("public: %d requests, %d errors (%v); the server saw %d and refused %d", o.Requests, o.Errors, o.Codes, f.mu.publicN, f.mu.public429)
			}
		case o.Errors != 0:
			t.Errorf("%s: %d errors: %v", o.Op, o.Errors, o.Codes)
		}
	}
	// Fan-out lag was measured by paging homes from opaque cursors.
	if lag := res.FanoutLag; lag.Posts == 0 || lag.Seen == 0 || lag.Missed != 0 {
		t.Errorf("fan-out lag: %+v", lag)
	}
	checkLimits(t, res.Limits)
	checkSaved(t, res)
}
