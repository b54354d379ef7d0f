package moderation_test

import (
	"net"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// mailZone is the loopback DNS server's answers: MX hosts by domain, addresses by
// host; a domain in failing answers SERVFAIL.
type mailZone struct {
	mx      map[string][]string
	addrs   map[string][]string
	failing map[string]bool
}

func (z mailZone) ServeDNS(w dns.ResponseWriter, r *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(r)
	q := r.Question[0]
	name := strings.TrimSuffix(strings.ToLower(q.Name), ".")
	switch {
	case z.failing[name]:
		m.Rcode = dns.RcodeServerFailure
	case q.Qtype == dns.TypeMX:
		for i, h := range z.mx[name] {
			m.Answer = append(m.Answer, &dns.MX{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeMX, Class: dns.ClassINET, Ttl: 60},
				Preference: uint16(10 * (i + 1)), Mx: dns.Fqdn(h)})
		}
	case q.Qtype == dns.TypeA:
		for _, a := range z.addrs[name] {
			if ip := net.ParseIP(a); ip.To4() != nil {
				m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: ip})
			}
		}
	case q.Qtype == dns.TypeAAAA:
		for _, a := range z.addrs[name] {
			if ip := net.ParseIP(a); ip.To4() == nil {
				m.Answer = append(m.Answer, &dns.AAAA{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeAAAA, Class: dns.ClassINET, Ttl: 60}, AAAA: ip})
			}
		}
	}
	if len(m.Answer) == 0 && m.Rcode == dns.RcodeSuccess && z.mx[name] == nil && z.addrs[name] == nil {
		m.Rcode = dns.RcodeNameError
	}
	_ = w.WriteMsg(m)
}

// serveZone starts a DNS server on a loopback UDP port and returns its address.
func serveZone(t *testing.T, z mailZone) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: z}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return pc.LocalAddr().String()
}

var testZone = mailZone{
	mx: map[string][]string{"mail.example": {"mx1.spamhost.example", "mx2.spamhost.example"},
		"byip.example": {"mx.elsewhere.example"}, "clean.example": {"mx.clean.example"}},
	addrs: map[string][]string{"mx1.spamhost.example": {"192.0.2.10"}, "mx2.spamhost.example": {"2001:db8::10"},
		"mx.elsewhere.example": {"198.51.100.7"}, "mx.clean.example": {"192.0.2.20"}, "clean.example": {"192.0.2.21"}},
	failing: map[string]bool{"broken.example": true},
}

func TestMXResolverLookup(t *testing.T) {
	r := &moderation.MXResolver{Nameserver: serveZone(t, testZone)}
	hosts, ips, err := r.Lookup(t.Context(), "mail.example")
	if err != nil || !slices.Equal(hosts, []string{"mx1.spamhost.example", "mx2.spamhost.example"}) ||
		!slices.Equal(ips, []string{"192.0.2.10", "2001:db8::10"}) {
		t.Fatalf("mail.example: %v %v %v", hosts, ips, err)
	}
	if hosts, ips, err := r.Lookup(t.Context(), "clean.example"); err != nil || len(hosts) != 1 || !slices.Equal(ips, []string{"192.0.2.21", "192.0.2.20"}) {
		t.Fatalf("clean.example: %v %v %v", hosts, ips, err)
	}
	if hosts, ips, err := r.Lookup(t.Context(), "nowhere.example"); err != nil || len(hosts)+len(ips) != 0 {
		t.Fatalf("a name that does not exist: %v %v %v", hosts, ips, err)
	}
	if _, _, err := r.Lookup(t.Context(), "broken.example"); err == nil {
		t.Fatal("a failing server gave no error")
	}
}

// TestEmailDomainBlockMX blocks a mail provider by its MX hosts' domain and by an
// address of an MX host: sign-ups whose domains' mail goes there are refused, others
// pass, and a DNS failure refuses no one.
func TestEmailDomainBlockMX(t *testing.T) {
	server := serveZone(t, testZone)
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.EmailDNS = server }))
	_, tok := c.RegisterModerator("mod")
	for _, d := range []string{"spamhost.example", "198.51.100.7"} {
		c.Must(c.Do("POST", "/api/v1/admin/email_domain_blocks", tok, url.Values{"domain": {d}}), 200)
	}
	for i, tc := range []struct {
		domain string
		code   int
	}{
		{"mail.example", 422}, {"byip.example", 422}, {"spamhost.example", 422},
		{"clean.example", 200}, {"broken.example", 200}, {"nowhere.example", 200},
	} {
		r := c.Do("POST", "/api/v1/accounts", c.AppToken(), url.Values{"username": {"user" + string(rune('a'+i))},
			"email": {"someone@" + tc.domain}, "password": {"correct horse battery"}, "agreement": {"true"}, "locale": {"en"}})
		if r.Code != tc.code || (tc.code == 422 && !strings.Contains(string(r.Body), "ERR_BLOCKED")) {
			t.Errorf("sign-up at %s: %d %s, want %d", tc.domain, r.Code, r.Body, tc.code)
		}
	}
}
