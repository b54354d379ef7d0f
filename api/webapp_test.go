package api_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

const testIndex = `<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>`

// TestWebApp: the built client is served at / and under /web/ with index.html
// revalidated each time, its hashed files cached for a year and compressed once; the
// server-rendered profile page keeps its path.
func TestWebApp(t *testing.T) {
	script := strings.Repeat("console.log('herd');\n", 200)
	app := fstest.MapFS{
		"index.html":             {Data: []byte(testIndex)},
		"assets/index-abc123.js": {Data: []byte(script)},
	}
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.WebApp = app }))
	alice := c.Register("alice")
	alice.Post("hello from the server-rendered page")

	for _, p := range []string{"/", "/web", "/web/home", "/web/oauth/callback?code=x&state=y"} {
		r := c.Must(c.Do("GET", p, "", nil), 200)
		if string(r.Body) != testIndex {
			t.Errorf("GET %s: body %q, want index.html", p, r.Body)
		}
		if got := r.Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", p, got)
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") ||
			!strings.Contains(csp, "connect-src 'self' ws://") {
			t.Errorf("GET %s: Content-Security-Policy %q", p, csp)
		}
	}
	first := c.Must(c.Do("GET", "/", "", nil), 200)
	c.Must(c.DoWithHeader("GET", "/web/home", "", nil, "If-None-Match", first.Header.Get("ETag")), 304)

	r := c.Must(c.Do("GET", "/assets/index-abc123.js", "", nil), 200)
	if got := r.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("asset Cache-Control %q", got)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("asset Content-Type %q", ct)
	}
	if string(r.Body) != script {
		t.Errorf("asset body differs from the file (%d bytes, want %d)", len(r.Body), len(script))
	}
	for _, enc := range []string{"gzip", "br"} {
		z := c.Must(c.DoWithHeader("GET", "/assets/index-abc123.js", "", nil, "Accept-Encoding", enc), 200)
		if got := z.Header.Get("Content-Encoding"); got != enc || len(z.Body) >= len(script)/4 {
			t.Errorf("Accept-Encoding %s: Content-Encoding %q, %d bytes of %d", enc, got, len(z.Body), len(script))
		}
		if enc == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(z.Body))
			if err != nil {
				t.Fatal(err)
			}
			if plain, err := io.ReadAll(zr); err != nil || string(plain) != script {
				t.Errorf("gzip asset decodes to %d bytes (%v), want the file", len(plain), err)
			}
		}
	}
	c.Must(c.Do("GET", "/assets/index-missing.js", "", nil), 404)

	page := c.Must(c.DoWithHeader("GET", "/@alice", "", nil, "Accept", "text/html"), 200)
	if !strings.Contains(string(page.Body), "hello from the server-rendered page") {
		t.Errorf("/@alice is no longer the profile page: %.200s", page.Body)
	}
}

// TestWebAppNotBuilt: a binary compiled without the client says at / how to build it.
func TestWebAppNotBuilt(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.WebApp = fstest.MapFS{} }))
	for _, p := range []string{"/", "/web/home"} {
		r := c.Must(c.Do("GET", p, "", nil), 200)
		if !strings.Contains(string(r.Body), "The web app is not built") || !strings.Contains(string(r.Body), "make build") {
			t.Errorf("GET %s: %.300s", p, r.Body)
		}
		if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", p, ct)
		}
	}
	c.Must(c.Do("GET", "/assets/index-abc123.js", "", nil), 404)
}
