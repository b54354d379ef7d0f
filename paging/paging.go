// Package paging owns Mastodon's id cursors (max_id, since_id, min_id, limit) and how
// they become store ranges and Link headers. It knows nothing of HTTP or of entities.
package paging

import (
	"slices"

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

// maxFilterRounds bounds the scans of one filtered page.
const maxFilterRounds = 8

// Filter reads a page of a newest-first partition whose rows a reader filters: it
// scans twice the limit at a time from the cursor (scan is the store's Scan of the
// partition), keeps the rows keep accepts until the page is full or the partition
// ends, and gives up after a few rounds, as Mastodon's filtered pages do. A min_id
// page holds the kept rows right after the cursor, as Mastodon pages forward; every
// page comes newest first.
func (p Page) Filter(scan func(store.Range) ([]store.Row, error), keep func(store.Row) (bool, error)) ([]store.Row, error) {
	want, forward := p.Limit, p.Forward()
	var out []store.Row
	for round := 0; round < maxFilterRounds && len(out) < want; round++ {
		p.Limit = want * 2
		rows, err := scan(p.Range())
		if err != nil {
			return nil, err
		}
		for _, r := range rows { // in scan order: the rows nearest the cursor first
			if len(out) == want {
				break
			}
			ok, err := keep(r)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, r)
			}
		}
		if len(rows) < p.Limit {
			break
		}
		last := shard.FromBytes(rows[len(rows)-1].CK)
		if forward {
			p.MinID = last
		} else {
			p.MaxID = last
		}
	}
	if forward {
		slices.Reverse(out)
	}
	return out, nil
}
