package api

import (
	"bytes"
	"strings"

	"github.com/valyala/fasthttp"
)

// Cross-origin resource sharing, as Mastodon's config/initializers/cors.rb sets up
// rack-cors: any origin, no credentials, on the paths browser clients (Phanpy, Elk and
// other masto.js apps) call from another origin. The sign-in page (/oauth/authorize)
// is deliberately left out: it works with the browser's own navigation, never by
// script from another origin.

// corsResource is one path pattern open to other origins and the methods a preflight
// may ask for. Like rack-cors, an actual request on a matching path gets the headers
// whatever its method; only the preflight checks the method.
type corsResource struct {
	match   func(path string) bool
	methods string // the Access-Control-Allow-Methods value
}

var corsResources = []corsResource{
	{prefix("/api/"), "GET, POST, PUT, DELETE, PATCH, OPTIONS"},
	{prefix("/.well-known/"), "GET"},
	{prefix("/nodeinfo/"), "GET"},
	{exact("/oauth/token"), "POST"},
	{exact("/oauth/revoke"), "POST"},
	{exact("/oauth/userinfo"), "GET, POST"},
	{oneSegment("/@"), "GET"},        // profile, as JSON-LD to an ActivityPub client
	{oneSegment("/users/"), "GET"},   // actor document
	{prefix("/system/"), "GET"},      // media files, as Mastodon's web server serves them
	{prefix("/media_proxy/"), "GET"}, // pruned remote media, redirected to /system/
}

// corsExpose are the response headers scripts may read: paging, rate limits and the
// request id, as Mastodon exposes them on /api/*, and the async refresh a thread
// names, which web clients on other origins (Elk, Phanpy) could not read otherwise.
const corsExpose = "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id, Mastodon-Async-Refresh"

// corsMaxAge is how long a browser may cache a preflight answer: rack-cors's default,
// two hours.
const corsMaxAge = "7200"

func prefix(p string) func(string) bool {
	return func(s string) bool { return strings.HasPrefix(s, p) }
}

func exact(p string) func(string) bool { return func(s string) bool { return s == p } }

// oneSegment matches p followed by one non-empty path segment: /users/alice but not
// /users/alice/outbox.
func oneSegment(p string) func(string) bool {
	return func(s string) bool {
		rest, ok := strings.CutPrefix(s, p)
		return ok && rest != "" && !strings.Contains(rest, "/")
	}
}

func corsResourceFor(path []byte) *corsResource {
	p := string(path)
	for i := range corsResources {
		if corsResources[i].match(p) {
			return &corsResources[i]
		}
	}
	return nil
}

// corsHeaders marks a response on a cross-origin path as readable from any origin. The
// headers go on whether or not the request names an Origin, so that a cached answer
// serves browsers too.
func corsHeaders(ctx *fasthttp.RequestCtx) {
	if corsResourceFor(ctx.Path()) == nil {
		return
	}
	h := &ctx.Response.Header
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", corsExpose)
}

// isPreflight reports whether a request is a browser's CORS preflight: OPTIONS with
// Origin and Access-Control-Request-Method.
func isPreflight(ctx *fasthttp.RequestCtx) bool {
	rh := &ctx.Request.Header
	return ctx.IsOptions() && len(rh.Peek("Origin")) > 0 && len(rh.Peek("Access-Control-Request-Method")) > 0
}

// grantPreflight answers a preflight on a cross-origin path for a method it allows, and
// reports whether it did. Any request headers are allowed, echoed back as rack-cors's
// `headers: :any` does. Other preflights are left to the router, whose answer carries
// no CORS headers, so the browser refuses the request.
func grantPreflight(ctx *fasthttp.RequestCtx) bool {
	rh := &ctx.Request.Header
	res := corsResourceFor(ctx.Path())
	if res == nil || !allows(res.methods, rh.Peek("Access-Control-Request-Method")) {
		return false
	}
	h := &ctx.Response.Header
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", res.methods)
	if want := rh.Peek("Access-Control-Request-Headers"); len(want) > 0 {
		h.SetBytesV("Access-Control-Allow-Headers", want)
	}
	h.Set("Access-Control-Max-Age", corsMaxAge)
	h.Set("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
	ctx.SetStatusCode(fasthttp.StatusOK)
	return true
}

// allows reports whether a comma-separated method list holds method.
func allows(list string, method []byte) bool {
	for m := range strings.SplitSeq(list, ",") {
		if bytes.EqualFold([]byte(strings.TrimSpace(m)), bytes.TrimSpace(method)) {
			return true
		}
	}
	return false
}
