package api_test

import (
	"bytes"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// badText is text the input boundary refuses, as a client could send it.
var badText = []struct{ name, raw string }{
	{"invalid byte", "hello\xffworld"},
	{"NUL", "a\x00b"},
	{"overlong encoding", "\xc0\xaf"},
	{"encoded surrogate", "\xed\xa0\x80"},
	{"truncated sequence", "caf\xc3"},
}

// badJSON are JSON bodies whose escapes decode to what the boundary refuses, which
// encoding/json alone would turn into a NUL or silently into U+FFFD.
var badJSON = []struct{ name, body string }{
	{"escaped NUL", `{"status":"a\u0000b","display_name":"x"}`},
	{"lone high surrogate", `{"status":"\ud800","note":"x"}`},
	{"lone low surrogate", `{"status":"x\udc00"}`},
	{"reversed pair", `{"status":"\udc00\ud800"}`},
	{"high surrogate before a plain escape", `{"status":"\ud83d\u0041"}`},
}

// textFields are the names handlers read text from; the boundary refuses bad text
// under any name, and these make sure the handlers that would store it are reached.
var textFields = []string{"status", "spoiler_text", "language", "display_name", "note", "comment", "locale",
	"fields_attributes[0][name]", "fields_attributes[0][value]", "source[language]", "source[privacy]", "text",
	"username", "email", "password", "client_name", "website", "redirect_uris", "scopes", "q", "tag", "resource"}

// boundaryRig is a node with content on it: a post with a mention, a follow, a report,
// and the ids the routes' path parameters take.
type boundaryRig struct {
	c                *testrig.Cluster
	alice, bob       *testrig.User
	adminToken       string
	post, notif, rep string
	routeParam       *regexp.Regexp
}

func newBoundaryRig(t *testing.T) *boundaryRig {
	c := testrig.New(t)
	_, adminToken := c.RegisterModerator("root")
	alice, bob := c.Register("alice"), c.Register("bob")
	bob.Follow(alice)
	post := alice.PostStatus("hello @bob #herd").ID
	var notif string
	testrig.Eventually(t, "bob's mention notification", func() error {
		l := bob.Notifications(nil)
		if len(l) == 0 {
			return errors.New("no notification")
		}
		notif = l[0].ID
		return nil
	})
	rep := testrig.Decode[testrig.Report](t, c.Must(bob.Do("POST", "/api/v1/reports", url.Values{"account_id": {alice.ID}, "status_ids[]": {post},
		"comment": {"spam"}}), 200)).ID
	return &boundaryRig{c: c, alice: alice, bob: bob, adminToken: adminToken, post: post, notif: notif, rep: rep,
		routeParam: regexp.MustCompile(`([^/]*)/\{([^}]*)\}`)}
}

// fill puts real ids and names in a route's parameters, by the segment before each.
func (b *boundaryRig) fill(route string) string {
	return b.routeParam.ReplaceAllStringFunc(route, func(m string) string {
		sub := b.routeParam.FindStringSubmatch(m)
		before, name := sub[1], sub[2]
		v := b.post
		switch {
		case before == "accounts":
			v = b.alice.ID
		case before == "follow_requests":
			v = b.alice.ID
		case before == "notifications":
			v = b.notif
		case before == "reports":
			v = b.rep
		case name == "name":
			v = "alice"
		case name == "handle":
			v = "@alice"
		case name == "tag":
			v = "herd"
		case name == "version":
			v = "2.0"
		}
		return before + "/" + v
	})
}

// token is the token that passes a route's authorisation, so that the request reaches
// the boundary (and, without it, the handler).
func (b *boundaryRig) token(route string) string {
	if strings.Contains(route, "/admin/") {
		return b.adminToken
	}
	return b.bob.Token
}

// reads are the answers that bad input once broke for everyone: they must answer the
// same before and after.
func (b *boundaryRig) reads(t *testing.T) map[string]string {
	out := map[string]string{}
	for _, r := range []struct{ path, token string }{
		{"/api/v1/timelines/public", ""},
		{"/api/v1/timelines/home", b.bob.Token},
		{"/api/v1/timelines/tag/herd", ""},
		{"/api/v1/notifications", b.bob.Token},
		{"/api/v1/accounts/verify_credentials", b.alice.Token},
		{"/api/v1/accounts/verify_credentials", b.bob.Token},
		{"/api/v1/accounts/" + b.alice.ID + "/statuses", ""},
		{"/api/v1/accounts/" + b.alice.ID + "/followers", ""},
		{"/api/v1/statuses/" + b.post, ""},
		{"/api/v1/admin/reports", b.adminToken},
	} {
		resp := b.c.Must(b.c.Do("GET", r.path, r.token, nil), 200)
		out[r.path+" as "+r.token[:min(len(r.token), 6)]] = string(resp.Body)
	}
	return out
}

// request builds a request carrying bad text in one place.
type request func(target, bad string) (*http.Request, error)

func inQuery(target, bad string) (*http.Request, error) {
	q := url.Values{}
	for _, f := range textFields {
		q.Set(f, bad)
	}
	return http.NewRequest("GET", target+"?"+q.Encode(), nil)
}

func inQueryName(target, bad string) (*http.Request, error) {
	return http.NewRequest("GET", target+"?"+url.Values{bad: {"x"}}.Encode(), nil)
}

func inForm(target, bad string) (*http.Request, error) {
	form := url.Values{}
	for _, f := range textFields {
		form.Set(f, bad)
	}
	req, err := http.NewRequest("POST", target, strings.NewReader(form.Encode()))
	if err == nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req, err
}

func inMultipart(target, bad string) (*http.Request, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, f := range textFields {
		if err := w.WriteField(f, bad); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	req, err := http.NewRequest("POST", target, &body)
	if err == nil {
		req.Header.Set("Content-Type", w.FormDataContentType())
	}
	return req, err
}

// inJSON writes the bad text raw into a JSON body, as a client with a broken encoder
// would; the media type is spelled in another case, with a parameter.
func inJSON(target, bad string) (*http.Request, error) {
	var body strings.Builder
	body.WriteString("{")
	for i, f := range textFields {
		if i > 0 {
			body.WriteString(",")
		}
		fmt.Fprintf(&body, "%q:\"%s\"", f, strings.ReplaceAll(bad, "\x00", `\u0000`))
	}
	body.WriteString("}")
	req, err := http.NewRequest("POST", target, strings.NewReader(body.String()))
	if err == nil {
		req.Header.Set("Content-Type", "Application/JSON; charset=utf-8")
	}
	return req, err
}

// TestInputBoundary runs the boundary's tests on one node: on the cluster shape each
// node costs seconds of schema set-up.
func TestInputBoundary(t *testing.T) {
	rig := newBoundaryRig(t)
	t.Run("every route", func(t *testing.T) { everyRoute(t, rig.with(t)) })
	t.Run("the reports of the attack", func(t *testing.T) { attackReports(t, rig.with(t)) })
	t.Run("JSON bodies", func(t *testing.T) { jsonBodies(t, rig.c.With(t)) })
	t.Run("app links", func(t *testing.T) { appLinks(t, rig.c.With(t)) })
}

// with returns the rig speaking for subtest t.
func (b *boundaryRig) with(t *testing.T) *boundaryRig {
	w := *b
	w.c = b.c.With(t)
	w.alice, w.bob = b.alice.On(w.c), b.bob.On(w.c)
	return &w
}

// everyRoute sends text that is not valid UTF-8 or holds a NUL, in
// the query, a form, a multipart form and JSON, to every route the node serves (the
// list comes from the router, so a new route cannot be forgotten). Every answer is a
// 4xx, and nothing changed: the reads that such input once broke answer as before.
func everyRoute(t *testing.T, b *boundaryRig) {
	before := b.reads(t)
	routes := b.c.Nodes[0].Routes()
	methods := make([]string, 0, len(routes))
	for m := range routes {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	checked := 0
	for _, method := range methods {
		for _, route := range routes[method] {
			target, token := b.c.URL()+b.fill(route), b.token(route)
			encodings := map[string]request{"query": inQuery, "query name": inQueryName}
			if method != "GET" && method != "HEAD" {
				encodings["form"], encodings["multipart"], encodings["json"] = inForm, inMultipart, inJSON
			}
			for enc, build := range encodings {
				for _, bad := range badText {
					req, err := build(target, bad.raw)
					if err != nil {
						t.Fatalf("%s %s: %v", method, route, err)
					}
					req.Method = method
					b.expectRefused(t, req, token, fmt.Sprintf("%s %s, %s in the %s", method, route, bad.name, enc))
					checked++
				}
			}
			if method == "GET" || method == "HEAD" {
				continue
			}
			for _, bad := range badJSON {
				req, err := http.NewRequest(method, target, strings.NewReader(bad.body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				b.expectRefused(t, req, token, fmt.Sprintf("%s %s, %s in JSON", method, route, bad.name))
				checked++
			}
		}
	}
	t.Logf("%d requests with bad text over %d methods' routes", checked, len(methods))
	after := b.reads(t)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("GET %s changed:\nbefore %s\n after %s", k, v, after[k])
		}
	}
}

func (b *boundaryRig) expectRefused(t *testing.T, req *http.Request, token, what string) {
	t.Helper()
	r := b.c.Send(req, token)
	if r.Code < 400 || r.Code >= 500 {
		t.Errorf("%s: answered %d %.200s, want a 4xx", what, r.Code, r.Body)
	}
}

// attackReports covers the reports of the attack itself, one by one: each
// request answers 422 in Mastodon's shape and what it would have broken still answers.
func attackReports(t *testing.T, b *boundaryRig) {
	for _, tc := range []struct {
		method, path, token string
		form                url.Values
		want                string
	}{
		{"PATCH", "/api/v1/accounts/update_credentials", b.alice.Token, url.Values{"display_name": {"%ff\xff"}}, "display_name is not valid UTF-8"},
		{"PATCH", "/api/v1/accounts/update_credentials", b.alice.Token, url.Values{"fields_attributes[0][name]": {"a\x00"}}, "contains a NUL character"},
		{"PATCH", "/api/v1/accounts/update_credentials", b.alice.Token, url.Values{"source[language]": {"e\xff"}}, "source[language] is not valid UTF-8"},
		{"POST", "/api/v1/statuses", b.alice.Token, url.Values{"status": {"hello\xffworld"}}, "status is not valid UTF-8"},
		{"POST", "/api/v1/statuses", b.alice.Token, url.Values{"status": {"#ta\xffg"}, "spoiler_text": {"x"}}, "status is not valid UTF-8"},
		{"POST", "/api/v1/reports", b.bob.Token, url.Values{"account_id": {b.alice.ID}, "comment": {"a\xffb"}}, "comment is not valid UTF-8"},
		{"POST", "/api/v1/accounts", b.c.AppToken(), url.Values{"username": {"eve"}, "email": {"eve@example.com"},
			"password": {"correct horse battery"}, "agreement": {"true"}, "locale": {"e\xff"}}, "locale is not valid UTF-8"},
		{"GET", "/api/v1/timelines/tag/%FF", "", nil, "the path is not valid UTF-8"},
		{"GET", "/api/v1/accounts/lookup?acct=a%00", "", nil, "acct contains a NUL character"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := b.c.Do(tc.method, tc.path, tc.token, tc.form)
			if r.Code != 422 || !strings.Contains(string(r.Body), tc.want) {
				t.Fatalf("got %d %s, want 422 with %q", r.Code, r.Body, tc.want)
			}
		})
	}
	b.reads(t) // every read still answers 200
	// A locale that is not a locale tag is refused as Mastodon refuses an unknown one.
	r := b.c.Do("POST", "/api/v1/accounts", b.c.AppToken(), url.Values{"username": {"eve"}, "email": {"eve@example.com"},
		"password": {"correct horse battery"}, "agreement": {"true"}, "locale": {strings.Repeat("x", 5000)}})
	if r.Code != 422 || !strings.Contains(string(r.Body), "Locale is not included in the list") {
		t.Fatalf("long locale: %d %s", r.Code, r.Body)
	}
	// The refused registrations left nothing behind.
	b.c.Register("eve")
}

// jsonBodies: a JSON body is one value, in a media type of any case, with
// parameters; anything after the value is refused, as Rails' parser refuses it.
func jsonBodies(t *testing.T, c *testrig.Cluster) {
	carol := c.Register("carol")
	for _, tc := range []struct {
		name, contentType, body string
		want                    int
	}{
		{"plain", "application/json", `{"status":"one"}`, 200},
		{"any case, with a charset", "Application/JSON; charset=UTF-8", `{"status":"two"}`, 200},
		{"a real pair of surrogates", "application/json", `{"status":"\ud83d\udc18 three"}`, 200},
		{"an escaped backslash before u0000", "application/json", `{"status":"four \\u0000"}`, 200},
		{"trailing garbage", "application/json", `{"status":"five"} x`, 400},
		{"two values", "application/json", `{"status":"six"}{"status":"seven"}`, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest("POST", c.URL()+"/api/v1/statuses", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", tc.contentType)
			if r := c.Send(req, carol.Token); r.Code != tc.want {
				t.Fatalf("got %d %s, want %d", r.Code, r.Body, tc.want)
			}
		})
	}
	statuses := carol.AccountStatuses(carol.ID, nil)
	if len(statuses) != 4 {
		t.Fatalf("%d statuses stored, want the 4 accepted", len(statuses))
	}
	if got := statuses[0].Content; !strings.Contains(got, `four \u0000`) {
		t.Fatalf("an escaped backslash was read as an escape: %v", got)
	}
	if got := statuses[1].Content; !strings.Contains(got, "\U0001F418 three") {
		t.Fatalf("a surrogate pair was not read as one character: %v", got)
	}
}

// appLinks: an app's website is a link on every status it posts and its
// redirect URI is where the sign-in page sends the browser, so neither may run script.
func appLinks(t *testing.T, c *testrig.Cluster) {
	for _, tc := range []struct {
		name, website, redirect string
		want                    string
	}{
		{"javascript website", "javascript:alert(document.domain)", "urn:ietf:wg:oauth:2.0:oob", "Website is invalid"},
		{"mixed-case scheme", "JavaScript:alert(1)", "urn:ietf:wg:oauth:2.0:oob", "Website is invalid"},
		{"data website", "data:text/html,<script>alert(1)</script>", "urn:ietf:wg:oauth:2.0:oob", "Website is invalid"},
		{"relative website", "/about", "urn:ietf:wg:oauth:2.0:oob", "Website is invalid"},
		{"javascript redirect", "", "javascript:alert(1)", "Redirect URI is not a safe URI"},
		{"web website", "https://client.example", "urn:ietf:wg:oauth:2.0:oob", ""},
		{"native redirect", "", "com.example.app://callback", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Do("POST", "/api/v1/apps", "", url.Values{"client_name": {"app"}, "website": {tc.website},
				"redirect_uris": {tc.redirect}})
			if tc.want == "" {
				c.Must(r, 200)
				return
			}
			if r.Code != 422 || !strings.Contains(string(r.Body), tc.want) {
				t.Fatalf("got %d %s, want 422 with %q", r.Code, r.Body, tc.want)
			}
		})
	}
}
