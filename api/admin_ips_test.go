package api_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

type adminIPs struct {
	IP  *string `json:"ip"`
	IPs []struct {
		IP     string `json:"ip"`
		UsedAt string `json:"used_at"`
	} `json:"ips"`
}

// TestAdminAccountIPs: the address a user signs up from and those its token is used
// from are kept with their last use (rewritten at most once an hour), shown in
// Admin::Account (ip the last used) and matched, as an address or a network, by the
// ip filter of both admin account lists; anything else matches nothing.
func TestAdminAccountIPs(t *testing.T) {
	clk := newClock()
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.Clock = clk.Now }))
	ctx := context.Background()
	n := c.Nodes[0]
	if err := n.AdminCreateAccount(ctx, "mod", "mod@example.com", "correct horse battery", true); err != nil {
		t.Fatal(err)
	}
	modTok, err := n.AdminToken(ctx, "mod", "read admin:read")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := n.Accounts.Lookup(ctx, "mod", "")
	if err != nil {
		t.Fatal(err)
	}
	from := func(ip string) http.Header { return http.Header{"X-Forwarded-For": {ip}} }
	signUp := func(name, ip string) (id, token string) {
		r := c.Must(c.DoWithHeaders("POST", "/api/v1/accounts", c.AppToken(), url.Values{"username": {name},
			"email": {name + "@example.com"}, "password": {"correct horse battery"}, "agreement": {"true"},
			"locale": {"en"}}, from(ip)), 200)
		tok := testrig.Decode[testrig.Token](t, r).AccessToken
		a, err := n.Accounts.Lookup(ctx, name, "")
		if err != nil {
			t.Fatal(err)
		}
		return a.ID.String(), tok
	}
	carol, carolTok := signUp("carol", "203.0.113.7")
	dave, _ := signUp("dave", "2001:db8::1")
	use := func(tok, ip string) {
		c.Must(c.DoWithHeaders("GET", "/api/v1/accounts/verify_credentials", tok, nil, from(ip)), 200)
	}
	show := func(id string) adminIPs {
		var a adminIPs
		c.Must(c.Do("GET", "/api/v1/admin/accounts/"+id, modTok, nil), 200).JSON(t, &a)
		return a
	}

	clk.Advance(time.Minute)
	use(carolTok, "198.51.100.1")
	first := clk.Now()
	clk.Advance(10 * time.Minute)
	use(carolTok, "198.51.100.1") // within the hour: not written again
	a := show(carol)
	if a.IP == nil || *a.IP != "198.51.100.1" || len(a.IPs) != 2 || a.IPs[0].IP != "198.51.100.1" ||
		a.IPs[0].UsedAt != first.Format("2006-01-02T15:04:05.000Z") || a.IPs[1].IP != "203.0.113.7" {
		t.Errorf("carol's addresses: %+v", a)
	}
	clk.Advance(2 * time.Hour)
	use(carolTok, "198.51.100.1")
	if a := show(carol); len(a.IPs) != 2 || a.IPs[0].UsedAt != clk.Now().Format("2006-01-02T15:04:05.000Z") {
		t.Errorf("carol's addresses an hour later: %+v", a)
	}
	if a := show(dave); a.IP == nil || *a.IP != "2001:db8::1" || len(a.IPs) != 1 {
		t.Errorf("dave's addresses: %+v", a)
	}

	for _, tc := range []struct {
		path, ip string
		want     []string
	}{
		{"/api/v1/admin/accounts", "203.0.113.7", []string{carol}},
		{"/api/v1/admin/accounts", "198.51.100.0/24", []string{carol}},
		{"/api/v2/admin/accounts", "198.51.0.0/16", []string{carol}},
		{"/api/v2/admin/accounts", "2001:db8::/32", []string{dave}},
		{"/api/v2/admin/accounts", "0.0.0.0/0", []string{carol, mod.ID.String()}},
		{"/api/v1/admin/accounts", "127.0.0.1", []string{mod.ID.String()}},
		{"/api/v1/admin/accounts", "10.0.0.0/8", nil},
		{"/api/v1/admin/accounts", "203.0.113.8", nil},
		{"/api/v1/admin/accounts", "not an address", nil},
	} {
		got := idsOf(t, c.Must(c.Do("GET", tc.path, modTok, url.Values{"ip": {tc.ip}}), 200))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s ip=%s: %v, want %v", tc.path, tc.ip, got, tc.want)
		}
	}
}
