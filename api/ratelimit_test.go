package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// clock is a clock the test moves by hand. It starts on the hour, so that fixed
// windows of 5 minutes and of an hour start with it.
type clock struct {
	mu sync.Mutex
	at time.Time
}

func newClock() *clock { return &clock{at: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

// limited starts a node whose API budget is perWindow requests per 5 minutes, on clk.
func limited(t *testing.T, perWindow int, clk *clock) *testrig.Cluster {
	return limitedWith(t, perWindow, clk, func(*node.Config) {})
}

// limitedWith is limited, with more settings.
func limitedWith(t *testing.T, perWindow int, clk *clock, more func(*node.Config)) *testrig.Cluster {
	return testrig.New(t, testrig.Config(func(cfg *node.Config) {
		cfg.RateLimit, cfg.Clock = perWindow, clk.Now
		more(cfg)
	}))
}

// TestInvalidTokensAreCountedPerIP: a request with an invalid token is counted against
// its IP like an anonymous one, so a flood of them meets 429 (readable cross-origin);
// a valid token keeps its own budget; the next window starts afresh.
func TestInvalidTokensAreCountedPerIP(t *testing.T) {
	clk := newClock()
	c := limited(t, 5, clk) // the rig spends two requests of the IP's budget on its app
	for i := range 3 {
		r := c.Do("GET", "/api/v1/timelines/home", "not-a-token", nil)
		if r.Code != 401 || r.Header.Get("X-RateLimit-Remaining") != fmt.Sprint(2-i) {
			t.Fatalf("bad token %d: %d %v", i, r.Code, r.Header)
		}
	}
	r := c.DoWithHeader("GET", "/api/v1/timelines/home", "not-a-token", nil, "Origin", "https://elk.zone")
	if r.Code != 429 || r.Header.Get("X-RateLimit-Remaining") != "0" || !strings.Contains(string(r.Body), "Too many requests") {
		t.Fatalf("over the limit: %d %v %s", r.Code, r.Header, r.Body)
	}
	checkCORS(t, r.Header, true)
	if r := c.Do("GET", "/api/v1/timelines/public", c.AppToken(), nil); r.Code != 200 {
		t.Fatalf("a valid token was refused with its IP's budget spent: %d %s", r.Code, r.Body)
	}
	clk.Advance(5 * time.Minute)
	if r := c.Do("GET", "/api/v1/timelines/home", "not-a-token", nil); r.Code != 401 {
		t.Fatalf("next window: %d %s", r.Code, r.Body)
	}
}

// signInForm is a POST /oauth/authorize of login and password for the rig's app.
func signInForm(c *testrig.Cluster, login, password string) url.Values {
	id, _ := c.App()
	return url.Values{"client_id": {id}, "redirect_uri": {"urn:ietf:wg:oauth:2.0:oob"}, "scope": {"read"},
		"login": {login}, "password": {password}, "decision": {"approve"}}
}

func signIn(t *testing.T, c *testrig.Cluster, login, password string, code int) *testrig.Response {
	t.Helper()
	r := c.Do("POST", "/oauth/authorize", "", signInForm(c, login, password))
	if r.Code != code {
		t.Fatalf("sign in as %s: %d, want %d: %.300s", login, r.Code, code, r.Body)
	}
	return r
}

// TestSignInAttemptsPerIP: 25 sign-in attempts per 5 minutes per IP, whatever the
// accounts tried (Mastodon's throttle_login_attempts/ip); the 26th, even with the right
// password, gets a 429 page; the next window lets it in. Sign-ins do not spend the
// general API budget.
func TestSignInAttemptsPerIP(t *testing.T) {
	clk := newClock()
	c := limited(t, 30, clk)
	c.Register("alice")
	for i := range 25 {
		signIn(t, c, fmt.Sprintf("nobody%d", i), "guess", 401)
	}
	// The IP's API budget has paid for the rig's app (2 requests) and this one only.
	if r := c.Do("GET", "/api/v1/timelines/public", "", nil); r.Header.Get("X-RateLimit-Remaining") != "27" {
		t.Fatalf("API budget after sign-ins: %v", r.Header)
	}
	r := signIn(t, c, "alice", "correct horse battery", 429)
	if !strings.Contains(string(r.Body), "Too many sign-in attempts") || r.Header.Get("X-RateLimit-Limit") != "25" ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("throttled page: %v %s", r.Header, r.Body)
	}
	clk.Advance(5 * time.Minute)
	signIn(t, c, "alice", "correct horse battery", 200)
}

// TestSignInAttemptsPerAccount: 25 attempts per hour per account, by username or email,
// spread over IP windows (Mastodon's throttle_login_attempts/email); other accounts
// are not affected; the next hour lets it in.
func TestSignInAttemptsPerAccount(t *testing.T) {
	clk := newClock()
	c := limited(t, 1000, clk)
	c.Register("alice")
	c.Register("bob")
	for i := range 25 {
		if i%10 == 0 && i > 0 {
			clk.Advance(5 * time.Minute) // a fresh IP window
		}
		login := "alice"
		if i%2 == 1 {
			login = "Alice@example.com"
		}
		signIn(t, c, login, "guess", 401)
	}
	clk.Advance(5 * time.Minute)
	signIn(t, c, "@alice", "correct horse battery", 429)
	signIn(t, c, "bob", "correct horse battery", 200)
	clk.Advance(time.Hour)
	signIn(t, c, "alice", "correct horse battery", 200)
}

// TestMediaProxyPerIP: 30 views of /media_proxy/ per IP in 10 minutes (Mastodon's
// throttle_media_proxy), apart from the API budget; the 31st meets 429; the next
// window lets it through.
func TestMediaProxyPerIP(t *testing.T) {
	clk := newClock()
	c := limited(t, 1000, clk)
	for i := range 30 {
		r := c.Do("GET", "/media_proxy/1/original", "", nil)
		if r.Code != 404 || r.Header.Get("X-RateLimit-Limit") != "30" || r.Header.Get("X-RateLimit-Remaining") != fmt.Sprint(29-i) {
			t.Fatalf("view %d: %d %v", i, r.Code, r.Header)
		}
	}
	if r := c.Do("GET", "/media_proxy/1/small", "", nil); r.Code != 429 {
		t.Fatalf("over the limit: %d %s", r.Code, r.Body)
	}
	if r := c.Do("GET", "/api/v1/timelines/public", "", nil); r.Code != 200 || r.Header.Get("X-RateLimit-Limit") != "1000" {
		t.Fatalf("the API budget after the views: %d %v", r.Code, r.Header)
	}
	clk.Advance(10 * time.Minute)
	if r := c.Do("GET", "/media_proxy/1/original", "", nil); r.Code != 404 {
		t.Fatalf("next window: %d %s", r.Code, r.Body)
	}
}
