package main

import (
	"net/url"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// TestAdminSettingsRegistrations: herd admin settings registrations, run in the
// serving node, changes who may register at once, over the configuration (the
// instance, NodeInfo and sign-ups agree), and reset gives the configuration back.
func TestAdminSettingsRegistrations(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(c *node.Config) {
		c.Ops, c.Registrations, c.RateLimit = "127.0.0.1:0", "open", -1
	}))
	n := c.Nodes[0]
	n.SetAdminRunner(runAdminInNode)
	on := []string{"--ops", n.OpsAddr(), "--domain", n.Config().Domain, "--data", n.Config().Data}
	k := 0
	check := func(enabled, approval bool) {
		t.Helper()
		var inst struct {
			Registrations struct {
				Enabled          bool `json:"enabled"`
				ApprovalRequired bool `json:"approval_required"`
				ReasonRequired   bool `json:"reason_required"`
			} `json:"registrations"`
		}
		c.Must(c.Do("GET", "/api/v2/instance", "", nil), 200).JSON(t, &inst)
		var v1 struct {
			Registrations    bool `json:"registrations"`
			ApprovalRequired bool `json:"approval_required"`
		}
		c.Must(c.Do("GET", "/api/v1/instance", "", nil), 200).JSON(t, &v1)
		var ni struct {
			OpenRegistrations bool `json:"openRegistrations"`
		}
		c.Must(c.Do("GET", "/nodeinfo/2.1", "", nil), 200).JSON(t, &ni)
		r := inst.Registrations
		if r.Enabled != enabled || r.ApprovalRequired != approval || r.ReasonRequired != approval ||
			v1.Registrations != enabled || v1.ApprovalRequired != approval || ni.OpenRegistrations != enabled {
			t.Fatalf("v2 %+v, v1 %+v, NodeInfo %v; want enabled %v, approval %v", r, v1, ni.OpenRegistrations, enabled, approval)
		}
		k++
		name := "carol" + string(rune('a'+k))
		form := url.Values{"username": {name}, "email": {name + "@example.com"},
			"password": {"correct horse battery"}, "agreement": {"true"}}
		want := 200
		switch {
		case !enabled:
			want = 403
		case approval:
			want = 422 // no reason given
		}
		c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), form), want)
	}
	check(true, false)
	mustCLI(t, on, "registrations: open, from the configuration", "settings", "registrations")
	mustCLI(t, on, "registrations: closed, from herd admin settings", "settings", "registrations", "closed")
	check(false, false)
	mustCLI(t, on, "registrations: approval, from herd admin settings", "settings", "registrations", "approved")
	check(true, true)
	mustCLI(t, on, "registrations: open, from the configuration", "settings", "registrations", "reset")
	check(true, false)
	for _, bad := range [][]string{{"registrations", "sometimes"}, {"registrations", "open", "closed"}, {}} {
		if _, err := cli(t, on, "settings", "", bad...); exitCode(err) != 2 {
			t.Errorf("admin settings %v: %v (exit %d), want a usage error", bad, err, exitCode(err))
		}
	}
}
