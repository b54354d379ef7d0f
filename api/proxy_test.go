package api_test

import (
	"net/http"
	"testing"

	"github.com/herd-social/herd/node"
)

// TestForwardedHeadersFromTrustedProxy: by default loopback is a trusted proxy, so
// a request through it counts against the address X-Forwarded-For (read from the
// right, past trusted hops) or X-Real-IP names.
func TestForwardedHeadersFromTrustedProxy(t *testing.T) {
	c := limited(t, 5, newClock()) // the rig spends two of 127.0.0.1's requests
	for i, h := range []http.Header{
		{"X-Forwarded-For": {"203.0.113.7"}},
		{"X-Forwarded-For": {"203.0.113.8"}},
		{"X-Real-Ip": {"198.51.100.1"}},
		{"X-Forwarded-For": {"203.0.113.7, 127.0.0.1"}}, // a trusted hop is skipped
		{"X-Forwarded-For": {"192.0.2.1, 203.0.113.8"}}, // the client cannot choose its address
		{},
	} {
		want := []string{"4", "4", "4", "3", "3", "2"}[i]
		if r := c.DoWithHeaders("GET", "/api/v1/timelines/public", "", nil, h); r.Code != 200 ||
			r.Header.Get("X-RateLimit-Remaining") != want {
			t.Errorf("%v: %d remaining %q, want %s", h, r.Code, r.Header.Get("X-RateLimit-Remaining"), want)
		}
	}
}

// TestForwardedHeadersFromUntrustedPeer: when loopback is not among trusted_proxies,
// the headers are ignored and every request counts against the peer's address.
func TestForwardedHeadersFromUntrustedPeer(t *testing.T) {
	clk := newClock()
	c := limitedWith(t, 5, clk, func(cfg *node.Config) { cfg.TrustedProxies = []string{"10.0.0.0/8"} })
	for i, h := range []http.Header{
		{"X-Forwarded-For": {"203.0.113.7"}},
		{"X-Real-Ip": {"198.51.100.1"}},
		{"X-Forwarded-For": {"203.0.113.9"}},
	} {
		want := []string{"2", "1", "0"}[i]
		if r := c.DoWithHeaders("GET", "/api/v1/timelines/public", "", nil, h); r.Code != 200 ||
			r.Header.Get("X-RateLimit-Remaining") != want {
			t.Errorf("%v: %d remaining %q, want %s", h, r.Code, r.Header.Get("X-RateLimit-Remaining"), want)
		}
	}
}
