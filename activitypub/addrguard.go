package activitypub

import (
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// blockedV4 are the IPv4 destinations the outbound client refuses. They come from the
// IANA IPv4 Special-Purpose Address Registry
// (https://www.iana.org/assignments/iana-ipv4-special-registry), every entry whose
// "Globally Reachable" is False, plus what is no public unicast destination:
// multicast (224.0.0.0/4, IANA IPv4 Multicast Address Space Registry) and the
// deprecated 6to4 relay anycast. The registry's globally reachable entries that are
// public unicast services (AS112 192.31.196.0/24 and 192.175.48.0/24, AMT
// 192.52.193.0/24) stay reachable. The two globally reachable /32s inside
// 192.0.0.0/24 (PCP and TURN anycast, 192.0.0.9 and .10) are refused with the rest
// of that block: no peer serves ActivityPub there.
var blockedV4 = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),          // "this network" (RFC 791), with 0.0.0.0/32
	netip.MustParsePrefix("10.0.0.0/8"),         // private use (RFC 1918)
	netip.MustParsePrefix("100.64.0.0/10"),      // shared address space, carrier NAT and cloud metadata (RFC 6598)
	netip.MustParsePrefix("127.0.0.0/8"),        // loopback (RFC 1122)
	netip.MustParsePrefix("169.254.0.0/16"),     // link local, cloud metadata (RFC 3927)
	netip.MustParsePrefix("172.16.0.0/12"),      // private use (RFC 1918)
	netip.MustParsePrefix("192.0.0.0/24"),       // IETF protocol assignments (RFC 6890), with its /29, .8, .170, .171
	netip.MustParsePrefix("192.0.2.0/24"),       // documentation TEST-NET-1 (RFC 5737)
	netip.MustParsePrefix("192.88.99.0/24"),     // deprecated 6to4 relay anycast (RFC 7526)
	netip.MustParsePrefix("192.168.0.0/16"),     // private use (RFC 1918)
	netip.MustParsePrefix("198.18.0.0/15"),      // benchmarking (RFC 2544)
	netip.MustParsePrefix("198.51.100.0/24"),    // documentation TEST-NET-2 (RFC 5737)
	netip.MustParsePrefix("203.0.113.0/24"),     // documentation TEST-NET-3 (RFC 5737)
	netip.MustParsePrefix("224.0.0.0/4"),        // multicast (RFC 5771)
	netip.MustParsePrefix("240.0.0.0/4"),        // reserved (RFC 1112)
	netip.MustParsePrefix("255.255.255.255/32"), // limited broadcast (RFC 919), inside 240.0.0.0/4 too
}

// globalUnicastV6 is the only IPv6 space IANA allocates for global unicast (IANA IPv6
// Address Space Registry). Everything outside it is refused: the unspecified and
// loopback addresses, IPv4-compatible (::/96) and IPv4-translated (::ffff:0:0:0/96)
// forms, discard-only 100::/64, 64:ff9b:1::/48 (local-use translation), SRv6
// 5f00::/16, unique local fc00::/7, link local fe80::/10 and multicast ff00::/8. The
// two forms that embed an IPv4 address a peer may really have are checked before:
// IPv4-mapped ::ffff:0:0/96 and the well-known NAT64 prefix 64:ff9b::/96 (RFC 6052,
// globally reachable, the route of IPv6-only hosts to IPv4 peers).
var globalUnicastV6 = netip.MustParsePrefix("2000::/3")

// nat64 is the well-known NAT64 prefix: its last 32 bits are an IPv4 address.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// sixToFour is 6to4 (RFC 3056): bits 16 to 47 are an IPv4 address.
var sixToFour = netip.MustParsePrefix("2002::/16")

// blockedV6 are the entries of the IANA IPv6 Special-Purpose Address Registry
// (https://www.iana.org/assignments/iana-ipv6-special-registry) inside 2000::/3
// that the client refuses. 2001::/23 (IETF protocol assignments, not globally
// reachable) is refused whole, Teredo 2001::/32 with it: Teredo is a deprecated
// tunnel whose embedded client address is obfuscated and unrelated to where the
// packets go, and the block's globally reachable exceptions (PCP, TURN and DNS-SD
// anycast, AMT, AS112, ORCHIDv2, drone identifiers) host no ActivityPub peer.
// AS112-v6 2620:4f:8000::/48 stays reachable, as its IPv4 twin.
var blockedV6 = []netip.Prefix{
	netip.MustParsePrefix("2001::/23"),     // IETF protocol assignments (RFC 2928), Teredo, benchmarking, ORCHID
	netip.MustParsePrefix("2001:db8::/32"), // documentation (RFC 3849)
	netip.MustParsePrefix("3fff::/20"),     // documentation (RFC 9637)
}

// publicAddr reports whether the outbound client may connect to ip: a public unicast
// address by the IANA special-purpose registries. IPv6 forms that embed an IPv4
// address (mapped, NAT64, 6to4) are judged by that IPv4 address.
func publicAddr(ip netip.Addr) bool {
	ip = ip.WithZone("")
	if ip.Is4In6() {
		ip = ip.Unmap()
	}
	if ip.Is4() {
		for _, p := range blockedV4 {
			if p.Contains(ip) {
				return false
			}
		}
		return true
	}
	if !ip.Is6() {
		return false
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		return publicAddr(netip.AddrFrom4([4]byte(b[12:16])))
	case sixToFour.Contains(ip):
		return publicAddr(netip.AddrFrom4([4]byte(b[2:6])))
	case !globalUnicastV6.Contains(ip):
		return false
	}
	for _, p := range blockedV6 {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// dialGuard is the dialer's Control: it runs after name resolution, once per address
// tried (so for every redirect's connection too), and refuses an address allow
// rejects. An address that is not an IP literal is refused.
func dialGuard(allow func(netip.Addr) bool) func(network, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return fmt.Errorf("%w: %q", ErrForbiddenAddress, address)
		}
		ip, err := netip.ParseAddr(host)
		if err != nil || !allow(ip) {
			return fmt.Errorf("%w: %s", ErrForbiddenAddress, host)
		}
		return nil
	}
}
