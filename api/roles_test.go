package api_test

import (
	"context"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/testrig"
)

// moderatorPermissions is Mastodon's Moderator role: invite_users, view_dashboard,
// view_audit_log, manage_users, manage_reports, manage_taxonomies.
const moderatorPermissions = "66844" // 65536+8+4+1024+16+256

func roleOf(t *testing.T, c *testrig.Cluster, tok string) map[string]any {
	t.Helper()
	role, _ := c.Must(c.Do("GET", "/api/v1/accounts/verify_credentials", tok, nil), 200).Object(t)["role"].(map[string]any)
	return role
}

func badges(t *testing.T, c *testrig.Cluster, id string) []any {
	t.Helper()
	roles, _ := c.Must(c.Do("GET", "/api/v1/accounts/"+id, "", nil), 200).Object(t)["roles"].([]any)
	return roles
}

func forbidden(t *testing.T, r *testrig.Response, what string) {
	t.Helper()
	if r.Code != 403 || !strings.Contains(string(r.Body), `"This action is not allowed"`) {
		t.Errorf("%s: %d %s, want 403 This action is not allowed", what, r.Code, r.Body)
	}
}

// TestModeratorRole: Mastodon's Moderator acts on reports and on accounts below it,
// but not on domain blocks, webhooks, roles, or the Owner; its role and badge render.
func TestModeratorRole(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	owner, _ := c.RegisterModerator("owner")
	mod, tok := c.RegisterWithRole("mod", "Moderator")
	c.Must(alice.Do("POST", "/api/v1/reports", url.Values{"account_id": {bob.ID}, "comment": {"spam"}}), 200)
	reports := c.Must(c.Do("GET", "/api/v1/admin/reports", tok, nil), 200).List(t)
	if len(reports) != 1 {
		t.Fatalf("the moderator sees %d reports", len(reports))
	}
	c.Must(c.Do("POST", "/api/v1/admin/reports/"+reports[0]["id"].(string)+"/resolve", tok, nil), 200)
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+bob.ID+"/action", tok, url.Values{"type": {"silence"}}), 200)
	forbidden(t, c.Do("POST", "/api/v1/admin/accounts/"+owner.ID+"/action", tok, url.Values{"type": {"silence"}}), "silence the owner")
	forbidden(t, c.Do("GET", "/api/v1/admin/domain_blocks", tok, nil), "list domain blocks")
	forbidden(t, c.Do("POST", "/api/v1/admin/domain_blocks", tok, url.Values{"domain": {"spam.example"}}), "block a domain")
	forbidden(t, c.Do("GET", "/api/v1/admin/webhooks", tok, nil), "list webhooks")
	forbidden(t, c.Do("GET", "/api/v1/admin/roles", tok, nil), "list roles")
	forbidden(t, c.Do("PUT", "/api/v1/admin/accounts/"+alice.ID+"/role", tok, url.Values{"role_id": {"1"}}), "give a role")
	forbidden(t, c.Do("DELETE", "/api/v1/admin/accounts/"+bob.ID, tok, nil), "delete an account")

	want := map[string]any{"id": "1", "name": "Moderator", "color": "", "permissions": moderatorPermissions, "highlighted": true}
	if got := roleOf(t, c, tok); !sameJSON(got, want) {
		t.Errorf("the moderator's role: %v, want %v", got, want)
	}
	if got := badges(t, c, mod.ID); len(got) != 1 || !sameJSON(got[0], map[string]any{"id": "1", "name": "Moderator", "color": ""}) {
		t.Errorf("the moderator's badges: %v", got)
	}
	if got := badges(t, c, alice.ID); len(got) != 0 {
		t.Errorf("alice's badges: %v", got)
	}
	admin := c.Must(c.Do("GET", "/api/v1/admin/accounts/"+mod.ID, tok, nil), 200).Object(t)
	if !sameJSON(admin["role"], want) {
		t.Errorf("Admin::Account role: %v", admin["role"])
	}
}

// TestCustomRoleManageRules: a role holding manage_rules alone opens the rule
// routes and no other admin route (walked from the router); its badge shows once
// it is highlighted.
func TestCustomRoleManageRules(t *testing.T) {
	c := testrig.New(t)
	_, owner := c.RegisterModerator("owner")
	keeper := c.Register("keeper")
	created := c.Must(c.Do("POST", "/api/v1/admin/roles", owner, url.Values{"name": {"Rulekeeper"}, "position": {"5"},
		"permissions[]": {"manage_rules"}, "color": {"#aabbcc"}}), 200).Object(t)
	id := created["id"].(string)
	if created["permissions"] != "69632" || created["highlighted"] != false { // manage_rules + the everyone role's invite_users
		t.Fatalf("created role: %v", created)
	}
	c.Must(c.Do("PUT", "/api/v1/admin/accounts/"+keeper.ID+"/role", owner, url.Values{"role_id": {id}}), 200)
	tok, err := c.Nodes[0].AdminToken(context.Background(), "keeper", "admin:read admin:write")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for method, list := range c.Nodes[0].Routes() {
		for _, route := range list {
			if !strings.HasPrefix(route, "/api/v1/admin/") && !strings.HasPrefix(route, "/api/v2/admin/") {
				continue
			}
			r := c.Do(method, routeParam.ReplaceAllString(route, "1"), tok, nil)
			rules := strings.HasPrefix(route, "/api/v1/admin/rules") || strings.HasPrefix(route, "/api/v1/admin/content_rules")
			if rules {
				n++
				if r.Code == 403 || r.Code == 401 {
					t.Errorf("%s %s with manage_rules: %d %s", method, route, r.Code, r.Body)
				}
			} else if r.Code != 403 {
				t.Errorf("%s %s with manage_rules only: %d, want 403", method, route, r.Code)
			}
		}
	}
	if n != 10 {
		t.Errorf("%d rule routes, want 10", n)
	}
	c.Must(c.Do("POST", "/api/v1/admin/rules", tok, url.Values{"text": {"Be kind"}}), 200)
	if got := badges(t, c, keeper.ID); len(got) != 0 {
		t.Errorf("a role not highlighted shows: %v", got)
	}
	c.Must(c.Do("PUT", "/api/v1/admin/roles/"+id, owner, url.Values{"highlighted": {"true"}}), 200)
	want := map[string]any{"id": id, "name": "Rulekeeper", "color": "#aabbcc"}
	if got := badges(t, c, keeper.ID); len(got) != 1 || !sameJSON(got[0], want) {
		t.Errorf("badges: %v, want %v", got, want)
	}
	c.Must(c.Do("DELETE", "/api/v1/admin/roles/"+id, owner, nil), 200)
	if r := roleOf(t, c, c.Register("x").Token); r["id"] != "-99" {
		t.Errorf("a user's role: %v", r)
	}
	forbidden(t, c.Do("GET", "/api/v1/admin/rules", tok, nil), "rules after the role was removed")
}

// TestEveryoneRole: the everyone role's permissions are every user's, and it may hold
// no more than Mastodon lets it (invite_users). A role with manage_reports alone acts
// on accounts (Mastodon's suspend? takes either) but does not read them.
func TestEveryoneRole(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	_, owner := c.RegisterModerator("owner")
	c.Must(c.Do("POST", "/api/v1/admin/roles", owner, url.Values{"name": {"Reports"}, "position": {"5"},
		"permissions": {"manage_reports"}}), 200)
	_, mod := c.RegisterWithRole("mod", "reports")
	if p := roleOf(t, c, mod)["permissions"]; p != "65552" {
		t.Errorf("manage_reports with the everyone role's invite_users: %v", p)
	}
	if r := roleOf(t, c, alice.Token); !sameJSON(r, map[string]any{"id": "-99", "name": "", "color": "",
		"permissions": "65536", "highlighted": false}) {
		t.Errorf("alice's role: %v", r)
	}
	r := c.Do("PUT", "/api/v1/admin/roles/-99", owner, url.Values{"permissions[]": {"manage_reports"}})
	if r.Code != 422 {
		t.Errorf("give everyone manage_reports: %d %s", r.Code, r.Body)
	}
	forbidden(t, c.Do("DELETE", "/api/v1/admin/roles/-99", owner, nil), "delete the everyone role")
	target := c.Register("target")
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+target.ID+"/action", mod, url.Values{"type": {"silence"}}), 200)
	forbidden(t, c.Do("GET", "/api/v1/admin/accounts/"+target.ID, mod, nil), "show an account with manage_reports")
	c.Must(c.Do("PUT", "/api/v1/admin/roles/-99", owner, url.Values{"permissions": {"0"}}), 200)
	if p := roleOf(t, c, alice.Token)["permissions"]; p != "0" {
		t.Errorf("alice's permissions with an empty everyone role: %v", p)
	}
	if p := roleOf(t, c, mod)["permissions"]; p != "16" {
		t.Errorf("manage_reports without the everyone role's invite_users: %v", p)
	}
	if p := roleOf(t, c, owner)["permissions"]; p != "1048575" {
		t.Errorf("the owner's permissions: %v", p)
	}
}

// TestRolePositions: a role hands out, creates and changes only roles below its
// own position, with privileges it holds, and never changes its own privileges.
func TestRolePositions(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	owner, ownerTok := c.RegisterModerator("owner")
	admin, tok := c.RegisterWithRole("admin", "Admin")
	assign := func(who, role string) *testrig.Response {
		return c.Do("PUT", "/api/v1/admin/accounts/"+who+"/role", tok, url.Values{"role_id": {role}})
	}
	got := c.Must(assign(alice.ID, "1"), 200).Object(t)
	if r, _ := got["role"].(map[string]any); r == nil || r["id"] != "1" {
		t.Fatalf("alice made a moderator: %v", got["role"])
	}
	forbidden(t, assign(alice.ID, "2"), "give the Admin's own position")
	forbidden(t, assign(alice.ID, "3"), "give the Owner role")
	forbidden(t, assign(owner.ID, "-99"), "take the Owner's role away")
	forbidden(t, c.Do("POST", "/api/v1/admin/roles", tok, url.Values{"name": {"High"}, "position": {"200"}}), "a role above")
	forbidden(t, c.Do("POST", "/api/v1/admin/roles", tok, url.Values{"name": {"Root"}, "position": {"50"},
		"permissions[]": {"administrator"}}), "a privilege the Admin lacks")
	forbidden(t, c.Do("PUT", "/api/v1/admin/roles/2", tok, url.Values{"permissions[]": {"manage_reports"}}), "change its own privileges")
	forbidden(t, c.Do("PUT", "/api/v1/admin/roles/3", tok, url.Values{"name": {"Boss"}}), "change the Owner role")
	c.Must(c.Do("PUT", "/api/v1/admin/roles/2", tok, url.Values{"color": {"#f00"}}), 200)
	c.Must(c.Do("POST", "/api/v1/admin/roles", tok, url.Values{"name": {"Helper"}, "position": {"50"},
		"permissions[]": {"manage_reports", "manage_rules"}}), 200)
	c.Must(assign(alice.ID, "-99"), 200)
	if r := roleOf(t, c, alice.Token); r["id"] != "-99" {
		t.Errorf("alice's role taken away: %v", r)
	}
	c.Must(c.Do("PUT", "/api/v1/admin/accounts/"+alice.ID+"/role", ownerTok, url.Values{"role_id": {"2"}}), 200)
	log, err := c.Nodes[0].Reports.AuditLog(context.Background(), paging.Page{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		if e.AccountID.String() == admin.ID || e.AccountID.String() == owner.ID {
			actions = append(actions, e.Action+" "+e.Target)
		}
	}
	want := "change_role alice,change_role alice,create_user_role Helper,update_user_role Admin,change_role alice"
	if strings.Join(actions, ",") != want {
		t.Errorf("audit log: %q, want %q", strings.Join(actions, ","), want)
	}
}

// TestLegacyAdminIsOwner: a user saved with the admin flag of before roles (and no
// role) is the Owner, with no backfill.
func TestLegacyAdminIsOwner(t *testing.T) {
	c := testrig.New(t)
	c.Register("old")
	ctx := context.Background()
	n := c.Nodes[0]
	a, err := n.Accounts.Lookup(ctx, "old", "")
	if err != nil {
		t.Fatal(err)
	}
	u, err := n.Accounts.User(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	u.Admin = true
	if err := n.Accounts.SaveUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	tok, err := n.AdminToken(ctx, "old", "read admin:read admin:write")
	if err != nil {
		t.Fatal(err)
	}
	if r := roleOf(t, c, tok); r["id"] != "3" || r["name"] != "Owner" || r["permissions"] != "1048575" {
		t.Errorf("the old admin's role: %v", r)
	}
	c.Must(c.Do("GET", "/api/v1/admin/webhooks", tok, nil), 200)
	c.Must(c.Do("GET", "/api/v1/admin/roles", tok, nil), 200)
}

func sameJSON(got, want any) bool { return reflect.DeepEqual(got, want) }
