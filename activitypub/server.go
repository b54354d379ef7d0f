package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"

	"github.com/fasthttp/router"
	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/shard"
)

// Content types of federation documents.
const (
	ContentType = "application/activity+json; charset=utf-8"
	jrdType     = "application/jrd+json; charset=utf-8"
	xrdType     = "application/xrd+xml; charset=utf-8"
)

// Server serves the server-to-server HTTP surface.
type Server struct {
	s   *Service
	log *slog.Logger
}

// NewServer returns the HTTP face of s.
func NewServer(s *Service, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	return &Server{s: s, log: log}
}

// Register adds the federation routes to r.
func (h *Server) Register(r *router.Router) {
	r.POST("/inbox", h.inbox)
	r.POST("/users/{name}/inbox", h.inbox)
	r.POST("/actor/inbox", h.inbox)
	r.GET("/actor/outbox", h.doc(func(*fasthttp.RequestCtx) (any, error) { return h.s.InstanceOutbox(), nil }))
	r.POST("/relay/inbox", h.relayInbox)
	r.GET("/relay", h.doc(func(ctx *fasthttp.RequestCtx) (any, error) { return h.s.RelayActor(ctx) }))
	for _, name := range []string{"outbox", "followers", "following"} {
		r.GET("/relay/"+name, h.doc(func(ctx *fasthttp.RequestCtx) (any, error) { return h.s.RelayCollection(ctx, name) }))
	}
	r.GET("/.well-known/webfinger", h.webfinger)
	r.GET("/.well-known/host-meta", h.hostMeta)
	r.GET("/.well-known/nodeinfo", h.nodeInfoLinks)
	r.GET("/nodeinfo/{version}", h.nodeInfo)
	r.GET("/actor", h.doc(func(ctx *fasthttp.RequestCtx) (any, error) { return h.s.InstanceActor(ctx) }))
	r.GET("/users/{name}", h.browsers(func(ctx *fasthttp.RequestCtx) string { return h.s.ProfileURL(name(ctx)) },
		h.signed(func(ctx *fasthttp.RequestCtx, _ shard.ID) (any, error) { return h.s.Actor(ctx, name(ctx)) })))
	r.GET("/{handle}", h.page)
	r.GET("/{handle}/{id}", h.page)
	r.GET("/{handle}/{id}/embed", h.embed)
	r.GET("/users/{name}/outbox", h.signed(func(ctx *fasthttp.RequestCtx, viewer shard.ID) (any, error) {
		return h.s.Outbox(ctx, viewer, name(ctx), cursor(ctx))
	}))
	r.GET("/users/{name}/followers", h.signed(func(ctx *fasthttp.RequestCtx, _ shard.ID) (any, error) {
		return h.s.Relations(ctx, name(ctx), true, cursor(ctx))
	}))
	r.GET("/users/{name}/following", h.signed(func(ctx *fasthttp.RequestCtx, _ shard.ID) (any, error) {
		return h.s.Relations(ctx, name(ctx), false, cursor(ctx))
	}))
	r.GET("/users/{name}/statuses/{id}/replies", h.signed(func(ctx *fasthttp.RequestCtx, viewer shard.ID) (any, error) {
		id, err := shard.Parse(str(ctx, "id"))
		if err != nil {
			return nil, ErrNotFound
		}
		return h.s.Replies(ctx, viewer, name(ctx), id, cursor(ctx))
	}))
	r.GET("/users/{name}/quote_authorizations/{id}", h.signed(func(ctx *fasthttp.RequestCtx, viewer shard.ID) (any, error) {
		id, err := shard.Parse(str(ctx, "id"))
		if err != nil {
			return nil, ErrNotFound
		}
		return h.s.QuoteAuthorization(ctx, viewer, name(ctx), id)
	}))
	r.GET("/users/{name}/collections/featured", h.signed(func(ctx *fasthttp.RequestCtx, _ shard.ID) (any, error) {
		return h.s.Featured(ctx, name(ctx))
	}))
	r.GET("/users/{name}/collections/tags", h.signed(func(ctx *fasthttp.RequestCtx, _ shard.ID) (any, error) {
		return h.s.FeaturedTags(ctx, name(ctx))
	}))
	r.GET("/users/{name}/statuses/{id}", h.browsers(func(ctx *fasthttp.RequestCtx) string {
		return h.s.ProfileURL(name(ctx)) + "/" + str(ctx, "id")
	}, h.signed(func(ctx *fasthttp.RequestCtx, viewer shard.ID) (any, error) {
		id, err := shard.Parse(str(ctx, "id"))
		if err != nil {
			return nil, ErrNotFound
		}
		return h.s.NoteFor(ctx, viewer, name(ctx), id)
	})))
}

// browsers sends requests that ask for a web page (and not for ActivityStreams) to the
// page of the same thing.
func (h *Server) browsers(page func(ctx *fasthttp.RequestCtx) string, next fasthttp.RequestHandler) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		if !wantsActivity(ctx) && strings.Contains(string(ctx.Request.Header.Peek("Accept")), "text/html") {
			ctx.Redirect(page(ctx), 302)
			return
		}
		next(ctx)
	}
}

func str(ctx *fasthttp.RequestCtx, key string) string {
	v, _ := ctx.UserValue(key).(string)
	return v
}

func name(ctx *fasthttp.RequestCtx) string { return str(ctx, "name") }

func cursor(ctx *fasthttp.RequestCtx) Cursor {
	q := ctx.QueryArgs()
	c := Cursor{Page: len(q.Peek("page")) > 0}
	c.MaxID, _ = shard.Parse(string(q.Peek("max_id")))
	c.MinID, _ = shard.Parse(string(q.Peek("min_id")))
	return c
}

// doc serves an ActivityStreams document.
func (h *Server) doc(build func(ctx *fasthttp.RequestCtx) (any, error)) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		v, err := build(ctx)
		if err != nil {
			h.fail(ctx, err)
			return
		}
		h.write(ctx, ContentType, v)
	}
}

func (h *Server) write(ctx *fasthttp.RequestCtx, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		h.fail(ctx, err)
		return
	}
	ctx.SetContentType(contentType)
	ctx.Response.Header.Set("Vary", "Accept")
	ctx.Response.Header.Set("Cache-Control", "max-age=60, public")
	ctx.SetBody(b)
}

// writeDoc writes a document served by signed: what it holds depends on the
// signature, so it varies by it, and one served to a signer (who may see private
// statuses) or under authorized fetch is not for shared caches.
func (h *Server) writeDoc(ctx *fasthttp.RequestCtx, contentType string, v any, private bool) {
	h.write(ctx, contentType, v)
	if ctx.Response.StatusCode() != 200 {
		return
	}
	ctx.Response.Header.Set("Vary", "Accept, Signature")
	if private {
		ctx.Response.Header.Set("Cache-Control", "max-age=60, private")
	}
}

func (h *Server) fail(ctx *fasthttp.RequestCtx, err error) {
	code, msg := 500, "Internal server error"
	switch {
	case errors.Is(err, ErrNotFound):
		code, msg = 404, "Record not found"
	case errors.Is(err, ErrSuspended):
		code, msg = 403, "This action is not allowed"
	case errors.Is(err, ErrGone):
		code, msg = 410, "Gone"
	case errors.Is(err, ErrBadResource):
		code, msg = 400, "Malformed resource"
	case errors.Is(err, context.Canceled):
		code, msg = 503, "Request cancelled"
	default:
		h.log.Error("activitypub: request failed", "path", string(ctx.Path()), "err", err)
	}
	ctx.SetStatusCode(code)
	ctx.SetContentType("application/json; charset=utf-8")
	b, _ := json.Marshal(map[string]string{"error": msg})
	ctx.SetBody(b)
}

func (h *Server) webfinger(ctx *fasthttp.RequestCtx) {
	jrd, err := h.s.WebFinger(ctx, string(ctx.QueryArgs().Peek("resource")))
	if err != nil {
		h.fail(ctx, err)
		return
	}
	h.write(ctx, jrdType, jrd)
}

func (h *Server) hostMeta(ctx *fasthttp.RequestCtx) {
	ctx.SetContentType(xrdType)
	ctx.SetBodyString(h.s.HostMeta())
}

func (h *Server) nodeInfoLinks(ctx *fasthttp.RequestCtx) {
	h.write(ctx, "application/json; charset=utf-8", h.s.NodeInfoLinks())
}

func (h *Server) nodeInfo(ctx *fasthttp.RequestCtx) {
	v := str(ctx, "version")
	if v != "2.0" && v != "2.1" {
		h.fail(ctx, ErrNotFound)
		return
	}
	doc, err := h.s.NodeInfo(ctx, v)
	if err != nil {
		h.fail(ctx, err)
		return
	}
	h.write(ctx, `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/`+v+`#"`, doc)
}
