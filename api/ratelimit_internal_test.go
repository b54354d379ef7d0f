package api

import (
	"net"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestThrottleIP: IPv6 clients are counted by their /64, as Mastodon counts them;
// IPv4 clients by their address.
func TestThrottleIP(t *testing.T) {
	for _, tc := range []struct{ remote, want string }{
		{"192.0.2.7", "192.0.2.7"},
		{"2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"},
		{"::ffff:192.0.2.7", "192.0.2.7"},
	} {
		var ctx fasthttp.RequestCtx
		ctx.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.ParseIP(tc.remote), Port: 443}, nil)
		if got := throttleIP(&req{ctx: &ctx, s: &Server{}}); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.remote, got, tc.want)
		}
	}
}
