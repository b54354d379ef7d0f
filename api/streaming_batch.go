package api

import (
	"context"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/stream"
)

// batchReads are the per-viewer reads of a status event made once for all the
// connections of this node that the hub handed it to together (stream.Batch): the
// viewers' relations to its author (Accounts.HiddenFrom, what keep reads through
// Accounts.Hidden), their marks on it (Statuses.MarksOf) and the versions of their
// keyword filters (Filters.Versions, what filterScope reads), a multi-get per table
// with the keys of every viewer instead of point reads per connection. Whichever
// connection delivers the event first makes them; the others wait for them. Each
// connection still renders and writes its own copy, in its queue's order.
type batchReads struct {
	status shard.ID
	at     map[shard.ID]int // viewer → index in hidden and marks
	hidden []bool
	marks  []status.Marks
	// filters are the viewers' filter versions; nil without a filter service.
	filters []shard.ID
	err     error
}

// viewerReads are one viewer's part of batchReads.
type viewerReads struct {
	hidden bool
	marks  status.Marks
	// filters is the version of the viewer's filters; ok when it was read.
	filters   shard.ID
	filtersOK bool
}

// batchedReads returns the viewer's part of the reads made for the batch b of a
// delivery of st; ok is false when the connection must read for itself: no batch,
// an anonymous viewer, a filtered stream or a boost (whose checks are stricter and
// about its original), or reads that failed.
func (c *streamConn) batchedReads(ctx context.Context, b *stream.Batch, st *status.Status, filter bool) (viewerReads, bool) {
	if b == nil || c.viewer == 0 || filter || st.ReblogOfID != 0 {
		return viewerReads{}, false
	}
	r := b.Memo(func() any { return c.s.readBatch(context.WithoutCancel(ctx), b, st) }).(*batchReads)
	i, ok := r.at[c.viewer]
	if r.err != nil || r.status != st.ID || !ok {
		return viewerReads{}, false
	}
	v := viewerReads{hidden: r.hidden[i], marks: r.marks[i]}
	if r.filters != nil {
		v.filters, v.filtersOK = r.filters[i], true
	}
	return v, true
}

// readBatch reads the relations to st's author and the marks on st of every
// signed-in viewer of a batch.
func (s *Server) readBatch(ctx context.Context, b *stream.Batch, st *status.Status) *batchReads {
	r := &batchReads{status: st.ID, at: make(map[shard.ID]int, len(b.Subs()))}
	var viewers []shard.ID
	for _, sub := range b.Subs() {
		c, _ := sub.Owner.(*streamConn)
		if c == nil || c.viewer == 0 {
			continue
		}
		if _, seen := r.at[c.viewer]; !seen {
			r.at[c.viewer] = len(viewers)
			viewers = append(viewers, c.viewer)
		}
	}
	if len(viewers) == 0 {
		return r
	}
	if r.hidden, r.err = s.d.Accounts.HiddenFrom(ctx, viewers, st.AccountID); r.err != nil {
		return r
	}
	if r.marks, r.err = s.d.Statuses.MarksOf(ctx, viewers, st); r.err != nil {
		return r
	}
	if s.d.Filters != nil {
		r.filters, r.err = s.d.Filters.Versions(ctx, viewers)
	}
	return r
}

// loadFilters loads the viewer's matcher into the filter scope of ctx, if it has
// one not yet loaded, from the version of the viewer's filters read with its batch,
// so that filterScope does not read it again.
func (s *Server) loadFilters(ctx context.Context, viewer shard.ID, pre viewerReads) error {
	sc, _ := ctx.Value(filterScopeKey{}).(*filterScope)
	if sc == nil || sc.loaded || viewer == 0 || s.d.Filters == nil || !pre.filtersOK {
		return nil
	}
	m, err := s.d.Filters.MatcherAt(ctx, viewer, pre.filters)
	if err != nil {
		return err
	}
	sc.matcher, sc.loaded = m, true
	return nil
}
