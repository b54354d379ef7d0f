package httpsig

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/valyala/fasthttp"
)

// Request is what a verifier needs to know of an incoming request, whichever HTTP
// library received it.
type Request struct {
	// Method is the request method as sent (GET, POST).
	Method string
	// Path is the request path as received, still percent-encoded, without the query.
	Path string
	// Query is the raw query string without the '?'; empty when there is none.
	Query string
	// Host is the authority the request was sent to; it stands in for a Header
	// without Host (net/http moves Host out of the header map).
	Host string
	// Scheme is "https" or "http", used by RFC 9421's @target-uri and @scheme. Empty
	// means "https", the scheme of federation in production; a server behind a plain
	// HTTP listener in development sets it to "http".
	Scheme string
	// Header holds the request headers under canonical keys.
	Header http.Header
	// Body is the raw request body, as the Digest covers it.
	Body []byte
}

// FromFastHTTP views a fasthttp request. Header values are copied; Body aliases the
// request's buffer, so the view is valid only while the handler owns req.
func FromFastHTTP(req *fasthttp.Request) Request {
	path, query := splitTarget(string(req.Header.RequestURI()))
	h := make(http.Header)
	for k, v := range req.Header.All() {
		h.Add(string(k), string(v))
	}
	host := string(req.Header.Host())
	if host == "" {
		host = string(req.Host())
	}
	return Request{
		Method: string(req.Header.Method()),
		Path:   path,
		Query:  query,
		Host:   host,
		Header: h,
		Body:   req.Body(),
	}
}

// FromNetHTTP views a net/http request, server side (RequestURI set) or client side
// (URL set), with its body already read by the caller.
func FromNetHTTP(req *http.Request, body []byte) Request {
	target := req.RequestURI
	if target == "" && req.URL != nil {
		target = req.URL.RequestURI()
	}
	path, query := splitTarget(target)
	host := req.Host
	var scheme string
	if req.URL != nil {
		if host == "" {
			host = req.URL.Host
		}
		scheme = req.URL.Scheme
	}
	if scheme == "" && req.TLS != nil {
		scheme = "https"
	}
	h := req.Header.Clone()
	if h == nil {
		h = make(http.Header)
	}
	if len(h.Values("Host")) == 0 && host != "" {
		h.Set("Host", host)
	}
	return Request{Method: req.Method, Path: path, Query: query, Host: host, Scheme: scheme, Header: h, Body: body}
}

// splitTarget splits a request-target into its raw path and query. An absolute-form
// target loses its scheme and authority; an empty path becomes "/".
func splitTarget(target string) (path, query string) {
	if i := strings.Index(target, "://"); i > 0 && !strings.Contains(target[:i], "/") {
		rest := target[i+3:]
		j := strings.IndexAny(rest, "/?")
		if j < 0 {
			rest = ""
		} else {
			rest = rest[j:]
		}
		target = rest
	}
	path, query, _ = strings.Cut(target, "?")
	if path == "" {
		path = "/"
	}
	return path, query
}

// scheme returns the request's scheme, defaulting to https.
func (r *Request) scheme() string {
	if r.Scheme == "" {
		return "https"
	}
	return strings.ToLower(r.Scheme)
}

// values returns a header's field values, with Request.Host standing in for an
// absent Host header.
func (r *Request) values(name string) []string {
	v := r.Header.Values(name)
	if len(v) == 0 && strings.EqualFold(name, "host") && r.Host != "" {
		return []string{r.Host}
	}
	return v
}

// boundedHeader joins a header's values with ", " as HTTP combines them, and fails
// past limit bytes; callers wrap the error in their sentinel. ok is false when the
// header is absent.
func (r *Request) boundedHeader(name string, limit int) (v string, ok bool, err error) {
	vals := r.values(name)
	if len(vals) == 0 {
		return "", false, nil
	}
	n := 0
	for _, s := range vals {
		n += len(s) + 2
	}
	if n > limit+2 {
		return "", true, fmt.Errorf("%s header is %d bytes, over the %d-byte limit", name, n-2, limit)
	}
	return strings.Join(vals, ", "), true, nil
}
