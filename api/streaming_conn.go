package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/auth"
	"github.com/herd-social/herd/conversation"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/visibility"
)

// streamConn is one streaming connection (WebSocket or SSE): its viewer, its streams
// and its queue. The transport runs two goroutines per connection: one reads from
// the client (subscribe messages, or just the end of the connection) and one, run,
// delivers events; both end when either ends.
type streamConn struct {
	s       *Server
	st      *streamState
	sub     *stream.Sub
	access  streamAccess
	viewer  shard.ID
	tokenID shard.ID
	raw     string
	system  stream.Key
	out     streamWriter

	// Used only by the delivering goroutine.
	langs []string // the viewer's chosen languages; empty: all
	enc   payloadEncoder

	mu struct {
		sync.Mutex
		specs map[string]*streamSpec
		byKey map[stream.Key][]*streamSpec
	}
}

// streamWriter is a transport's side of delivering.
type streamWriter interface {
	// event writes one event of a stream; a nil body.b means no payload.
	event(name []string, kind string, body eventBody) error
	// keepalive writes a heartbeat (SSE) or a ping (WebSocket).
	keepalive() error
	// end says goodbye to the client for reason.
	end(reason endReason)
}

// endReason is why the server ends a connection.
type endReason int

const (
	endClient   endReason = iota // the client left or a write failed: nothing to say
	endOverflow                  // the client fell too far behind
	endRevoked                   // the token is no longer valid
	endShutdown                  // the server is stopping
)

// message is what the client is told when the server ends its connection.
func (r endReason) message() string {
	switch r {
	case endOverflow:
		return "Stream queue overflow: the client is reading too slowly"
	case endRevoked:
		return "Invalid access token"
	case endShutdown:
		return "Server shutting down"
	}
	return ""
}

// errRevoked ends a connection whose token failed verification.
var errRevoked = errors.New("api: streaming token revoked")

// add subscribes the connection to a stream; adding a stream it has is harmless.
func (c *streamConn) add(sp *streamSpec) {
	id := sp.id()
	c.mu.Lock()
	if c.mu.specs[id] != nil {
		c.mu.Unlock()
		return
	}
	c.mu.specs[id] = sp
	for _, k := range sp.keys {
		c.mu.byKey[k] = append(c.mu.byKey[k], sp)
	}
	c.mu.Unlock()
	c.st.router.Subscribe(c.sub, sp.keys...)
}

// remove unsubscribes the connection from a stream, keeping keys other streams use.
func (c *streamConn) remove(sp *streamSpec) {
	id := sp.id()
	var drop []stream.Key
	c.mu.Lock()
	if c.mu.specs[id] == nil {
		c.mu.Unlock()
		return
	}
	delete(c.mu.specs, id)
	for _, k := range sp.keys {
		rest := slices.DeleteFunc(c.mu.byKey[k], func(o *streamSpec) bool { return o.id() == id })
		if len(rest) == 0 {
			delete(c.mu.byKey, k)
			drop = append(drop, k)
		} else {
			c.mu.byKey[k] = rest
		}
	}
	c.mu.Unlock()
	c.st.router.Unsubscribe(c.sub, drop...)
}

// listeners are the streams that listen to key.
func (c *streamConn) listeners(key stream.Key) []*streamSpec {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.mu.byKey[key])
}

// run delivers events until the connection ends, and says why it ended.
func (c *streamConn) run(ctx context.Context, keepalive time.Duration) endReason {
	ka := time.NewTicker(keepalive)
	defer ka.Stop()
	every := c.st.opts.Reverify
	rv := time.NewTicker(every - rand.N(every/4+1))
	defer rv.Stop()
	var batch []stream.Delivery
	for {
		select {
		case <-ctx.Done():
			return endClient
		case <-c.st.closing:
			return endShutdown
		case <-c.sub.Done():
			if errors.Is(c.sub.Err(), stream.ErrOverflow) {
				return endOverflow
			}
			return endClient
		case <-ka.C:
			if c.out.keepalive() != nil {
				return endClient
			}
		case <-rv.C:
			if c.reverify(ctx) != nil {
				return endRevoked
			}
		case <-c.sub.Ready():
			batch = c.sub.Take(batch[:0])
			if err := c.deliverAll(ctx, batch); errors.Is(err, errRevoked) {
				return endRevoked
			} else if err != nil {
				return endClient
			}
			if cap(batch) > 64 {
				batch = nil
			}
		}
	}
}

// deliverAll delivers a batch, stopping early when the connection is ending (the
// sub overflowed or the client left) so that a slow client is told at once.
func (c *streamConn) deliverAll(ctx context.Context, batch []stream.Delivery) error {
	for _, d := range batch {
		if ctx.Err() != nil || c.sub.Err() != nil {
			return nil
		}
		if err := c.deliver(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// reverify checks the token again and refreshes the viewer's settings; it fails
// only when the token is gone, not when the store hiccups.
func (c *streamConn) reverify(ctx context.Context) error {
	t, err := c.s.auth.Verify(ctx, c.raw)
	if errors.Is(err, auth.ErrInvalidToken) || (err == nil && t.ID != c.tokenID) {
		return errRevoked
	}
	if err != nil {
		c.s.log.Warn("api: streaming: verify token", "err", err)
		return nil
	}
	if u, err := c.s.d.Accounts.User(ctx, c.viewer); err == nil {
		if !u.Functional() {
			return errRevoked // disabled or suspended by moderators
		}
		c.langs = u.ChosenLanguages
	}
	return nil
}

// deliver renders one event for the viewer and writes it to every stream that
// listens to its key. An event that cannot be rendered is dropped, not fatal.
func (c *streamConn) deliver(ctx context.Context, d stream.Delivery) error {
	if d.Key == c.system {
		if d.Event.Kind == stream.Reverify && (d.Event.ID == 0 || d.Event.ID == c.tokenID) {
			return c.reverify(ctx)
		}
		return nil
	}
	specs := c.listeners(d.Key)
	if len(specs) == 0 {
		return nil
	}
	body, ok, err := c.payload(withStreamFilters(ctx, d.Key), d, specs[0].filter)
	if err != nil {
		c.s.log.Warn("api: streaming: render event", "kind", d.Event.Kind, "id", d.Event.ID, "err", err)
		return nil
	}
	if !ok {
		return nil
	}
	for _, sp := range specs {
		if err := c.out.event(sp.name, d.Event.Kind, body); err != nil {
			return err
		}
	}
	return nil
}

// payload renders an event for the viewer; ok is false for an event the viewer
// must not get (gone, hidden, filtered out).
func (c *streamConn) payload(ctx context.Context, d stream.Delivery, filter bool) (eventBody, bool, error) {
	e := d.Event
	own := func(b []byte, ok bool, err error) (eventBody, bool, error) { return eventBody{b: b}, ok, err }
	switch e.Kind {
	case stream.Delete:
		return eventBody{b: []byte(e.ID.String())}, true, nil
	case stream.FiltersChanged:
		return eventBody{}, true, nil
	case stream.Update, stream.StatusUpdate:
		return c.statusPayload(ctx, d, filter)
	case stream.Notification:
		return own(c.notificationPayload(ctx, e.ID))
	case stream.Conversation:
		return own(c.conversationPayload(ctx, e.ID))
	case stream.Announcement, stream.AnnouncementReaction, stream.AnnouncementDelete:
		return own(c.announcementPayload(ctx, e.Kind, e.ID, e.Name))
	}
	return eventBody{}, false, nil
}

// statusPayload renders the status of a delivery for the viewer. A viewer with no
// marks on it and no filter result gets the bytes that every such viewer gets,
// encoded once per status version (rendered.plainBody). The viewer's relations to
// the author and marks come from the reads made for the whole batch of the event
// when there is one (batchedReads), else from reads of its own.
func (c *streamConn) statusPayload(ctx context.Context, d stream.Delivery, filter bool) (eventBody, bool, error) {
	st, err := c.s.streamedStatus(ctx, d.Event.ID, d.Routed)
	if errors.Is(err, status.ErrNotFound) {
		return eventBody{}, false, nil
	}
	if err != nil {
		return eventBody{}, false, err
	}
	pre, batched := c.batchedReads(ctx, d.Batch, st, filter)
	if batched {
		if pre.hidden || !visibility.Allows(visibility.Admitted(c.viewer, false), st) {
			return eventBody{}, false, nil
		}
	} else if keep, err := c.keep(ctx, st, filter, false); err != nil || !keep {
		return eventBody{}, false, err
	}
	shared := c.s.sharedStatus(ctx, st)
	if shared.err != nil || shared.ent == nil {
		return eventBody{}, false, shared.err
	}
	if st.ReblogOfID != 0 { // a boost is seen only with its original, as in REST
		if keep, err := c.keep(ctx, shared.shown, filter, true); err != nil || !keep {
			return eventBody{}, false, err
		}
	}
	marks := pre.marks
	if !batched {
		m, err := c.s.d.Statuses.ViewerMarks(ctx, c.viewer, []*status.Status{shared.shown})
		if err != nil {
			return eventBody{}, false, err
		}
		marks = m[0]
	}
	out, plain := forViewer(c.viewer, shared, marks)
	if batched {
		if err := c.s.loadFilters(ctx, c.viewer, pre); err != nil {
			return eventBody{}, false, err
		}
	}
	if keep, err := c.s.filterStreamed(ctx, c.viewer, shared.shown, out); err != nil || !keep {
		return eventBody{}, false, err
	}
	if plain && len(out.Filtered) == 0 && (out.Reblog == nil || len(out.Reblog.Filtered) == 0) {
		return shared.plainBody(out)
	}
	b, err := c.enc.encode(out)
	return eventBody{b: b}, err == nil, err
}

// keep applies what the REST timelines apply to a status (the visibility policy, the
// viewer's blocks and mutes of the author, and the author's blocks of the viewer)
// and, on filtered streams (public, hashtag), the same for the mentioned accounts and
// the viewer's chosen languages, as Mastodon's streaming server does. Keyword
// filters apply after rendering (filterStreamed).
//
// Domain blocks follow Mastodon: on filtered streams, and for the original of a
// boost (original) on any stream, an author of a domain the viewer blocks is kept
// out even when followed (its streaming server checks the author's domain alone;
// its FeedManager the boosted author's); elsewhere (home, lists) a followed author
// passes, through Accounts.Hidden, as it does in Mastodon's home feed.
func (c *streamConn) keep(ctx context.Context, st *status.Status, filter, original bool) (bool, error) {
	others := []shard.ID{st.AccountID}
	if filter {
		if !account.LanguageShown(c.langs, st.Language) {
			return false, nil
		}
		others = append(others, st.Mentions...)
	}
	accounts := c.s.d.Accounts
	strict := filter || original
	var hidden map[shard.ID]bool
	var err error
	if strict {
		hidden, err = accounts.BlockedOrMuted(ctx, c.viewer, others)
	} else {
		hidden, err = accounts.Hidden(ctx, c.viewer, others)
	}
	if err != nil || len(hidden) > 0 {
		return false, err
	}
	if strict {
		if on, err := accounts.OnBlockedDomain(ctx, c.viewer, st.AccountID); err != nil || on {
			return false, err
		}
	}
	// Fan-out admitted the status to the channel under the visibility policy.
	return visibility.Allows(visibility.Admitted(c.viewer, false), st), nil
}

// conversationPayload renders the viewer's conversation as GET /api/v1/conversations
// does; a conversation removed meanwhile is dropped.
func (c *streamConn) conversationPayload(ctx context.Context, id shard.ID) ([]byte, bool, error) {
	conv, err := c.s.d.Conversations.Get(ctx, c.viewer, id)
	if errors.Is(err, conversation.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out, err := c.s.conversationEntities(ctx, c.viewer, []*conversation.Conversation{conv})
	if err != nil {
		return nil, false, err
	}
	b, err := c.enc.encode(out[0])
	return b, err == nil, err
}

func (c *streamConn) notificationPayload(ctx context.Context, id shard.ID) ([]byte, bool, error) {
	n, err := c.s.d.Notifications.Get(ctx, c.viewer, id)
	if errors.Is(err, notification.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out, err := c.s.notificationEntity(ctx, c.viewer, n)
	if err != nil || out == nil {
		return nil, false, err
	}
	b, err := c.enc.encode(out)
	return b, err == nil, err
}

// notificationEntity renders one notification for its owner as GET
// /api/v1/notifications/:id does; nil when its account or status is gone.
// TODO: share with notifications(), which takes a request rather than a context.
func (s *Server) notificationEntity(ctx context.Context, viewer shard.ID, n *notification.Notification) (*Notification, error) {
	acc, err := s.oneAccount(ctx, n.From)
	if errors.Is(err, errNotFound) || errors.Is(err, account.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	e := &Notification{ID: n.ID.String(), Type: string(n.Type), GroupKey: "ungrouped-" + n.ID.String(),
		CreatedAt: datetime(n.CreatedAt), Account: acc, Event: severanceEvent(n.Event)}
	rep, shown, err := s.reportOf(ctx, n)
	if err != nil || !shown {
		return nil, err
	}
	e.Report = rep
	if e.ModerationWarning, shown, err = s.warningOf(ctx, n); err != nil || !shown {
		return nil, err
	}
	if n.StatusID != 0 {
		sts, err := s.statusesByID(ctx, viewer, []shard.ID{n.StatusID}, false)
		if err != nil {
			return nil, err
		}
		if len(sts) == 0 {
			return nil, nil
		}
		e.Status = sts[0]
	}
	return e, nil
}

// payloadEncoder encodes entities as JSON without escaping HTML (statuses are full
// of it), reusing one buffer.
type payloadEncoder struct{ buf bytes.Buffer }

func (p *payloadEncoder) encode(v any) ([]byte, error) {
	p.buf.Reset()
	if m := generated(v); m != nil {
		if err := encodeTo(&p.buf, m, false); err != nil {
			return nil, err
		}
		return p.buf.Bytes(), nil
	}
	enc := json.NewEncoder(&p.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(p.buf.Bytes(), []byte("\n")), nil
}
