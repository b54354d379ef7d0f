package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

// waitTimeout bounds every wait for a streamed event.
const waitTimeout = 10 * time.Second

// frame is a WebSocket message of the streaming API: an event or an error.
type frame struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload *string  `json:"payload"`
	Error   string   `json:"error"`
	Status  int      `json:"status"`
}

func (f frame) on(name string) bool { return len(f.Stream) > 0 && f.Stream[0] == name }

// status decodes the payload of an update or status.update.
func (f frame) status(t *testing.T) testrig.Status {
	t.Helper()
	return payloadAs[testrig.Status](t, f)
}

// notification decodes the payload of a notification.
func (f frame) notification(t *testing.T) testrig.Notification {
	t.Helper()
	return payloadAs[testrig.Notification](t, f)
}

// payloadAs decodes the payload of a frame as the entity T.
func payloadAs[T any](t *testing.T, f frame) T {
	t.Helper()
	if f.Payload == nil {
		t.Fatalf("frame %+v has no payload", f)
	}
	var v T
	if err := json.Unmarshal([]byte(*f.Payload), &v); err != nil {
		t.Fatalf("payload %q: %v", *f.Payload, err)
	}
	return v
}

// wsClient is a WebSocket streaming client whose frames arrive on a channel.
type wsClient struct {
	t      testing.TB
	conn   *websocket.Conn
	frames chan frame
	done   chan struct{} // closed when the reader ends; err says why
	err    error
}

func wsURL(c *testrig.Cluster, query string) string {
	u := "ws://" + c.Nodes[0].Addr() + "/api/v1/streaming"
	if query != "" {
		u += "?" + query
	}
	return u
}

func bearerHeader(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

// dialWS connects with a token and reads frames until the test ends.
func dialWS(t testing.TB, c *testrig.Cluster, token, query string) *wsClient {
	t.Helper()
	w := connectWS(t, c, token, query)
	t.Cleanup(w.close)
	return w
}

// connectWS connects and reads frames until the connection ends; the caller
// closes it.
func connectWS(t testing.TB, c *testrig.Cluster, token, query string) *wsClient {
	t.Helper()
	conn, resp, err := websocket.DefaultDialer.Dial(wsURL(c, query), bearerHeader(token))
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	w := &wsClient{t: t, conn: conn, frames: make(chan frame, 256), done: make(chan struct{})}
	go w.read()
	return w
}

func (w *wsClient) read() {
	defer close(w.done)
	for {
		_, data, err := w.conn.ReadMessage()
		if err != nil {
			w.err = err
			return
		}
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			w.err = err
			return
		}
		w.frames <- f
	}
}

func (w *wsClient) close() {
	_ = w.conn.Close()
	<-w.done
}

func (w *wsClient) send(v any) {
	w.t.Helper()
	if err := w.conn.WriteJSON(v); err != nil {
		w.t.Fatalf("send: %v", err)
	}
}

// next returns the next frame, failing after waitTimeout.
func (w *wsClient) next() frame {
	w.t.Helper()
	select {
	case f := <-w.frames:
		return f
	case <-w.done:
		w.t.Fatalf("connection ended: %v", w.err)
	case <-time.After(waitTimeout):
		w.t.Fatal("timed out waiting for a frame")
	}
	return frame{}
}

// expect returns the next frame and checks its stream and event.
func (w *wsClient) expect(streamName, event string) frame {
	w.t.Helper()
	f := w.next()
	if !f.on(streamName) || f.Event != event {
		w.t.Fatalf("got %+v (payload %s), want %s on %s", f, payloadOf(f), event, streamName)
	}
	return f
}

func payloadOf(f frame) string {
	if f.Payload == nil {
		return "<none>"
	}
	return *f.Payload
}

// hub is the node's stream router, for waiting until subscriptions are live.
func hub(c *testrig.Cluster) *stream.Hub { return c.Nodes[0].Streams }

func waitSubscribers(t testing.TB, c *testrig.Cluster, key stream.Key, n int) {
	t.Helper()
	testrig.Eventually(t, string(key)+" subscribers", func() error {
		if got := hub(c).Subscribers(key); got < n {
			return fmt.Errorf("%d subscribers, want %d", got, n)
		}
		return nil
	})
}

func id(t testing.TB, s string) shard.ID {
	t.Helper()
	v, err := shard.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// noLeaks checks, when the test ends (after the node it starts later has closed),
// that the goroutines are back to what they were. fasthttp's clock and its worker
// pool's cleaner (which sleeps up to 10s before it sees the stop) are not counted.
func noLeaks(t *testing.T) {
	base := goroutines()
	t.Cleanup(func() {
		deadline := time.Now().Add(waitTimeout)
		for goroutines() > base {
			if time.Now().After(deadline) {
				_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
				t.Errorf("goroutines: %d, want at most %d", goroutines(), base)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func goroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if !strings.Contains(g, "fasthttp.updateServerDate") && !strings.Contains(g, "fasthttp.(*workerPool).Start") {
			count++
		}
	}
	return count
}

// A follower watches its home and the public timeline over one WebSocket and sees
// posts, mentions, edits and deletes, rendered for it.
func TestStreamingWebSocket(t *testing.T) {
	noLeaks(t)
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	bob.Follow(alice)
	ws := dialWS(t, c, bob.Token, "stream=user")
	ws.send(map[string]string{"type": "subscribe", "stream": "public"})
	waitSubscribers(t, c, stream.User(id(t, bob.ID)), 1)
	waitSubscribers(t, c, stream.Notifications(id(t, bob.ID)), 1)
	waitSubscribers(t, c, stream.Public(stream.Everywhere, false), 1)

	pid := alice.PostStatus("hello #Herd").ID
	for range 2 { // on user and on public
		f := ws.next()
		got := f.status(t)
		if f.Event != "update" || got.ID != pid || got.Favourited == nil || *got.Favourited ||
			got.Account.Username != "alice" {
			t.Fatalf("update: %+v %s", f, payloadOf(f))
		}
	}

	// A mention notifies bob on the user stream; the post enters his home too.
	c.Must(bob.Do("POST", "/api/v1/statuses/"+pid+"/favourite", nil), 200)
	mention := alice.PostStatus("@bob look", "visibility", "unlisted")
	seen := map[string]bool{}
	for len(seen) < 2 {
		f := ws.next()
		switch {
		case f.on("user") && f.Event == "notification":
			if n := f.notification(t); n.Type != "mention" || n.Status == nil || n.Status.ID != mention.ID {
				t.Fatalf("notification: %s", payloadOf(f))
			}
			seen["notification"] = true
		case f.on("user") && f.Event == "update" && f.status(t).ID == mention.ID:
			seen["update"] = true
		default:
			t.Fatalf("unexpected %+v: %s", f, payloadOf(f))
		}
	}

	// The edit reaches both streams, with bob's own view of the status.
	c.Must(alice.Do("PUT", "/api/v1/statuses/"+pid, url.Values{"status": {"hello again #Herd"}}), 200)
	for range 2 {
		f := ws.next()
		e := f.status(t)
		if f.Event != "status.update" || e.ID != pid || !strings.Contains(e.Content, "again") ||
			!is(e.Favourited) || e.EditedAt == nil {
			t.Fatalf("status.update: %+v %s", f, payloadOf(f))
		}
	}

	c.Must(alice.Do("DELETE", "/api/v1/statuses/"+pid, nil), 200)
	for range 2 {
		f := ws.next()
		if f.Event != "delete" || payloadOf(f) != pid {
			t.Fatalf("delete: %+v %s", f, payloadOf(f))
		}
	}
}

// Server-side filtering on public and hashtag streams: mutes and chosen languages.
func TestStreamingFilters(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol, dave := c.Register("alice"), c.Register("bob"), c.Register("carol"), c.Register("dave")
	c.Must(carol.Do("POST", "/api/v1/accounts/"+alice.ID+"/mute", nil), 200)
	n := c.Nodes[0]
	u, err := n.Accounts.User(context.Background(), id(t, dave.ID))
	if err != nil {
		t.Fatal(err)
	}
	u.ChosenLanguages = []string{"de"}
	if err := n.Accounts.SaveUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	key := stream.Hashtag("news", false)
	watch := map[string]*wsClient{}
	for _, who := range []*testrig.User{bob, carol, dave} {
		watch[who.Name] = dialWS(t, c, who.Token, "stream=hashtag&tag=News")
	}
	waitSubscribers(t, c, key, 3)

	first := alice.PostStatus("#news in english", "language", "en")
	// bob sees it, so it has gone past carol's and dave's connections too.
	if f := watch["bob"].expect("hashtag", "update"); f.status(t).ID != first.ID || len(f.Stream) < 2 || f.Stream[1] != "News" {
		t.Fatalf("bob: %+v", f)
	}
	second := bob.PostStatus("#news auf deutsch", "language", "de")
	for _, who := range []string{"bob", "carol", "dave"} {
		if got := watch[who].expect("hashtag", "update").status(t).ID; got != second.ID {
			t.Fatalf("%s got %v first, want %v (the muted or foreign-language post was not filtered)", who, got, second.ID)
		}
	}
}

// Stream errors: unknown streams, missing parameters, scopes, and bad tokens.
func TestStreamingErrors(t *testing.T) {
	noLeaks(t)
	c := testrig.New(t)
	alice := c.Register("alice")
	r := c.Must(c.Do("GET", "/api/v1/streaming/health", "", nil), 200)
	if string(r.Body) != "OK" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("health: %q %q", r.Body, r.Header.Get("Content-Type"))
	}
	ws := dialWS(t, c, alice.Token, "stream=nope")
	if f := ws.next(); f.Error != "Unknown stream type" || f.Status != 400 {
		t.Fatalf("unknown stream: %+v", f)
	}
	for _, tc := range []struct {
		msg    map[string]string
		status int
		err    string
	}{
		{map[string]string{"type": "subscribe", "stream": "mystery"}, 400, "Unknown stream type"},
		{map[string]string{"type": "subscribe", "stream": "hashtag"}, 400, "Missing tag name parameter"},
		{map[string]string{"type": "subscribe", "stream": "list"}, 400, "Missing list name parameter"},
		{map[string]string{"type": "subscribe", "stream": "list", "list": "1"}, 401, "Not authorized to stream this list"},
	} {
		ws.send(tc.msg)
		if f := ws.next(); f.Error != tc.err || f.Status != tc.status {
			t.Errorf("%v: got %+v", tc.msg, f)
		}
	}
}

// Requests refused before a stream opens: bad tokens (401 before the WebSocket
// upgrade), missing parameters, and a plain GET of the WebSocket path.
func TestStreamingRefused(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	for _, tc := range []struct {
		name   string
		header http.Header
		query  string
		code   int
	}{
		{"no token", nil, "", 401},
		{"bad token", bearerHeader("nope"), "", 401},
		{"bad query token", nil, "access_token=nope", 401},
		{"bad protocol token", http.Header{"Sec-WebSocket-Protocol": {"nope"}}, "", 401},
		{"app token", bearerHeader(c.AppToken()), "", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, resp, err := websocket.DefaultDialer.Dial(wsURL(c, tc.query), tc.header)
			if err == nil {
				conn.Close()
				t.Fatal("upgraded")
			}
			if !errors.Is(err, websocket.ErrBadHandshake) || resp.StatusCode != tc.code {
				t.Fatalf("got %v %v, want %d before the upgrade", err, resp, tc.code)
			}
		})
	}
	for _, tc := range []struct{ path, token, want string }{
		{"/api/v1/streaming/hashtag", alice.Token, "Missing tag name parameter"},
		{"/api/v1/streaming/list?list=1", alice.Token, "Not authorized to stream this list"},
		{"/api/v1/streaming/user", "", "Missing access token"},
		{"/api/v1/streaming/public", "nope", "Invalid access token"},
	} {
		r := c.Do("GET", tc.path, tc.token, nil)
		if r.Code < 400 || !strings.Contains(string(r.Body), tc.want) {
			t.Errorf("%s: %d %s, want %q", tc.path, r.Code, r.Body, tc.want)
		}
	}
	if r := c.Do("GET", "/api/v1/streaming", alice.Token, nil); r.Code != 404 {
		t.Errorf("plain GET of the WebSocket path: %d", r.Code)
	}
}

// Browsers pass the token as the WebSocket protocol; the handshake must echo it.
func TestStreamingProtocolToken(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	d := websocket.Dialer{Subprotocols: []string{alice.Token}}
	conn, resp, err := d.Dial(wsURL(c, "stream=public:local"), nil)
	if err != nil {
		t.Fatalf("dial: %v %v", err, resp)
	}
	defer conn.Close()
	if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != alice.Token || conn.Subprotocol() != alice.Token {
		t.Fatalf("protocol echoed %q", got)
	}
	waitSubscribers(t, c, stream.Public(stream.Local, false), 1)
	post := alice.PostStatus("local news")
	_, data, err := conn.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	var f frame
	if err := json.Unmarshal(data, &f); err != nil || !f.on("public:local") || !strings.Contains(payloadOf(f), post.ID) {
		t.Fatalf("frame %s (%v)", data, err)
	}
}

// scopedToken gets a token with the given scopes through the OAuth flow.
func scopedToken(t *testing.T, c *testrig.Cluster, login, scopes string) string {
	t.Helper()
	app := testrig.Decode[testrig.Application](t, c.Must(c.Do("POST", "/api/v1/apps", "", url.Values{"client_name": {"scoped"},
		"redirect_uris": {"https://client.example/cb"}, "scopes": {"read write"}}), 200))
	id, secret := app.ClientID, app.ClientSecret
	form := url.Values{"response_type": {"code"}, "client_id": {id}, "redirect_uri": {"https://client.example/cb"},
		"scope": {scopes}, "login": {login + "@example.com"}, "password": {"correct horse battery"}}
	r := c.Must(c.Do("POST", "/oauth/authorize", "", form), 302)
	loc, _ := url.Parse(r.Header.Get("Location"))
	tok := testrig.Decode[testrig.Token](t, c.Must(c.Do("POST", "/oauth/token", "", url.Values{"grant_type": {"authorization_code"},
		"code": {loc.Query().Get("code")}, "client_id": {id}, "client_secret": {secret},
		"redirect_uri": {"https://client.example/cb"}}), 200))
	if tok.AccessToken == "" {
		t.Fatalf("token for %s: %+v", scopes, tok)
	}
	return tok.AccessToken
}

// Scopes: read:notifications streams notifications only; read:statuses streams
// statuses, and its user stream carries no notifications.
func TestStreamingScopes(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	me := id(t, alice.ID)
	notes := dialWS(t, c, scopedToken(t, c, "alice", "read:notifications"), "stream=user:notification")
	for _, s := range []string{"user", "public"} {
		notes.send(map[string]string{"type": "subscribe", "stream": s})
		if f := notes.next(); f.Status != 401 || f.Error != "Access token does not cover required scopes" {
			t.Fatalf("%s with read:notifications: %+v", s, f)
		}
	}
	statuses := dialWS(t, c, scopedToken(t, c, "alice", "read:statuses"), "stream=user")
	statuses.send(map[string]string{"type": "subscribe", "stream": "user:notification"})
	if f := statuses.next(); f.Status != 401 {
		t.Fatalf("user:notification with read:statuses: %+v", f)
	}
	waitSubscribers(t, c, stream.User(me), 1)
	waitSubscribers(t, c, stream.Notifications(me), 1)
	if n := hub(c).Subscribers(stream.Notifications(me)); n != 1 {
		t.Fatalf("notification subscribers %d: the read:statuses user stream listens to notifications", n)
	}
	write := scopedToken(t, c, "alice", "write")
	if r := c.Do("GET", "/api/v1/streaming/user", write, nil); r.Code != 401 {
		t.Fatalf("write-only token streamed: %d %s", r.Code, r.Body)
	}
}

// sseClient reads a server-sent event stream.
type sseClient struct {
	resp   *http.Response
	tr     *http.Transport
	events chan sseEvent
	done   chan struct{}
}

// sseEvent is an event, or a comment when name and data are empty; retry is the
// reconnect time a `retry:` field gave.
type sseEvent struct{ name, data, comment, retry string }

func openSSE(t *testing.T, c *testrig.Cluster, path, token string) *sseClient {
	t.Helper()
	s := connectSSE(t, c, path, token)
	t.Cleanup(s.close)
	return s
}

// connectSSE opens an event stream and reads it until it ends; the caller closes it.
func connectSSE(t *testing.T, c *testrig.Cluster, path, token string) *sseClient {
	t.Helper()
	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	req, _ := http.NewRequest("GET", c.URL()+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" ||
		resp.Header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("SSE response %d %v", resp.StatusCode, resp.Header)
	}
	s := &sseClient{resp: resp, tr: tr, events: make(chan sseEvent, 256), done: make(chan struct{})}
	go s.read()
	return s
}

func (s *sseClient) close() {
	s.resp.Body.Close()
	<-s.done
	s.tr.CloseIdleConnections()
}

func (s *sseClient) read() {
	defer close(s.done)
	br := bufio.NewReader(s.resp.Body)
	var ev sseEvent
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, ":"):
			s.events <- sseEvent{comment: line[1:]}
		case strings.HasPrefix(line, "event: "):
			ev.name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			ev.data = line[len("data: "):]
		case strings.HasPrefix(line, "retry: "):
			ev.retry = line[len("retry: "):]
		case line == "":
			s.events <- ev
			ev = sseEvent{}
		}
	}
}

func (s *sseClient) next(t *testing.T) sseEvent {
	t.Helper()
	select {
	case e := <-s.events:
		return e
	case <-s.done:
		select { // the reader queues every event before it says the stream ended
		case e := <-s.events:
			return e
		default:
			t.Fatal("stream ended")
		}
	case <-time.After(waitTimeout):
		t.Fatal("timed out waiting for an event")
	}
	return sseEvent{}
}

// The same scenario over server-sent events with a plain HTTP client.
func TestStreamingSSE(t *testing.T) {
	noLeaks(t)
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	bob.Follow(alice)
	user := openSSE(t, c, "/api/v1/streaming/user", bob.Token)
	tag := openSSE(t, c, "/api/v1/streaming/hashtag/local?tag=herd", bob.Token)
	for _, s := range []*sseClient{user, tag} {
		if e := s.next(t); e.comment != ")" {
			t.Fatalf("first line %+v, want :)", e)
		}
	}
	waitSubscribers(t, c, stream.User(id(t, bob.ID)), 1)
	waitSubscribers(t, c, stream.Hashtag("herd", true), 1)

	pid := alice.PostStatus("hi #herd").ID
	for _, s := range []*sseClient{user, tag} {
		if e := s.next(t); e.name != "update" || !strings.Contains(e.data, `"id":"`+pid+`"`) {
			t.Fatalf("update: %+v", e)
		}
	}
	alice.Post("@bob ping")
	// The mention's notification and its update come from different consumers, in
	// either order.
	seen := map[string]bool{}
	for range 2 {
		switch e := user.next(t); {
		case e.name == "notification" && strings.Contains(e.data, `"type":"mention"`):
			seen["notification"] = true
		case e.name == "update":
			seen["update"] = true
		default:
			t.Fatalf("mention: unexpected %+v", e)
		}
	}
	if !seen["notification"] || !seen["update"] {
		t.Fatalf("mention: got %v, want a notification and an update", seen)
	}
	c.Must(alice.Do("PUT", "/api/v1/statuses/"+pid, url.Values{"status": {"edited #herd"}}), 200)
	for _, s := range []*sseClient{user, tag} {
		if e := s.next(t); e.name != "status.update" || !strings.Contains(e.data, "edited") {
			t.Fatalf("status.update: %+v", e)
		}
	}
	c.Must(alice.Do("DELETE", "/api/v1/statuses/"+pid, nil), 200)
	for _, s := range []*sseClient{user, tag} {
		if e := s.next(t); e.name != "delete" || e.data != pid {
			t.Fatalf("delete: %+v", e)
		}
	}
}

// A revoked token loses its live streams: on the periodic check, or at once when
// the system channel asks for a check (what revocation publishes).
func TestStreamingRevokedToken(t *testing.T) {
	noLeaks(t)
	c := testrig.New(t)
	alice := c.Register("alice")
	ws := dialWS(t, c, alice.Token, "stream=user")
	sse := openSSE(t, c, "/api/v1/streaming/public", alice.Token)
	sse.next(t)
	me := id(t, alice.ID)
	waitSubscribers(t, c, stream.System(me), 2)
	appID, secret := c.App()
	c.Must(c.Do("POST", "/oauth/revoke", "", url.Values{"client_id": {appID}, "client_secret": {secret},
		"token": {alice.Token}}), 200)
	// Revocation itself publishes the re-verify on the system channel.
	select {
	case <-ws.done:
	case <-time.After(waitTimeout):
		t.Fatal("WebSocket still open")
	}
	var ce *websocket.CloseError
	if !errors.As(ws.err, &ce) || ce.Code != websocket.ClosePolicyViolation || ce.Text != "Invalid access token" {
		t.Fatalf("close: %v", ws.err)
	}
	if e := sse.next(t); e.name != "error" || !strings.Contains(e.data, "Invalid access token") {
		t.Fatalf("SSE: %+v", e)
	}
	select {
	case <-sse.done:
	case <-time.After(waitTimeout):
		t.Fatal("SSE still open")
	}
}

// Back-pressure: a client that never reads overflows its queue and is dropped,
// without slowing the publisher or the 200 idle clients that do read.
func TestStreamingSlowConsumer(t *testing.T) {
	noLeaks(t)
	c := testrig.New(t)
	alice, watcher := c.Register("alice"), c.Register("watcher")
	pub := stream.Public(stream.Everywhere, false)
	idle := make([]*wsClient, 200)
	for i := range idle {
		idle[i] = dialWS(t, c, watcher.Token, "stream=public")
	}
	slow, _, err := websocket.DefaultDialer.Dial(wsURL(c, "stream=hashtag&tag=flood"), bearerHeader(watcher.Token))
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if err := slow.WriteJSON(map[string]string{"type": "subscribe", "stream": "public"}); err != nil {
		t.Fatal(err)
	}
	flood := stream.Hashtag("flood", false)
	waitSubscribers(t, c, flood, 1)
	waitSubscribers(t, c, pub, len(idle)+1)

	// Flood the slow client's channel until the hub drops it; publishing never waits.
	target := id(t, alice.PostStatus("flood target #flood").ID)
	for _, w := range idle {
		w.expect("public", "update")
	}
	published := 0
	testrig.Eventually(t, "the slow client dropped", func() error {
		for range 1000 {
			hub(c).Publish(flood, stream.Event{Kind: stream.Update, ID: target})
		}
		published += 1000
		if hub(c).HasSubscribers(flood) {
			return fmt.Errorf("%d subscribers after %d events", hub(c).Subscribers(flood), published)
		}
		return nil
	})
	if n := hub(c).Subscribers(pub); n != len(idle) {
		t.Fatalf("public subscribers %d, want %d", n, len(idle))
	}
	t.Logf("slow client dropped after %d publishes", published)

	start := time.Now()
	post := alice.PostStatus("still flowing")
	for _, w := range idle {
		if got := w.expect("public", "update").status(t).ID; got != post.ID {
			t.Fatalf("idle client got %v", got)
		}
	}
	t.Logf("post to 200 idle clients: %v", time.Since(start))

	// The slow client, reading at last, finds the reason it was closed.
	_ = slow.SetReadDeadline(time.Now().Add(waitTimeout))
	for {
		if _, _, err = slow.ReadMessage(); err != nil {
			break
		}
	}
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation || !strings.Contains(ce.Text, "overflow") {
		t.Fatalf("slow client closed with %v", err)
	}
}

// Closing the node closes live streams with a reconnect hint: WebSockets hear 1001
// (going away), event streams end after a `retry:` field of 1 to 4 seconds; and no
// goroutine is left.
func TestStreamingShutdown(t *testing.T) {
	noLeaks(t)
	var ws *wsClient
	var sse *sseClient
	// Registered before the node, so it runs after the node has closed.
	t.Cleanup(func() {
		select {
		case <-ws.done:
		case <-time.After(waitTimeout):
			t.Error("WebSocket still open after the node closed")
		}
		var ce *websocket.CloseError
		if !errors.As(ws.err, &ce) || ce.Code != websocket.CloseGoingAway {
			t.Errorf("WebSocket ended with %v, want 1001", ws.err)
		}
		ws.close()
		select {
		case <-sse.done:
		case <-time.After(waitTimeout):
			t.Error("event stream still open after the node closed")
		}
		var retry string
		for len(sse.events) > 0 {
			if e := <-sse.events; e.retry != "" {
				retry = e.retry
			}
		}
		if ms, err := strconv.Atoi(retry); err != nil || ms < 1000 || ms > 4000 {
			t.Errorf("event stream ended with retry %q, want 1000 to 4000 ms", retry)
		}
		sse.close()
	})
	c := testrig.New(t)
	alice := c.Register("alice")
	ws = connectWS(t, c, alice.Token, "stream=user")
	sse = connectSSE(t, c, "/api/v1/streaming/user", alice.Token)
	waitSubscribers(t, c, stream.User(id(t, alice.ID)), 2)
}

// Posts of an author past the hot threshold are not written to homes, but connected
// followers still get them, except a follower who mutes the author.
func TestStreamingHotAuthor(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.HotFollowers = 1 }))
	star, bob, carol := c.Register("star"), c.Register("bob"), c.Register("carol")
	bob.Follow(star)
	carol.Follow(star)
	c.Must(carol.Do("POST", "/api/v1/accounts/"+star.ID+"/mute", nil), 200)
	watch := map[string]*wsClient{"bob": dialWS(t, c, bob.Token, "stream=user"), "carol": dialWS(t, c, carol.Token, "stream=user")}
	waitSubscribers(t, c, stream.User(id(t, bob.ID)), 1)
	waitSubscribers(t, c, stream.User(id(t, carol.ID)), 1)
	first := star.PostStatus("to my many fans")
	if got := watch["bob"].expect("user", "update").status(t).ID; got != first.ID {
		t.Fatalf("bob got %v", got)
	}
	// carol then follows bob: his post is the first her stream shows, so star's
	// post never reached her.
	carol.Follow(bob)
	second := bob.PostStatus("from bob")
	if got := watch["carol"].expect("user", "update").status(t).ID; got != second.ID {
		t.Fatalf("carol got %v first, want %v: the muted hot author reached her", got, second.ID)
	}
}
