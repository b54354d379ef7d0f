package moderation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/testrig"
)

// signUp registers name from the client address ip (through the trusted loopback
// proxy's X-Forwarded-For) with an email and, if given, a reason.
func signUp(c *testrig.Cluster, name, email, ip, reason string) *testrig.Response {
	form := url.Values{"username": {name}, "email": {email}, "password": {"correct horse battery"},
		"agreement": {"true"}, "locale": {"en"}}
	if reason != "" {
		form.Set("reason", reason)
	}
	return c.DoWithHeaders("POST", "/api/v1/accounts", c.AppToken(), form, http.Header{"X-Forwarded-For": {ip}})
}

// registrationError is Mastodon's answer to a refused registration.
type registrationError struct {
	Error   string `json:"error"`
	Details map[string][]struct {
		Error       string `json:"error"`
		Description string `json:"description"`
	} `json:"details"`
}

func refused(t *testing.T, r *testrig.Response, field, code, msg string) {
	t.Helper()
	var e registrationError
	if err := json.Unmarshal(r.Body, &e); r.Code != 422 || err != nil || e.Error != msg ||
		len(e.Details[field]) != 1 || e.Details[field][0].Error != code {
		t.Errorf("refusal: %d %s; want 422 %q with %s %s", r.Code, r.Body, msg, field, code)
	}
}

func tokenOf(t *testing.T, r *testrig.Response) string {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(r.Body, &tok); r.Code != 200 || err != nil || tok.AccessToken == "" {
		t.Fatalf("registration: %d %s", r.Code, r.Body)
	}
	return tok.AccessToken
}

// TestSignUpEmailBlocks: an address of a blocked email domain, or of a subdomain of
// it, is refused with Mastodon's details and counted in the block's history; a
// blocked canonical address is refused as taken, whatever its dots and +suffix;
// nothing is created.
func TestSignUpEmailBlocks(t *testing.T) {
	f := newAdmin(t)
	c := f.c
	block := f.post(t, "/api/v1/admin/email_domain_blocks", url.Values{"domain": {"spam.example"}}, 200).Object(t)
	f.post(t, "/api/v1/admin/canonical_email_blocks", url.Values{"email": {"victim@mail.example"}}, 200)

	refused(t, signUp(c, "spammer", "x@spam.example", "198.51.100.1", ""), "email", "ERR_BLOCKED",
		"Validation failed: Email uses a disallowed e-mail provider")
	refused(t, signUp(c, "spammer", "x@Mail.Spam.Example", "198.51.100.2", ""), "email", "ERR_BLOCKED",
		"Validation failed: Email uses a disallowed e-mail provider")
	refused(t, signUp(c, "spammer", "y@mail.spam.example", "198.51.100.2", ""), "email", "ERR_BLOCKED",
		"Validation failed: Email uses a disallowed e-mail provider")
	refused(t, signUp(c, "victim2", "V.ic.tim+again@mail.example", "198.51.100.1", ""), "email", "ERR_TAKEN",
		"Validation failed: Email has already been taken")
	for _, name := range []string{"spammer", "victim2"} {
		c.Must(c.Do("GET", "/api/v1/accounts/lookup", "", url.Values{"acct": {name}}), 404)
	}
	day := f.get(t, "/api/v1/admin/email_domain_blocks/"+block["id"].(string), nil).Object(t)["history"].([]any)[0].(map[string]any)
	if day["uses"] != "3" || day["accounts"] != "2" {
		t.Errorf("today's history: %v, want 3 uses from 2 addresses", day)
	}
	// Other domains (a name that only ends like the blocked one) register.
	tokenOf(t, signUp(c, "fine", "fine@notspam.example", "198.51.100.1", ""))
}

// TestSignUpIPBlocks: a sign_up_block range refuses registrations (403), a
// sign_up_requires_approval range makes them wait for approval, and a no_access
// range is refused on every request; the client's address is the one the trusted
// proxy forwards.
func TestSignUpIPBlocks(t *testing.T) {
	f := newAdmin(t)
	c := f.c
	f.post(t, "/api/v1/admin/ip_blocks", url.Values{"ip": {"203.0.113.0/24"}, "severity": {"sign_up_block"}}, 200)
	f.post(t, "/api/v1/admin/ip_blocks", url.Values{"ip": {"198.51.100.0/24"}, "severity": {"sign_up_requires_approval"}}, 200)
	testrig.Eventually(t, "sign-ups from the blocked range refused", func() error {
		if r := signUp(c, "blocked", "blocked@example.com", "203.0.113.9", ""); r.Code != 403 {
			return fmt.Errorf("sign-up from a blocked range: %d %s", r.Code, r.Body)
		}
		return nil
	})
	c.Must(c.Do("GET", "/api/v1/accounts/lookup", "", url.Values{"acct": {"blocked"}}), 404)
	tok := tokenOf(t, signUp(c, "waiting", "waiting@example.com", "198.51.100.7", ""))
	pendingUntilApproved(t, f, tok, "waiting")

	// An expired block no longer applies.
	f.post(t, "/api/v1/admin/ip_blocks", url.Values{"ip": {"2001:db8::/32"}, "severity": {"sign_up_block"}, "expires_in": {"-1"}}, 200)
	tokenOf(t, signUp(c, "sixer", "sixer@example.com", "2001:db8::5", ""))

	noAccess := f.post(t, "/api/v1/admin/ip_blocks", url.Values{"ip": {"192.0.2.0/24"}, "severity": {"no_access"}}, 200).Object(t)
	from := func(ip string) *testrig.Response {
		return c.DoWithHeaders("GET", "/api/v1/timelines/public", "", nil, http.Header{"X-Forwarded-For": {ip}})
	}
	testrig.Eventually(t, "a no_access range refused", func() error {
		if r := from("192.0.2.200"); r.Code != 403 {
			return fmt.Errorf("from a no_access range: %d %s", r.Code, r.Body)
		}
		return nil
	})
	c.Must(from("192.0.3.1"), 200)
	if r := c.DoWithHeaders("GET", "/api/v1/accounts/verify_credentials", f.alice.Token, nil,
		http.Header{"X-Forwarded-For": {"192.0.2.1"}}); r.Code != 403 {
		t.Errorf("a signed-in user from a no_access range: %d", r.Code)
	}
	c.Must(c.Do("DELETE", "/api/v1/admin/ip_blocks/"+noAccess["id"].(string), f.tok, nil), 200)
	testrig.Eventually(t, "the lifted block lets the range in", func() error {
		if r := from("192.0.2.200"); r.Code != 200 {
			return fmt.Errorf("after the block was lifted: %d", r.Code)
		}
		return nil
	})
}

// pendingUntilApproved: the token of a pending account answers Mastodon's 403 until a
// moderator approves it; the pending listing holds it until then.
func pendingUntilApproved(t *testing.T, f *admin, tok, name string) {
	t.Helper()
	c := f.c
	r := c.Do("GET", "/api/v1/accounts/verify_credentials", tok, nil)
	if r.Code != 403 || r.Object(t)["error"] != "Your login is currently pending approval" {
		t.Fatalf("a pending account's token: %d %s", r.Code, r.Body)
	}
	pending := f.get(t, "/api/v2/admin/accounts", url.Values{"status": {"pending"}}).List(t)
	if usernames(pending) != name || pending[0]["approved"] != false {
		t.Fatalf("pending accounts: %v", pending)
	}
	if v1 := f.get(t, "/api/v1/admin/accounts", url.Values{"pending": {"true"}}).List(t); usernames(v1) != name {
		t.Fatalf("pending accounts, v1: %v", v1)
	}
	id := pending[0]["id"].(string)
	approved := f.post(t, "/api/v1/admin/accounts/"+id+"/approve", nil, 200).Object(t)
	if approved["approved"] != true || approved["username"] != name {
		t.Fatalf("approved: %v", approved)
	}
	c.Must(c.Do("GET", "/api/v1/accounts/verify_credentials", tok, nil), 200)
	f.post(t, "/api/v1/admin/accounts/"+id+"/approve", nil, 403) // not pending any more
	if l := f.get(t, "/api/v2/admin/accounts", url.Values{"status": {"pending"}}).List(t); len(l) != 0 {
		t.Fatalf("pending after approval: %v", l)
	}
	auditHas(t, c, "approve_user", name)
}

// TestRegistrationsByApproval: with registrations = "approval" the instance says so,
// a registration needs a reason, every new account waits for approval, and a
// rejected one is removed, its username and email free again.
func TestRegistrationsByApproval(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.Registrations = "approval" }))
	ctx := context.Background()
	if err := c.Nodes[0].AdminCreateAccount(ctx, "mod", "mod@example.com", "correct horse battery", true); err != nil {
		t.Fatal(err)
	}
	modTok, err := c.Nodes[0].AdminToken(ctx, "mod", "read write admin:read admin:write")
	if err != nil {
		t.Fatal(err)
	}
	f := &admin{c: c, tok: modTok}
	v2 := c.Must(c.Do("GET", "/api/v2/instance", "", nil), 200).Object(t)["registrations"].(map[string]any)
	if v2["enabled"] != true || v2["approval_required"] != true || v2["reason_required"] != true {
		t.Errorf("v2 registrations: %v", v2)
	}
	if v1 := c.Must(c.Do("GET", "/api/v1/instance", "", nil), 200).Object(t); v1["approval_required"] != true || v1["registrations"] != true {
		t.Errorf("v1: approval_required %v, registrations %v", v1["approval_required"], v1["registrations"])
	}

	refused(t, signUp(c, "quiet", "quiet@example.com", "198.51.100.1", ""), "reason", "ERR_BLANK",
		"Validation failed: Reason can't be blank")
	c.Must(c.Do("GET", "/api/v1/accounts/lookup", "", url.Values{"acct": {"quiet"}}), 404)
	tok := tokenOf(t, signUp(c, "carol", "carol@example.com", "198.51.100.1", "I like herds"))
	// A pending user's password is right, but the sign-in page authorizes nothing.
	if r := signIn(t, c, "carol", "wrong password"); r.Code != 401 {
		t.Errorf("a wrong password: %d", r.Code)
	}
	if r := signIn(t, c, "carol", "correct horse battery"); r.Code != 403 || r.Header.Get("Location") != "" ||
		!strings.Contains(string(r.Body), "Your login is currently pending approval") {
		t.Errorf("a pending user signs in: %d %s %s", r.Code, r.Header.Get("Location"), r.Body)
	}
	one := f.get(t, "/api/v2/admin/accounts", url.Values{"status": {"pending"}}).List(t)
	if usernames(one) != "carol" || one[0]["invite_request"] != "I like herds" {
		t.Fatalf("pending: %v", one)
	}
	pendingUntilApproved(t, f, tok, "carol")
	indexed(t, c, "carol", c.Must(c.Do("GET", "/api/v1/accounts/lookup", "", url.Values{"acct": {"carol"}}), 200).Object(t)["id"].(string), true)
	if r := signIn(t, c, "carol", "correct horse battery"); r.Code != 302 || !strings.Contains(r.Header.Get("Location"), "code=") {
		t.Errorf("an approved user signs in: %d %s", r.Code, r.Body)
	}

	dave := tokenOf(t, signUp(c, "dave", "dave@example.com", "198.51.100.1", "let me in"))
	id := f.get(t, "/api/v2/admin/accounts", url.Values{"status": {"pending"}}).List(t)[0]["id"].(string)
	indexed(t, c, "dave", id, false) // a pending account is not searchable
	if rejected := f.post(t, "/api/v1/admin/accounts/"+id+"/reject", nil, 200).Object(t); rejected["username"] != "dave" ||
		rejected["account"] == nil || rejected["account"].(map[string]any)["username"] != "dave" {
		t.Errorf("the rejected account: %v", rejected)
	}
	c.Must(c.Do("GET", "/api/v1/admin/accounts/"+id, modTok, nil), 404)
	c.Must(c.Do("GET", "/api/v1/accounts/lookup", "", url.Values{"acct": {"dave"}}), 404)
	if r := c.Do("GET", "/api/v1/accounts/verify_credentials", dave, nil); r.Code != 401 {
		t.Errorf("a rejected account's token: %d %s", r.Code, r.Body)
	}
	f.post(t, "/api/v1/admin/accounts/"+id+"/reject", nil, 404)
	auditHas(t, c, "reject_user", "dave")
	indexed(t, c, "dave", id, false)
	tokenOf(t, signUp(c, "dave", "dave@example.com", "198.51.100.1", "second try"))

	// An unknown account has no registration to approve.
	f.post(t, "/api/v1/admin/accounts/123456789/approve", nil, 404)
}

// indexed waits until the search engine of every node holds (or no longer holds) the
// account id among those found for q.
func indexed(t *testing.T, c *testrig.Cluster, q, id string, want bool) {
	t.Helper()
	for _, n := range c.Nodes {
		testrig.Eventually(t, fmt.Sprintf("account %s indexed: %v", id, want), func() error {
			ids, err := n.Indexer.Engine().Accounts(context.Background(), search.AccountQuery{Text: q, Limit: 40})
			if err != nil {
				return err
			}
			found := slices.ContainsFunc(ids, func(v uint64) bool { return strconv.FormatUint(v, 10) == id })
			if found != want {
				return fmt.Errorf("found %v in %v", found, ids)
			}
			return nil
		})
	}
}

// signIn posts the sign-in page's form for login and password, asking a code for a
// new app.
func signIn(t *testing.T, c *testrig.Cluster, login, password string) *testrig.Response {
	t.Helper()
	app := testrig.Decode[testrig.Application](t, c.Must(c.Do("POST", "/api/v1/apps", "", url.Values{"client_name": {"web"},
		"redirect_uris": {"https://client.example/cb"}, "scopes": {"read"}}), 200))
	return c.Do("POST", "/oauth/authorize", "", url.Values{"response_type": {"code"}, "client_id": {app.ClientID},
		"redirect_uri": {"https://client.example/cb"}, "scope": {"read"}, "login": {login}, "password": {password}})
}
