package api

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/auth"
	"github.com/herd-social/herd/list"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/text"
)

// The streaming API (Mastodon's streaming server): a WebSocket at /api/v1/streaming
// that multiplexes streams, and one server-sent-events path per stream. Connections
// subscribe a stream.Sub to channel keys on the router; publishers put event ids on
// the keys; each connection renders the events for its viewer as it delivers them,
// with the same rendering as the REST API.
//
// Files: streaming.go (routes, auth, stream names, lifecycle), streaming_conn.go
// (one connection: subscriptions, delivery, rendering, filtering),
// streaming_ws.go and streaming_sse.go (the two transports).

// StreamingOptions tune the streaming API. Zero fields take the documented defaults.
type StreamingOptions struct {
	// Heartbeat is the interval of the SSE `:thump` comment; default 15s, Mastodon's.
	Heartbeat time.Duration
	// Ping is the interval of WebSocket pings; a client that sends nothing, not even
	// a pong, for two intervals is dropped. Default 30s.
	Ping time.Duration
	// Reverify is how often a connection checks its token again, so that a revoked
	// token loses its live streams; default 60s (each connection jitters it).
	Reverify time.Duration
	// Queue bounds the events waiting for one connection; a connection that falls
	// further behind is closed. Default 512.
	Queue int
	// WriteTimeout bounds one write to a client; default 10s.
	WriteTimeout time.Duration
}

func (o StreamingOptions) withDefaults() StreamingOptions {
	if o.Heartbeat <= 0 {
		o.Heartbeat = 15 * time.Second
	}
	if o.Ping <= 0 {
		o.Ping = 30 * time.Second
	}
	if o.Reverify <= 0 {
		o.Reverify = 60 * time.Second
	}
	if o.Queue <= 0 {
		o.Queue = 512
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	return o
}

// streamState is the live state of the streaming API: the router, and the open
// connections, which it owns and closes.
type streamState struct {
	router  stream.Router
	opts    StreamingOptions
	closing chan struct{} // closed by close: connections say goodbye and end
	wg      sync.WaitGroup
	pool    sync.Pool // WebSocket write buffers, held only while writing
	renders renderCache
	reads   statusReads
	mu      struct {
		sync.Mutex
		closed bool
		conns  map[*streamConn]net.Conn
	}
}

func newStreamState(r stream.Router, opts StreamingOptions) *streamState {
	if r == nil {
		r = stream.NewHub()
	}
	st := &streamState{router: r, opts: opts.withDefaults(), closing: make(chan struct{})}
	st.mu.conns = make(map[*streamConn]net.Conn)
	return st
}

// enter registers a connection; it reports false once the API is closing.
func (st *streamState) enter(c *streamConn, nc net.Conn) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.mu.closed {
		return false
	}
	st.wg.Add(1)
	st.mu.conns[c] = nc
	return true
}

func (st *streamState) leave(c *streamConn) {
	st.mu.Lock()
	delete(st.mu.conns, c)
	st.mu.Unlock()
	st.wg.Done()
}

// close tells every connection to end and waits for them. Connections blocked
// writing to a client that does not read are cut after a grace period.
func (st *streamState) close() {
	st.mu.Lock()
	if !st.mu.closed {
		st.mu.closed = true
		close(st.closing)
	}
	st.mu.Unlock()
	done := make(chan struct{})
	go func() {
		st.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return
	case <-time.After(2 * time.Second):
	}
	st.mu.Lock()
	for _, nc := range st.mu.conns {
		_ = nc.SetDeadline(time.Now())
	}
	st.mu.Unlock()
	<-done
}

// CloseStreams closes every streaming connection (WebSocket close 1001, end of the
// SSE stream) and waits for them. The HTTP server's shutdown does not wait for
// them: they are hijacked connections.
func (s *Server) CloseStreams() { s.d.streams.close() }

// StreamConnections is the number of streaming connections open (WebSocket and SSE).
func (s *Server) StreamConnections() int {
	st := s.d.streams
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.mu.conns)
}

// sseStreams maps the SSE paths under /api/v1/streaming/ to stream names.
var sseStreams = map[string]string{
	"user": "user", "user/notification": "user:notification",
	"public": "public", "public/local": "public:local", "public/remote": "public:remote",
	"hashtag": "hashtag", "hashtag/local": "hashtag:local", "list": "list", "direct": "direct",
}

// routeStreaming registers the streaming endpoints. They authenticate themselves
// (the token may also come in Sec-WebSocket-Protocol) and answer errors with the
// messages of Mastodon's streaming server.
func (s *Server) routeStreaming() {
	s.d.streams = newStreamState(s.d.Streams, s.d.Streaming)
	s.router.GET("/api/v1/streaming", s.streamWebSocket)
	s.router.GET("/api/v1/streaming/health", func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("text/plain")
		ctx.SetBodyString("OK")
	})
	for path, name := range sseStreams {
		s.router.GET("/api/v1/streaming/"+path, s.streamEvents(name))
	}
}

// streamError is a failure to open or subscribe to a stream, as Mastodon's streaming
// server reports it: a status and a message.
type streamError struct {
	Status int
	Msg    string
}

func (e *streamError) Error() string { return e.Msg }

var (
	errStreamNoToken  = &streamError{401, "Missing access token"}
	errStreamBadToken = &streamError{401, "Invalid access token"}
	errStreamScopes   = &streamError{401, "Access token does not cover required scopes"}
	errStreamUnknown  = &streamError{400, "Unknown stream type"}
	errStreamNoTag    = &streamError{400, "Missing tag name parameter"}
	errStreamNoList   = &streamError{400, "Missing list name parameter"}
	errStreamList     = &streamError{401, "Not authorized to stream this list"}
	errStreamInternal = &streamError{500, "Internal server error"}
)

// streamFail answers a request that did not become a stream.
func (s *Server) streamFail(ctx *fasthttp.RequestCtx, err error) {
	var se *streamError
	if !errors.As(err, &se) {
		s.log.Error("api: streaming", "path", string(ctx.Path()), "err", err)
		se = errStreamInternal
	}
	writeJSON(ctx, se.Status, map[string]string{"error": se.Msg})
}

// viewer is who a streaming connection is for.
type viewer struct {
	streamAccess
	token *auth.Token
	raw   string // the token itself, verified again from time to time
	user  *account.User
}

// streamAccess is what decides which streams a connection may open.
type streamAccess struct {
	me     shard.ID
	scopes []string
	notify bool // the token may read notifications
	// ownsList reports whether the viewer owns a list (only its owner streams it).
	ownsList func(id shard.ID) (bool, error)
}

// streamAuth finds the token as Mastodon's streaming server does (Authorization
// header, access_token parameter, then Sec-WebSocket-Protocol) and checks it. Only
// user tokens stream.
func (s *Server) streamAuth(ctx *fasthttp.RequestCtx) (*viewer, error) {
	raw := bearer(ctx)
	if raw == "" {
		raw = offeredProtocol(ctx)
	}
	if raw == "" {
		return nil, errStreamNoToken
	}
	t, err := s.auth.Verify(ctx, raw)
	if errors.Is(err, auth.ErrInvalidToken) || (err == nil && t.AccountID == 0) {
		return nil, errStreamBadToken
	}
	if err != nil {
		return nil, err
	}
	u, err := s.d.Accounts.User(ctx, t.AccountID)
	if errors.Is(err, account.ErrNotFound) || (err == nil && !u.Functional()) {
		return nil, errStreamBadToken // gone, or disabled or suspended by moderators
	}
	if err != nil {
		return nil, err
	}
	a := streamAccess{me: t.AccountID, scopes: t.Scopes, notify: auth.Grants(t.Scopes, "read:notifications"),
		ownsList: s.ownsList(t.AccountID)}
	return &viewer{streamAccess: a, token: t, raw: raw, user: u}, nil
}

// ownsList returns the check that viewer owns a list, for the list stream.
func (s *Server) ownsList(viewer shard.ID) func(id shard.ID) (bool, error) {
	return func(id shard.ID) (bool, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := s.d.Lists.Get(ctx, viewer, id)
		if errors.Is(err, list.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	}
}

// offeredProtocol is the first protocol of Sec-WebSocket-Protocol; browsers can set
// no other header, so clients pass the token there, and the handshake must echo it.
func offeredProtocol(ctx *fasthttp.RequestCtx) string {
	h := string(ctx.Request.Header.Peek("Sec-WebSocket-Protocol"))
	first, _, _ := strings.Cut(h, ",")
	return strings.TrimSpace(first)
}

// streamParams are the parameters of a stream: from the query, or from a
// WebSocket subscribe message.
type streamParams struct {
	Tag, List string
	OnlyMedia bool
}

// streamSpec is one stream of a connection: its name on the wire, the channel keys
// it listens to, and whether deliveries are filtered for the viewer.
type streamSpec struct {
	name   []string // the "stream" field of frames: ["user"], ["hashtag", "Foo"]
	keys   []stream.Key
	filter bool // public and hashtag streams: blocks, mutes and languages apply
}

// id identifies a stream among a connection's streams, as Mastodon keys them by
// their channels.
func (sp *streamSpec) id() string {
	var b strings.Builder
	for i, k := range sp.keys {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(string(k))
	}
	return b.String()
}

// resolveStream checks the scopes a stream needs and maps its name and parameters to
// channel keys. `read` passes every stream; user:notification also accepts
// read:notifications, the others read:statuses.
func resolveStream(a streamAccess, name string, p streamParams) (*streamSpec, error) {
	need := "read:statuses"
	if name == "user:notification" {
		need = "read:notifications"
	}
	if !auth.Grants(a.scopes, need) {
		return nil, errStreamScopes
	}
	me := a.me
	if p.OnlyMedia && strings.HasPrefix(name, "public") && !strings.HasSuffix(name, ":media") {
		name += ":media"
	}
	sp := &streamSpec{name: []string{name}}
	switch name {
	case "user":
		sp.keys = []stream.Key{stream.User(me), stream.Announcements()}
		if a.notify {
			sp.keys = append(sp.keys, stream.Notifications(me))
		}
	case "user:notification":
		sp.keys = []stream.Key{stream.Notifications(me)}
	case "direct":
		sp.keys = []stream.Key{stream.Direct(me)}
	case "public", "public:media", "public:local", "public:local:media", "public:remote", "public:remote:media":
		sp.keys, sp.filter = []stream.Key{publicKey(name)}, true
	case "hashtag", "hashtag:local":
		tag := text.NormalizeTag(strings.TrimPrefix(p.Tag, "#"))
		if tag == "" {
			return nil, errStreamNoTag
		}
		sp.name = []string{name, p.Tag}
		sp.keys, sp.filter = []stream.Key{stream.Hashtag(tag, name == "hashtag:local")}, true
	case "list":
		if p.List == "" {
			return nil, errStreamNoList
		}
		id, err := shard.Parse(p.List)
		if err != nil || a.ownsList == nil {
			return nil, errStreamList
		}
		if ok, err := a.ownsList(id); err != nil {
			return nil, err
		} else if !ok {
			return nil, errStreamList
		}
		sp.name = []string{name, p.List}
		sp.keys = []stream.Key{stream.List(id)}
	default:
		return nil, errStreamUnknown
	}
	return sp, nil
}

func publicKey(name string) stream.Key {
	where := stream.Everywhere
	switch {
	case strings.HasPrefix(name, "public:local"):
		where = stream.Local
	case strings.HasPrefix(name, "public:remote"):
		where = stream.Remote
	}
	return stream.Public(where, strings.HasSuffix(name, ":media"))
}

// queryParams reads stream parameters from the query.
func queryParams(ctx *fasthttp.RequestCtx) streamParams {
	q := ctx.QueryArgs()
	return streamParams{Tag: string(q.Peek("tag")), List: string(q.Peek("list")), OnlyMedia: truthy(string(q.Peek("only_media")))}
}

// truthy reads a boolean as Mastodon's streaming server does.
func truthy(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "t", "on", "yes":
		return true
	}
	return false
}

// newStreamConn makes the connection of a viewer; the transport starts it.
func (s *Server) newStreamConn(v *viewer) *streamConn {
	st := s.d.streams
	c := &streamConn{s: s, st: st, sub: stream.NewSub(st.opts.Queue), access: v.streamAccess,
		viewer: v.me, tokenID: v.token.ID, raw: v.raw, langs: v.user.ChosenLanguages}
	c.sub.Owner = c
	c.system = stream.System(c.viewer)
	c.mu.specs = make(map[string]*streamSpec)
	c.mu.byKey = make(map[stream.Key][]*streamSpec)
	return c
}
