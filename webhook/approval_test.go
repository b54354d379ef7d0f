package webhook_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// TestWebhookApproval: where registrations need approval, a registration fires
// account.created alone, and account.approved fires when a moderator approves it, as
// Mastodon's (a rejected one never fires it).
func TestWebhookApproval(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "hooks"), testrig.Config(func(cfg *node.Config) {
		cfg.WebhookBackoff = time.Millisecond
		cfg.Registrations = "approval"
	}))
	ctx := context.Background()
	if err := c.Nodes[0].AdminCreateAccount(ctx, "mod", "mod@example.com", "correct horse battery", true); err != nil {
		t.Fatal(err)
	}
	tok, err := c.Nodes[0].AdminToken(ctx, "mod", "read write admin:read admin:write")
	if err != nil {
		t.Fatal(err)
	}
	hooks := newReceiver(t, 0)
	create(t, c, tok, hooks, url.Values{"events[]": {"account.created", "account.approved"}})
	for _, name := range []string{"dave", "spam"} {
		c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), url.Values{"username": {name}, "email": {name + "@example.com"},
			"password": {"correct horse battery"}, "agreement": {"true"}, "locale": {"en"}, "reason": {"let me in"}}), 200)
	}
	pending := c.Must(c.Do("GET", "/api/v2/admin/accounts", tok, url.Values{"status": {"pending"}}), 200).List(t)
	if len(pending) != 2 {
		t.Fatalf("pending: %v", pending)
	}
	spam, dave := pending[0]["id"].(string), pending[1]["id"].(string)
	for _, id := range []string{dave, spam} {
		testrig.Eventually(t, "account.created delivered", func() error {
			_, err := hooks.find(t, "account.created", id)
			return err
		})
	}
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+spam+"/reject", tok, nil), 200)
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+dave+"/approve", tok, nil), 200)
	testrig.Eventually(t, "account.approved delivered", func() error {
		_, err := hooks.find(t, "account.approved", dave)
		return err
	})
	// The moderator, made approved, fires account.approved too, possibly after the
	// webhook exists: only the two registrations are checked.
	for _, d := range hooks.deliveries(t) {
		if d.Event == "account.approved" && d.Object["id"] == dave && d.Object["approved"] != true {
			t.Errorf("account.approved of a pending registration: %v", d.Object)
		}
	}
	if _, err := hooks.find(t, "account.approved", spam); err == nil {
		t.Error("account.approved of a rejected registration")
	}
}
