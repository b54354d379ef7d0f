package moderation

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// MXResolver looks up where an e-mail domain's mail goes, for the email domain
// blocks (CheckSignUp): its MX hosts and the addresses of the domain and of those
// hosts, as Mastodon's EmailMxValidator resolves them.
type MXResolver struct {
	// Nameserver is the DNS server asked (host:port, or a host for port 53); empty:
	// the first of the system's (/etc/resolv.conf), else 127.0.0.1:53.
	Nameserver string
	// Timeout bounds each query; default 5 s, as Mastodon's.
	Timeout time.Duration
	// Budget bounds a whole lookup (every query of it); default 10 s.
	Budget time.Duration
}

// maxMXHosts bounds how many MX hosts of a domain are resolved.
const maxMXHosts = 10

func (r *MXResolver) server() string {
	if r.Nameserver != "" {
		if _, _, err := net.SplitHostPort(r.Nameserver); err != nil {
			return net.JoinHostPort(r.Nameserver, "53")
		}
		return r.Nameserver
	}
	if conf, err := dns.ClientConfigFromFile("/etc/resolv.conf"); err == nil && len(conf.Servers) > 0 {
		return net.JoinHostPort(conf.Servers[0], conf.Port)
	}
	return "127.0.0.1:53"
}

// Lookup returns the MX hosts of domain (lower-cased, without the final dot) and
// the IP addresses of domain and of those hosts (A and AAAA). A failed query is an
// error; a name without such records gives none.
func (r *MXResolver) Lookup(ctx context.Context, domain string) (hosts, ips []string, err error) {
	timeout, budget := r.Timeout, r.Budget
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	if budget <= 0 {
		budget = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	c, server := &dns.Client{Timeout: timeout}, r.server()
	mx, err := query(ctx, c, server, domain, dns.TypeMX)
	if err != nil {
		return nil, nil, err
	}
	for _, rr := range mx {
		if m, ok := rr.(*dns.MX); ok && len(hosts) < maxMXHosts {
			if h := strings.TrimSuffix(strings.ToLower(m.Mx), "."); h != "" && !slices.Contains(hosts, h) {
				hosts = append(hosts, h)
			}
		}
	}
	for _, name := range append([]string{domain}, hosts...) {
		for _, t := range []uint16{dns.TypeA, dns.TypeAAAA} {
			rrs, err := query(ctx, c, server, name, t)
			if err != nil {
				return hosts, ips, err
			}
			ips = appendAddrs(ips, rrs)
		}
	}
	return hosts, ips, nil
}

// appendAddrs adds the addresses of A and AAAA records to ips.
func appendAddrs(ips []string, rrs []dns.RR) []string {
	for _, rr := range rrs {
		var ip net.IP
		switch a := rr.(type) {
		case *dns.A:
			ip = a.A
		case *dns.AAAA:
			ip = a.AAAA
		}
		if ip != nil && !slices.Contains(ips, ip.String()) {
			ips = append(ips, ip.String())
		}
	}
	return ips
}

// query asks server for the records of type t of name; a name that does not exist
// gives none.
func query(ctx context.Context, c *dns.Client, server, name string, t uint16) ([]dns.RR, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), t)
	in, _, err := c.ExchangeContext(ctx, m, server)
	if err != nil {
		return nil, fmt.Errorf("resolve %s %s: %w", dns.TypeToString[t], name, err)
	}
	switch in.Rcode {
	case dns.RcodeSuccess, dns.RcodeNameError:
		return in.Answer, nil
	}
	return nil, fmt.Errorf("resolve %s %s: %s", dns.TypeToString[t], name, dns.RcodeToString[in.Rcode])
}
