package api

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/valyala/fasthttp"
)

// maxStreamMessage caps what a WebSocket client may send in one message.
const maxStreamMessage = 16 << 10

// streamWebSocket upgrades GET /api/v1/streaming. The token is checked before the
// upgrade (401 otherwise); `?stream=` subscribes at once, and subscribe and
// unsubscribe messages manage streams afterwards. A plain GET is a 404: this host
// serves streaming itself, as Mastodon answers on its web host.
func (s *Server) streamWebSocket(ctx *fasthttp.RequestCtx) {
	if !websocket.FastHTTPIsWebSocketUpgrade(ctx) {
		writeJSON(ctx, 404, map[string]string{"error": "Record not found"})
		return
	}
	v, err := s.streamAuth(ctx)
	if err != nil {
		s.streamFail(ctx, err)
		return
	}
	first, p := string(ctx.QueryArgs().Peek("stream")), queryParams(ctx)
	c := s.newStreamConn(v)
	up := websocket.FastHTTPUpgrader{
		ReadBufferSize:  256, // client messages are small; this buffer lives as long as the connection
		WriteBufferPool: &c.st.pool,
		// Any origin: web clients on other hosts stream with a token, never a cookie.
		CheckOrigin: func(*fasthttp.RequestCtx) bool { return true },
		Error: func(ctx *fasthttp.RequestCtx, status int, reason error) {
			writeJSON(ctx, status, map[string]string{"error": reason.Error()})
		},
	}
	if proto := offeredProtocol(ctx); proto != "" {
		up.Subprotocols = []string{proto} // echo it, or browsers fail the handshake
	}
	_ = up.Upgrade(ctx, func(ws *websocket.Conn) { c.serveWebSocket(ws, first, p) })
}

// serveWebSocket runs an upgraded connection: it reads client messages here and
// delivers events on a second goroutine, and returns when both are done.
func (c *streamConn) serveWebSocket(ws *websocket.Conn, first string, p streamParams) {
	w := &wsWriter{ws: ws, timeout: c.st.opts.WriteTimeout}
	if !c.st.enter(c, ws.NetConn()) {
		w.end(endShutdown)
		return
	}
	defer c.st.leave(c)
	c.out = w
	c.st.router.Subscribe(c.sub, c.system)
	defer c.st.router.Leave(c.sub)
	if first != "" {
		c.subscribe(w, first, p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.end(c.run(ctx, c.st.opts.Ping))
		// The reader ends when the client answers the close, or a second later.
		w.stopReading(time.Second)
	}()
	c.readWebSocket(ws, w)
	cancel()
	// The client is gone: cut a write that waits for it.
	_ = ws.NetConn().SetWriteDeadline(time.Now())
	<-done
}

// readWebSocket reads client messages until the connection ends. Every message or
// pong keeps the connection alive for two ping intervals.
func (c *streamConn) readWebSocket(ws *websocket.Conn, w *wsWriter) {
	ws.SetReadLimit(maxStreamMessage)
	alive := func() { w.keepReading(2*c.st.opts.Ping + c.st.opts.WriteTimeout) }
	alive()
	ws.SetPongHandler(func(string) error { alive(); return nil })
	for {
		typ, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		alive()
		if typ == websocket.TextMessage {
			c.message(w, data)
		}
	}
}

// message handles `{"type":"subscribe","stream":"hashtag","tag":"foo"}` and its
// unsubscribe twin; other types are ignored, as Mastodon does.
func (c *streamConn) message(w *wsWriter, data []byte) {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		w.fail(&streamError{400, "Invalid JSON"})
		return
	}
	name := param(m["stream"])
	p := streamParams{Tag: param(m["tag"]), List: param(m["list"]), OnlyMedia: truthy(param(m["only_media"]))}
	switch param(m["type"]) {
	case "subscribe":
		c.subscribe(w, name, p)
	case "unsubscribe":
		sp, err := resolveStream(c.access, name, p)
		if err != nil {
			w.fail(err)
			return
		}
		c.remove(sp)
	}
}

func (c *streamConn) subscribe(w *wsWriter, name string, p streamParams) {
	sp, err := resolveStream(c.access, name, p)
	if err != nil {
		w.fail(err)
		return
	}
	c.add(sp)
}

// param reads a message field as a string; of an array it takes the first element,
// as Mastodon's firstParam.
func param(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		if len(x) > 0 {
			return param(x[0])
		}
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// wsWriter writes WebSocket frames: text frames
// `{"stream":[…],"event":"…","payload":"<JSON as a string>"}`, error frames
// `{"error":"…","status":400}`, pings, and a close frame that says why.
type wsWriter struct {
	ws      *websocket.Conn
	timeout time.Duration
	mu      struct {
		sync.Mutex // serialises data frames (events from run, errors from the reader)
		buf        bytes.Buffer
	}
	read struct {
		sync.Mutex // orders read deadlines: none are extended once the end began
		ending     bool
	}
}

// keepReading extends the read deadline, unless the connection is ending.
func (w *wsWriter) keepReading(d time.Duration) {
	w.read.Lock()
	defer w.read.Unlock()
	if !w.read.ending {
		_ = w.ws.SetReadDeadline(time.Now().Add(d))
	}
}

// stopReading makes the reader return within d.
func (w *wsWriter) stopReading(d time.Duration) {
	w.read.Lock()
	defer w.read.Unlock()
	w.read.ending = true
	_ = w.ws.SetReadDeadline(time.Now().Add(d))
}

type wsFrame struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload *string  `json:"payload,omitempty"`
}

func (w *wsWriter) event(name []string, kind string, body eventBody) error {
	if body.shared == nil {
		return w.send(wsEventFrame(name, kind, body.b))
	}
	frame, err := body.shared.frame(name, kind, func() ([]byte, error) {
		var buf bytes.Buffer
		if err := encodeTo(&buf, wsEventFrame(name, kind, body.b), false); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	})
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writeLocked(frame)
}

func wsEventFrame(name []string, kind string, payload []byte) wsFrame {
	f := wsFrame{Stream: name, Event: kind}
	if payload != nil {
		p := string(payload)
		f.Payload = &p
	}
	return f
}

func (w *wsWriter) fail(err error) {
	se, ok := err.(*streamError)
	if !ok {
		se = errStreamInternal
	}
	_ = w.send(struct {
		Error  string `json:"error"`
		Status int    `json:"status"`
	}{se.Msg, se.Status})
}

func (w *wsWriter) send(v any) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.mu.buf.Reset()
	if m := generated(v); m != nil {
		if err := encodeTo(&w.mu.buf, m, false); err != nil {
			return err
		}
	} else {
		enc := json.NewEncoder(&w.mu.buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return w.writeLocked(bytes.TrimSuffix(w.mu.buf.Bytes(), []byte("\n")))
}

// writeLocked writes one text frame; w.mu is held. The frame is only read.
func (w *wsWriter) writeLocked(frame []byte) error {
	if err := w.ws.SetWriteDeadline(time.Now().Add(w.timeout)); err != nil {
		return err
	}
	return w.ws.WriteMessage(websocket.TextMessage, frame)
}

func (w *wsWriter) keepalive() error {
	return w.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(w.timeout))
}

// end sends the close frame: 1008 when the client was too slow or its token was
// revoked, 1001 when the server stops.
func (w *wsWriter) end(r endReason) {
	code := websocket.ClosePolicyViolation
	switch r {
	case endClient:
		return
	case endShutdown:
		code = websocket.CloseGoingAway
	}
	msg := websocket.FormatCloseMessage(code, r.message())
	_ = w.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(w.timeout))
}
