package api

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/valyala/fasthttp"
)

// streamEvents serves one stream as server-sent events: GET
// /api/v1/streaming/public/local and the like. Errors before the stream opens are
// JSON with Mastodon's streaming status codes. A WebSocket upgrade on these paths
// is served as one on /api/v1/streaming, as Mastodon's streaming server does.
func (s *Server) streamEvents(name string) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		if websocket.FastHTTPIsWebSocketUpgrade(ctx) {
			s.streamWebSocket(ctx)
			return
		}
		v, err := s.streamAuth(ctx)
		if err != nil {
			s.streamFail(ctx, err)
			return
		}
		sp, err := resolveStream(v.streamAccess, name, queryParams(ctx))
		if err != nil {
			s.streamFail(ctx, err)
			return
		}
		c := s.newStreamConn(v)
		http11 := ctx.Request.Header.IsHTTP11()
		// The stream writes its own response on the hijacked connection, out of
		// reach of the server's write timeout and shutdown wait.
		ctx.HijackSetNoResponse(true)
		ctx.Hijack(func(nc net.Conn) { c.serveEvents(nc, sp, http11) })
	}
}

// serveEvents runs an SSE connection: it delivers events here, while a second
// goroutine notices the client leaving.
func (c *streamConn) serveEvents(nc net.Conn, sp *streamSpec, http11 bool) {
	if !c.st.enter(c, nc) {
		return
	}
	defer c.st.leave(c)
	w := &sseWriter{nc: nc, timeout: c.st.opts.WriteTimeout, chunked: http11}
	c.out = w
	if w.open() != nil {
		return
	}
	c.st.router.Subscribe(c.sub, c.system)
	defer c.st.router.Leave(c.sub)
	c.add(sp)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		_, _ = io.Copy(io.Discard, nc) // returns when the client closes
		cancel()
	}()
	w.end(c.run(ctx, c.st.opts.Heartbeat))
	_ = nc.SetReadDeadline(time.Now())
	<-gone
}

// sseWriter writes an event stream, in HTTP/1.1 chunks: `:)` first, `:thump`
// heartbeats, and `event: NAME\ndata: PAYLOAD\n\n` events.
type sseWriter struct {
	nc         net.Conn
	timeout    time.Duration
	chunked    bool
	body, wire bytes.Buffer
}

func (w *sseWriter) open() error {
	proto, framing := "HTTP/1.1", "Transfer-Encoding: chunked\r\n"
	if !w.chunked {
		proto, framing = "HTTP/1.0", "Connection: close\r\n"
	}
	w.wire.Reset()
	w.wire.WriteString(proto + " 200 OK\r\nContent-Type: text/event-stream\r\n" +
		"Cache-Control: private, no-store\r\nX-Accel-Buffering: no\r\nAccess-Control-Allow-Origin: *\r\n" +
		"Server: Herd\r\n" +
		"Date: " + time.Now().UTC().Format(http.TimeFormat) + "\r\n" + framing + "\r\n")
	w.chunk([]byte(":)\n"))
	return w.flush()
}

func (w *sseWriter) event(_ []string, kind string, body eventBody) error {
	w.body.Reset()
	w.body.WriteString("event: " + kind + "\ndata: ")
	if body.b == nil {
		w.body.WriteString("undefined") // what Mastodon sends; clients need a data line
	} else {
		w.body.Write(body.b)
	}
	w.body.WriteString("\n\n")
	w.wire.Reset()
	w.chunk(w.body.Bytes())
	return w.flush()
}

func (w *sseWriter) keepalive() error {
	w.wire.Reset()
	w.chunk([]byte(":thump\n"))
	return w.flush()
}

// end closes the stream: after an `event: error` when the client was too slow or
// its token was revoked; when the server stops, after a `retry:` field, the
// reconnect hint of server-sent events: EventSource clients reconnect after that
// many milliseconds (1 to 4 s, spread so that a node's clients do not all come back
// at once, through the load balancer, to the nodes still serving).
func (w *sseWriter) end(r endReason) {
	if r == endClient {
		return
	}
	w.wire.Reset()
	if r == endShutdown {
		w.chunk([]byte("retry: " + strconv.Itoa(1000+rand.IntN(3000)) + "\n\n"))
	} else {
		status := 429
		if r == endRevoked {
			status = 401
		}
		w.chunk([]byte(`event: error` + "\n" + `data: {"error":"` + r.message() + `","status":` + strconv.Itoa(status) + "}\n\n"))
	}
	if w.chunked {
		w.wire.WriteString("0\r\n\r\n")
	}
	_ = w.flush()
}

// chunk appends p to the wire buffer, framed as a chunk when chunked.
func (w *sseWriter) chunk(p []byte) {
	if !w.chunked {
		w.wire.Write(p)
		return
	}
	w.wire.WriteString(strconv.FormatInt(int64(len(p)), 16) + "\r\n")
	w.wire.Write(p)
	w.wire.WriteString("\r\n")
}

func (w *sseWriter) flush() error {
	if err := w.nc.SetWriteDeadline(time.Now().Add(w.timeout)); err != nil {
		return err
	}
	_, err := w.nc.Write(w.wire.Bytes())
	return err
}
