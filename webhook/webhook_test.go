package webhook_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
	"github.com/herd-social/herd/webhook"
)

// hookEntity is the admin webhook entity as the tests read it.
type hookEntity struct {
	ID         string    `json:"id"`
	URL        string    `json:"url"`
	Events     []string  `json:"events"`
	Secret     string    `json:"secret"`
	Enabled    bool      `json:"enabled"`
	Template   *string   `json:"template"`
	CreatedAt  string    `json:"created_at"`
	UpdatedAt  string    `json:"updated_at"`
	Deliveries []attempt `json:"deliveries"`
}

type attempt struct {
	At         string `json:"at"`
	Event      string `json:"event"`
	Try        int    `json:"try"`
	StatusCode *int   `json:"status_code"`
	Error      string `json:"error"`
}

// delivery is one POST a receiver accepted.
type delivery struct {
	Event     string         `json:"event"`
	CreatedAt string         `json:"created_at"`
	Object    map[string]any `json:"object"`
	raw       []byte
}

// receiver is a loopback endpoint that checks every POST's signature with the
// secret it is given, answers 500 to its first `fail` POSTs, and keeps the others.
// Signatures are checked when the deliveries are read, not when they arrive: an
// event logged before the webhook was created may reach the receiver before the
// test has told it the secret.
type receiver struct {
	srv *httptest.Server
	mu  struct {
		sync.Mutex
		secret string
		fail   int
		posts  int
		got    []delivery
		signed []signed
		bad    []string
	}
}

// signed is one POST's body and the signature it came with.
type signed struct {
	body      []byte
	signature string
}

func newReceiver(t *testing.T, fail int) *receiver {
	r := &receiver{}
	r.mu.fail = fail
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.mu.posts++
		r.mu.signed = append(r.mu.signed, signed{body, req.Header.Get("X-Hub-Signature")})
		if ct := req.Header.Get("Content-Type"); ct != "application/json" {
			r.mu.bad = append(r.mu.bad, "content type "+ct)
		}
		if r.mu.posts <= r.mu.fail {
			w.WriteHeader(500)
			return
		}
		d := delivery{raw: body}
		if err := json.Unmarshal(body, &d); err != nil {
			d.Event = "unparsable: " + string(body)
		}
		r.mu.got = append(r.mu.got, d)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) setSecret(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mu.secret = s
}

func (r *receiver) deliveries(t *testing.T) []delivery {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.mu.signed {
		if want := webhook.Signature(r.mu.secret, p.body); p.signature != want {
			r.mu.bad = append(r.mu.bad, fmt.Sprintf("signature %q, want %q", p.signature, want))
		}
	}
	r.mu.signed = nil
	if len(r.mu.bad) > 0 {
		t.Fatalf("bad deliveries: %v", r.mu.bad)
	}
	return append([]delivery(nil), r.mu.got...)
}

// find returns the delivery of event whose object has the id, or an error.
func (r *receiver) find(t *testing.T, event, id string) (delivery, error) {
	t.Helper()
	var seen []string
	for _, d := range r.deliveries(t) {
		if d.Event == event && d.Object["id"] == id {
			return d, nil
		}
		seen = append(seen, fmt.Sprintf("%s %v", d.Event, d.Object["id"]))
	}
	return delivery{}, fmt.Errorf("no %s of %s among %v", event, id, seen)
}

func start(t *testing.T) *testrig.Cluster {
	return testrig.New(t, testrig.Host(t, "hooks"), testrig.Config(func(c *node.Config) {
		c.WebhookBackoff = time.Millisecond
	}))
}

// create registers a webhook for r and tells r its secret.
func create(t *testing.T, c *testrig.Cluster, tok string, r *receiver, form url.Values) hookEntity {
	t.Helper()
	form.Set("url", r.srv.URL+"/hook")
	h := testrig.Decode[hookEntity](t, c.Must(c.Do("POST", "/api/v1/admin/webhooks", tok, form), 200))
	if len(h.Secret) != 64 || !h.Enabled {
		t.Fatalf("created webhook: %+v", h)
	}
	r.setSecret(h.Secret)
	return h
}

// TestWebhookEvents: every event fires with its object (Admin::Account,
// Admin::Report, Status) to the webhooks subscribed to it, and only to those; a
// template shapes the body.
func TestWebhookEvents(t *testing.T) {
	c := start(t)
	_, tok := c.RegisterModerator("mod")
	alice := c.Register("alice")
	every, statuses, shaped := newReceiver(t, 0), newReceiver(t, 0), newReceiver(t, 0)
	create(t, c, tok, every, url.Values{"events[]": {"account.created", "account.approved", "account.updated",
		"report.created", "report.updated", "status.created", "status.updated"}})
	create(t, c, tok, statuses, url.Values{"events[]": {"status.created"}})
	create(t, c, tok, shaped, url.Values{"events[]": {"status.created"},
		"template": {`{"text": "{{object.account.username}}: {{event}}", "id": {{object.id}}}`}})

	carol := c.Register("carol")
	carol.UpdateCredentials("display_name", "Carol C")
	st := carol.PostStatus("hello hooks")
	// The object is rendered when the event is read, as Mastodon's worker does: the
	// edit waits for the creation's delivery, or both could show the edited text.
	testrig.Eventually(t, "status.created delivered", func() error {
		d, err := every.find(t, "status.created", st.ID)
		if err == nil && d.Object["content"] != "<p>hello hooks</p>" {
			err = fmt.Errorf("content %v", d.Object["content"])
		}
		return err
	})
	carol.Edit(st.ID, "hello again")
	rep := c.Must(carol.Do("POST", "/api/v1/reports", url.Values{"account_id": {alice.ID}, "comment": {"spam"}}), 200).Object(t)["id"].(string)
	c.Must(c.Do("POST", "/api/v1/admin/reports/"+rep+"/resolve", tok, nil), 200)
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+carol.ID+"/action", tok, url.Values{"type": {"silence"}}), 200)

	checks := []struct {
		event, id string
		check     func(d delivery) error
	}{
		{"account.created", carol.ID, field("username", "carol")},
		{"account.approved", carol.ID, field("username", "carol")},
		{"account.updated", carol.ID, func(d delivery) error {
			if acc, _ := d.Object["account"].(map[string]any); acc["display_name"] != "Carol C" {
				return fmt.Errorf("account %v", acc)
			}
			return nil
		}},
		{"account.updated", carol.ID, field("silenced", true)},
		{"status.updated", st.ID, field("content", "<p>hello again</p>")},
		{"report.created", rep, field("comment", "spam")},
		{"report.updated", rep, field("action_taken", true)},
	}
	for _, ch := range checks {
		testrig.Eventually(t, ch.event+" delivered", func() error {
			if _, err := every.find(t, ch.event, ch.id); err != nil {
				return err
			}
			var last error
			for _, d := range every.deliveries(t) { // an event may fire more than once
				if d.Event != ch.event || d.Object["id"] != ch.id {
					continue
				}
				if _, err := time.Parse(time.RFC3339, d.CreatedAt); err != nil {
					return fmt.Errorf("created_at %q", d.CreatedAt)
				}
				if last = ch.check(d); last == nil {
					return nil
				}
			}
			return last
		})
	}
	testrig.Eventually(t, "the status webhooks' deliveries", func() error {
		if _, err := statuses.find(t, "status.created", st.ID); err != nil {
			return err
		}
		for _, d := range shaped.deliveries(t) {
			if string(d.raw) == fmt.Sprintf(`{"text": "carol: status.created", "id": %s}`, st.ID) {
				return nil
			}
		}
		return fmt.Errorf("templated bodies %q", shaped.raws(t))
	})
	for _, d := range statuses.deliveries(t) {
		if d.Event != "status.created" {
			t.Errorf("a webhook of status.created received %s", d.Event)
		}
	}
}

func field(name string, want any) func(d delivery) error {
	return func(d delivery) error {
		if d.Object[name] != want {
			return fmt.Errorf("object %s is %v, want %v", name, d.Object[name], want)
		}
		return nil
	}
}

// TestWebhookRetried: a webhook that answers 500 gets the event again, later, until
// it takes it; its delivery log shows every attempt, newest first.
func TestWebhookRetried(t *testing.T) {
	c := start(t)
	_, tok := c.RegisterModerator("mod")
	alice := c.Register("alice")
	r := newReceiver(t, 2)
	h := create(t, c, tok, r, url.Values{"events[]": {"status.created"}})
	st := alice.PostStatus("try again")
	testrig.Eventually(t, "the third try delivered", func() error {
		_, err := r.find(t, "status.created", st.ID)
		return err
	})
	testrig.Eventually(t, "three attempts in the log", func() error {
		got := testrig.Decode[hookEntity](t, c.Must(c.Do("GET", "/api/v1/admin/webhooks/"+h.ID, tok, nil), 200))
		var codes []int
		for _, a := range got.Deliveries {
			if a.StatusCode == nil {
				return fmt.Errorf("an attempt without a status: %+v", a)
			}
			codes = append(codes, *a.StatusCode)
		}
		if fmt.Sprint(codes) != "[200 500 500]" || got.Deliveries[0].Try != 3 || got.Deliveries[2].Try != 1 {
			return fmt.Errorf("attempts %+v", got.Deliveries)
		}
		if got.Secret != "" {
			return fmt.Errorf("GET shows the secret")
		}
		return nil
	})
}

// TestWebhookDisabled: a disabled webhook receives nothing, while an enabled one
// receives the same event; enabled again, it receives the next.
func TestWebhookDisabled(t *testing.T) {
	c := start(t)
	_, tok := c.RegisterModerator("mod")
	alice := c.Register("alice")
	off, on := newReceiver(t, 0), newReceiver(t, 0)
	h := create(t, c, tok, off, url.Values{"events[]": {"status.created"}})
	create(t, c, tok, on, url.Values{"events[]": {"status.created"}})
	if got := testrig.Decode[hookEntity](t, c.Must(c.Do("POST", "/api/v1/admin/webhooks/"+h.ID+"/disable", tok, nil), 200)); got.Enabled {
		t.Fatal("disable left the webhook enabled")
	}
	first := alice.PostStatus("not for you")
	testrig.Eventually(t, "the enabled webhook's delivery", func() error {
		_, err := on.find(t, "status.created", first.ID)
		return err
	})
	c.Must(c.Do("POST", "/api/v1/admin/webhooks/"+h.ID+"/enable", tok, nil), 200)
	second := alice.PostStatus("for you")
	testrig.Eventually(t, "the enabled-again webhook's delivery", func() error {
		_, err := off.find(t, "status.created", second.ID)
		return err
	})
	if _, err := off.find(t, "status.created", first.ID); err == nil {
		t.Fatal("the disabled webhook received the status posted while it was disabled")
	}
}

// TestWebhookAdmin: the admin API creates, reads, changes, rotates and deletes
// webhooks; bad input is refused with 422 and changes nothing; non-admins are refused.
func TestWebhookAdmin(t *testing.T) {
	c := start(t)
	alice := c.Register("alice")
	_, tok := c.RegisterModerator("mod")
	r := newReceiver(t, 0)
	h := create(t, c, tok, r, url.Values{"events[]": {"report.created"}})
	for _, path := range []string{"/api/v1/admin/webhooks", "/api/v1/admin/webhooks/" + h.ID} {
		c.Must(alice.Do("GET", path, nil), 403)
	}
	c.Must(alice.Do("POST", "/api/v1/admin/webhooks", url.Values{"url": {r.srv.URL}, "events[]": {"status.created"}}), 403)
	for name, form := range map[string]url.Values{
		"no url":            {"events[]": {"status.created"}},
		"ftp url":           {"url": {"ftp://example.com/x"}, "events[]": {"status.created"}},
		"plain http remote": {"url": {"http://example.com/x"}, "events[]": {"status.created"}},
		"not a url":         {"url": {"https://"}, "events[]": {"status.created"}},
		"no events":         {"url": {r.srv.URL}},
		"unknown event":     {"url": {r.srv.URL}, "events[]": {"status.created", "status.deleted"}},
	} {
		res := c.Must(c.Do("POST", "/api/v1/admin/webhooks", tok, form), 422)
		if !strings.Contains(string(res.Body), `"error":"Validation failed`) {
			t.Errorf("%s: %s", name, res.Body)
		}
	}
	c.Must(c.Do("PUT", "/api/v1/admin/webhooks/"+h.ID, tok, url.Values{"events[]": {"nope"}}), 422)
	c.Must(c.Do("PUT", "/api/v1/admin/webhooks/"+h.ID, tok, url.Values{"url": {"http://example.com/"}}), 422)
	j := testrig.Decode[hookEntity](t, c.Must(c.DoJSON("POST", "/api/v1/admin/webhooks", tok, map[string]any{
		"url": "https://hooks.example/j", "events": []string{"status.updated"}, "enabled": false}), 200))
	if fmt.Sprint(j.Events) != "[status.updated]" || j.Enabled || j.URL != "https://hooks.example/j" {
		t.Fatalf("created from JSON: %+v", j)
	}
	c.Must(c.Do("DELETE", "/api/v1/admin/webhooks/"+j.ID, tok, nil), 200)
	list := testrig.Decode[[]hookEntity](t, c.Must(c.Do("GET", "/api/v1/admin/webhooks", tok, nil), 200))
	if len(list) != 1 || list[0].ID != h.ID || fmt.Sprint(list[0].Events) != "[report.created]" || list[0].Secret != "" {
		t.Fatalf("list after refusals: %+v", list)
	}
	put := testrig.Decode[hookEntity](t, c.Must(c.Do("PUT", "/api/v1/admin/webhooks/"+h.ID, tok,
		url.Values{"events[]": {"account.created", "report.updated"}, "template": {`{"e":"{{event}}"}`}}), 200))
	if fmt.Sprint(put.Events) != "[account.created report.updated]" || put.Template == nil || put.URL != h.URL {
		t.Fatalf("after PUT: %+v", put)
	}
	rot := testrig.Decode[hookEntity](t, c.Must(c.Do("POST", "/api/v1/admin/webhooks/"+h.ID+"/rotate_secret", tok, nil), 200))
	if len(rot.Secret) != 64 || rot.Secret == h.Secret {
		t.Fatalf("rotated secret %q (was %q)", rot.Secret, h.Secret)
	}
	c.Must(c.Do("DELETE", "/api/v1/admin/webhooks/"+h.ID, tok, nil), 200)
	c.Must(c.Do("GET", "/api/v1/admin/webhooks/"+h.ID, tok, nil), 404)
	c.Must(c.Do("POST", "/api/v1/admin/webhooks/"+h.ID+"/enable", tok, nil), 404)
}

func (r *receiver) raws(t *testing.T) []string {
	var out []string
	for _, d := range r.deliveries(t) {
		out = append(out, string(d.raw))
	}
	return out
}

// TestWebhookBreaker: a webhook that always fails opens its breaker after five failed
// POSTs in a row; the next tries are logged as refused by the breaker and not sent.
func TestWebhookBreaker(t *testing.T) {
	c := start(t)
	_, tok := c.RegisterModerator("mod")
	alice := c.Register("alice")
	r := newReceiver(t, 1000)
	h := create(t, c, tok, r, url.Values{"events[]": {"status.created"}})
	alice.PostStatus("never taken")
	testrig.Eventually(t, "a try met the open breaker", func() error {
		got := testrig.Decode[hookEntity](t, c.Must(c.Do("GET", "/api/v1/admin/webhooks/"+h.ID, tok, nil), 200))
		for _, a := range got.Deliveries {
			if a.Error == "circuit breaker open" && a.Try == 6 && a.StatusCode == nil {
				return nil
			}
		}
		return fmt.Errorf("attempts %+v", got.Deliveries)
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.mu.posts != 5 {
		t.Fatalf("%d POSTs, want 5 before the breaker opened", r.mu.posts)
	}
}
