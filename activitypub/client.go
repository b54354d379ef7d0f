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
	"net/url"
	"os"
	"strings"
	"syscall"
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
}

// NewHTTPClient returns the client of all outbound federation traffic: bounded in
// time, size and redirects, and refusing loopback, private and link-local addresses
// unless allowed. Names ending in .localhost resolve to loopback (RFC 6761), which
// lets tests run several instances under distinct host names on one machine.
func NewHTTPClient(o ClientOptions) (*http.Client, error) {
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		if ip := net.ParseIP(host); ip != nil && !o.AllowPrivate && !publicIP(ip) {
			return fmt.Errorf("%w: %s", ErrForbiddenAddress, ip)
		}
		return nil
	}}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, port, err := net.SplitHostPort(addr); err == nil && (host == "localhost" || strings.HasSuffix(host, ".localhost")) {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
		return dialer.DialContext(ctx, network, addr)
	}
	tr.MaxIdleConnsPerHost = 16
	tr.ResponseHeaderTimeout = o.Timeout
	if o.ExtraCA != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		pem, err := os.ReadFile(o.ExtraCA)
		if err != nil {
			return nil, fmt.Errorf("activitypub: extra CA: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("activitypub: extra CA %s holds no certificate", o.ExtraCA)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, Timeout: o.Timeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return fmt.Errorf("%w: too many redirects", ErrFetch)
		}
		return checkScheme(req.URL, o.AllowHTTP)
	}}, nil
}

func publicIP(ip net.IP) bool {
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast())
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
