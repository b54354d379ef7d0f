package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// api sends the harness's requests to the target and counts them.
type api struct {
	doer    Doer
	base    string // scheme://host[:port], no trailing slash
	timeout time.Duration
	sent    atomic.Int64
}

func newAPI(doer Doer, target string, timeout time.Duration) *api {
	return &api{doer: doer, base: strings.TrimRight(target, "/"), timeout: timeout}
}

// reply is what the harness keeps of a response.
type reply struct {
	code int
	link string // the Link header
	body []byte // only when asked for
}

func (r reply) ok() bool { return r.code >= 200 && r.code < 300 }

// send makes one request: a form body for POST, the query in path for GET. It returns
// an error only when no HTTP response arrived.
func (a *api) send(method, path, token string, form url.Values, wantBody bool) (reply, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetMethod(method)
	req.SetRequestURI(a.base + path)
	req.SetTimeout(a.timeout)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
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
	return r, nil
}

// call is send for set-up: any answer but 200 is an error, and the body is decoded
// into out when out is not nil.
func (a *api) call(method, path, token string, form url.Values, out any) error {
	r, err := a.send(method, path, token, form, out != nil)
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

// nextQuery returns the query of the rel="next" URL of a Link header. Only the query is
// kept: the URL's host is the server's public domain, which need not be the target.
func nextQuery(link string) (string, bool) {
	for part := range strings.SplitSeq(link, ",") {
		part = strings.TrimSpace(part)
		if !strings.Contains(part, `rel="next"`) {
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

// entityID is the one field the harness reads from statuses and accounts.
type entityID struct {
	ID string `json:"id"`
}
