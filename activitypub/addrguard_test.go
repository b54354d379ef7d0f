package activitypub

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// guardCases sample every special-purpose range of the IANA registries from inside
// and just outside, and public addresses that must stay reachable.
var guardCases = []struct {
	addr   string
	public bool
}{
	// IPv4 Special-Purpose Address Registry.
	{"0.0.0.0", false}, {"0.1.2.3", false}, {"0.255.255.255", false}, {"1.0.0.0", true},
	{"10.0.0.1", false}, {"10.255.255.255", false}, {"9.255.255.255", true}, {"11.0.0.0", true},
	{"100.64.0.0", false}, {"100.100.100.200", false}, {"100.127.255.255", false}, {"100.63.255.255", true}, {"100.128.0.0", true},
	{"127.0.0.1", false}, {"127.255.255.255", false}, {"126.255.255.255", true}, {"128.0.0.0", true},
	{"169.254.169.254", false}, {"169.254.0.0", false}, {"169.253.255.255", true}, {"169.255.0.0", true},
	{"172.16.0.1", false}, {"172.31.255.255", false}, {"172.15.255.255", true}, {"172.32.0.0", true},
	{"192.0.0.0", false}, {"192.0.0.8", false}, {"192.0.0.9", false}, {"192.0.0.10", false}, {"192.0.0.170", false},
	{"192.0.0.255", false}, {"191.255.255.255", true}, {"192.0.1.0", true},
	{"192.0.2.1", false}, {"192.0.1.255", true}, {"192.0.3.0", true},
	{"192.88.99.1", false}, {"192.88.98.255", true}, {"192.88.100.0", true},
	{"192.168.1.1", false}, {"192.167.255.255", true}, {"192.169.0.0", true},
	{"198.18.0.0", false}, {"198.19.255.255", false}, {"198.17.255.255", true}, {"198.20.0.0", true},
	{"198.51.100.7", false}, {"198.51.99.255", true}, {"198.51.101.0", true},
	{"203.0.113.9", false}, {"203.0.112.255", true}, {"203.0.114.0", true},
	{"224.0.0.1", false}, {"239.255.255.255", false}, {"223.255.255.255", true},
	{"240.0.0.1", false}, {"255.255.255.254", false}, {"255.255.255.255", false},
	{"192.31.196.1", true}, {"192.52.193.1", true}, {"192.175.48.1", true}, // AS112, AMT: globally reachable
	{"8.8.8.8", true}, {"1.1.1.1", true}, {"93.184.215.14", true},

	// IPv6 Special-Purpose Address Registry, and the space outside 2000::/3.
	{"::", false}, {"::1", false}, {"::2", false},
	{"::ffff:127.0.0.1", false}, {"::ffff:10.0.0.1", false}, {"::ffff:100.100.100.200", false},
	{"::ffff:169.254.169.254", false}, {"::ffff:8.8.8.8", true},
	{"::ffff:0:8.8.8.8", false}, {"::8.8.8.8", false}, // IPv4-translated, IPv4-compatible
	{"64:ff9b::7f00:1", false}, {"64:ff9b::a9fe:a9fe", false}, {"64:ff9b::6464:64c8", false},
	{"64:ff9b::c0a8:101", false}, {"64:ff9b::808:808", true}, {"64:ff9b::1:0:0", false},
	{"64:ff9b:1::808:808", false}, {"64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", false},
	{"100::1", false}, {"100:0:0:1::1", false},
	{"2001::1", false}, {"2001:0:4136:e378:8000:63bf:3fff:fdd2", false}, // Teredo
	{"2001:1::1", false}, {"2001:2::1", false}, {"2001:3::1", false}, {"2001:10::1", false}, {"2001:20::1", false},
	{"2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", false}, {"2001:200::1", true}, {"2000:ffff::1", true},
	{"2001:db8::1", false}, {"2001:db8:ffff::1", false}, {"2001:db7:ffff::1", true}, {"2001:db9::1", true},
	{"2002:7f00:1::1", false}, {"2002:a00:1::1", false}, {"2002:c0a8:101::", false}, {"2002:a9fe:a9fe::1", false},
	{"2002:808:808::1", true}, {"2001:ffff::1", true}, {"2003::1", true},
	{"3fff::1", false}, {"3fff:fff:ffff::1", false}, {"3fff:1000::1", true}, {"3ffe:ffff::1", true},
	{"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false}, {"4000::1", false}, {"5f00::1", false},
	{"fc00::1", false}, {"fd12:3456::1", false}, {"fe80::1", false}, {"fe80::1%eth0", false},
	{"fec0::1", false}, {"ff02::1", false}, {"ff0e::1", false}, {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false},
	{"2606:4700::1111", true}, {"2620:4f:8000::1", true}, {"2a00:1450:4001::200e", true},
}

func TestPublicAddr(t *testing.T) {
	for _, c := range guardCases {
		ip := netip.MustParseAddr(c.addr)
		if got := publicAddr(ip); got != c.public {
			t.Errorf("publicAddr(%s) = %v, want %v", c.addr, got, c.public)
		}
		port := "443"
		err := dialGuard(publicAddr)("tcp", net.JoinHostPort(c.addr, port), nil)
		if (err == nil) != c.public || (err != nil && !errors.Is(err, ErrForbiddenAddress)) {
			t.Errorf("dialGuard(%s) = %v, want allowed %v", c.addr, err, c.public)
		}
	}
	if err := dialGuard(publicAddr)("tcp", "example.com:443", nil); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("a name reached the guard unresolved and passed: %v", err)
	}
}

// TestDialGuardSeesResolvedAddress: the dialer resolves a name before its Control
// runs, so the guard judges the address actually dialled.
func TestDialGuardSeesResolvedAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	var seen []netip.Addr
	d := &net.Dialer{Control: dialGuard(func(ip netip.Addr) bool {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, ip)
		return publicAddr(ip)
	})}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	_, err = d.Dial("tcp4", net.JoinHostPort("localhost", port))
	if !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("dial of localhost: %v, want ErrForbiddenAddress", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 || !seen[0].IsLoopback() {
		t.Fatalf("the guard saw %v, want the resolved loopback address", seen)
	}
}

// TestClientRefusesPrivate: without AllowPrivate the client reaches no loopback
// address, by IP or by a .localhost name.
func TestClientRefusesPrivate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	c, err := NewHTTPClient(ClientOptions{AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	for _, u := range []string{srv.URL, "http://peer.localhost:" + port + "/", "http://[::ffff:127.0.0.1]:" + port + "/"} {
		if _, err := c.Get(u); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("GET %s: %v, want ErrForbiddenAddress", u, err)
		}
	}
}

// TestRedirectToPrivateRefused: a peer that redirects to loopback or to the cloud
// metadata address is refused when the redirect is dialled. The peer listens on
// 127.0.0.2, which the test's rule alone lets through.
func TestRedirectToPrivateRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 here: %v", err)
	}
	inner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		t.Error("the redirect reached a loopback server")
	}))
	defer inner.Close()
	peer := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			return
		}
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	peer.Listener.Close()
	peer.Listener = ln
	peer.Start()
	defer peer.Close()
	peerAddr := netip.MustParseAddr("127.0.0.2")
	c, err := newHTTPClient(ClientOptions{AllowHTTP: true}, func(ip netip.Addr) bool { return ip == peerAddr || publicAddr(ip) })
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Get(peer.URL + "/?to=" + url.QueryEscape(peer.URL+"/ok"))
	if err != nil {
		t.Fatalf("a redirect within the allowed peer: %v", err)
	}
	resp.Body.Close()
	for _, to := range []string{inner.URL + "/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:1/", "http://100.100.100.200/"} {
		if _, err := c.Get(peer.URL + "/?to=" + url.QueryEscape(to)); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("redirect to %s: %v, want ErrForbiddenAddress", to, err)
		}
	}
}
