package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Set-up retries: a server may throttle the burst of registrations, follows and seed
// posts that set-up sends (Mastodon limits registrations per IP, GoToSocial every
// client), or be briefly unavailable. Set-up requests that answer 429 or 503, or time
// out, are sent again: after the wait the server asks for (Retry-After, in seconds or
// as an HTTP date, else X-RateLimit-Reset, a timestamp), or else after an exponential
// back-off with jitter; each request gives up once its retries would take longer than
// Options.SetupRetry. A registration is not sent again after a timeout (callOnce). The
// measured phase never retries: there an error is counted.

// Back-off of a set-up retry without a wait from the server: retryFirst, doubling up
// to retryMax, each drawn from [half, all] of its value.
const (
	retryFirst = 100 * time.Millisecond
	retryMax   = 5 * time.Second
)

// ErrSetupRetries is returned when a set-up request is still refused after retrying
// for Options.SetupRetry.
var ErrSetupRetries = errors.New("bench: set-up request still throttled or unavailable")

// call is send for set-up, retried as described above: any final answer but 200 is an
// error, and the body is decoded into out when out is not nil.
func (a *api) call(ctx context.Context, method, path, token string, form url.Values, out any) error {
	return a.callWith(ctx, method, path, token, form, nil, out)
}

// callWith is call with extra request headers.
func (a *api) callWith(ctx context.Context, method, path, token string, form url.Values, header map[string]string, out any) error {
	r, err := a.retrying(ctx, true, func() (reply, error) {
		return a.sendWith(method, path, token, form, out != nil, header, a.timeout)
	})
	return answer(method, path, r, err, out)
}

// callOnce is call for a request that must not be sent twice and may be slow: a
// registration, which makes the account's key pair and hashes its password. Sent again
// after a timeout, it may find its own first attempt done (the name taken), so it waits
// for its answer up to the bound of set-up's retries, and only 429 and 503, which the
// server answers before doing anything, are retried.
func (a *api) callOnce(ctx context.Context, method, path, token string, form url.Values, out any) error {
	r, err := a.retrying(ctx, false, func() (reply, error) {
		return a.sendWith(method, path, token, form, out != nil, nil, max(a.timeout, a.retryFor))
	})
	return answer(method, path, r, err, out)
}

// answer is a set-up request's outcome: any final answer but 200 is an error, and the
// body is decoded into out when out is not nil.
func answer(method, path string, r reply, err error, out any) error {
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if r.code != 200 {
		return fmt.Errorf("%s %s: status %d: %.200s", method, path, r.code, r.body)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			return fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	return nil
}

// retrying calls send until its outcome is not one to retry (429, 503, and a timeout
// when timeouts is set), or the retries would outlast a.retryFor.
func (a *api) retrying(ctx context.Context, timeouts bool, send func() (reply, error)) (reply, error) {
	start := time.Now()
	for attempt := 0; ; attempt++ {
		r, err := send()
		code := codeOf(r, err)
		if code != "429" && code != "503" && (code != "timeout" || !timeouts) {
			return r, err
		}
		now := time.Now()
		wait, asked := serverWait(r, now)
		if !asked {
			wait = backoff(attempt)
		}
		if now.Add(wait).Sub(start) > a.retryFor {
			last := code
			if err != nil {
				last = err.Error()
			}
			return r, fmt.Errorf("%w: %d attempts over %s, last %s, next wait %s would pass the bound of %s (--setup-retry)",
				ErrSetupRetries, attempt+1, now.Sub(start).Round(time.Millisecond), last, wait.Round(time.Millisecond), a.retryFor)
		}
		a.noteRetry(code)
		if !sleepCtx(ctx, wait) {
			return r, ctx.Err()
		}
	}
}

// backoff is the wait before retry attempt+1 when the server named none.
func backoff(attempt int) time.Duration {
	d := retryMax
	if attempt < 10 {
		d = min(retryMax, retryFirst<<attempt)
	}
	return d/2 + rand.N(d/2+1)
}

// serverWait is the wait a 429 or 503 asks for: Retry-After (delay-seconds or an
// HTTP date), else X-RateLimit-Reset (an ISO 8601 timestamp as Mastodon sends, or Unix
// seconds). A time in the past asks for no wait.
func serverWait(r reply, now time.Time) (time.Duration, bool) {
	if v := r.retryAfter; v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
			return time.Duration(s * float64(time.Second)), true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(0, t.Sub(now)), true
		}
	}
	if v := r.rateReset; v != "" {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return max(0, t.Sub(now)), true
		}
		if s, err := strconv.ParseInt(v, 10, 64); err == nil && s > 0 {
			return max(0, time.Unix(s, 0).Sub(now)), true
		}
	}
	return 0, false
}

// noteRetry counts one retry by the outcome that caused it.
func (a *api) noteRetry(code string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.mu.retries == nil {
		a.mu.retries = map[string]int64{}
	}
	a.mu.retries[code]++
}

// retries returns the retries so far by cause, and their total.
func (a *api) retries() (map[string]int64, int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]int64, len(a.mu.retries))
	var n int64
	for c, k := range a.mu.retries {
		out[c], n = k, n+k
	}
	return out, n
}
