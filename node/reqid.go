package node

import (
	"context"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/logctx"
	"github.com/herd-social/herd/store"
)

// requestBus is the event log as the node's services publish to it: the events of a
// request (and those its consumers publish in turn) carry its id in a header
// (logctx.Header), which the consumers put back in each message's context
// (deadletter.Keeper.Handler, delivery's worker), so that their *Context log lines
// name the request as the API's do (req_id). Without an id in ctx, messages pass
// as they are. A consumer's store writes whose sync it deferred (store.Defer) are
// synced before what follows from them is published.
type requestBus struct{ bus.Bus }

func (b requestBus) Publish(ctx context.Context, msgs ...bus.Message) error {
	if err := store.SyncDeferred(ctx); err != nil {
		return err
	}
	id := logctx.ID(ctx)
	if id == "" {
		return b.Bus.Publish(ctx, msgs...)
	}
	out := make([]bus.Message, len(msgs))
	for i, m := range msgs {
		if _, ok := m.HeaderValue(logctx.Header); !ok {
			hs := make([]bus.Header, len(m.Headers), len(m.Headers)+1) // the caller's stay as they are
			copy(hs, m.Headers)
			m.Headers = append(hs, bus.Header{Key: logctx.Header, Value: []byte(id)})
		}
		out[i] = m
	}
	return b.Bus.Publish(ctx, out...)
}
