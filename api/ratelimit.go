package api

import (
	"strconv"
	"sync"
	"time"
)

// limiter counts requests per key in fixed windows, as Mastodon's rack-attack rules:
// 300 requests per 5 minutes per token and per IP, 5 registrations per 30 minutes per
// IP. Counts are per node; in cluster shape each node enforces its share.
type limiter struct {
	perWindow int
	now       func() time.Time
	mu        struct {
		sync.Mutex
		windows map[string]*window
		swept   time.Time
	}
}

type window struct {
	start time.Time
	count int
}

const (
	apiWindow      = 5 * time.Minute
	signupWindow   = 30 * time.Minute
	signupPerIP    = 5
	defaultPerSpan = 300
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
	if now.Sub(l.mu.swept) > span {
		l.sweepLocked(now)
	}
	w := l.mu.windows[key]
	if w == nil || now.Sub(w.start) >= span {
		w = &window{start: now.Truncate(span)}
		l.mu.windows[key] = w
	}
	w.count++
	return max(limit-w.count, 0), w.start.Add(span), w.count <= limit
}

func (l *limiter) sweepLocked(now time.Time) {
	for k, w := range l.mu.windows {
		if now.Sub(w.start) >= signupWindow {
			delete(l.mu.windows, k)
		}
	}
	l.mu.swept = now
}

// check applies the limits to a request and sets the X-RateLimit headers.
func (l *limiter) check(r *req) error {
	if l.perWindow < 0 {
		return nil
	}
	key, limit, span := "ip:"+clientIP(r), l.perWindow, apiWindow
	if r.token != nil {
		key = "token:" + r.token.ID.String()
	}
	if string(r.ctx.Method()) == "POST" && string(r.ctx.Path()) == "/api/v1/accounts" {
		key, limit, span = "signup:"+clientIP(r), signupPerIP, signupWindow
	}
	remaining, reset, ok := l.take(key, limit, span)
	h := &r.ctx.Response.Header
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", datetime(reset))
	if !ok {
		return httpErr(429, "Too many requests")
	}
	return nil
}
