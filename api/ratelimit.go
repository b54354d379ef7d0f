package api

import (
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// limiter counts requests per key in fixed windows, as Mastodon's rack-attack rules
// (config/initializers/rack_attack.rb) do. Counts are per node; in cluster shape each
// node enforces its share.
type limiter struct {
	perWindow int // requests per 5 minutes per token and per IP; negative: no limits
	now       func() time.Time
	mu        struct {
		sync.Mutex
		windows map[string]*window
		swept   time.Time
	}
}

type window struct {
	start time.Time
	span  time.Duration
	count int
}

// throttle is one rule: at most limit requests per span for each key it counts by.
type throttle struct {
	name  string
	limit int
	span  time.Duration
}

// Mastodon's fixed rules. The general API budget (throttle_per_token_api and
// throttle_unauthenticated_api, 300 per 5 minutes) is Deps.RateLimit.
var (
	// throttle_api_sign_up: registrations per IP.
	throttleSignUp = throttle{"signup", 5, 30 * time.Minute}
	// throttle_login_attempts/ip: sign-in attempts per IP.
	throttleSignInIP = throttle{"signin-ip", 25, 5 * time.Minute}
	// throttle_login_attempts/email: sign-in attempts per account (or per login that
	// names none), from any IP.
	throttleSignInAccount = throttle{"signin-account", 25, time.Hour}
	// throttle_password_resets/ip and /email: requests for a reset link.
	throttleResetIP    = throttle{"reset-ip", 25, 5 * time.Minute}
	throttleResetEmail = throttle{"reset-email", 5, 30 * time.Minute}
)

const (
	apiWindow      = 5 * time.Minute
	defaultPerSpan = 300
	longestSpan    = time.Hour // windows older than this are swept
)

func newLimiter(perWindow int, now func() time.Time) *limiter {
	if perWindow == 0 {
		perWindow = defaultPerSpan
	}
	l := &limiter{perWindow: perWindow, now: now}
	l.mu.windows = map[string]*window{}
	return l
}

// take counts one request against key and reports the remaining budget and reset.
func (l *limiter) take(key string, limit int, span time.Duration) (remaining int, reset time.Time, ok bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.mu.swept) > longestSpan {
		l.sweepLocked(now)
	}
	w := l.mu.windows[key]
	if w == nil || now.Sub(w.start) >= span {
		w = &window{start: now.Truncate(span), span: span}
		l.mu.windows[key] = w
	}
	w.count++
	return max(limit-w.count, 0), w.start.Add(span), w.count <= limit
}

func (l *limiter) sweepLocked(now time.Time) {
	for k, w := range l.mu.windows {
		if now.Sub(w.start) >= w.span {
			delete(l.mu.windows, k)
		}
	}
	l.mu.swept = now
}

// verdict is a throttle's count of one request.
type verdict struct {
	limit, remaining int
	reset            time.Time
	ok               bool
}

// count counts a request against one throttle.
func (l *limiter) count(t throttle, key string) verdict {
	remaining, reset, ok := l.take(t.name+":"+key, t.limit, t.span)
	return verdict{limit: t.limit, remaining: remaining, reset: reset, ok: ok}
}

// answer sets the X-RateLimit headers of v and, once the budget is spent, answers 429
// in Mastodon's shape.
func (v verdict) answer(r *req) error {
	h := &r.ctx.Response.Header
	h.Set("X-RateLimit-Limit", strconv.Itoa(v.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(v.remaining))
	h.Set("X-RateLimit-Reset", datetime(v.reset))
	if !v.ok {
		return errTooManyRequests
	}
	return nil
}

// apply counts a request against one throttle and answers for it.
func (l *limiter) apply(r *req, t throttle, key string) error { return l.count(t, key).answer(r) }

// check applies the general limits to a request: per token when it carries a valid
// one, else per IP, which is how requests with an invalid token are counted too.
// Registrations have their own budget per IP, as have the views of /media_proxy/
// (which may fetch files from other servers); sign-in attempts are counted by signIn.
func (l *limiter) check(r *req) error {
	if l.perWindow < 0 {
		return nil
	}
	method, path := string(r.ctx.Method()), string(r.ctx.Path())
	switch {
	case method == "POST" && (path == "/api/v1/accounts" || path == "/auth"):
		return l.apply(r, throttleSignUp, throttleIP(r))
	case strings.HasPrefix(path, mediaProxyPrefix):
		return l.apply(r, throttleMediaProxy, throttleIP(r))
	case method == "POST" && (path == "/oauth/authorize" || path == "/auth/password"):
		return nil
	case r.token != nil:
		return l.apply(r, throttle{"token", l.perWindow, apiWindow}, r.token.ID.String())
	}
	return l.apply(r, throttle{"ip", l.perWindow, apiWindow}, throttleIP(r))
}

// signIn counts a sign-in attempt against the IP and against the account it names,
// and answers for the tighter of the two. account is the account's id, or the login as
// typed when it names none.
func (l *limiter) signIn(r *req, account string) error {
	if l.perWindow < 0 {
		return nil
	}
	ip, acc := l.count(throttleSignInIP, throttleIP(r)), l.count(throttleSignInAccount, account)
	if !acc.ok || (ip.ok && acc.remaining < ip.remaining) {
		return acc.answer(r)
	}
	return ip.answer(r)
}

// passwordReset counts a request for a reset link against the IP and the address it
// names; an error once either budget is spent.
func (l *limiter) passwordReset(r *req, email string) error {
	if l.perWindow < 0 {
		return nil
	}
	ip, addr := l.count(throttleResetIP, throttleIP(r)), l.count(throttleResetEmail, email)
	if !ip.ok || !addr.ok {
		return errTooManyRequests
	}
	return nil
}

// throttleIP is the client's address as rate limits count it: IPv6 addresses by their
// /64, which one host usually holds whole, as Mastodon does.
func throttleIP(r *req) string {
	ip := clientIP(r)
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() || a.Is4In6() {
		return ip
	}
	p, _ := a.Prefix(64) // 64 bits fit any IPv6 address
	return p.String()
}
