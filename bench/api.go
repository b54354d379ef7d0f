package bench

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// api sends the harness's requests to the target and counts them.
type api struct {
	doer    Doer
	base    string // scheme://host[:port], no trailing slash
	timeout time.Duration
	// retryFor bounds the retries of one set-up request (see retry.go).
	retryFor time.Duration
	sent     atomic.Int64
	mu       struct {
		sync.Mutex
		retries map[string]int64 // set-up retries by the outcome that caused them
	}
}

func newAPI(doer Doer, target string, timeout, retryFor time.Duration) *api {
	return &api{doer: doer, base: strings.TrimRight(target, "/"), timeout: timeout, retryFor: retryFor}
}

// reply is what the harness keeps of a response.
type reply struct {
	code int
	link string // the Link header
	body []byte // only when asked for
	// retryAfter and rateReset are the Retry-After and X-RateLimit-Reset headers of a
	// 429 or 503, which set-up's retries honour.
	retryAfter, rateReset string
}

func (r reply) ok() bool { return r.code >= 200 && r.code < 300 }

// send makes one request: a form body for POST, the query in path for GET. It returns
// an error only when no HTTP response arrived.
func (a *api) send(method, path, token string, form url.Values, wantBody bool) (reply, error) {
	return a.sendWith(method, path, token, form, wantBody, nil, a.timeout)
}

// sendWith is send with extra request headers (set-up's Idempotency-Key) and a
// timeout of its own.
func (a *api) sendWith(method, path, token string, form url.Values, wantBody bool, header map[string]string, timeout time.Duration) (reply, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetMethod(method)
	req.SetRequestURI(a.base + path)
	req.SetTimeout(timeout)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if method != fasthttp.MethodGet {
		req.Header.SetContentType("application/x-www-form-urlencoded")
		req.SetBodyString(form.Encode())
	}
	a.sent.Add(1)
	if err := a.doer.Do(req, resp); err != nil {
		return reply{}, err
	}
	r := reply{code: resp.StatusCode(), link: string(resp.Header.Peek("Link"))}
	if wantBody || !r.ok() {
		r.body = append([]byte(nil), resp.Body()...)
	}
	if r.code == fasthttp.StatusTooManyRequests || r.code == fasthttp.StatusServiceUnavailable {
		r.retryAfter = string(resp.Header.Peek("Retry-After"))
		r.rateReset = string(resp.Header.Peek("X-RateLimit-Reset"))
	}
	return r, nil
}

// codeOf names the outcome of a request for the error table: the status code, or
// "timeout" or "transport" when no response arrived ("no_target" when no request
// could be made).
func codeOf(r reply, err error) string {
	switch {
	case err == nil:
		return strconv.Itoa(r.code)
	case errors.Is(err, errNoTarget):
		return "no_target"
	case errors.Is(err, fasthttp.ErrTimeout) || errors.Is(err, fasthttp.ErrDialTimeout):
		return "timeout"
	}
	return "transport"
}

// linkQuery returns the query of the URL of relation rel ("next": older, "prev":
// newer) in a Link header. Only the query is kept: the URL's host is the server's
// public domain, which need not be the target.
func linkQuery(link, rel string) (string, bool) {
	want := `rel="` + rel + `"`
	for part := range strings.SplitSeq(link, ",") {
		part = strings.TrimSpace(part)
		if !strings.Contains(part, want) {
			continue
		}
		lt, gt := strings.IndexByte(part, '<'), strings.IndexByte(part, '>')
		if lt < 0 || gt < lt {
			return "", false
		}
		u, err := url.Parse(part[lt+1 : gt])
		if err != nil || u.RawQuery == "" {
			return "", false
		}
		return u.RawQuery, true
	}
	return "", false
}

// nextQuery is the query of the next (older) page of a Link header.
func nextQuery(link string) (string, bool) { return linkQuery(link, "next") }

// entityID is the one field the harness reads from statuses and accounts.
type entityID struct {
	ID string `json:"id"`
}
