package api_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestAdminReportNotifications: staff who may manage reports are told of a report
// (admin.report, with the report) unless its target already has an open one; others
// are not; a resolved report lets the next one through again. The notification comes
// through v1, v2, the user stream and push alike.
func TestAdminReportNotifications(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "reports"))
	_, modTok := c.RegisterModerator("mod")
	c.RegisterWithRole("ada", "admin")
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	tok, err := c.Nodes[0].AdminToken(context.Background(), "mod", "read push")
	if err != nil {
		t.Fatal(err)
	}
	phone := newDevice(t)
	ps := newPushService(t, map[string]*device{"/phone": phone})
	e := subscribe(t, c, tok, phone.form(ps.URL+"/phone", map[string]bool{"admin.report": true}, "all"))
	learnServerKey(e.ServerKey)

	report := func(by *testrig.User, target *testrig.User) testrig.Report {
		return testrig.Decode[testrig.Report](t, c.Must(by.Do("POST", "/api/v1/reports",
			url.Values{"account_id": {target.ID}, "comment": {"spam"}}), 200))
	}
	first := report(alice, carol)
	report(bob, carol) // carol has an open report: nobody is told again
	type notice struct {
		Type    string `json:"type"`
		Account struct {
			Username string `json:"username"`
		} `json:"account"`
		Report *struct {
			ID            string `json:"id"`
			Comment       string `json:"comment"`
			TargetAccount struct {
				Username string `json:"username"`
			} `json:"target_account"`
		} `json:"report"`
	}
	reportsOf := func(token string) []notice {
		var ns []notice
		c.Must(c.Do("GET", "/api/v1/notifications?types[]=admin.report", token, nil), 200).JSON(t, &ns)
		return ns
	}
	testrig.Eventually(t, "mod's notification", func() error {
		if ns := reportsOf(modTok); len(ns) != 1 {
			return fmt.Errorf("%d admin.report notifications", len(ns))
		}
		return nil
	})
	n := reportsOf(modTok)[0]
	if n.Type != "admin.report" || n.Account.Username != "alice" || n.Report == nil || n.Report.ID != first.ID ||
		n.Report.Comment != "spam" || n.Report.TargetAccount.Username != "carol" {
		t.Fatalf("mod's notification %+v", n)
	}
	if got := ps.waitPushes(t, "/phone", 1)[0]; got.NotificationType != "admin.report" || got.Title != "alice submitted a report" {
		t.Errorf("pushed %+v", got)
	}
	if ns := reportsOf(alice.Token); len(ns) != 0 {
		t.Errorf("a user without the permission was told: %+v", ns)
	}
	type group struct {
		Type   string `json:"type"`
		Report *struct {
			ID string `json:"id"`
		} `json:"report"`
	}
	var groups struct {
		NotificationGroups []group `json:"notification_groups"`
	}
	c.Must(c.Do("GET", "/api/v2/notifications", modTok, nil), 200).JSON(t, &groups)
	i := slices.IndexFunc(groups.NotificationGroups, func(g group) bool { return g.Type == "admin.report" })
	if i < 0 || groups.NotificationGroups[i].Report == nil || groups.NotificationGroups[i].Report.ID != first.ID {
		t.Errorf("v2 groups %+v", groups.NotificationGroups)
	}

	// Once carol's reports are resolved, a new one is told again.
	for _, open := range testrig.Decode[[]testrig.Report](t, c.Must(c.Do("GET", "/api/v1/admin/reports?target_account_id="+carol.ID, modTok, nil), 200)) {
		c.Must(c.Do("POST", "/api/v1/admin/reports/"+open.ID+"/resolve", modTok, nil), 200)
	}
	report(bob, carol)
	testrig.Eventually(t, "the second notification", func() error {
		if ns := reportsOf(modTok); len(ns) != 2 || ns[0].Account.Username != "bob" {
			return fmt.Errorf("%+v", ns)
		}
		return nil
	})
}
