package api

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/valyala/fasthttp"
)

// The web client (package web, built by Vite) is served at / and under /web/, where
// its own routes live (/web/home, /web/local, …), as Mastodon serves its app under
// /web: the server-rendered /@user and /@user/id pages stay for visitors and crawlers.
// Its hashed files are under /assets/, cached for a year; index.html is revalidated
// each time, so a new build is picked up at the next load. The files are read into
// memory when the server is built; the routes bypass the rate limits, as media files
// do. Without a build, / says how to make one.

// webApp is the built client in memory.
type webApp struct {
	index []byte // nil: not built
	etag  string
	csp   string
	files map[string]*webFile // by path under the app's root, "assets/…"
}

// webFile is one asset, with its compressed forms made at its first request and
// kept: compressing a 370 kB script at each request costs milliseconds (brotli at
// level 6 takes about 40 ms once, and makes it a sixth smaller than level 1).
type webFile struct {
	body        []byte
	contentType string
	once        sync.Once
	br, gzip    []byte
}

func (f *webFile) compressed() (br, gzip []byte) {
	f.once.Do(func() {
		f.br = fasthttp.AppendBrotliBytesLevel(nil, f.body, 6)
		f.gzip = fasthttp.AppendGzipBytesLevel(nil, f.body, fasthttp.CompressBestCompression)
	})
	return f.br, f.gzip
}

// webNotBuilt is what / answers when the binary was compiled without the app.
const webNotBuilt = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Herd: the web app is not built</title>` + pageStyle + `</head><body><main>
<h1>The web app is not built</h1>
<p>This Herd binary was compiled without its web app. Build it with Node.js 20 or newer
and compile again:</p>
<code>make build</code>
<p>(<code>make web</code> builds the app alone: <code>npm ci</code> and <code>npm run build</code> in <code>web/</code>.)
The API, the sign-in page and the profile pages work without it.</p>
</main></body></html>`

// loadWebApp reads the app's index.html and assets into memory; a nil fsys, or one
// without index.html, is an app not built.
func loadWebApp(fsys fs.FS, streaming string) (*webApp, error) {
	app := &webApp{files: map[string]*webFile{}}
	if fsys == nil {
		return app, nil
	}
	index, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		return app, nil // not built: / says how to build it
	}
	sum := sha256.Sum256(index)
	app.index, app.etag = index, `"`+hex.EncodeToString(sum[:8])+`"`
	app.csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data: blob:; " +
		"media-src * data: blob:; connect-src 'self' " + streaming + "; object-src 'none'; base-uri 'self'; " +
		"form-action 'self'; frame-ancestors 'none'"
	err = fs.WalkDir(fsys, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		app.files[p] = &webFile{body: body, contentType: ct}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("api: read the web app's assets: %w", err)
	}
	return app, nil
}

func (s *Server) routeWebApp() {
	i := s.d.Instance
	app, err := loadWebApp(s.d.WebApp, "ws"+strings.TrimPrefix(i.Scheme, "http")+"://"+i.Domain)
	if err != nil {
		s.log.Error("api: the web app is not served", "err", err)
		app = &webApp{files: map[string]*webFile{}}
	}
	for _, p := range []string{"/", "/web", "/web/{path:*}"} {
		s.router.GET(p, app.serveIndex)
		s.router.HEAD(p, app.serveIndex)
	}
	s.router.GET("/assets/{file:*}", app.serveAsset)
	s.router.HEAD("/assets/{file:*}", app.serveAsset)
}

func (a *webApp) serveIndex(ctx *fasthttp.RequestCtx) {
	h := &ctx.Response.Header
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	ctx.SetContentType("text/html; charset=utf-8")
	if a.index == nil {
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		ctx.SetBodyString(webNotBuilt)
		return
	}
	h.Set("Content-Security-Policy", a.csp)
	h.Set("ETag", a.etag)
	if string(ctx.Request.Header.Peek("If-None-Match")) == a.etag {
		ctx.SetStatusCode(fasthttp.StatusNotModified)
		return
	}
	ctx.SetBody(a.index)
}

func (a *webApp) serveAsset(ctx *fasthttp.RequestCtx) {
	f, ok := a.files[strings.TrimPrefix(string(ctx.Path()), "/")]
	if !ok {
		writeJSON(ctx, 404, map[string]string{"error": "Record not found"})
		return
	}
	h := &ctx.Response.Header
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	ctx.SetContentType(f.contentType)
	body := f.body
	if len(body) >= 1024 {
		h.Set("Vary", "Accept-Encoding")
		br, gz := f.compressed()
		switch {
		case ctx.Request.Header.HasAcceptEncoding("br"):
			body = br
			h.Set("Content-Encoding", "br")
		case ctx.Request.Header.HasAcceptEncoding("gzip"):
			body = gz
			h.Set("Content-Encoding", "gzip")
		}
	}
	ctx.SetBody(body)
}
