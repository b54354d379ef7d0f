// Package paging owns Mastodon's id cursors (max_id, since_id, min_id, limit) and how
// they become store ranges and Link headers. It knows nothing of HTTP or of entities.
package paging

import (
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Page is a request for one page of a newest-first list keyed by ids.
type Page struct {
	// MaxID returns items strictly older than it.
	MaxID shard.ID
	// SinceID returns the newest items strictly newer than it.
	SinceID shard.ID
	// MinID returns the items immediately newer than it (paging forward).
	MinID shard.ID
	// Limit is the page size, already clamped by the caller.
	Limit int
}

// Range turns the page into a scan of a Desc table whose clustering key is the 8-byte
// id. The rows of a min_id scan come oldest first: pass them through Newest.
func (p Page) Range() store.Range {
	r := store.Range{Limit: p.Limit}
	if p.MaxID != 0 {
		r.Upper = store.Excl(p.MaxID.Bytes())
	}
	switch {
	case p.MinID != 0:
		r.Lower = store.Excl(p.MinID.Bytes())
		r.Reverse = true
	case p.SinceID != 0:
		r.Lower = store.Excl(p.SinceID.Bytes())
	}
	return r
}

// Forward reports whether the scan runs oldest first (a min_id page).
func (p Page) Forward() bool { return p.MinID != 0 }

// Newest puts rows of a scan made with Range newest first.
func (p Page) Newest(rows []store.Row) []store.Row {
	if p.Forward() {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	return rows
}

// Within reports whether id falls inside the page's bounds (ignoring the limit).
func (p Page) Within(id shard.ID) bool {
	if p.MaxID != 0 && id >= p.MaxID {
		return false
	}
	if p.MinID != 0 && id <= p.MinID {
		return false
	}
	if p.SinceID != 0 && id <= p.SinceID {
		return false
	}
	return true
}

// Cursors are the ids a response's Link header points from: next pages older than
// Next, prev pages newer than Prev. Zero means no such link.
type Cursors struct {
	Next, Prev shard.ID
}

// IDs builds the cursors of a page of newest-first ids.
func IDs(ids []shard.ID) Cursors {
	if len(ids) == 0 {
		return Cursors{}
	}
	return Cursors{Next: ids[len(ids)-1], Prev: ids[0]}
}
