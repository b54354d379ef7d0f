package api

import (
	"net"
	"net/netip"
	"strings"

	"github.com/valyala/fasthttp"
)

// loopback is whom the server trusts to forward a client's address when the
// deployment names no proxies: a reverse proxy on the same machine.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// clientIP is the client's address, for rate limits: the connection's peer, unless
// the peer is a trusted proxy. Then it is the nearest address of X-Forwarded-For that
// is not itself a trusted proxy (reading from the right, so that a client cannot
// choose its address by sending the header itself), or X-Real-IP when there is no
// X-Forwarded-For.
func clientIP(r *req) string {
	a := r.s.clientAddr(r.ctx)
	if !a.IsValid() {
		return strings.TrimSpace(r.ctx.RemoteAddr().String())
	}
	return a.String()
}

// clientAddr is clientIP as an address; invalid when the peer's is not one.
func (s *Server) clientAddr(ctx *fasthttp.RequestCtx) netip.Addr {
	peer := peerAddr(ctx.RemoteAddr())
	trusted := s.d.TrustedProxies
	if trusted == nil {
		trusted = loopback
	}
	if !peer.IsValid() || !trustedAddr(trusted, peer) {
		return peer
	}
	if xff := ctx.Request.Header.Peek("X-Forwarded-For"); len(xff) > 0 {
		return forwardedFor(trusted, peer, string(xff))
	}
	if real, err := netip.ParseAddr(strings.TrimSpace(string(ctx.Request.Header.Peek("X-Real-IP")))); err == nil {
		return real.Unmap()
	}
	return peer
}

// forwardedFor walks the X-Forwarded-For list from the right, past trusted proxies,
// and returns the first address that is not one; the leftmost when all are, and the
// last one it could read when an entry does not parse.
func forwardedFor(trusted []netip.Prefix, peer netip.Addr, header string) netip.Addr {
	hops := strings.Split(header, ",")
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return client
		}
		client = a.Unmap()
		if !trustedAddr(trusted, client) {
			return client
		}
	}
	return client
}

func peerAddr(a net.Addr) netip.Addr {
	if tcp, ok := a.(*net.TCPAddr); ok {
		ip, _ := netip.AddrFromSlice(tcp.IP)
		return ip.Unmap()
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

func trustedAddr(trusted []netip.Prefix, a netip.Addr) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
