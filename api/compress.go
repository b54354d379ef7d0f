package api

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

// Response compression, as the client asks (Accept-Encoding): zstd, else Brotli,
// else gzip, else deflate (through klauspost/compress and andybalholm/brotli), with
// Vary: Accept-Encoding. zstd comes first because on a home page it is both the
// fastest and the smallest at the levels below (BenchmarkCompressPage: zstd half
// Brotli's and gzip's time per page); fasthttp's own order puts it last. The levels
// favour speed. Not compressed: bodies under 200 bytes (fasthttp's floor), bodies
// already encoded, types that are not text (fasthttp's list: text/*,
// application/*, SVG, icons, fonts), streams (server-sent events must reach the
// client as they are written), upgraded connections, and media files, which are
// compressed already or served by range.
const (
	brotliLevel = 1 // a fifth of level 3's time on a home page, for a few percent more bytes
	otherLevel  = fasthttp.CompressBestSpeed
)

var zstdName = []byte("zstd")

// compress answers with h, its body compressed as the request accepts.
func compress(h fasthttp.RequestHandler) fasthttp.RequestHandler {
	return fasthttp.CompressHandlerBrotliLevel(func(ctx *fasthttp.RequestCtx) {
		h(ctx)
		switch {
		case ctx.Response.IsBodyStream() || ctx.Hijacked() || bytes.HasPrefix(ctx.Path(), []byte(mediaPrefix)):
			ctx.Request.Header.Del(fasthttp.HeaderAcceptEncoding) // nothing to choose from
		case ctx.Request.Header.HasAcceptEncodingBytes(zstdName):
			ctx.Request.Header.SetBytesV(fasthttp.HeaderAcceptEncoding, zstdName) // the one to choose
		}
	}, brotliLevel, otherLevel)
}
