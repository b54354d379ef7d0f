package api

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

// Response compression, as the client asks (Accept-Encoding): Brotli, else gzip, else
// deflate, else zstd (fasthttp's order, through klauspost/compress and
// andybalholm/brotli), with Vary: Accept-Encoding. The levels favour speed: see
// BenchmarkCompressPage for the cost and the ratio on a home page. Not compressed:
// bodies under 200 bytes (fasthttp's floor), bodies already encoded, types that are
// not text (fasthttp's list: text/*, application/*, SVG, icons, fonts), streams
// (server-sent events must reach the client as they are written), upgraded
// connections, and media files, which are compressed already or served by range.
const (
	brotliLevel = 1 // a fifth of level 3's time on a home page, for a few percent more bytes
	otherLevel  = fasthttp.CompressBestSpeed
)

// compress answers with h, its body compressed as the request accepts.
func compress(h fasthttp.RequestHandler) fasthttp.RequestHandler {
	return fasthttp.CompressHandlerBrotliLevel(func(ctx *fasthttp.RequestCtx) {
		h(ctx)
		if ctx.Response.IsBodyStream() || ctx.Hijacked() || bytes.HasPrefix(ctx.Path(), []byte(mediaPrefix)) {
			ctx.Request.Header.Del(fasthttp.HeaderAcceptEncoding) // nothing to choose from
		}
	}, brotliLevel, otherLevel)
}
