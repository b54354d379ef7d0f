package api

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// renderTTL is how long connections share one rendering of a status version. A
// post reaches its thousand live followers within this window, so it is rendered
// once rather than a thousand times; its counters may be this much out of date.
const renderTTL = 2 * time.Second

// renderCache shares the viewer-independent rendering of a status among the
// connections that deliver it at about the same time; each connection then adds
// only its viewer's marks (favourited, reblogged, bookmarked, muted, pinned), which
// is what the REST rendering would give it.
type renderCache struct {
	mu struct {
		sync.Mutex
		m     map[renderKey]*rendered
		swept time.Time
	}
}

// renderKey is a status version: an edit renders anew.
type renderKey struct {
	id     shard.ID
	edited int64
}

type rendered struct {
	once  sync.Once
	at    time.Time
	shown *status.Status // what the marks are about: the original of a boost
	ent   *Status        // rendered for no viewer; nil when it cannot be shown
	err   error

	// plain is the payload of every viewer without marks or filter results, and
	// the transports' frames of it.
	plain struct {
		once   sync.Once
		b      []byte
		err    error
		frames frames
	}
}

// eventBody is an event's payload as a connection writes it. When shared is set,
// the same bytes go to every connection that gets this rendering, and transports
// keep their framing of them there: a frame is then encoded once per event, not
// once per socket.
type eventBody struct {
	b      []byte // nil: no payload
	shared *frames
}

// frames holds the encoded frames of one shared payload, by stream name and event
// kind. Frames are only read once stored.
type frames struct {
	mu sync.Mutex
	m  map[string][]byte
}

// frame returns the frame of name and kind, encoding it the first time.
func (f *frames) frame(name []string, kind string, encode func() ([]byte, error)) ([]byte, error) {
	k := kind + "\x00" + strings.Join(name, "\x00")
	f.mu.Lock()
	defer f.mu.Unlock()
	if b, ok := f.m[k]; ok {
		return b, nil
	}
	b, err := encode()
	if err != nil {
		return nil, err
	}
	if f.m == nil {
		f.m = make(map[string][]byte, 1)
	}
	f.m[k] = b
	return b, nil
}

// plainBody returns the shared payload of viewers without marks or filter
// results; out is such a viewer's entity, the same for all of them.
func (e *rendered) plainBody(out *Status) (eventBody, bool, error) {
	p := &e.plain
	p.once.Do(func() {
		var enc payloadEncoder
		b, err := enc.encode(out)
		p.b, p.err = bytes.Clone(b), err
	})
	if p.err != nil {
		return eventBody{}, false, p.err
	}
	return eventBody{b: p.b, shared: &p.frames}, true, nil
}

// statusReads shares the reads of statuses among the connections delivering their
// events. A read that began after an event was routed (stream.Delivery.Routed) sees
// every write its publisher made before publishing, so every connection that got
// the event may take that read instead of making its own: a post's thousand
// deliveries read it once. Reads are kept for renderTTL.
type statusReads struct {
	mu struct {
		sync.Mutex
		m     map[shard.ID]*statusRead
		swept time.Time
	}
}

type statusRead struct {
	began time.Time
	done  chan struct{} // closed when st and err are set
	st    *status.Status
	err   error
}

// streamedStatus returns status id as read after routed (an unset routed always
// reads anew). A shared read that failed other than with status.ErrNotFound is
// not taken: the connection reads for itself.
func (s *Server) streamedStatus(ctx context.Context, id shard.ID, routed time.Time) (*status.Status, error) {
	sr := &s.d.streams.reads
	sr.mu.Lock()
	now := time.Now()
	if sr.mu.m == nil {
		sr.mu.m = make(map[shard.ID]*statusRead)
	}
	sweepStale(sr.mu.m, func(r *statusRead) time.Time { return r.began }, now, &sr.mu.swept)
	r := sr.mu.m[id]
	if routed.IsZero() || r == nil || r.began.Before(routed) || now.Sub(r.began) > renderTTL {
		r = &statusRead{began: now, done: make(chan struct{})}
		sr.mu.m[id] = r
		sr.mu.Unlock()
		r.st, r.err = s.d.Statuses.Get(context.WithoutCancel(ctx), id)
		close(r.done)
		return r.st, r.err
	}
	sr.mu.Unlock()
	select {
	case <-r.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if r.err != nil && !errors.Is(r.err, status.ErrNotFound) {
		return s.d.Statuses.Get(ctx, id)
	}
	return r.st, r.err
}

// sharedStatus returns the shared entry of a status version, rendering it the first time.
func (s *Server) sharedStatus(ctx context.Context, st *status.Status) *rendered {
	rc := &s.d.streams.renders
	now := time.Now()
	k := renderKey{st.ID, st.EditedAt.UnixNano()}
	rc.mu.Lock()
	if rc.mu.m == nil {
		rc.mu.m = make(map[renderKey]*rendered)
	}
	sweepStale(rc.mu.m, func(e *rendered) time.Time { return e.at }, now, &rc.mu.swept)
	e := rc.mu.m[k]
	if e == nil || now.Sub(e.at) > renderTTL {
		e = &rendered{at: now}
		rc.mu.m[k] = e
	}
	rc.mu.Unlock()
	e.once.Do(func() { e.render(context.WithoutCancel(ctx), s, st) })
	return e
}

func (e *rendered) render(ctx context.Context, s *Server, st *status.Status) {
	e.shown = st
	if st.ReblogOfID != 0 {
		orig, err := s.d.Statuses.Get(ctx, st.ReblogOfID)
		if err != nil {
			e.err = err
			return
		}
		e.shown = orig
	}
	out, err := s.statuses(ctx, 0, []*status.Status{st})
	if err != nil {
		e.err = err
		return
	}
	if len(out) > 0 {
		e.ent = out[0]
	}
}

// forViewer copies the shared entity with the viewer's marks m on e.shown, as
// renderShown and boost set them; plain says the viewer has none (and is not the
// author, whose copy says whether it is pinned), so that its copy is every such
// viewer's.
func forViewer(viewer shard.ID, e *rendered, m status.Marks) (out *Status, plain bool) {
	plain = m == (status.Marks{}) && e.shown.AccountID != viewer
	cp := *e.ent
	out = &cp
	target := out
	if out.Reblog != nil {
		orig := *out.Reblog
		out.Reblog, target = &orig, &orig
	}
	target.Favourited, target.Reblogged, target.Bookmarked = ptr(m.Favourited), ptr(m.Reblogged), ptr(m.Bookmarked)
	target.Muted = ptr(m.ThreadMuted)
	if e.shown.AccountID == viewer {
		target.Pinned = ptr(m.Pinned)
	}
	if target != out {
		out.Favourited, out.Reblogged, out.Muted = target.Favourited, target.Reblogged, target.Muted
		out.Bookmarked, out.Pinned = target.Bookmarked, target.Pinned
	}
	return out, plain
}

// sweepStale deletes the entries of m made more than renderTTL before now, at most
// once per renderTTL (swept is when it last did).
func sweepStale[K comparable, V any](m map[K]V, made func(V) time.Time, now time.Time, swept *time.Time) {
	if now.Sub(*swept) <= renderTTL {
		return
	}
	maps.DeleteFunc(m, func(_ K, v V) bool { return now.Sub(made(v)) > renderTTL })
	*swept = now
}
