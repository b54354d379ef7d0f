package moderation_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/testrig"
)

// admin is a node with a moderator and two users.
type admin struct {
	c          *testrig.Cluster
	alice, bob *testrig.User
	mod        *testrig.User
	tok        string
}

func newAdmin(t *testing.T) *admin {
	c := testrig.New(t)
	f := &admin{c: c, alice: c.Register("alice"), bob: c.Register("bob")}
	f.mod, f.tok = c.RegisterModerator("mod")
	return f
}

func (f *admin) get(t *testing.T, path string, q url.Values) *testrig.Response {
	t.Helper()
	return f.c.Must(f.c.Do("GET", path, f.tok, q), 200)
}

func (f *admin) post(t *testing.T, path string, form url.Values, code int) *testrig.Response {
	t.Helper()
	return f.c.Must(f.c.Do("POST", path, f.tok, form), code)
}

// usernames are the usernames of a list of Admin::Account, in order.
func usernames(l []map[string]any) string {
	var out []string
	for _, a := range l {
		out = append(out, a["username"].(string))
	}
	return strings.Join(out, ",")
}

func TestAdminAccountsList(t *testing.T) {
	f := newAdmin(t)
	for _, tc := range []struct {
		path string
		q    url.Values
		want string
	}{
		{"/api/v1/admin/accounts", nil, "mod,bob,alice"},
		{"/api/v1/admin/accounts", url.Values{"local": {"true"}}, "mod,bob,alice"},
		{"/api/v1/admin/accounts", url.Values{"remote": {"true"}}, ""},
		{"/api/v1/admin/accounts", url.Values{"username": {"AL"}}, "alice"},
		{"/api/v1/admin/accounts", url.Values{"email": {"bob@"}}, "bob"},
		{"/api/v1/admin/accounts", url.Values{"staff": {"true"}}, "mod"},
		{"/api/v1/admin/accounts", url.Values{"suspended": {"true"}}, ""},
		{"/api/v1/admin/accounts", url.Values{"ip": {"127.0.0.0/8"}}, "mod,bob,alice"}, // the rig's requests
		{"/api/v1/admin/accounts", url.Values{"ip": {"192.0.2.1"}}, ""},
		{"/api/v2/admin/accounts", url.Values{"origin": {"local"}, "status": {"active"}}, "mod,bob,alice"},
		{"/api/v2/admin/accounts", url.Values{"permissions": {"staff"}}, "mod"},
		{"/api/v2/admin/accounts", url.Values{"role_ids[]": {"3"}}, "mod"},
		{"/api/v2/admin/accounts", url.Values{"status": {"pending"}}, ""},
		{"/api/v2/admin/accounts", url.Values{"by_domain": {"example.org"}}, ""},
	} {
		if got := usernames(f.get(t, tc.path, tc.q).List(t)); got != tc.want {
			t.Errorf("%s %v: %q, want %q", tc.path, tc.q, got, tc.want)
		}
	}
	page := f.get(t, "/api/v1/admin/accounts", url.Values{"limit": {"2"}})
	if got := usernames(page.List(t)); got != "mod,bob" || !strings.Contains(page.Header.Get("Link"), `rel="next"`) {
		t.Fatalf("first page %q, Link %q", got, page.Header.Get("Link"))
	}
	if got := usernames(f.get(t, "/api/v1/admin/accounts", url.Values{"max_id": {f.bob.ID}}).List(t)); got != "alice" {
		t.Fatalf("older than bob: %q", got)
	}

	one := f.get(t, "/api/v1/admin/accounts/"+f.alice.ID, nil).Object(t)
	for _, k := range []string{"id", "username", "domain", "created_at", "email", "ip", "ips", "locale",
		"invite_request", "role", "confirmed", "approved", "disabled", "silenced", "suspended", "sensitized", "account"} {
		if _, ok := one[k]; !ok {
			t.Errorf("Admin::Account lacks %q: %v", k, one)
		}
	}
	if one["email"] != "alice@example.com" || one["domain"] != nil || one["approved"] != true ||
		one["account"].(map[string]any)["id"] != f.alice.ID {
		t.Fatalf("Admin::Account: %v", one)
	}
	f.c.Must(f.c.Do("GET", "/api/v1/admin/accounts/999999", f.tok, nil), 404)
}

func TestAdminAccountSuspend(t *testing.T) {
	f := newAdmin(t)
	f.c.Must(f.alice.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"display_name": {"Alice"},
		"note": {"hello"}}), 200)
	post := f.alice.Post("before the suspension")["id"].(string)
	f.post(t, "/api/v1/admin/accounts/"+f.alice.ID+"/action", url.Values{"type": {"suspend"}, "text": {"spam"}}, 200)
	got := f.get(t, "/api/v1/admin/accounts/"+f.alice.ID, nil).Object(t)
	if got["suspended"] != true {
		t.Fatalf("after suspend: %v", got)
	}
	f.c.Must(f.bob.Do("GET", "/api/v1/statuses/"+post, nil), 404)
	f.c.Must(f.c.Do("GET", "/api/v1/statuses/"+post, "", nil), 404)
	if l := f.c.Must(f.bob.Do("GET", "/api/v1/accounts/"+f.alice.ID+"/statuses", nil), 200).List(t); len(l) != 0 {
		t.Fatalf("statuses of a suspended account: %v", l)
	}
	if a := f.c.Must(f.bob.Do("GET", "/api/v1/accounts/"+f.alice.ID, nil), 200).Object(t); a["suspended"] != true ||
		a["display_name"] != "" || a["note"] != "" {
		t.Fatalf("account of a suspended user: %v", a)
	}
	r := f.alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"still here?"}})
	if r.Code != 403 || !strings.Contains(string(r.Body), "Your login is currently disabled") {
		t.Fatalf("a suspended user posts: %d %s", r.Code, r.Body)
	}
	if l := usernames(f.get(t, "/api/v2/admin/accounts", url.Values{"status": {"suspended"}}).List(t)); l != "alice" {
		t.Fatalf("suspended accounts: %q", l)
	}

	// Only a suspended account may be deleted, and staff cannot be acted on.
	f.c.Must(f.c.Do("DELETE", "/api/v1/admin/accounts/"+f.bob.ID, f.tok, nil), 403)
	f.post(t, "/api/v1/admin/accounts/"+f.mod.ID+"/action", url.Values{"type": {"suspend"}}, 403)
	f.post(t, "/api/v1/admin/accounts/"+f.alice.ID+"/unsuspend", nil, 200)
	f.c.Must(f.bob.Do("GET", "/api/v1/statuses/"+post, nil), 200)
	f.c.Must(f.alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"back"}}), 200)

	f.post(t, "/api/v1/admin/accounts/"+f.alice.ID+"/action", url.Values{"type": {"suspend"}}, 200)
	f.c.Must(f.c.Do("DELETE", "/api/v1/admin/accounts/"+f.alice.ID, f.tok, nil), 200)
	f.c.Must(f.bob.Do("GET", "/api/v1/statuses/"+post, nil), 404)
}

func TestAdminAccountDisableAndFlags(t *testing.T) {
	f := newAdmin(t)
	path := "/api/v1/admin/accounts/" + f.bob.ID
	f.post(t, path+"/action", url.Values{"type": {"disable"}}, 200)
	r := f.bob.Do("GET", "/api/v1/accounts/verify_credentials", nil)
	if r.Code != 403 || !strings.Contains(string(r.Body), "Your login is currently disabled") {
		t.Fatalf("a disabled user's token: %d %s", r.Code, r.Body)
	}
	f.c.Must(f.bob.Do("GET", "/api/v1/streaming/user", nil), 401)
	if r := signIn(t, f.c, "bob", "correct horse battery"); r.Code != 403 || r.Header.Get("Location") != "" ||
		!strings.Contains(string(r.Body), "Your login is currently disabled") {
		t.Errorf("a disabled user signs in: %d %s", r.Code, r.Body)
	}
	if got := f.get(t, path, nil).Object(t); got["disabled"] != true || got["suspended"] != false {
		t.Fatalf("after disable: %v", got)
	}
	f.post(t, path+"/enable", nil, 200)
	f.c.Must(f.bob.Do("GET", "/api/v1/accounts/verify_credentials", nil), 200)

	for _, tc := range []struct{ action, undo, field string }{
		{"silence", "unsilence", "silenced"}, {"sensitive", "unsensitive", "sensitized"},
	} {
		f.post(t, path+"/action", url.Values{"type": {tc.action}}, 200)
		if got := f.get(t, path, nil).Object(t); got[tc.field] != true {
			t.Fatalf("after %s: %v", tc.action, got)
		}
		if a := f.c.Must(f.alice.Do("GET", "/api/v1/accounts/"+f.bob.ID, nil), 200).Object(t); (a["limited"] == true) != (tc.field == "silenced") {
			t.Fatalf("limited after %s: %v", tc.action, a["limited"])
		}
		if l := usernames(f.get(t, "/api/v1/admin/accounts", url.Values{tc.field: {"true"}}).List(t)); l != "bob" {
			t.Fatalf("%s accounts: %q", tc.field, l)
		}
		if got := f.post(t, path+"/"+tc.undo, nil, 200).Object(t); got[tc.field] != false {
			t.Fatalf("after %s: %v", tc.undo, got)
		}
	}
	f.post(t, path+"/action", url.Values{"type": {"explode"}}, 422)
	f.post(t, path+"/action", nil, 422)
	f.post(t, path+"/approve", nil, 403) // already approved
	f.post(t, path+"/reject", nil, 403)
	f.post(t, "/api/v1/admin/accounts/999999/action", url.Values{"type": {"silence"}}, 404)
	if got := f.get(t, path, nil).Object(t); got["silenced"] != false || got["disabled"] != false {
		t.Fatalf("refused actions changed the account: %v", got)
	}

	// A report cited by an action is resolved by it; one about someone else is refused.
	rep := f.c.Must(f.alice.Do("POST", "/api/v1/reports", url.Values{"account_id": {f.bob.ID}}), 200).Object(t)["id"].(string)
	f.post(t, "/api/v1/admin/accounts/"+f.alice.ID+"/action", url.Values{"type": {"none"}, "report_id": {rep}}, 422)
	f.post(t, path+"/action", url.Values{"type": {"none"}, "report_id": {rep}, "text": {"be nice"}}, 200)
	if got := f.get(t, "/api/v1/admin/reports/"+rep, nil).Object(t); got["action_taken"] != true {
		t.Fatalf("the report after the action: %v", got)
	}

	log, err := f.c.Nodes[0].Reports.AuditLog(context.Background(), paging.Page{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		if e.AccountID.String() != f.mod.ID || e.TargetType != "Account" || e.Target != "bob" {
			t.Fatalf("audit entry %+v", e)
		}
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); got != "warn,unsensitive,sensitive,unsilence,silence,enable,disable" {
		t.Fatalf("audit log: %s", got)
	}
}

// TestSilencedOutOfPublicTimelines: a silenced account's public posts reach its
// followers' homes but not the public timelines; unsilenced, they do again.
func TestSilencedOutOfPublicTimelines(t *testing.T) {
	f := newAdmin(t)
	f.alice.Relate(f.bob.ID, "follow")
	f.post(t, "/api/v1/admin/accounts/"+f.bob.ID+"/action", url.Values{"type": {"silence"}}, 200)
	quiet := f.bob.Post("silenced post")["id"].(string)
	testrig.Eventually(t, "the post in a follower's home", func() error {
		return inList(f.alice.Do("GET", "/api/v1/timelines/home", nil).List(t), quiet, true)
	})
	for _, q := range []url.Values{nil, {"local": {"true"}}} {
		if err := inList(f.c.Must(f.c.Do("GET", "/api/v1/timelines/public", "", q), 200).List(t), quiet, false); err != nil {
			t.Fatalf("public timeline %v: %v", q, err)
		}
	}
	f.post(t, "/api/v1/admin/accounts/"+f.bob.ID+"/unsilence", nil, 200)
	loud := f.bob.Post("heard again")["id"].(string)
	testrig.Eventually(t, "the post in the public timeline", func() error {
		return inList(f.c.Must(f.c.Do("GET", "/api/v1/timelines/public", "", nil), 200).List(t), loud, true)
	})
}

func inList(l []map[string]any, id string, want bool) error {
	found := false
	for _, st := range l {
		found = found || st["id"] == id
	}
	if found != want {
		return fmt.Errorf("status %s listed: %v, want %v", id, found, want)
	}
	return nil
}

// TestSilencedFollowNeedsApproval: a silenced account's follow of an unlocked
// account is a request its target authorizes.
func TestSilencedFollowNeedsApproval(t *testing.T) {
	f := newAdmin(t)
	f.post(t, "/api/v1/admin/accounts/"+f.bob.ID+"/action", url.Values{"type": {"silence"}}, 200)
	if rel := f.bob.Relate(f.alice.ID, "follow"); rel.Following || !rel.Requested {
		t.Fatalf("a silenced account's follow: %+v", rel)
	}
	reqs := f.c.Must(f.alice.Do("GET", "/api/v1/follow_requests", nil), 200).List(t)
	if len(reqs) != 1 || reqs[0]["id"] != f.bob.ID {
		t.Fatalf("alice's follow requests: %v", reqs)
	}
	f.c.Must(f.alice.Do("POST", "/api/v1/follow_requests/"+f.bob.ID+"/authorize", nil), 200)
	if rel := f.bob.Relationship(f.alice.ID); !rel.Following {
		t.Fatalf("after authorize: %+v", rel)
	}
	if rel := f.alice.Relate(f.bob.ID, "follow"); !rel.Following {
		t.Fatalf("a follow of a silenced account: %+v", rel)
	}
}
