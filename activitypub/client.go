package activitypub

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"
)

// Errors of outbound requests.
var (
	ErrForbiddenAddress = errors.New("activitypub: address not allowed")
	ErrTooLarge         = errors.New("activitypub: response too large")
	ErrFetch            = errors.New("activitypub: fetch failed")
)

// ClientOptions bound what the outbound client may reach.
type ClientOptions struct {
	// AllowHTTP permits plain-http peers (tests, private networks); default off.
	AllowHTTP bool
	// AllowPrivate permits loopback and private addresses (tests); default off.
	AllowPrivate bool
	// ExtraCA is a PEM file of additional trusted certificate authorities.
	ExtraCA string
	// Timeout bounds one request; default 10s.
	Timeout time.Duration
	// MaxBody caps a response body; default 1 MiB, as Mastodon's.
	MaxBody int64
	// UserAgent names Herd to peers.
	UserAgent string
	// Refuse, if set, says whether a host is cut off by the instance's moderators (a
	// suspending domain block): no request goes to it, redirects included.
	Refuse func(ctx context.Context, host string) (bool, error)
}

// maxConnsPerHost bounds the connections of the outbound client to one host.
const maxConnsPerHost = 64

// refusingTransport refuses requests to the hosts ClientOptions.Refuse names.
type refusingTransport struct {
	next   http.RoundTripper
	refuse func(ctx context.Context, host string) (bool, error)
}

func (t refusingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	refused, err := t.refuse(req.Context(), req.URL.Hostname())
	if err != nil {
		return nil, err
	}
	if refused {
		return nil, fmt.Errorf("%w: %s is suspended", ErrForbiddenAddress, req.URL.Hostname())
	}
	return t.next.RoundTrip(req)
}

// NewHTTPClient returns the client of all outbound federation traffic (fetches,
// WebFinger, deliveries): bounded in time, size and redirects, and refusing every
// address that is not public unicast by the IANA special-purpose registries
// (addrguard.go) unless AllowPrivate. The address is checked after name resolution,
// on every connection, redirects included. Names ending in .localhost resolve to
// loopback (RFC 6761), which lets tests run several instances under distinct host
// names on one machine. Proxy environment variables are ignored, since a proxy would
// connect in the client's place.
func NewHTTPClient(o ClientOptions) (*http.Client, error) {
	allow := publicAddr
	if o.AllowPrivate {
		allow = func(netip.Addr) bool { return true }
	}
	return newHTTPClient(o, allow)
}

// newHTTPClient is NewHTTPClient with the address rule given.
func newHTTPClient(o ClientOptions, allow func(netip.Addr) bool) (*http.Client, error) {
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: dialGuard(allow)}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, port, err := net.SplitHostPort(addr); err == nil && (host == "localhost" || strings.HasSuffix(host, ".localhost")) {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
		return dialer.DialContext(ctx, network, addr)
	}
	// A proxy would dial in the client's place and defeat the address rule.
	tr.Proxy = nil
	// Deliveries to one host run up to delivery's concurrency (64) at once: keep that
	// many connections alive per host, instead of a TLS handshake for most POSTs, and
	// open no more, so that a busy node does not flood one peer with connections.
	// HTTP/2 is negotiated (ALPN) with a peer that offers it over TLS, which carries
	// them all on one connection; the dialer above, and so the address rule, is used
	// either way.
	tr.MaxIdleConnsPerHost = maxConnsPerHost
	tr.MaxConnsPerHost = maxConnsPerHost
	tr.MaxIdleConns = 1024
	tr.ForceAttemptHTTP2 = true
	tr.ResponseHeaderTimeout = o.Timeout
	if o.ExtraCA != "" {
		pool, err := extraCAPool(o.ExtraCA)
		if err != nil {
			return nil, err
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	var rt http.RoundTripper = tr
	if o.Refuse != nil {
		rt = refusingTransport{next: tr, refuse: o.Refuse}
	}
	return &http.Client{Transport: rt, Timeout: o.Timeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return fmt.Errorf("%w: too many redirects", ErrFetch)
		}
		return checkScheme(req.URL, o.AllowHTTP)
	}}, nil
}

// extraCAPool is the system pool with the certificates of a PEM file added.
func extraCAPool(file string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("activitypub: extra CA: %w", err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("activitypub: extra CA %s holds no certificate", file)
	}
	return pool, nil
}

func checkScheme(u *url.URL, allowHTTP bool) error {
	if u.Scheme == "https" || (allowHTTP && u.Scheme == "http") {
		return nil
	}
	return fmt.Errorf("%w: scheme %q of %s", ErrForbiddenAddress, u.Scheme, u.Host)
}

// readBody reads a response body up to max bytes.
func readBody(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, ErrTooLarge
	}
	return b, nil
}
