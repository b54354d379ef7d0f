package api

import (
	"context"
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
	if now.Sub(rc.mu.swept) > renderTTL {
		for k, e := range rc.mu.m {
			if now.Sub(e.at) > renderTTL {
				delete(rc.mu.m, k)
			}
		}
		rc.mu.swept = now
	}
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

// forViewer copies the shared entity with the viewer's marks, as renderShown and
// boost set them.
func (s *Server) forViewer(ctx context.Context, viewer shard.ID, e *rendered) (*Status, error) {
	marks, err := s.d.Statuses.ViewerMarks(ctx, viewer, []*status.Status{e.shown})
	if err != nil {
		return nil, err
	}
	m := marks[0]
	out := *e.ent
	target := &out
	if out.Reblog != nil {
		orig := *out.Reblog
		out.Reblog, target = &orig, &orig
	}
	target.Favourited, target.Reblogged, target.Bookmarked = ptr(m.Favourited), ptr(m.Reblogged), ptr(m.Bookmarked)
	target.Muted = ptr(m.ThreadMuted)
	if e.shown.AccountID == viewer {
		target.Pinned = ptr(m.Pinned)
	}
	if target != &out {
		out.Favourited, out.Reblogged, out.Muted = target.Favourited, target.Reblogged, target.Muted
		out.Bookmarked, out.Pinned = target.Bookmarked, target.Pinned
	}
	return &out, nil
}
