package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestAdminRoutesRefuseOutsiders: every admin route the router serves answers 403 to
// a user who is not staff, whatever the token's scopes, and to a moderator whose
// token lacks the admin scopes; and 401 without a token.
func TestAdminRoutesRefuseOutsiders(t *testing.T) {
	c := testrig.New(t)
	c.Register("alice")
	mod, _ := c.RegisterModerator("mod")
	outsider, err := c.Nodes[0].AdminToken(context.Background(), "alice", "read write admin:read admin:write")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for method, list := range c.Nodes[0].Routes() {
		for _, route := range list {
			if !strings.HasPrefix(route, "/api/v1/admin/") && !strings.HasPrefix(route, "/api/v2/admin/") {
				continue
			}
			n++
			path := routeParam.ReplaceAllString(route, mod.ID)
			for who, tok := range map[string]string{"a user": outsider, "a moderator without admin scopes": mod.Token} {
				if r := c.Do(method, path, tok, nil); r.Code != 403 || !strings.Contains(string(r.Body), `"error"`) {
					t.Errorf("%s %s as %s: %d %s", method, route, who, r.Code, r.Body)
				}
			}
			if r := c.Do(method, path, "", nil); r.Code != 401 {
				t.Errorf("%s %s without a token: %d", method, route, r.Code)
			}
		}
	}
	if n < 25 {
		t.Fatalf("only %d admin routes", n)
	}
}

// TestSensitizedAccountMedia: the statuses with media of an account moderators
// marked sensitive are sensitive, whatever the author asked; without media they are
// not, and unsensitized the author chooses again.
func TestSensitizedAccountMedia(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	_, tok := c.RegisterModerator("mod")
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+alice.ID+"/action", tok, url.Values{"type": {"sensitive"}}), 200)
	post := func() map[string]any {
		var up attachmentEntity
		upload(c, alice, "/api/v2/media", "beach.jpg", testdata(t, "gps.jpg"), nil).JSON(t, &up)
		processed(t, c, alice, up.ID)
		return c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"look"}, "media_ids[]": {up.ID},
			"sensitive": {"false"}}), 200).Object(t)
	}
	if st := post(); st["sensitive"] != true {
		t.Fatalf("a sensitized account's media status: sensitive %v", st["sensitive"])
	}
	if st := alice.Post("just words"); st["sensitive"] != false {
		t.Fatalf("a sensitized account's status without media: sensitive %v", st["sensitive"])
	}
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+alice.ID+"/unsensitive", tok, nil), 200)
	if st := post(); st["sensitive"] != false {
		t.Fatalf("after unsensitive: sensitive %v", st["sensitive"])
	}
}

// TestAdminScopesAtSignIn: the web client asks every user for the admin scopes at
// sign-in. As Mastodon's, the server grants them whatever the role (a user made a
// moderator later needs no new sign-in), and the role decides: a user without one
// signs in, uses the ordinary API, and is refused every admin call for their role
// (not for the scopes); a moderator's same sign-in reaches the admin API.
func TestAdminScopesAtSignIn(t *testing.T) {
	c := testrig.New(t)
	c.Register("alice")
	c.RegisterModerator("mod")
	const scopes = "read write follow push admin:read admin:write"
	const cb = "https://herd.example/web/oauth/callback"
	app := testrig.Decode[testrig.Application](t, c.Must(c.Do("POST", "/api/v1/apps", "", url.Values{"client_name": {"Herd web"},
		"redirect_uris": {cb}, "scopes": {scopes}}), 200))
	signIn := func(login string) string {
		t.Helper()
		r := c.Do("POST", "/oauth/authorize", "", url.Values{"response_type": {"code"}, "client_id": {app.ClientID},
			"redirect_uri": {cb}, "scope": {scopes}, "login": {login}, "password": {"correct horse battery"}})
		if r.Code != 302 {
			t.Fatalf("%s signs in: %d %s", login, r.Code, r.Body)
		}
		loc, _ := url.Parse(r.Header.Get("Location"))
		tok := testrig.Decode[testrig.Token](t, c.Must(c.Do("POST", "/oauth/token", "", url.Values{"grant_type": {"authorization_code"},
			"code": {loc.Query().Get("code")}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "redirect_uri": {cb}}), 200))
		if tok.Scope != scopes {
			t.Fatalf("%s's token has %q, want %q", login, tok.Scope, scopes)
		}
		return tok.AccessToken
	}
	alice, mod := signIn("alice@example.com"), signIn("mod@example.com")
	c.Must(c.Do("GET", "/api/v1/timelines/home", alice, nil), 200)
	c.Must(c.Do("POST", "/api/v1/statuses", alice, url.Values{"status": {"signed in"}}), 200)
	for _, path := range []string{"/api/v1/admin/reports", "/api/v2/admin/accounts", "/api/v1/admin/domain_blocks"} {
		if r := c.Do("GET", path, alice, nil); r.Code != 403 || !strings.Contains(string(r.Body), "This action is not allowed") {
			t.Errorf("GET %s as a user: %d %s", path, r.Code, r.Body)
		}
		c.Must(c.Do("GET", path, mod, nil), 200)
	}
}
