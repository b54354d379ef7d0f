package api_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/herd-social/herd/testrig"
)

// quoteOf reads Status.quote as the API renders it at the top level.
type quoteOf struct {
	ID          string `json:"id"`
	Visibility  string `json:"visibility"`
	QuotesCount int    `json:"quotes_count"`
	Quote       *struct {
		State        string `json:"state"`
		QuotedStatus *struct {
			ID    string `json:"id"`
			Quote *struct {
				State          string  `json:"state"`
				QuotedStatusID *string `json:"quoted_status_id"`
			} `json:"quote"`
		} `json:"quoted_status"`
	} `json:"quote"`
	QuoteApproval *struct {
		Automatic   []string `json:"automatic"`
		Manual      []string `json:"manual"`
		CurrentUser string   `json:"current_user"`
	} `json:"quote_approval"`
}

func readQuote(t *testing.T, r *testrig.Response) quoteOf {
	t.Helper()
	var q quoteOf
	r.JSON(t, &q)
	return q
}

func quotePost(u *testrig.User, text, quoted string, extra ...string) *testrig.Response {
	form := url.Values{"status": {text}, "quoted_status_id": {quoted}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	return u.Do("POST", "/api/v1/statuses", form)
}

func TestQuoteCreateAndRender(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	orig := alice.Post("quote me")["id"].(string)
	q := readQuote(t, c.Must(quotePost(bob, "so true", orig), 200))
	if q.Quote == nil || q.Quote.State != "accepted" || q.Quote.QuotedStatus == nil || q.Quote.QuotedStatus.ID != orig {
		t.Fatalf("quote of %s: %+v", orig, q.Quote)
	}
	if q.Visibility != "public" || q.QuoteApproval == nil || q.QuoteApproval.CurrentUser != "automatic" ||
		fmt.Sprint(q.QuoteApproval.Automatic) != "[public]" {
		t.Fatalf("quoting status: %+v approval %+v", q, q.QuoteApproval)
	}
	got := readQuote(t, c.Must(bob.Do("GET", "/api/v1/statuses/"+orig, nil), 200))
	if got.QuotesCount != 1 || got.Quote != nil {
		t.Fatalf("quoted status after one quote: %+v", got)
	}
	// A quote of a quote shows the inner quote shallow, by id.
	qq := readQuote(t, c.Must(quotePost(alice, "and again", q.ID), 200))
	inner := qq.Quote.QuotedStatus
	if inner == nil || inner.Quote == nil || inner.Quote.State != "accepted" || inner.Quote.QuotedStatusID == nil ||
		*inner.Quote.QuotedStatusID != orig {
		t.Fatalf("quote of a quote: %+v", qq.Quote)
	}
	// Deleting the quoted status leaves the quote, marked deleted, and its count goes
	// with a deleted quote.
	c.Must(alice.Do("DELETE", "/api/v1/statuses/"+qq.ID, nil), 200)
	c.Must(alice.Do("DELETE", "/api/v1/statuses/"+orig, nil), 200)
	after := readQuote(t, c.Must(bob.Do("GET", "/api/v1/statuses/"+q.ID, nil), 200))
	if after.Quote == nil || after.Quote.State != "deleted" || after.Quote.QuotedStatus != nil || after.QuotesCount != 0 {
		t.Fatalf("quote after its status was deleted: %+v", after)
	}
}

func TestQuotePolicies(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	carol.Follow(alice)
	followers := alice.Post("followers may quote", "quote_approval_policy", "followers")["id"].(string)
	nobody := alice.Post("nobody may quote", "quote_approval_policy", "nobody")["id"].(string)
	private := alice.Post("followers only", "visibility", "private")["id"].(string)
	direct := alice.Post("@bob psst", "visibility", "direct")["id"].(string)
	const refused = "The post you are trying to quote does not appear to exist."
	for _, tc := range []struct {
		name   string
		who    *testrig.User
		quoted string
		code   int
	}{
		{"a follower, followers policy", carol, followers, 200},
		{"a stranger, followers policy", bob, followers, 404},
		{"anyone, nobody policy", carol, nobody, 404},
		{"the author, nobody policy", alice, nobody, 200},
		{"a follower, private post", carol, private, 404},
		{"the author, private post", alice, private, 200},
		{"a stranger, private post it cannot see", bob, private, 404},
		{"the mentioned, direct post", bob, direct, 404},
		{"the author, direct post", alice, direct, 404},
		{"nothing at all", bob, "1234567", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Must(quotePost(tc.who, "look", tc.quoted), tc.code)
			if tc.code != 200 {
				if e := r.Object(t)["error"]; e != refused {
					t.Fatalf("error %q", e)
				}
			}
		})
	}
	// The author's quote of a private post stays private.
	q := readQuote(t, c.Must(quotePost(alice, "again", private), 200))
	if q.Visibility != "private" {
		t.Fatalf("quote of a private post is %s", q.Visibility)
	}
	c.Must(quotePost(bob, "x", followers, "quote_approval_policy", "everyone"), 422)

	// quote_approval describes the policy for each viewer.
	for _, tc := range []struct {
		who        *testrig.User
		id, want   string
		automatics string
	}{
		{carol, followers, "automatic", "[followers]"},
		{bob, followers, "denied", "[followers]"},
		{bob, nobody, "denied", "[]"},
		{alice, nobody, "automatic", "[]"},
		{carol, private, "denied", "[]"},
	} {
		a := readQuote(t, c.Must(tc.who.Do("GET", "/api/v1/statuses/"+tc.id, nil), 200)).QuoteApproval
		if a == nil || a.CurrentUser != tc.want || fmt.Sprint(a.Automatic) != tc.automatics || len(a.Manual) != 0 {
			t.Errorf("%s viewing %s: %+v", tc.who.ID, tc.id, a)
		}
	}
	anon := readQuote(t, c.Must(c.Do("GET", "/api/v1/statuses/"+followers, "", nil), 200)).QuoteApproval
	if anon == nil || anon.CurrentUser != "unknown" {
		t.Fatalf("anonymous quote_approval %+v", anon)
	}
}

func TestQuoteDefaultPolicy(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	me := c.Must(alice.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"source[quote_policy]": {"nobody"}}), 200).Object(t)
	if got := me["source"].(map[string]any)["quote_policy"]; got != "nobody" {
		t.Fatalf("source.quote_policy %v", got)
	}
	c.Must(alice.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"source[quote_policy]": {"friends"}}), 422)
	id := alice.Post("mine alone")["id"].(string)
	c.Must(quotePost(bob, "no", id), 404)
	open := alice.Post("this one is open", "quote_approval_policy", "public")["id"].(string)
	c.Must(quotePost(bob, "yes", open), 200)
}

func TestQuotesListAndRevoke(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	orig := alice.Post("quote me")["id"].(string)
	var ids []string
	for i, u := range []*testrig.User{bob, carol, bob} {
		ids = append(ids, readQuote(t, c.Must(quotePost(u, fmt.Sprint("take ", i), orig), 200)).ID)
	}
	list := func(query string) ([]string, *testrig.Response) {
		r := c.Must(alice.Do("GET", "/api/v1/statuses/"+orig+"/quotes"+query, nil), 200)
		return testrig.IDs(r.List(t)), r
	}
	got, _ := list("")
	if fmt.Sprint(got) != fmt.Sprint([]string{ids[2], ids[1], ids[0]}) {
		t.Fatalf("quotes %v, want newest first of %v", got, ids)
	}
	page, r := list("?limit=2")
	if len(page) != 2 || r.Header.Get("Link") == "" {
		t.Fatalf("first page %v, link %q", page, r.Header.Get("Link"))
	}
	c.Must(bob.Do("GET", "/api/v1/statuses/"+orig+"/quotes", nil), 403)

	// Only the quoted author revokes; the quote's state becomes revoked.
	c.Must(bob.Do("POST", "/api/v1/statuses/"+orig+"/quotes/"+ids[1]+"/revoke", nil), 403)
	c.Must(alice.Do("POST", "/api/v1/statuses/"+orig+"/quotes/"+orig+"/revoke", nil), 404)
	rev := readQuote(t, c.Must(alice.Do("POST", "/api/v1/statuses/"+orig+"/quotes/"+ids[1]+"/revoke", nil), 200))
	if rev.ID != ids[1] || rev.Quote == nil || rev.Quote.State != "revoked" || rev.Quote.QuotedStatus != nil {
		t.Fatalf("revoked quote %+v", rev)
	}
	seen := readQuote(t, c.Must(carol.Do("GET", "/api/v1/statuses/"+ids[1], nil), 200))
	if seen.Quote == nil || seen.Quote.State != "revoked" {
		t.Fatalf("revoked quote as its author sees it: %+v", seen.Quote)
	}
	got, _ = list("")
	if fmt.Sprint(got) != fmt.Sprint([]string{ids[2], ids[0]}) {
		t.Fatalf("quotes after a revoke %v", got)
	}
	if n := readQuote(t, c.Must(alice.Do("GET", "/api/v1/statuses/"+orig, nil), 200)).QuotesCount; n != 2 {
		t.Fatalf("quotes_count after a revoke %d", n)
	}
}

// TestQuoteScheduled: a scheduled quote is checked when scheduled, keeps its quote and
// policy in its params, and quotes once posted.
func TestQuoteScheduled(t *testing.T) {
	c := soonCluster(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	orig := alice.Post("quote me later")["id"].(string)
	closed := alice.Post("not me", "quote_approval_policy", "nobody")["id"].(string)
	at := time.Now().Add(2 * time.Second)
	c.Must(schedule(bob, "no", at, "quoted_status_id", closed), 404)
	var sc struct {
		Params struct {
			QuotedStatusID *string `json:"quoted_status_id"`
			QuotePolicy    string  `json:"quote_approval_policy"`
		} `json:"params"`
	}
	c.Must(schedule(bob, "later", at, "quoted_status_id", orig, "quote_approval_policy", "followers"), 200).JSON(t, &sc)
	if sc.Params.QuotedStatusID == nil || *sc.Params.QuotedStatusID != orig || sc.Params.QuotePolicy != "followers" {
		t.Fatalf("scheduled params %+v", sc.Params)
	}
	testrig.Eventually(t, "the scheduled quote posted", func() error {
		r := alice.On(c.With(t)).Do("GET", "/api/v1/statuses/"+orig+"/quotes", nil)
		ids := testrig.IDs(r.List(t))
		if len(ids) != 1 {
			return fmt.Errorf("quotes %v", ids)
		}
		q := readQuote(t, alice.On(c.With(t)).Do("GET", "/api/v1/statuses/"+ids[0], nil))
		if q.Quote == nil || q.Quote.QuotedStatus == nil || q.Quote.QuotedStatus.ID != orig ||
			q.QuoteApproval == nil || fmt.Sprint(q.QuoteApproval.Automatic) != "[followers]" {
			return fmt.Errorf("posted %+v", q)
		}
		return nil
	})
}
