package activitypub_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// quoteOf reads the quote of a status as u sees it: its state and the quoted
// status's URI (empty when it is not shown).
func quoteOf(t *testing.T, u *testrig.User, id string) (state, uri string) {
	t.Helper()
	res := u.Do("GET", "/api/v1/statuses/"+id, nil)
	if res.Code != 200 {
		return fmt.Sprintf("GET answered %d", res.Code), ""
	}
	q := obj(res.Object(t)["quote"])
	return str(q["state"]), str(obj(q["quoted_status"])["uri"])
}

// TestQuotesFederate: a user of one Herd instance quotes a post of another's. The
// quote waits for consent; the quoted author's server accepts the QuoteRequest by the
// post's policy, with a stamp that the quoting server records, and the quoted author
// hears of the quote and may revoke it, which the quoting server learns. A post that
// nobody may quote says so in its note, and the quoting server refuses at once.
func TestQuotesFederate(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"))
	alice, bob := a.Register("alice"), b.Register("bob")
	post := alice.PostStatus("quote me if you like")
	closed := alice.PostStatus("do not quote me", "quote_approval_policy", "nobody")

	find := func(uri string) string {
		found := bob.Search(uri, "resolve", "true").Statuses
		if len(found) != 1 {
			t.Fatalf("bob's search for %s found %d statuses", uri, len(found))
		}
		return found[0].ID
	}
	postOnB, closedOnB := find(post.URI), find(closed.URI)
	if res := bob.Do("POST", "/api/v1/statuses", url.Values{"status": {"look"}, "quoted_status_id": {closedOnB}}); res.Code != 404 {
		t.Fatalf("quoting a post nobody may quote answered %d, want 404", res.Code)
	}
	quote := bob.PostStatus("well said", "quoted_status_id", postOnB)
	if state, _ := quoteOf(t, bob, quote.ID); state != "pending" && state != "accepted" {
		t.Fatalf("bob's new quote is %q", state)
	}
	testrig.Eventually(t, "alpha's Accept of bob's QuoteRequest", func() error {
		if state, uri := quoteOf(t, bob, quote.ID); state != "accepted" || uri != post.URI {
			return fmt.Errorf("bob's quote is %q of %q", state, uri)
		}
		return nil
	})
	var quoteOnA string
	testrig.Eventually(t, "alice's quote notification", func() error {
		for _, n := range alice.Notifications(nil) {
			if n.Type == "quote" && n.Status != nil && n.Status.URI == quote.URI {
				quoteOnA = n.Status.ID
				return nil
			}
		}
		return fmt.Errorf("alice has no quote notification")
	})
	if state, uri := quoteOf(t, alice, quoteOnA); state != "accepted" || uri != post.URI {
		t.Fatalf("bob's quote on alpha is %q of %q", state, uri)
	}
	if n := alice.Do("GET", "/api/v1/statuses/"+post.ID, nil).Object(t)["quotes_count"]; n != 1.0 {
		t.Fatalf("alice's post counts %v quotes, want 1", n)
	}

	// Alice revokes the quote: the Delete of her stamp reaches beta.
	if res := alice.Do("POST", "/api/v1/statuses/"+post.ID+"/quotes/"+quoteOnA+"/revoke", nil); res.Code != 200 {
		t.Fatalf("revoke answered %d: %s", res.Code, res.Body)
	}
	testrig.Eventually(t, "the revocation on beta", func() error {
		if state, _ := quoteOf(t, bob, quote.ID); state != "revoked" {
			return fmt.Errorf("bob's quote is %q", state)
		}
		return nil
	})
}
