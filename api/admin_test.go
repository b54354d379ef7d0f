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
