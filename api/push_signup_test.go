package api_test

import (
	"context"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestPushSignUp: an admin whose subscription takes admin.sign_up is pushed a new
// user's sign-up, with Mastodon's title.
func TestPushSignUp(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "push"))
	c.RegisterModerator("mod")
	tok, err := c.Nodes[0].AdminToken(context.Background(), "mod", "read push")
	if err != nil {
		t.Fatal(err)
	}
	phone := newDevice(t)
	ps := newPushService(t, map[string]*device{"/phone": phone})
	e := subscribe(t, c, tok, phone.form(ps.URL+"/phone", map[string]bool{"admin.sign_up": true}, "all"))
	learnServerKey(e.ServerKey)
	c.Register("newbie")
	got := ps.waitPushes(t, "/phone", 1)[0]
	if got.NotificationType != "admin.sign_up" || got.Title != "newbie signed up" || got.AccessToken != tok {
		t.Errorf("pushed %+v", got)
	}
}
