package moderation_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

func TestFileReport(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	post := bob.Post("something reportable")
	secret := bob.Post("for followers", "visibility", "private")

	rep := c.Must(alice.Do("POST", "/api/v1/reports", url.Values{"account_id": {bob.ID},
		"status_ids[]": {post["id"].(string)}, "comment": {"spam!"}, "category": {"spam"}, "forward": {"true"}}), 200).Object(t)
	if rep["category"] != "spam" || rep["comment"] != "spam!" || rep["action_taken"] != false || rep["forwarded"] != false {
		t.Fatalf("report: %v", rep)
	}
	if ids := rep["status_ids"].([]any); len(ids) != 1 || ids[0] != post["id"] {
		t.Fatalf("status_ids: %v", rep["status_ids"])
	}
	if rep["rule_ids"] != nil || rep["target_account"].(map[string]any)["id"] != bob.ID {
		t.Fatalf("rule_ids or target: %v", rep)
	}
	plain := c.Must(alice.Do("POST", "/api/v1/reports", url.Values{"account_id": {bob.ID}}), 200).Object(t)
	if plain["category"] != "other" || len(plain["status_ids"].([]any)) != 0 {
		t.Fatalf("default report: %v", plain)
	}

	for _, tc := range []struct {
		name string
		form url.Values
		code int
	}{
		{"no account", url.Values{}, 404},
		{"unknown account", url.Values{"account_id": {"123456"}}, 404},
		{"malformed account", url.Values{"account_id": {"abc"}}, 404},
		{"status of someone else", url.Values{"account_id": {alice.ID}, "status_ids[]": {post["id"].(string)}}, 404},
		{"status hidden from the reporter", url.Values{"account_id": {bob.ID}, "status_ids[]": {secret["id"].(string)}}, 404},
		{"comment too long", url.Values{"account_id": {bob.ID}, "comment": {strings.Repeat("é", 1001)}}, 422},
		{"unknown category", url.Values{"account_id": {bob.ID}, "category": {"rude"}}, 422},
		{"unknown rule", url.Values{"account_id": {bob.ID}, "rule_ids[]": {"1"}}, 422},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := alice.Do("POST", "/api/v1/reports", tc.form)
			if r.Code != tc.code || !strings.Contains(string(r.Body), `"error"`) {
				t.Fatalf("status %d, want %d: %s", r.Code, tc.code, r.Body)
			}
		})
	}
	c.Must(c.Do("POST", "/api/v1/reports", c.AppToken(), url.Values{"account_id": {bob.ID}}), 422)
	c.Must(c.Do("POST", "/api/v1/reports", "", url.Values{"account_id": {bob.ID}}), 401)
}

// reports is a node with three reports, newest first: carol against alice ("third"),
// carol against bob ("second"), alice against bob with one of his posts ("first").
type reports struct {
	c                    *testrig.Cluster
	alice, bob, carol    *testrig.User
	mod                  *testrig.User
	tok, firstID, postID string
}

func newReports(t *testing.T) *reports {
	c := testrig.New(t)
	f := &reports{c: c, alice: c.Register("alice"), bob: c.Register("bob"), carol: c.Register("carol")}
	f.mod, f.tok = c.RegisterModerator("mod")
	f.postID = f.bob.Post("reported post")["id"].(string)
	first := c.Must(f.alice.Do("POST", "/api/v1/reports", url.Values{"account_id": {f.bob.ID},
		"status_ids[]": {f.postID}, "comment": {"first"}}), 200).Object(t)
	f.firstID = first["id"].(string)
	c.Must(f.carol.Do("POST", "/api/v1/reports", url.Values{"account_id": {f.bob.ID}, "comment": {"second"}}), 200)
	c.Must(f.carol.Do("POST", "/api/v1/reports", url.Values{"account_id": {f.alice.ID}, "comment": {"third"}}), 200)
	return f
}

// list returns the comments of the reports an admin listing shows, in order.
func (f *reports) list(t *testing.T, q url.Values) string {
	t.Helper()
	return comments(f.c.Must(f.c.Do("GET", "/api/v1/admin/reports", f.tok, q), 200).List(t))
}

func comments(l []map[string]any) string {
	var out []string
	for _, r := range l {
		out = append(out, r["comment"].(string))
	}
	return strings.Join(out, ",")
}

// action runs an admin action on the first report and returns the Admin::Report.
func (f *reports) action(t *testing.T, name string) map[string]any {
	t.Helper()
	return f.c.Must(f.c.Do("POST", "/api/v1/admin/reports/"+f.firstID+"/"+name, f.tok, nil), 200).Object(t)
}

func TestAdminReportsNeedScopesAndRole(t *testing.T) {
	f := newReports(t)
	c := f.c
	c.Must(f.alice.Do("GET", "/api/v1/admin/reports", nil), 403)
	c.Must(f.mod.Do("GET", "/api/v1/admin/reports", nil), 403) // the admin's token lacks admin scopes
	notMod, err := c.Nodes[0].AdminToken(context.Background(), "carol", "admin:read admin:write")
	if err != nil {
		t.Fatal(err)
	}
	c.Must(c.Do("GET", "/api/v1/admin/reports", notMod, nil), 403)
	c.Must(c.Do("POST", "/api/v1/admin/reports/"+f.firstID+"/resolve", notMod, nil), 403)
	c.Must(c.Do("GET", "/api/v1/admin/reports", "", nil), 401)
	readOnly, err := c.Nodes[0].AdminToken(context.Background(), "mod", "admin:read:reports")
	if err != nil {
		t.Fatal(err)
	}
	c.Must(c.Do("GET", "/api/v1/admin/reports", readOnly, nil), 200)
	c.Must(c.Do("POST", "/api/v1/admin/reports/"+f.firstID+"/resolve", readOnly, nil), 403)
}

func TestAdminReportsList(t *testing.T) {
	f := newReports(t)
	c := f.c
	for _, tc := range []struct {
		q    url.Values
		want string
	}{
		{nil, "third,second,first"},
		{url.Values{"target_account_id": {f.bob.ID}}, "second,first"},
		{url.Values{"account_id": {f.carol.ID}}, "third,second"},
		{url.Values{"account_id": {f.carol.ID}, "target_account_id": {f.bob.ID}}, "second"},
		{url.Values{"resolved": {"true"}}, ""},
	} {
		if got := f.list(t, tc.q); got != tc.want {
			t.Errorf("reports %v: %q, want %q", tc.q, got, tc.want)
		}
	}
	page := c.Must(c.Do("GET", "/api/v1/admin/reports", f.tok, url.Values{"limit": {"2"}}), 200)
	if got := comments(page.List(t)); got != "third,second" || !strings.Contains(page.Header.Get("Link"), `rel="next"`) {
		t.Fatalf("first page: %s, Link %q", got, page.Header.Get("Link"))
	}
	next, _ := url.Parse(strings.TrimPrefix(strings.SplitN(page.Header.Get("Link"), ">", 2)[0], "<"))
	if got := comments(c.Must(c.Do("GET", next.Path+"?"+next.RawQuery, f.tok, nil), 200).List(t)); got != "first" {
		t.Fatalf("next page: %s", got)
	}
	one := c.Must(c.Do("GET", "/api/v1/admin/reports/"+f.firstID, f.tok, nil), 200).Object(t)
	checkAdminReport(t, one, f.alice.ID, f.bob.ID, f.postID)
	c.Must(c.Do("GET", "/api/v1/admin/reports/999999", f.tok, nil), 404)
}

func TestAdminReportActions(t *testing.T) {
	f := newReports(t)
	if a, _ := f.action(t, "assign_to_self")["assigned_account"].(map[string]any); a == nil || a["id"] != f.mod.ID {
		t.Fatalf("assign_to_self: %v", a)
	}
	if a := f.action(t, "unassign")["assigned_account"]; a != nil {
		t.Fatalf("unassign: %v", a)
	}
	resolved := f.action(t, "resolve")
	by, _ := resolved["action_taken_by_account"].(map[string]any)
	if resolved["action_taken"] != true || resolved["action_taken_at"] == nil || by == nil || by["id"] != f.mod.ID {
		t.Fatalf("resolve: %v", resolved)
	}
	if open, done := f.list(t, nil), f.list(t, url.Values{"resolved": {"true"}}); open != "third,second" || done != "first" {
		t.Fatalf("after resolve: open %q, resolved %q", open, done)
	}
	reopened := f.action(t, "reopen")
	if reopened["action_taken"] != false || reopened["action_taken_at"] != nil || reopened["action_taken_by_account"] != nil {
		t.Fatalf("reopen: %v", reopened)
	}
	if got := f.list(t, nil); got != "third,second,first" {
		t.Fatalf("open reports after reopen: %s", got)
	}
	c := f.c
	updated := c.Must(c.DoJSON("PUT", "/api/v1/admin/reports/"+f.firstID, f.tok, map[string]any{"category": "legal"}), 200).Object(t)
	if updated["category"] != "legal" {
		t.Fatalf("update: %v", updated)
	}
	c.Must(c.DoJSON("PUT", "/api/v1/admin/reports/"+f.firstID, f.tok, map[string]any{"category": "rude"}), 422)
}

// checkAdminReport checks the shape of an Admin::Report as Mastodon renders it.
func checkAdminReport(t *testing.T, r map[string]any, reporter, target, statusID string) {
	t.Helper()
	for _, k := range []string{"id", "action_taken", "action_taken_at", "category", "comment", "forwarded",
		"created_at", "updated_at", "account", "target_account", "assigned_account", "action_taken_by_account",
		"statuses", "rules"} {
		if _, ok := r[k]; !ok {
			t.Errorf("Admin::Report lacks %q: %v", k, r)
		}
	}
	acc := r["account"].(map[string]any)
	tgt := r["target_account"].(map[string]any)
	if acc["id"] != reporter || tgt["id"] != target || tgt["account"].(map[string]any)["id"] != target {
		t.Fatalf("accounts: %v / %v", acc, tgt)
	}
	for _, k := range []string{"username", "domain", "created_at", "email", "ip", "ips", "locale", "role",
		"confirmed", "approved", "disabled", "silenced", "suspended", "sensitized", "account"} {
		if _, ok := acc[k]; !ok {
			t.Errorf("Admin::Account lacks %q: %v", k, acc)
		}
	}
	if acc["email"] != "alice@example.com" || acc["domain"] != nil || acc["role"] == nil {
		t.Fatalf("local Admin::Account: %v", acc)
	}
	sts := r["statuses"].([]any)
	if len(sts) != 1 || sts[0].(map[string]any)["id"] != statusID {
		t.Fatalf("statuses: %v", sts)
	}
}
