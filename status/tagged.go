package status

import (
	"context"
	"slices"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// taggedScan wraps the scan of an account's statuses for AccountFilter.Tagged: after
// each scan it loads, in one read, the statuses of the rows the row filter keeps and
// notes those carrying tag, which keepTagged then accepts. Page.Filter bounds the
// rounds, so a page reads at most a few times its limit of statuses. Boosts carry no
// tags of their own and never match, as in Mastodon.
type taggedScan struct {
	s      *Service
	tag    string
	keep   func(store.Row) bool
	tagged map[shard.ID]bool
}

func (t *taggedScan) scan(ctx context.Context, scan func(store.Range) ([]store.Row, error)) func(store.Range) ([]store.Row, error) {
	return func(r store.Range) ([]store.Row, error) {
		rows, err := scan(r)
		if err != nil {
			return nil, err
		}
		var ids []shard.ID
		for _, row := range rows {
			if t.keep(row) {
				ids = append(ids, shard.FromBytes(row.CK))
			}
		}
		if len(ids) == 0 {
			return rows, nil
		}
		sts, err := t.s.GetMany(ctx, ids)
		if err != nil {
			return nil, err
		}
		for id, st := range sts {
			if st.ReblogOfID == 0 && slices.Contains(st.Tags, t.tag) {
				t.tagged[id] = true
			}
		}
		return rows, nil
	}
}

func (t *taggedScan) keepTagged(r store.Row) (bool, error) {
	return t.keep(r) && t.tagged[shard.FromBytes(r.CK)], nil
}
