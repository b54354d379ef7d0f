package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/websocket"
)

// WebSocketStreamer subscribes over WebSocket, as Mastodon's streaming server is
// used: GET /api/v1/streaming?stream=user on the target, the token in the
// Authorization header. Events are text frames
// {"stream":["user"],"event":"update","payload":"<status JSON as a string>"}.
type WebSocketStreamer struct {
	dialer  websocket.Dialer
	timeout time.Duration
}

// NewWebSocketStreamer returns a streamer whose handshake, and the wait for the
// server to hold the subscription, each take at most timeout.
func NewWebSocketStreamer(timeout time.Duration) *WebSocketStreamer {
	return &WebSocketStreamer{timeout: timeout, dialer: websocket.Dialer{
		HandshakeTimeout: timeout,
		ReadBufferSize:   4096,
		WriteBufferSize:  512, // the client sends only control frames
	}}
}

// streamURL is the WebSocket URL of the user stream on target.
func streamURL(target string) string {
	base := strings.TrimRight(target, "/")
	switch {
	case strings.HasPrefix(base, "https://"):
		base = "wss://" + strings.TrimPrefix(base, "https://")
	case strings.HasPrefix(base, "http://"):
		base = "ws://" + strings.TrimPrefix(base, "http://")
	}
	return base + "/api/v1/streaming?stream=user"
}

// Subscribe implements Streamer. The subscription is live when the server answers
// a ping sent after the handshake: a server reads (and answers) client frames only
// once it has subscribed the stream named in the URL, as Herd does.
func (s *WebSocketStreamer) Subscribe(ctx context.Context, target string, u *User, ev StreamEvents) error {
	conn, resp, err := s.dialer.DialContext(ctx, streamURL(target), http.Header{"Authorization": {"Bearer " + u.Token}})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		if errors.Is(err, websocket.ErrBadHandshake) && resp != nil {
			return &StreamError{Code: fmt.Sprintf("status %d", resp.StatusCode), Err: err}
		}
		return &StreamError{Code: netCode(err), Err: err}
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() {
		msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
		_ = conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
		_ = conn.Close()
	})
	defer stop()
	var ready sync.Once
	conn.SetPongHandler(func(string) error {
		ready.Do(func() {
			_ = conn.SetReadDeadline(time.Time{})
			ev.Ready()
		})
		return nil
	})
	_ = conn.SetReadDeadline(time.Now().Add(s.timeout))
	if err := conn.WriteControl(websocket.PingMessage, []byte("herd-bench"), time.Now().Add(s.timeout)); err != nil {
		return &StreamError{Code: netCode(err), Err: err}
	}
	return read(ctx, conn, ev)
}

// read delivers the updates of conn until it ends.
func read(ctx context.Context, conn *websocket.Conn, ev StreamEvents) error {
	for {
		_, data, err := conn.ReadMessage()
		at := time.Now()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return &StreamError{Code: fmt.Sprintf("close %d", ce.Code), Err: err}
			}
			return &StreamError{Code: netCode(err), Err: err}
		}
		if id, ok := updateID(data); ok {
			ev.Update(id, at)
		}
	}
}

// updateID is the id of the status an `update` frame carries.
func updateID(data []byte) (string, bool) {
	var f struct {
		Event   string `json:"event"`
		Payload string `json:"payload"`
	}
	if json.Unmarshal(data, &f) != nil || f.Event != "update" {
		return "", false
	}
	var st entityID
	if json.Unmarshal([]byte(f.Payload), &st) != nil || st.ID == "" {
		return "", false
	}
	return st.ID, true
}

func netCode(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	return "transport"
}
