package api

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/valyala/fasthttp"
)

// requestIDHeader names a request in the answer and in the logs, as Mastodon's
// X-Request-Id: the one a proxy in front set, if it looks like one, else a new one.
const requestIDHeader = "X-Request-Id"

// setRequestID gives the request its id, on the answer.
func setRequestID(ctx *fasthttp.RequestCtx) {
	id := ctx.Request.Header.Peek(requestIDHeader)
	if !validRequestID(id) {
		b := make([]byte, 16)
		_, _ = rand.Read(b) // crypto/rand does not fail on supported platforms
		id = hex.AppendEncode(nil, b)
	}
	ctx.Response.Header.SetBytesV(requestIDHeader, id)
}

// requestID is the id setRequestID gave the request.
func requestID(ctx *fasthttp.RequestCtx) string {
	return string(ctx.Response.Header.Peek(requestIDHeader))
}

// validRequestID takes ids of up to 64 letters, digits, dashes and underscores: what
// proxies send (UUIDs, hex), and nothing that could forge a log line.
func validRequestID(id []byte) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
