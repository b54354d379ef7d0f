// Package logctx carries the id of the request an activity started from (the API's
// X-Request-Id) through contexts and the event log's message headers into log lines,
// so that the lines a post makes at its request, its fan-out and its deliveries can
// be found together by one `req_id`. It holds no logger and decides nothing about
// what is logged: the log lines of the *Context calls of log/slog get the attribute
// from a Handler wrapped around the node's.
package logctx

import (
	"context"
	"log/slog"
)

// Header is the event-log message header that carries a request id from the
// publisher to the consumers.
const Header = "herd-request-id"

// Attr is the attribute log lines carry the request id under.
const Attr = "req_id"

type key struct{}

// With returns ctx carrying the request id; an empty id changes nothing.
func With(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	return context.WithValue(ctx, key{}, id)
}

// ID is the request id ctx carries, or "".
func ID(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}

// Wrap returns h adding the request id of a record's context, when it has one.
func Wrap(h slog.Handler) slog.Handler {
	if _, ok := h.(handler); ok {
		return h
	}
	return handler{h}
}

type handler struct{ slog.Handler }

func (h handler) Handle(ctx context.Context, r slog.Record) error {
	if id := ID(ctx); id != "" {
		r.AddAttrs(slog.String(Attr, id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return handler{h.Handler.WithAttrs(attrs)}
}

func (h handler) WithGroup(name string) slog.Handler {
	return handler{h.Handler.WithGroup(name)}
}
