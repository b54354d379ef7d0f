package api_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// crossOrigin says which routes browsers on other origins may call, as Mastodon's
// config/initializers/cors.rb does: the API, the OAuth token, revoke and userinfo
// endpoints, /.well-known, NodeInfo, and the profile and actor documents.
func crossOrigin(method, route string) bool {
	switch {
	case strings.HasPrefix(route, "/api/"):
		return true
	case route == "/oauth/token", route == "/oauth/revoke":
		return method == "POST"
	case route == "/oauth/userinfo":
		return method == "GET" || method == "POST"
	case strings.HasPrefix(route, "/.well-known/"), strings.HasPrefix(route, "/nodeinfo/"),
		route == "/{handle}", route == "/users/{name}", strings.HasPrefix(route, "/system/"),
		strings.HasPrefix(route, "/media_proxy/"):
		return method == "GET"
	}
	return false
}

// sameOriginOnly are the routes deliberately closed to other origins. A route that is
// neither here nor cross-origin fails the test, so that each new route is decided.
var sameOriginOnly = []string{
	"GET /oauth/authorize", "POST /oauth/authorize", // the cookie-less but credential-taking sign-in page
	"GET /health", "GET /health/ready",
	// the mail links' pages (confirmation, password reset), like the sign-in page
	"GET /auth/confirmation", "GET /auth/password/new", "GET /auth/password/edit",
	"POST /auth/password", "PUT /auth/password", "PATCH /auth/password",
	// the sign-up form and an invite's link, like the sign-in page
	"GET /auth/sign_up", "GET /invite/{code}", "POST /auth",
	"GET /avatars/original/missing.png", "GET /headers/original/missing.png",
	"POST /inbox", "POST /users/{name}/inbox", "POST /actor/inbox", // server to server
	"GET /relay", "GET /relay/outbox", "GET /relay/followers", "GET /relay/following", "POST /relay/inbox", // relay mode, server to server
	"GET /actor", "GET /actor/outbox", "GET /{handle}/{id}", "GET /{handle}/{id}/embed", // an iframe needs no CORS
	"GET /users/{name}/outbox", "GET /users/{name}/followers", "GET /users/{name}/following",
	"GET /users/{name}/collections/featured", "GET /users/{name}/collections/tags", "GET /users/{name}/statuses/{id}",
	"GET /users/{name}/statuses/{id}/replies", "GET /users/{name}/quote_authorizations/{id}",
	// the web client's page and files, for its own origin (webapp.go)
	"GET /", "HEAD /", "GET /web", "HEAD /web", "GET /web/{path:*}", "HEAD /web/{path:*}",
	"GET /assets/{file:*}", "HEAD /assets/{file:*}",
}

var routeParam = regexp.MustCompile(`\{[^}]*\}`)

// concrete fills a route template with values: /{handle} becomes /@alice.
func concrete(route string) string {
	return routeParam.ReplaceAllStringFunc(route, func(p string) string {
		switch p {
		case "{handle}":
			return "@alice"
		case "{name}":
			return "alice"
		}
		return "1"
	})
}

func browserPreflight(c *testrig.Cluster, method, path string) *testrig.Response {
	return c.DoWithHeaders("OPTIONS", path, "", nil, http.Header{"Origin": {"https://phanpy.social"},
		"Access-Control-Request-Method": {method}, "Access-Control-Request-Headers": {"authorization,content-type,idempotency-key"}})
}

// TestCORSPreflightOfEveryRoute sends a browser's preflight for every registered route
// (as masto.js's fetch sends it before a call with a bearer token and a JSON body):
// the cross-origin ones answer with Mastodon's CORS headers, the others with none.
func TestCORSPreflightOfEveryRoute(t *testing.T) {
	c := testrig.New(t)
	c.Register("alice")
	routes := c.Nodes[0].Routes()
	if len(routes["GET"]) < 20 || len(routes["POST"]) < 10 {
		t.Fatalf("the router lists too few routes: %v", routes)
	}
	for method, list := range routes {
		for _, route := range list {
			name := method + " " + route
			open := crossOrigin(method, route)
			if !open && !slices.Contains(sameOriginOnly, name) {
				t.Errorf("%s: decide whether other origins may call it (crossOrigin or sameOriginOnly)", name)
				continue
			}
			t.Run(name, func(t *testing.T) {
				r := browserPreflight(c, method, concrete(route))
				if !open {
					if h := r.Header.Get("Access-Control-Allow-Origin"); h != "" {
						t.Fatalf("same-origin route answered a preflight with Access-Control-Allow-Origin %q", h)
					}
					return
				}
				checkPreflight(t, r, method)
			})
		}
	}
}

func checkPreflight(t *testing.T, r *testrig.Response, method string) {
	t.Helper()
	if r.Code != 200 && r.Code != 204 {
		t.Fatalf("preflight: %d %s", r.Code, r.Body)
	}
	h := r.Header
	if h.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("Access-Control-Allow-Origin %q in %v", h.Get("Access-Control-Allow-Origin"), h)
	}
	if !slices.Contains(strings.Split(strings.ReplaceAll(h.Get("Access-Control-Allow-Methods"), " ", ""), ","), method) {
		t.Fatalf("Access-Control-Allow-Methods %q lacks %s", h.Get("Access-Control-Allow-Methods"), method)
	}
	allowed := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
	if !strings.Contains(allowed, "authorization") || !strings.Contains(allowed, "content-type") ||
		!strings.Contains(allowed, "idempotency-key") {
		t.Fatalf("Access-Control-Allow-Headers %q", allowed)
	}
	if h.Get("Access-Control-Max-Age") == "" || h.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("preflight headers %v", h)
	}
}

// TestCORSOnActualRequests: answers to cross-origin calls, errors included, carry
// Access-Control-Allow-Origin and expose the paging, rate-limit and async refresh headers; the
// sign-in page never does.
func TestCORSOnActualRequests(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	id, secret := c.App()
	origin := http.Header{"Origin": {"https://elk.zone"}}
	for _, tc := range []struct {
		name, method, path, token string
		form                      url.Values
		code                      int
		cors                      bool
	}{
		{"host-meta", "GET", "/.well-known/host-meta", "", nil, 200, true},
		{"nodeinfo", "GET", "/nodeinfo/2.0", "", nil, 200, true},
		{"register an app", "POST", "/api/v1/apps", "", url.Values{"client_name": {"elk"},
			"redirect_uris": {"https://elk.zone/callback"}, "scopes": {"read write"}}, 200, true},
		{"token", "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
			"client_id": {id}, "client_secret": {secret}}, 200, true},
		{"home with a token", "GET", "/api/v1/timelines/home", alice.Token, nil, 200, true},
		{"401", "GET", "/api/v1/timelines/home", "", nil, 401, true},
		{"404", "GET", "/api/v1/nothing/here", "", nil, 404, true},
		{"the direct timeline, removed from Mastodon in 3.0", "GET", "/api/v1/timelines/direct", alice.Token, nil, 404, true},
		{"identity proofs (an API route: cross-origin)", "GET", "/api/v1/accounts/" + alice.ID + "/identity_proofs", alice.Token, nil, 200, true},
		{"an account's collections, without a token", "GET", "/api/v1/accounts/" + alice.ID + "/collections", "", nil, 200, true},
		{"a collection's refused change", "PATCH", "/api/v1/collections/1", alice.Token, url.Values{"name": {"x"}}, 404, true},
		{"sign-in page", "GET", "/oauth/authorize", "", url.Values{"client_id": {id},
			"redirect_uri": {"urn:ietf:wg:oauth:2.0:oob"}, "response_type": {"code"}}, 200, false},
		{"sign-in form", "POST", "/oauth/authorize", "", url.Values{"client_id": {id},
			"redirect_uri": {"urn:ietf:wg:oauth:2.0:oob"}, "login": {"alice"}, "password": {"wrong"}}, 401, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.DoWithHeaders(tc.method, tc.path, tc.token, tc.form, origin)
			if r.Code != tc.code {
				t.Fatalf("%d %s, want %d", r.Code, r.Body, tc.code)
			}
			checkCORS(t, r.Header, tc.cors)
		})
	}
}

func checkCORS(t *testing.T, h http.Header, want bool) {
	t.Helper()
	if !want {
		for k := range h {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Fatalf("CORS header %s on a same-origin page", k)
			}
		}
		return
	}
	if h.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("Access-Control-Allow-Origin %q", h.Get("Access-Control-Allow-Origin"))
	}
	exposed := strings.Split(strings.ReplaceAll(h.Get("Access-Control-Expose-Headers"), " ", ""), ",")
	for _, name := range []string{"Link", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Mastodon-Async-Refresh"} {
		if !slices.Contains(exposed, name) {
			t.Fatalf("Access-Control-Expose-Headers %q lacks %s", h.Get("Access-Control-Expose-Headers"), name)
		}
	}
}

// TestCORSPreflightRefusals: a preflight for a method the path does not allow, or on a
// path outside the list, is not granted.
func TestCORSPreflightRefusals(t *testing.T) {
	c := testrig.New(t)
	for _, tc := range []struct{ method, path string }{
		{"DELETE", "/.well-known/webfinger"},
		{"POST", "/oauth/authorize"},
		{"GET", "/users/alice/outbox"},
	} {
		r := browserPreflight(c, tc.method, tc.path)
		if h := r.Header.Get("Access-Control-Allow-Origin"); h != "" {
			t.Errorf("%s %s: preflight granted (%d, %q)", tc.method, tc.path, r.Code, h)
		}
	}
}

// TestCORSOnTransportErrors: a body over the cap is refused before routing, and the
// refusal is still readable by a script on another origin.
func TestCORSOnTransportErrors(t *testing.T) {
	c := testrig.New(t)
	conn, err := net.Dial("tcp", c.Nodes[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\nOrigin: https://elk.zone\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\nstatus=", 2<<20)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 413 || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("oversized body: %d %v", resp.StatusCode, resp.Header)
	}
}
