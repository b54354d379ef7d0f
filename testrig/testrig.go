// Package testrig starts real Herd nodes for tests, in-process on 127.0.0.1:0 with their
// data in a temporary directory, and speaks to them over real HTTP with a small
// vocabulary that reads like the scenario:
//
//	c := testrig.New(t)
//	alice := c.Register("alice")
//	post := alice.Post("hello")
//
// Tests of a package that need engines but no node open them with Store, Bus or
// Engines, in the same shape as the nodes (shape.go), so that they run on Pebble and
// on Cassandra alike. Eventually waits for asynchronous work and says what it last
// saw when it gives up.
//
// It is for tests only and must not be imported by production code.
package testrig

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig/openapi"
)

// Cluster is a set of running nodes (one in the single shape).
type Cluster struct {
	t     testing.TB
	Nodes []*node.Node
	http  *http.Client
	app   struct{ id, secret, token string }
	cfg   node.Config // what New opened the first node with, for Restart
}

// Option changes the configuration of the nodes.
type Option func(*node.Config)

// Config applies f to each node's configuration.
func Config(f func(*node.Config)) Option { return Option(f) }

// Host makes the node an instance of its own, named `name.localhost:PORT` (names under
// .localhost reach loopback), that federates over plain http with loopback peers.
func Host(t testing.TB, name string) Option {
	port := freePort(t)
	return func(c *node.Config) {
		c.Listen = fmt.Sprintf("127.0.0.1:%d", port)
		c.Domain = fmt.Sprintf("%s.localhost:%d", name, port)
		c.FederationHTTP, c.AllowPrivateAddresses = true, true
	}
}

// freePort picks a free loopback port below the kernel's ephemeral range (32768 and
// up), so that no outgoing connection can take it before the node binds it.
func freePort(t testing.TB) int {
	for range 200 {
		port := 20000 + rand.IntN(12000)
		if l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			l.Close()
			return port
		}
	}
	t.Fatal("no free port")
	return 0
}

// New starts one node, in the shape HERD_TEST_SHAPE selects (shape.go), and
// registers a client app on it.
func New(t testing.TB, opts ...Option) *Cluster {
	t.Helper()
	// The remote-lookup budget is long, as nothing here measures it but the test that
	// sets its own: a loaded machine under the race detector takes seconds to make
	// the instance actor's first key, inside the budget of the lookup that signs with it.
	cfg := node.Config{Listen: "127.0.0.1:0", Data: t.TempDir(), BcryptCost: 4, RateLimit: -1, NoSync: true, Ops: "off",
		ResolveBudget: 30 * time.Second, PollSweep: 300 * time.Millisecond,
		ScheduleSweep: 300 * time.Millisecond, EmailDNS: "none"}
	if in := newInstance(t); in != nil {
		in.configure(&cfg, 1)
	}
	for _, o := range opts {
		o(&cfg)
	}
	n, err := node.Open(cfg, nil)
	if err != nil {
		t.Fatalf("open node: %v", err)
	}
	if err := n.Start(context.Background()); err != nil {
		n.Close()
		t.Fatalf("start node: %v", err)
	}
	c := &Cluster{t: t, Nodes: []*node.Node{n}, cfg: cfg, http: &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	t.Cleanup(func() {
		if err := c.Nodes[0].Close(); err != nil {
			t.Errorf("close node: %v", err)
		}
	})
	c.registerApp()
	return c
}

// Restart closes the node of a one-node cluster and opens it again on the same data
// and engines, at the same address, with opts applied to its configuration: an
// operator's restart after changing the configuration. Tokens and accounts stay.
func (c *Cluster) Restart(opts ...Option) {
	c.t.Helper()
	if len(c.Nodes) != 1 {
		c.t.Fatalf("restart: %d nodes, want 1", len(c.Nodes))
	}
	if err := c.Nodes[0].Close(); err != nil {
		c.t.Fatalf("restart: close node: %v", err)
	}
	for _, o := range opts {
		o(&c.cfg)
	}
	n, err := node.Open(c.cfg, nil)
	if err != nil {
		c.t.Fatalf("restart: open node: %v", err)
	}
	c.Nodes[0] = n // closed by New's cleanup, started or not
	if err := n.Start(context.Background()); err != nil {
		c.t.Fatalf("restart: start node: %v", err)
	}
}

// With returns the same nodes speaking for another test, such as one input of a fuzz
// target, whose failures must not be reported to the test that started the nodes.
func (c *Cluster) With(t testing.TB) *Cluster {
	w := *c
	w.t = t
	return &w
}

// URL is the base URL of the first node.
func (c *Cluster) URL() string { return "http://" + c.Nodes[0].Addr() }

// Response is an HTTP answer.
type Response struct {
	Code   int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test on error.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// Object decodes a JSON object body.
func (r *Response) Object(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// List decodes a JSON array body.
func (r *Response) List(t testing.TB) []map[string]any {
	t.Helper()
	var l []map[string]any
	r.JSON(t, &l)
	return l
}

// Do sends a request with a form body (for non-GET) or query (for GET).
func (c *Cluster) Do(method, path, token string, form url.Values) *Response {
	c.t.Helper()
	return c.DoWithHeaders(method, path, token, form, nil)
}

// DoWithHeader is Do with one extra request header.
func (c *Cluster) DoWithHeader(method, path, token string, form url.Values, name, value string) *Response {
	c.t.Helper()
	return c.DoWithHeaders(method, path, token, form, http.Header{name: {value}})
}

// DoWithHeaders is Do with extra request headers, as a browser sends them (Origin,
// Access-Control-Request-Method).
func (c *Cluster) DoWithHeaders(method, path, token string, form url.Values, h http.Header) *Response {
	c.t.Helper()
	var body io.Reader
	target := c.URL() + path
	if method == "GET" || method == "DELETE" {
		if len(form) > 0 {
			sep := "?"
			if strings.Contains(target, "?") {
				sep = "&"
			}
			target += sep + form.Encode()
		}
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		c.t.Fatalf("request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range h {
		req.Header[http.CanonicalHeaderKey(k)] = v
	}
	return c.send(req, token)
}

// DoJSON sends a request with a JSON body.
func (c *Cluster) DoJSON(method, path, token string, v any) *Response {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatalf("encode: %v", err)
	}
	req, err := http.NewRequest(method, c.URL()+path, strings.NewReader(string(b)))
	if err != nil {
		c.t.Fatalf("request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	return c.send(req, token)
}

// DoMultipart sends a multipart/form-data request with the fields and one file
// (fileField, named fileName), as clients upload media.
func (c *Cluster) DoMultipart(method, path, token string, fields url.Values, fileField, fileName string, file []byte) *Response {
	c.t.Helper()
	return c.DoMultipartFiles(method, path, token, fields, File{Field: fileField, Name: fileName, Data: file})
}

// File is one file of a multipart request.
type File struct {
	Field, Name string
	Data        []byte
}

// DoMultipartFiles sends a multipart/form-data request with the fields and files.
func (c *Cluster) DoMultipartFiles(method, path, token string, fields url.Values, files ...File) *Response {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				c.t.Fatalf("multipart: %v", err)
			}
		}
	}
	for _, f := range files {
		part, err := w.CreateFormFile(f.Field, f.Name)
		if err == nil {
			_, err = part.Write(f.Data)
		}
		if err != nil {
			c.t.Fatalf("multipart: %v", err)
		}
	}
	if err := w.Close(); err != nil {
		c.t.Fatalf("multipart: %v", err)
	}
	req, err := http.NewRequest(method, c.URL()+path, &body)
	if err != nil {
		c.t.Fatalf("request: %v", err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.send(req, token)
}

// Send sends a request made by the test, with a bearer token unless token is empty.
func (c *Cluster) Send(req *http.Request, token string) *Response {
	c.t.Helper()
	return c.send(req, token)
}

func (c *Cluster) send(req *http.Request, token string) *Response {
	c.t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("read body: %v", err)
	}
	// Every answer must match Mastodon's published API description.
	v, err := openapi.Default()
	if err != nil {
		c.t.Fatalf("load the OpenAPI description: %v", err)
	}
	if err := v.Validate(req.Method, req.URL.RequestURI(), resp.StatusCode, resp.Header.Get("Content-Type"), b); err != nil {
		c.t.Errorf("response does not match Mastodon's API: %v\nbody: %.600s", err, b)
	}
	return &Response{Code: resp.StatusCode, Header: resp.Header, Body: b}
}

// Must checks the status code of a response and returns it.
func (c *Cluster) Must(r *Response, code int) *Response {
	c.t.Helper()
	if r.Code != code {
		c.t.Fatalf("status %d, want %d: %s", r.Code, code, r.Body)
	}
	return r
}

func (c *Cluster) registerApp() {
	app := Decode[Application](c.t, c.Must(c.Do("POST", "/api/v1/apps", "", url.Values{"client_name": {"testrig"},
		"redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {"read write follow push"}}), 200))
	c.app.id, c.app.secret = app.ClientID, app.ClientSecret
	tok := Decode[Token](c.t, c.Must(c.Do("POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
		"client_id": {c.app.id}, "client_secret": {c.app.secret}, "scope": {"read write follow push"}}), 200))
	c.app.token = tok.AccessToken
}

// AppToken is a client-credentials token of the test app.
func (c *Cluster) AppToken() string { return c.app.token }

// App returns the test app's client id and secret.
func (c *Cluster) App() (id, secret string) { return c.app.id, c.app.secret }

// User is a registered local account with a token.
type User struct {
	c        *Cluster
	Name, ID string
	Token    string
}

// Register creates a local account through the API and returns it signed in.
func (c *Cluster) Register(name string) *User {
	c.t.Helper()
	tok := Decode[Token](c.t, c.Must(c.Do("POST", "/api/v1/accounts", c.app.token, url.Values{"username": {name},
		"email": {name + "@example.com"}, "password": {"correct horse battery"}, "agreement": {"true"}, "locale": {"en"}}), 200))
	u := &User{c: c, Name: name, Token: tok.AccessToken}
	if u.ID = u.VerifyCredentials().ID; u.ID == "" {
		c.t.Fatalf("register %s: verify_credentials gave no id", name)
	}
	return u
}

// RegisterModerator registers a local account, makes it an admin, and returns it with
// a token of the admin scopes.
func (c *Cluster) RegisterModerator(name string) (*User, string) {
	c.t.Helper()
	u := c.Register(name)
	ctx := context.Background()
	if err := c.Nodes[0].AdminMakeAdmin(ctx, name); err != nil {
		c.t.Fatalf("make %s an admin: %v", name, err)
	}
	return u, c.adminToken(name)
}

// RegisterWithRole registers a local account, gives it the role named by id or name
// (as the operator), and returns it with a token of the admin scopes.
func (c *Cluster) RegisterWithRole(name, role string) (*User, string) {
	c.t.Helper()
	u := c.Register(name)
	if _, err := c.Nodes[0].AdminAssignRole(context.Background(), name, role); err != nil {
		c.t.Fatalf("give %s the role %s: %v", name, role, err)
	}
	return u, c.adminToken(name)
}

func (c *Cluster) adminToken(name string) string {
	c.t.Helper()
	tok, err := c.Nodes[0].AdminToken(context.Background(), name, "read write admin:read admin:write")
	if err != nil {
		c.t.Fatalf("admin token of %s: %v", name, err)
	}
	return tok
}

// On returns the user speaking through c (see Cluster.With).
func (u *User) On(c *Cluster) *User {
	w := *u
	w.c = c
	return &w
}

// Do sends a request as the user.
func (u *User) Do(method, path string, form url.Values) *Response {
	u.c.t.Helper()
	return u.c.Do(method, path, u.Token, form)
}

// Post publishes a public status and returns its entity.
func (u *User) Post(text string, extra ...string) map[string]any {
	u.c.t.Helper()
	form := formOf(extra...)
	form.Set("status", text)
	return u.c.Must(u.Do("POST", "/api/v1/statuses", form), 200).Object(u.c.t)
}

// Follow follows another user and returns the relationship.
func (u *User) Follow(other *User) Relationship {
	u.c.t.Helper()
	return u.Relate(other.ID, "follow")
}

// Eventually polls cond until it returns nil (fan-out is asynchronous), and otherwise
// fails the test with what it waited for and cond's last error, as in
//
//	testrig.Eventually(t, "the post in bob's home", func() error {
//		if got := home(bob); !slices.Contains(got, id) {
//			return fmt.Errorf("home holds %v", got)
//		}
//		return nil
//	})
//
// It waits 10 seconds, 30 on the cluster shape, whose consumers join their Kafka
// groups after the node starts (Wait), and never sleeps longer than needed.
func Eventually(t testing.TB, what string, cond func() error) {
	t.Helper()
	EventuallyWithin(t, Wait(), what, cond)
}

// Wait is how long Eventually waits in the current shape.
func Wait() time.Duration {
	if Clustered() {
		return 30 * time.Second
	}
	return 10 * time.Second
}

// EventuallyWithin is Eventually with a deadline of its own, for waits known to be
// long (a process starting, a partition taken over after a kill).
func EventuallyWithin(t testing.TB, wait time.Duration, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(wait)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s: %v", wait, what, err)
		}
		<-tick.C
	}
}

// IDs lists the "id" fields of entities.
func IDs(list []map[string]any) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = fmt.Sprint(e["id"])
	}
	return out
}
