package api_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// inviteJSON is the invites extension's entity.
type inviteJSON struct {
	ID         string  `json:"id"`
	Code       string  `json:"code"`
	URL        string  `json:"url"`
	AccountID  string  `json:"account_id"`
	MaxUses    *int    `json:"max_uses"`
	Uses       int     `json:"uses"`
	ExpiresAt  *string `json:"expires_at"`
	Expired    bool    `json:"expired"`
	Autofollow bool    `json:"autofollow"`
	Comment    *string `json:"comment"`
}

// signUpForm is a registration's parameters for name, with extra pairs.
func signUpForm(name string, extra ...string) url.Values {
	f := url.Values{"username": {name}, "email": {name + "@example.com"}, "password": {"correct horse battery"},
		"agreement": {"true"}, "locale": {"en"}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

// localUser makes a local user through the operator's commands (registrations may be
// closed) and returns its id and a token.
func localUser(t *testing.T, c *testrig.Cluster, name string, admin bool) (id, tok string) {
	t.Helper()
	ctx := context.Background()
	n := c.Nodes[0]
	if err := n.AdminCreateAccount(ctx, name, name+"@example.com", "correct horse battery", admin); err != nil {
		t.Fatal(err)
	}
	tok, err := n.AdminToken(ctx, name, "read write follow admin:read admin:write")
	if err != nil {
		t.Fatal(err)
	}
	a, err := n.Accounts.Lookup(ctx, name, "")
	if err != nil {
		t.Fatal(err)
	}
	return a.ID.String(), tok
}

// TestInvites: with registrations closed, a user makes an invite (max 2 uses,
// autofollow); the link's page carries its code; two people sign up with it, one
// through the API and one through the form, and follow its maker; a third is
// refused, as is a sign-up without a code or with a bogus one. The admins list every
// invite and find the invited users by invited_by; expiry, in time or by DELETE, ends
// an invite.
func TestInvites(t *testing.T) {
	clk := newClock()
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) {
		cfg.Registrations, cfg.Clock, cfg.RateLimit = "closed", clk.Now, -1
	}))
	aliceID, alice := localUser(t, c, "alice", false)
	_, mod := localUser(t, c, "mod", true)

	for _, bad := range []url.Values{{"expires_in": {"100"}}, {"max_uses": {"0"}}, {"max_uses": {"many"}},
		{"comment": {strings.Repeat("c", 421)}}} {
		if r := c.Do("POST", "/api/v1/invites", alice, bad); r.Code != 422 {
			t.Errorf("invite %v: %d %s, want 422", bad, r.Code, r.Body)
		}
	}
	inv := testrig.Decode[inviteJSON](t, c.Must(c.Do("POST", "/api/v1/invites", alice, url.Values{"max_uses": {"2"},
		"expires_in": {"86400"}, "autofollow": {"true"}, "comment": {"for friends"}}), 200))
	if len(inv.Code) != 8 || inv.URL != "http://localhost:8080/invite/"+inv.Code || inv.AccountID != aliceID || inv.MaxUses == nil ||
		*inv.MaxUses != 2 || inv.Uses != 0 || inv.ExpiresAt == nil || inv.Expired || !inv.Autofollow ||
		inv.Comment == nil || *inv.Comment != "for friends" {
		t.Fatalf("new invite: %+v", inv)
	}
	if r := c.Do("GET", "/api/v1/instance", "", nil); !strings.Contains(string(r.Body), `"invites_enabled":true`) {
		t.Errorf("v1 instance: invites_enabled not true: %s", r.Body)
	}

	page := c.Must(c.Do("GET", "/invite/"+inv.Code, "", nil), 200)
	if !strings.Contains(string(page.Body), `name="invite_code" value="`+inv.Code+`"`) {
		t.Errorf("the invite page carries no code: %s", page.Body)
	}
	c.Must(c.Do("GET", "/invite/nonsense", "", nil), 404)
	c.Must(c.Do("GET", "/auth/sign_up", "", nil), 403)

	c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), signUpForm("nocode")), 403)
	c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), signUpForm("bogus", "invite_code", "abcdefgh")), 403)

	bobTok := testrig.Decode[testrig.Token](t, c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(),
		signUpForm("bob", "invite_code", inv.Code)), 200)).AccessToken
	done := c.Must(c.Do("POST", "/auth", "", signUpForm("carol", "invite_code", inv.Code,
		"password_confirmation", "correct horse battery")), 200)
	if !strings.Contains(string(done.Body), "signed up successfully") {
		t.Errorf("the form's answer: %s", done.Body)
	}
	c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), signUpForm("dave", "invite_code", inv.Code)), 403)
	c.Must(c.Do("GET", "/invite/"+inv.Code, "", nil), 404)

	// Autofollow: bob follows alice.
	testrig.Eventually(t, "bob follows alice", func() error {
		r := c.Must(c.Do("GET", "/api/v1/accounts/relationships?id[]="+aliceID, bobTok, nil), 200)
		if rel := r.List(t); len(rel) != 1 || rel[0]["following"] != true {
			return fmt.Errorf("relationship %s", r.Body)
		}
		return nil
	})

	mine := testrig.Decode[[]inviteJSON](t, c.Must(c.Do("GET", "/api/v1/invites", alice, nil), 200))
	if len(mine) != 1 || mine[0].Uses != 2 {
		t.Errorf("alice's invites: %+v", mine)
	}
	// The admins see every invite, and whom an account invited.
	c.Must(c.Do("GET", "/api/v1/admin/invites", alice, nil), 403)
	all := testrig.Decode[[]inviteJSON](t, c.Must(c.Do("GET", "/api/v1/admin/invites", mod, nil), 200))
	if len(all) != 1 || all[0].ID != inv.ID {
		t.Errorf("admins' invites: %+v", all)
	}
	r := c.Must(c.Do("GET", "/api/v2/admin/accounts", mod, url.Values{"invited_by": {aliceID}}), 200)
	var names []string
	for _, a := range r.List(t) {
		names = append(names, a["username"].(string))
		if a["invited_by_account_id"] != aliceID {
			t.Errorf("%s: invited_by_account_id %v", a["username"], a["invited_by_account_id"])
		}
	}
	if slices.Sort(names); !slices.Equal(names, []string{"bob", "carol"}) {
		t.Errorf("invited by alice: %v", names)
	}

	// Expiry in time, and by DELETE (its maker or manage_invites only).
	soon := testrig.Decode[inviteJSON](t, c.Must(c.Do("POST", "/api/v1/invites", alice, url.Values{"expires_in": {"1800"}}), 200))
	forever := testrig.Decode[inviteJSON](t, c.Must(c.Do("POST", "/api/v1/invites", alice, nil), 200))
	if forever.ExpiresAt != nil || forever.MaxUses != nil {
		t.Errorf("an invite without limits: %+v", forever)
	}
	clk.Advance(31 * time.Minute)
	c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), signUpForm("erin", "invite_code", soon.Code)), 403)
	_, other := localUser(t, c, "other", false)
	c.Must(c.Do("DELETE", "/api/v1/invites/"+forever.ID, other, nil), 404)
	ended := testrig.Decode[inviteJSON](t, c.Must(c.Do("DELETE", "/api/v1/invites/"+forever.ID, alice, nil), 200))
	if !ended.Expired || ended.ExpiresAt == nil {
		t.Errorf("a deleted invite: %+v", ended)
	}
	c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), signUpForm("frank", "invite_code", forever.Code)), 403)
	mine = testrig.Decode[[]inviteJSON](t, c.Must(c.Do("GET", "/api/v1/invites", alice, nil), 200))
	if len(mine) != 3 || !mine[0].Expired || !mine[1].Expired || mine[2].Expired {
		t.Errorf("alice's invites after expiry, newest first: %+v", mine)
	}
}

// TestInviteSkipsApproval: with registrations by approval, a sign-up with an invite
// needs no reason and is approved at once; without one it needs a reason and waits.
func TestInviteSkipsApproval(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.Registrations, cfg.RateLimit = "approval", -1 }))
	aliceID, alice := localUser(t, c, "alice", false)
	inv := testrig.Decode[inviteJSON](t, c.Must(c.Do("POST", "/api/v1/invites", alice, nil), 200))

	c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), signUpForm("noreason")), 422)
	tok := testrig.Decode[testrig.Token](t, c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(),
		signUpForm("bob", "invite_code", inv.Code)), 200)).AccessToken
	c.Must(c.Do("GET", "/api/v1/accounts/verify_credentials", tok, nil), 200)
	tok = testrig.Decode[testrig.Token](t, c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(),
		signUpForm("carol", "reason", "hello")), 200)).AccessToken
	c.Must(c.Do("GET", "/api/v1/accounts/verify_credentials", tok, nil), 403)
	// An expired code is no invite: approval as without one.
	c.Must(c.Do("DELETE", "/api/v1/invites/"+inv.ID, alice, nil), 200)
	c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), signUpForm("dave", "invite_code", inv.Code)), 422)
	page := c.Must(c.Do("GET", "/auth/sign_up", "", nil), 200)
	if !strings.Contains(string(page.Body), `name="reason"`) {
		t.Errorf("the sign-up form asks no reason: %s", page.Body)
	}

	// An address that needs approval still does, invite or not; the autofollow comes
	// with the approval.
	_, mod := localUser(t, c, "mod", true)
	c.Must(c.Do("POST", "/api/v1/admin/ip_blocks", mod, url.Values{"ip": {"127.0.0.1/32"},
		"severity": {"sign_up_requires_approval"}}), 200)
	follow := testrig.Decode[inviteJSON](t, c.Must(c.Do("POST", "/api/v1/invites", alice, url.Values{"autofollow": {"true"}}), 200))
	tok = testrig.Decode[testrig.Token](t, c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(),
		signUpForm("erin", "invite_code", follow.Code)), 200)).AccessToken
	c.Must(c.Do("GET", "/api/v1/accounts/verify_credentials", tok, nil), 403)
	erin, err := c.Nodes[0].Accounts.Lookup(context.Background(), "erin", "")
	if err != nil {
		t.Fatal(err)
	}
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+erin.ID.String()+"/approve", mod, nil), 200)
	testrig.Eventually(t, "erin follows alice once approved", func() error {
		r := c.Must(c.Do("GET", "/api/v1/accounts/relationships?id[]="+aliceID, tok, nil), 200)
		if rel := r.List(t); len(rel) != 1 || rel[0]["following"] != true {
			return fmt.Errorf("relationship %s", r.Body)
		}
		return nil
	})
}

// TestMinAge: with registrations_min_age, /api/v2/instance says so, date_of_birth is
// required (ERR_BLANK), must be a date (ERR_INVALID) and old enough
// (ERR_BELOW_LIMIT); a birthday today counts, in ISO 8601 or day-first form; the form
// asks for it and refuses the young too.
func TestMinAge(t *testing.T) {
	clk := newClock() // 2026-03-01
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) {
		cfg.RegistrationsMinAge, cfg.Clock, cfg.RateLimit = 16, clk.Now, -1
	}))
	inst := c.Must(c.Do("GET", "/api/v2/instance", "", nil), 200).Object(t)
	if regs := inst["registrations"].(map[string]any); regs["min_age"] != float64(16) {
		t.Errorf("registrations: %v", regs)
	}
	for _, tc := range []struct{ dob, code string }{{"", "ERR_BLANK"}, {"yesterday", "ERR_INVALID"},
		{"2010-03-02", "ERR_BELOW_LIMIT"}, {"02.03.2010", "ERR_BELOW_LIMIT"}} {
		r := c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), signUpForm("young", "date_of_birth", tc.dob)), 422)
		var e struct {
			Error   string
			Details map[string][]struct{ Error, Description string }
		}
		r.JSON(t, &e)
		if d := e.Details["date_of_birth"]; len(d) != 1 || d[0].Error != tc.code || !strings.HasPrefix(e.Error, "Validation failed: Date of birth ") {
			t.Errorf("date_of_birth %q: %s", tc.dob, r.Body)
		}
	}
	if r := c.Do("GET", "/api/v1/accounts/lookup?acct=young", "", nil); r.Code != 404 {
		t.Errorf("a refused registration left an account: %d", r.Code)
	}
	c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), signUpForm("sixteen", "date_of_birth", "2010-03-01")), 200)
	c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), signUpForm("older", "date_of_birth", "01.03.1990")), 200)

	page := c.Must(c.Do("GET", "/auth/sign_up", "", nil), 200)
	if !strings.Contains(string(page.Body), `name="date_of_birth"`) {
		t.Errorf("the form asks no date of birth: %s", page.Body)
	}
	r := c.Must(c.Do("POST", "/auth", "", signUpForm("kid", "date_of_birth", "2015-01-01",
		"password_confirmation", "correct horse battery")), 422)
	if !strings.Contains(string(r.Body), "below the age limit") {
		t.Errorf("the form's refusal: %s", r.Body)
	}
}

// TestSignUpFormSharesTheLimit: the form's sign-ups count against the same budget per
// IP as POST /api/v1/accounts (Mastodon's throttle of 5 per 30 minutes covers both).
func TestSignUpFormSharesTheLimit(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.RateLimit = 0 })) // Mastodon's limits
	for i := range 5 {
		name := fmt.Sprintf("user%d", i)
		if i < 3 {
			c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), signUpForm(name)), 200)
			continue
		}
		c.Must(c.Do("POST", "/auth", "", signUpForm(name, "password_confirmation", "correct horse battery")), 200)
	}
	c.Must(c.Do("POST", "/auth", "", signUpForm("sixth", "password_confirmation", "correct horse battery")), 429)
}
