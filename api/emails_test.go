package api_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/mail/mailtest"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// mailNode starts a node that sends mail through the test SMTP server (Mailpit),
// on a clock the test moves; it skips without the server.
func mailNode(t *testing.T) (*testrig.Cluster, *mailtest.Inbox, *atomic.Int64) {
	t.Helper()
	addr, in := mailtest.FromEnv(t)
	var skew atomic.Int64
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) {
		cfg.SMTP = node.SMTPConfig{Address: addr, TLS: "none", Username: "herd", Password: "secret"}
		cfg.Clock = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	}))
	return c, in, &skew
}

// signUp registers through the API with a fresh address and returns the token and
// the address.
func signUp(t *testing.T, c *testrig.Cluster, name string) (string, string) {
	t.Helper()
	email := mailtest.NewAddress(name)
	r := c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), url.Values{"username": {name}, "email": {email},
		"password": {"correct horse battery"}, "agreement": {"true"}, "locale": {"en"}}), 200)
	return testrig.Decode[testrig.Token](t, r).AccessToken, email
}

var linkRE = regexp.MustCompile(`https?://\S+`)

// linkIn returns the path and query of the link with param in a message's text, after
// checking that the HTML part carries the same link.
func linkIn(t *testing.T, m mailtest.Received, param string) string {
	t.Helper()
	for _, l := range linkRE.FindAllString(m.Text, -1) {
		u, err := url.Parse(l)
		if err != nil || u.Query().Get(param) == "" {
			continue
		}
		if !strings.Contains(m.HTML, strings.ReplaceAll(l, "&", "&amp;")) {
			t.Errorf("the HTML part lacks the link %s: %s", l, m.HTML)
		}
		return u.RequestURI()
	}
	t.Fatalf("no link with %s in %q", param, m.Text)
	return ""
}

// signInAs submits the sign-in page of the test app (out-of-band redirect).
func signInAs(c *testrig.Cluster, login, password string) *testrig.Response {
	id, _ := c.App()
	return c.Do("POST", "/oauth/authorize", "", url.Values{"client_id": {id}, "redirect_uri": {"urn:ietf:wg:oauth:2.0:oob"},
		"response_type": {"code"}, "scope": {"read"}, "login": {login}, "password": {password}, "decision": {"approve"}})
}

func wantPage(t *testing.T, r *testrig.Response, code int, text string) {
	t.Helper()
	if r.Code != code || !strings.Contains(string(r.Body), text) {
		t.Errorf("page %d, want %d with %q: %.400s", r.Code, code, text, r.Body)
	}
}

// TestEmailConfirmation: with SMTP configured, sign-up mails a confirmation link that
// arrives at the real SMTP server; until it is followed the token answers 403 and the
// sign-in page refuses the user; the link confirms once.
func TestEmailConfirmation(t *testing.T) {
	c, in, _ := mailNode(t)
	ctx := context.Background()
	// An account the operator creates is confirmed, as tootctl's --confirmed.
	if err := c.Nodes[0].AdminCreateAccount(ctx, "ops", mailtest.NewAddress("ops"), "correct horse battery", true); err != nil {
		t.Fatal(err)
	}
	opsTok, err := c.Nodes[0].AdminToken(ctx, "ops", "read admin:read")
	if err != nil {
		t.Fatal(err)
	}
	c.Must(c.Do("GET", "/api/v1/accounts/verify_credentials", opsTok, nil), 200)
	tok, email := signUp(t, c, "dora")
	dora, err := c.Nodes[0].Accounts.Lookup(ctx, "dora", "")
	if err != nil {
		t.Fatal(err)
	}
	confirmed := func() bool {
		var a struct {
			Confirmed bool `json:"confirmed"`
		}
		c.Must(c.Do("GET", "/api/v1/admin/accounts/"+dora.ID.String(), opsTok, nil), 200).JSON(t, &a)
		return a.Confirmed
	}
	if confirmed() {
		t.Error("the admin API shows the new account confirmed")
	}
	wantError(t, c.Do("GET", "/api/v1/accounts/verify_credentials", tok, nil), 403,
		"Your login is missing a confirmed e-mail address")
	wantPage(t, signInAs(c, email, "correct horse battery"), 403, "You have to confirm your email address")

	m := in.Await(t, email, 1)[0]
	if !strings.Contains(m.Subject, "Confirmation instructions for "+c.Nodes[0].Config().Domain) || !strings.Contains(m.Text, "@dora") {
		t.Errorf("subject %q, text %q", m.Subject, m.Text)
	}
	link := linkIn(t, m, "confirmation_token")
	if !strings.HasPrefix(link, "/auth/confirmation?") {
		t.Fatalf("link %s", link)
	}
	wantPage(t, c.Do("GET", link, "", nil), 200, "successfully confirmed")
	c.Must(c.Do("GET", "/api/v1/accounts/verify_credentials", tok, nil), 200)
	if !confirmed() {
		t.Error("the admin API shows the account unconfirmed after confirmation")
	}
	wantPage(t, c.Do("GET", link, "", nil), 400, "Confirmation token is invalid")
	wantPage(t, c.Do("GET", "/auth/confirmation?confirmation_token=forged", "", nil), 400, "Confirmation token is invalid")
	wantPage(t, signInAs(c, email, "correct horse battery"), 200, "Authorization code")
	wantError(t, c.Do("POST", "/api/v1/emails/confirmations", tok, nil), 403,
		"This method is only available while the e-mail is awaiting confirmation")

}

// TestResendConfirmation: POST /api/v1/emails/confirmations mails a new link (the old
// one no longer works), to a new address if given, which the user then has; only the
// sign-up app may ask; an address in use is refused.
func TestResendConfirmation(t *testing.T) {
	c, in, _ := mailNode(t)
	ctx := context.Background()
	tok, email := signUp(t, c, "ezra")
	first := linkIn(t, in.Await(t, email, 1)[0], "confirmation_token")

	other, err := c.Nodes[0].AdminToken(ctx, "ezra", "read write")
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, c.Do("POST", "/api/v1/emails/confirmations", other, nil), 403,
		"This method is only available to the application the user originally signed-up with")
	c.Must(c.Do("POST", "/api/v1/emails/confirmations", tok, nil), 200)
	second := linkIn(t, in.Await(t, email, 2)[0], "confirmation_token")
	if second == first {
		t.Fatal("the resent link is the first one")
	}

	_, taken := signUp(t, c, "fay")
	if r := c.Do("POST", "/api/v1/emails/confirmations", tok, url.Values{"email": {taken}}); r.Code != 422 {
		t.Errorf("resend to an address in use: %d %s", r.Code, r.Body)
	}
	moved := mailtest.NewAddress("ezra-new")
	c.Must(c.Do("POST", "/api/v1/emails/confirmations", tok, url.Values{"email": {moved}}), 200)
	third := linkIn(t, in.Await(t, moved, 1)[0], "confirmation_token")
	wantPage(t, c.Do("GET", second, "", nil), 400, "Confirmation token is invalid")
	wantPage(t, c.Do("GET", third, "", nil), 200, "successfully confirmed")
	c.Must(c.Do("GET", "/api/v1/accounts/verify_credentials", tok, nil), 200)
	wantPage(t, signInAs(c, moved, "correct horse battery"), 200, "Authorization code")
	wantPage(t, signInAs(c, email, "correct horse battery"), 401, "Invalid login or password")
}

// TestPasswordReset: the reset page mails a link to a known address (and says the
// same for an unknown one); the link's page sets a new password once, signs the user
// out of every token, and the new password signs in; a newer link voids an older one,
// and a link expires after 6 hours.
func TestPasswordReset(t *testing.T) {
	c, in, skew := mailNode(t)
	ctx := context.Background()
	tok, email := signUp(t, c, "gus")
	wantPage(t, c.Do("GET", linkIn(t, in.Await(t, email, 1)[0], "confirmation_token"), "", nil), 200, "confirmed")
	other, err := c.Nodes[0].AdminToken(ctx, "gus", "read")
	if err != nil {
		t.Fatal(err)
	}
	wantPage(t, c.Do("GET", "/auth/password/new", "", nil), 200, `name="email"`)
	nobody := mailtest.NewAddress("nobody")
	wantPage(t, c.Do("POST", "/auth/password", "", url.Values{"email": {nobody}}), 200, "If your email address exists")
	wantPage(t, c.Do("POST", "/auth/password", "", url.Values{"email": {email}}), 200, "If your email address exists")
	m := in.Await(t, email, 2)[0]
	if !strings.Contains(m.Subject, "Reset password instructions") {
		t.Errorf("subject %q", m.Subject)
	}
	older := linkIn(t, m, "reset_password_token")
	if !strings.HasPrefix(older, "/auth/password/edit?") {
		t.Fatalf("link %s", older)
	}
	c.Must(c.Do("POST", "/auth/password", "", url.Values{"email": {strings.ToUpper(email)}}), 200)
	link := linkIn(t, in.Await(t, email, 3)[0], "reset_password_token")
	wantPage(t, c.Do("GET", older, "", nil), 400, "Reset password token is invalid")
	wantPage(t, c.Do("GET", link, "", nil), 200, `name="reset_password_token"`)
	token, _ := url.ParseQuery(strings.SplitN(link, "?", 2)[1])
	form := url.Values{"reset_password_token": {token.Get("reset_password_token")}, "password": {"a new horse battery"},
		"password_confirmation": {"another"}}
	wantPage(t, c.Do("PUT", "/auth/password", "", form), 422, "doesn&#39;t match")
	form.Set("password", "short")
	form.Set("password_confirmation", "short")
	wantPage(t, c.Do("PUT", "/auth/password", "", form), 422, "Password is too short")
	form.Set("password", "a new horse battery")
	form.Set("password_confirmation", "a new horse battery")
	form.Set("_method", "put") // as the page's form sends it
	wantPage(t, c.Do("POST", "/auth/password", "", form), 200, "Your password has been changed")
	for _, old := range []string{tok, other} {
		if r := c.Do("GET", "/api/v1/accounts/verify_credentials", old, nil); r.Code != 401 {
			t.Errorf("a token from before the reset: %d", r.Code)
		}
	}
	wantPage(t, c.Do("PUT", "/auth/password", "", form), 400, "Reset password token is invalid")
	wantPage(t, signInAs(c, email, "correct horse battery"), 401, "Invalid login or password")
	wantPage(t, signInAs(c, "gus", "a new horse battery"), 200, "Authorization code")

	c.Must(c.Do("POST", "/auth/password", "", url.Values{"email": {email}}), 200)
	late := linkIn(t, in.Await(t, email, 4)[0], "reset_password_token")
	skew.Store(int64(6*time.Hour + time.Minute))
	wantPage(t, c.Do("GET", late, "", nil), 400, "Reset password token has expired")
}

// TestNoMailConfigured: without SMTP, accounts are confirmed at once, as before, and
// the pages of confirmation and reset are not served.
func TestNoMailConfigured(t *testing.T) {
	c := testrig.New(t)
	tok, _ := signUp(t, c, "hal")
	c.Must(c.Do("GET", "/api/v1/accounts/verify_credentials", tok, nil), 200)
	wantError(t, c.Do("POST", "/api/v1/emails/confirmations", tok, nil), 403,
		"This method is only available while the e-mail is awaiting confirmation")
	for _, p := range []string{"/auth/password/new", "/auth/password/edit?reset_password_token=x", "/auth/confirmation?confirmation_token=x"} {
		if r := c.Do("GET", p, "", nil); r.Code != 404 {
			t.Errorf("GET %s: %d", p, r.Code)
		}
	}
	if r := c.Do("POST", "/auth/password", "", url.Values{"email": {"hal@example.com"}}); r.Code != 404 {
		t.Errorf("POST /auth/password: %d", r.Code)
	}
}

// TestSignUpWithMailServerDown: sending is off the request's path, so a mail server
// that refuses connections fails neither the sign-up nor the resend; the user waits
// for the mail, unconfirmed.
func TestSignUpWithMailServerDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) {
		cfg.SMTP = node.SMTPConfig{Address: addr, TLS: "none"}
	}))
	tok, _ := signUp(t, c, "ivy")
	wantError(t, c.Do("GET", "/api/v1/accounts/verify_credentials", tok, nil), 403,
		"Your login is missing a confirmed e-mail address")
	c.Must(c.Do("POST", "/api/v1/emails/confirmations", tok, nil), 200)
	wantPage(t, c.Do("POST", "/auth/password", "", url.Values{"email": {"ivy@herd.test"}}), 200, "If your email address exists")
}

// TestDirectoryLeavesOutUnconfirmed: an account whose user has not confirmed its
// e-mail address is not in the profile directory (Mastodon's discoverable scope
// lists confirmed users only) nor suggested, and is once the link is followed.
func TestDirectoryLeavesOutUnconfirmed(t *testing.T) {
	c, in, _ := mailNode(t)
	ctx := context.Background()
	if err := c.Nodes[0].AdminCreateAccount(ctx, "ops", mailtest.NewAddress("ops"), "correct horse battery", true); err != nil {
		t.Fatal(err)
	}
	ops, err := c.Nodes[0].Accounts.Lookup(ctx, "ops", "")
	if err != nil {
		t.Fatal(err)
	}
	_, email := signUp(t, c, "dora")
	dora, err := c.Nodes[0].Accounts.Lookup(ctx, "dora", "")
	if err != nil {
		t.Fatal(err)
	}
	anon := c.Anonymous()
	for _, order := range []string{"new", "active"} {
		if got := accountsAt(t, anon, "/api/v1/directory", url.Values{"order": {order}}); !slices.Equal(got, []string{ops.ID.String()}) {
			t.Errorf("%s, dora unconfirmed: %v, want only ops %s", order, got, ops.ID)
		}
	}
	// Nor among the suggestions: ops follows bea, who follows dora.
	if err := c.Nodes[0].AdminCreateAccount(ctx, "bea", mailtest.NewAddress("bea"), "correct horse battery", true); err != nil {
		t.Fatal(err)
	}
	opsTok, err := c.Nodes[0].AdminToken(ctx, "ops", "read write follow")
	if err != nil {
		t.Fatal(err)
	}
	beaTok, err := c.Nodes[0].AdminToken(ctx, "bea", "read write follow")
	if err != nil {
		t.Fatal(err)
	}
	bea, err := c.Nodes[0].Accounts.Lookup(ctx, "bea", "")
	if err != nil {
		t.Fatal(err)
	}
	c.Must(c.Do("POST", "/api/v1/accounts/"+bea.ID.String()+"/follow", opsTok, nil), 200)
	c.Must(c.Do("POST", "/api/v1/accounts/"+dora.ID.String()+"/follow", beaTok, nil), 200)
	suggested := func() []string {
		var l []struct {
			Account testrig.Account `json:"account"`
		}
		c.Must(c.Do("GET", "/api/v2/suggestions", opsTok, nil), 200).JSON(t, &l)
		var ids []string
		for _, s := range l {
			ids = append(ids, s.Account.ID)
		}
		return ids
	}
	if got := suggested(); slices.Contains(got, dora.ID.String()) {
		t.Errorf("dora unconfirmed is suggested to ops: %v", got)
	}
	link := linkIn(t, in.Await(t, email, 1)[0], "confirmation_token")
	wantPage(t, c.Do("GET", link, "", nil), 200, "successfully confirmed")
	if got := accountsAt(t, anon, "/api/v1/directory", url.Values{"order": {"new"}}); !slices.Equal(got, []string{bea.ID.String(), dora.ID.String(), ops.ID.String()}) {
		t.Errorf("dora confirmed: %v, want bea, dora %s and ops", got, dora.ID)
	}
	if got := suggested(); !slices.Contains(got, dora.ID.String()) {
		t.Errorf("dora confirmed is not suggested to ops: %v", got)
	}
}

// TestAccountSearchLeavesOutUnconfirmed: search finds a new user once its address is
// confirmed, as Mastodon's searchable scope.
func TestAccountSearchLeavesOutUnconfirmed(t *testing.T) {
	c, in, _ := mailNode(t)
	ctx := context.Background()
	_, email := signUp(t, c, "dorothea")
	for _, name := range []string{"ops", "dorothy"} {
		if err := c.Nodes[0].AdminCreateAccount(ctx, name, mailtest.NewAddress(name), "correct horse battery", true); err != nil {
			t.Fatal(err)
		}
	}
	token, err := c.Nodes[0].AdminToken(ctx, "ops", "read")
	if err != nil {
		t.Fatal(err)
	}
	found := func() []string {
		var res searchResult
		c.Must(c.Do("GET", "/api/v2/search", token, url.Values{"q": {"doro"}, "type": {"accounts"}}), 200).JSON(t, &res)
		var names []string
		for _, a := range res.Accounts {
			names = append(names, a.Acct)
		}
		return names
	}
	testrig.Eventually(t, "dorothy, who signed up after dorothea, found", func() error {
		if got := found(); !slices.Contains(got, "dorothy") {
			return fmt.Errorf("found %v", got)
		}
		return nil
	})
	if got := found(); slices.Contains(got, "dorothea") {
		t.Errorf("dorothea unconfirmed is found: %v", got)
	}
	wantPage(t, c.Do("GET", linkIn(t, in.Await(t, email, 1)[0], "confirmation_token"), "", nil), 200, "successfully confirmed")
	testrig.Eventually(t, "dorothea found once confirmed", func() error {
		if got := found(); !slices.Contains(got, "dorothea") {
			return fmt.Errorf("found %v", got)
		}
		return nil
	})
}
