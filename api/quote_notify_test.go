package api_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestQuoteNotifications: a quote tells the quoted author (quote), and an edit of a
// quoted status tells those who quoted it (quoted_update), in both notification APIs
// and by push to subscriptions that ask for those alerts.
func TestQuoteNotifications(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "push"))
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	phone := newDevice(t)
	ps := newPushService(t, map[string]*device{"/phone": phone})
	e := subscribe(t, c, bob.Token, phone.form(ps.URL+"/phone", map[string]bool{"quote": true, "quoted_update": true}, "all"))
	learnServerKey(e.ServerKey)
	if !e.Alerts["quote"] || !e.Alerts["quoted_update"] {
		t.Fatalf("subscription alerts %v", e.Alerts)
	}

	orig := bob.Post("quote me")["id"].(string)
	quote := readQuote(t, c.Must(quotePost(alice, "quoting bob", orig), 200)).ID
	c.Must(quotePost(carol, "me too", orig), 200)
	c.Must(quotePost(bob, "quoting myself", orig), 200)
	got := ps.waitPushes(t, "/phone", 2)
	if got[0].NotificationType != "quote" || got[0].Title != "alice quoted your post" {
		t.Errorf("first push %+v", got[0])
	}
	notes := bob.Notifications(nil)
	if len(notes) != 2 || notes[0].Type != "quote" || notes[0].Account.Username != "carol" || notes[0].Status == nil ||
		notes[1].Status == nil || notes[1].Status.ID != quote {
		t.Fatalf("bob's notifications %+v", notes)
	}
	if only := bob.Notifications(url.Values{"types[]": {"quote"}}); len(only) != 2 {
		t.Fatalf("types[]=quote: %d", len(only))
	}
	var grouped struct {
		NotificationGroups []struct {
			Type               string `json:"type"`
			NotificationsCount int    `json:"notifications_count"`
		} `json:"notification_groups"`
	}
	c.Must(bob.Do("GET", "/api/v2/notifications", nil), 200).JSON(t, &grouped)
	if len(grouped.NotificationGroups) != 2 || grouped.NotificationGroups[0].Type != "quote" {
		t.Fatalf("v2 groups %+v", grouped.NotificationGroups)
	}

	// Alice quoted a post of carol's, whose edit tells alice, and alice's push device.
	src := carol.Post("to be edited")["id"].(string)
	c.Must(quotePost(alice, "quoting carol", src), 200)
	c.Must(carol.Do("PUT", "/api/v1/statuses/"+src, url.Values{"status": {"edited"}}), 200)
	testrig.Eventually(t, "alice's quoted_update", func() error {
		n := alice.Notifications(url.Values{"types[]": {"quoted_update"}})
		if len(n) != 1 || n[0].Account.Username != "carol" || n[0].Status == nil || n[0].Status.ID != src {
			return fmt.Errorf("notifications %+v", n)
		}
		return nil
	})
	// Bob's own post, edited, tells alice and carol, but not bob.
	c.Must(bob.Do("PUT", "/api/v1/statuses/"+orig, url.Values{"status": {"quote me, edited"}}), 200)
	testrig.Eventually(t, "carol's quoted_update", func() error {
		if n := carol.Notifications(url.Values{"types[]": {"quoted_update"}}); len(n) != 1 {
			return fmt.Errorf("%d notifications", len(n))
		}
		return nil
	})
	if n := bob.Notifications(url.Values{"types[]": {"quoted_update"}}); len(n) != 0 {
		t.Fatalf("bob told of his own edit: %+v", n)
	}
}

// TestQuotePolicyChanges: interaction_policy and an edit's quote_approval_policy
// change who may quote a status from then on, without undoing quotes made before.
func TestQuotePolicyChanges(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	id := alice.Post("open for now")["id"].(string)
	c.Must(quotePost(bob, "first", id), 200)
	path := "/api/v1/statuses/" + id + "/interaction_policy"
	c.Must(bob.Do("PUT", path, url.Values{"quote_approval_policy": {"nobody"}}), 403)
	c.Must(alice.Do("PUT", path, url.Values{"quote_approval_policy": {"friends"}}), 422)
	st := readQuote(t, c.Must(alice.Do("PUT", path, url.Values{"quote_approval_policy": {"nobody"}}), 200))
	if st.QuoteApproval == nil || len(st.QuoteApproval.Automatic) != 0 || st.QuotesCount != 1 {
		t.Fatalf("after interaction_policy nobody: %+v", st)
	}
	var edited struct {
		EditedAt *string `json:"edited_at"`
	}
	c.Must(alice.Do("GET", "/api/v1/statuses/"+id, nil), 200).JSON(t, &edited)
	if edited.EditedAt != nil {
		t.Fatalf("a policy change marked the status edited at %s", *edited.EditedAt)
	}
	c.Must(quotePost(bob, "second", id), 404)
	c.Must(alice.Do("PUT", "/api/v1/statuses/"+id, url.Values{"status": {"open again"}, "quote_approval_policy": {"public"}}), 200)
	c.Must(quotePost(bob, "third", id), 200)
	c.Must(alice.Do("PUT", "/api/v1/statuses/"+id, url.Values{"status": {"x"}, "quote_approval_policy": {"some"}}), 422)
	if n := readQuote(t, c.Must(alice.Do("GET", "/api/v1/statuses/"+id, nil), 200)).QuotesCount; n != 2 {
		t.Fatalf("quotes_count %d, want 2", n)
	}
}
