package status

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Ties are what binds a status to others here, as `herd admin statuses remove` reads
// them to decide whether an old remote status may go.
type Ties struct {
	// Replied is set when any status replies to it.
	Replied bool
	// Pinned is set when its author pinned it (only authors pin their statuses).
	Pinned bool
	// Favourers are the accounts that favourited it; Boosts and Quotes the statuses
	// that boost it and (accepted) quote it. Each is read up to the limit given.
	Favourers, Boosts, Quotes []shard.ID
}

// TiesOf reads st's ties, each list up to limit rows.
func (s *Service) TiesOf(ctx context.Context, st *Status, limit int) (Ties, error) {
	var t Ties
	replies, err := s.st.Scan(ctx, tReplies, st.ID.Bytes(), store.Range{Limit: 1})
	if err != nil {
		return t, fmt.Errorf("replies of %d: %w", st.ID, err)
	}
	t.Replied = len(replies) > 0
	_, err = s.st.Get(ctx, tPins, st.AccountID.Bytes(), st.ID.Bytes())
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return t, fmt.Errorf("pin of %d: %w", st.ID, err)
	}
	t.Pinned = err == nil
	for _, l := range []struct {
		table string
		into  *[]shard.ID
		value bool // the id is the row's value, not its key
	}{{tFavsBy, &t.Favourers, true}, {tReblogsBy, &t.Boosts, false}, {tQuotes, &t.Quotes, false}} {
		rows, err := s.st.Scan(ctx, l.table, st.ID.Bytes(), store.Range{Limit: limit})
		if err != nil {
			return t, fmt.Errorf("%s of %d: %w", l.table, st.ID, err)
		}
		for _, r := range rows {
			if l.value {
				*l.into = append(*l.into, shard.FromBytes(r.Value))
			} else {
				*l.into = append(*l.into, shard.FromBytes(r.CK))
			}
		}
	}
	return t, nil
}

// AuthoredBefore lists up to limit of author's statuses and boosts with ids below
// before (published before its time), newest first.
func (s *Service) AuthoredBefore(ctx context.Context, author, before shard.ID, limit int) ([]shard.ID, error) {
	rows, err := s.st.Scan(ctx, tByAccount, author.Bytes(), store.Range{Upper: store.Excl(before.Bytes()), Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("list statuses of %d: %w", author, err)
	}
	out := make([]shard.ID, len(rows))
	for i, r := range rows {
		out[i] = shard.FromBytes(r.CK)
	}
	return out, nil
}

// BookmarkedBy returns the statuses any of accounts bookmarked.
func (s *Service) BookmarkedBy(ctx context.Context, accounts []shard.ID) (map[shard.ID]bool, error) {
	out := map[shard.ID]bool{}
	for _, a := range accounts {
		r := store.Range{Limit: 1000}
		for {
			rows, err := s.st.Scan(ctx, tBookmarksOf, a.Bytes(), r)
			if err != nil {
				return nil, fmt.Errorf("bookmarks of %d: %w", a, err)
			}
			for _, row := range rows {
				out[shard.FromBytes(row.Value)] = true
			}
			if len(rows) < r.Limit {
				break
			}
			r.Upper = store.Excl(rows[len(rows)-1].CK) // newest first
		}
	}
	return out, nil
}
