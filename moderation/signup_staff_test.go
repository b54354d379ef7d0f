package moderation_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// signUpNotices are the usernames of the admin.sign_up notifications a token's owner
// holds, newest first.
func signUpNotices(t *testing.T, c *testrig.Cluster, tok string) string {
	t.Helper()
	var names []string
	for _, n := range c.Must(c.Do("GET", "/api/v1/notifications", tok, url.Values{"types[]": {"admin.sign_up"}}), 200).List(t) {
		if n["type"] != "admin.sign_up" || n["status"] != nil {
			t.Fatalf("an admin.sign_up notification: %v", n)
		}
		names = append(names, n["account"].(map[string]any)["username"].(string))
	}
	return strings.Join(names, ",")
}

// TestSignUpNotifiesStaff: a user let in, at registration or when a moderator
// approves them, is told to the admins (admin.sign_up, grouped as Mastodon groups
// them), not to other users; a pending or rejected registration tells nobody.
func TestSignUpNotifiesStaff(t *testing.T) {
	f := newAdmin(t)
	c := f.c
	tokenOf(t, signUp(c, "newbie", "newbie@example.com", "198.51.100.9", ""))
	testrig.Eventually(t, "the admin told of newbie", func() error {
		if got := signUpNotices(t, c, f.tok); got != "newbie" {
			return fmt.Errorf("notified of %q", got)
		}
		return nil
	})
	groups := c.Must(c.Do("GET", "/api/v2/notifications", f.tok, url.Values{"types[]": {"admin.sign_up"}}), 200).Object(t)
	if g, _ := groups["notification_groups"].([]any); len(g) != 1 ||
		!strings.HasPrefix(g[0].(map[string]any)["group_key"].(string), "admin.sign_up-") {
		t.Errorf("grouped: %v", groups["notification_groups"])
	}

	f.post(t, "/api/v1/admin/ip_blocks", url.Values{"ip": {"203.0.113.0/24"}, "severity": {"sign_up_requires_approval"}}, 200)
	tokenOf(t, signUp(c, "waiting", "waiting@example.com", "203.0.113.5", "please"))
	tokenOf(t, signUp(c, "spammer", "spammer@example.com", "203.0.113.6", "please"))
	pending := f.get(t, "/api/v2/admin/accounts", url.Values{"status": {"pending"}}).List(t)
	if usernames(pending) != "spammer,waiting" {
		t.Fatalf("pending: %v", usernames(pending))
	}
	f.post(t, "/api/v1/admin/accounts/"+pending[0]["id"].(string)+"/reject", nil, 200)
	if got := signUpNotices(t, c, f.tok); got != "newbie" {
		t.Errorf("notified of a pending or rejected registration: %q", got)
	}
	f.post(t, "/api/v1/admin/accounts/"+pending[1]["id"].(string)+"/approve", nil, 200)
	testrig.Eventually(t, "the admin told of waiting", func() error {
		if got := signUpNotices(t, c, f.tok); got != "waiting,newbie" {
			return fmt.Errorf("notified of %q", got)
		}
		return nil
	})
	if got := signUpNotices(t, c, f.alice.Token); got != "" {
		t.Errorf("a user who is not staff was told of sign-ups: %q", got)
	}
}
