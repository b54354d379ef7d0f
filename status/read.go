package status

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// Thread limits of /context, as Mastodon's: anonymous callers get less.
const (
	AnonAncestors   = 40
	AnonDescendants = 60
	AnonDepth       = 20
	UserLimit       = 4096
)

// Context returns the visible ancestors (oldest first) and descendants (in thread
// order, depth first) of a status.
func (s *Service) Context(ctx context.Context, viewer shard.ID, st *Status) (ancestors, descendants []*Status, err error) {
	maxUp, maxDown, maxDepth := UserLimit, UserLimit, UserLimit
	if viewer == 0 {
		maxUp, maxDown, maxDepth = AnonAncestors, AnonDescendants, AnonDepth
	}
	for cur := st; cur.InReplyToID != 0 && len(ancestors) < maxUp; {
		parent, err := s.Get(ctx, cur.InReplyToID)
		if isNotFound(err) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		ancestors = append(ancestors, parent)
		cur = parent
	}
	for i, j := 0, len(ancestors)-1; i < j; i, j = i+1, j-1 {
		ancestors[i], ancestors[j] = ancestors[j], ancestors[i]
	}
	descendants, err = s.descendants(ctx, st.ID, maxDown, maxDepth)
	if err != nil {
		return nil, nil, err
	}
	if ancestors, err = s.policy.Filter(ctx, viewer, ancestors); err != nil {
		return nil, nil, err
	}
	if descendants, err = s.policy.Filter(ctx, viewer, descendants); err != nil {
		return nil, nil, err
	}
	return ancestors, descendants, nil
}

func (s *Service) descendants(ctx context.Context, root shard.ID, limit, maxDepth int) ([]*Status, error) {
	type frame struct {
		id    shard.ID
		depth int
	}
	var out []*Status
	stack := []frame{{root, 0}}
	for len(stack) > 0 && len(out) < limit {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if f.id != root {
			st, err := s.Get(ctx, f.id)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, st)
		}
		if f.depth >= maxDepth {
			continue
		}
		rows, err := s.st.Scan(ctx, tReplies, f.id.Bytes(), store.Range{Limit: limit})
		if err != nil {
			return nil, fmt.Errorf("list replies of %d: %w", f.id, err)
		}
		for i := len(rows) - 1; i >= 0; i-- { // oldest reply is visited first
			stack = append(stack, frame{shard.FromBytes(rows[i].CK), f.depth + 1})
		}
	}
	return out, nil
}

// AccountFilter narrows GET /accounts/:id/statuses.
type AccountFilter struct {
	ExcludeReplies, ExcludeReblogs, OnlyMedia bool
	// Tagged, a normalised hashtag name, keeps the statuses carrying it.
	Tagged string
}

// ByAccount lists an account's statuses the viewer may see, newest first. It scans
// past hidden rows, a bounded number of times, to fill the page.
func (s *Service) ByAccount(ctx context.Context, viewer, author shard.ID, p paging.Page, f AccountFilter) ([]shard.ID, error) {
	listed, err := s.policy.Listed(ctx, viewer, author)
	if err != nil {
		return nil, err
	}
	var shown [len(visCodes)]bool
	for _, v := range listed {
		shown[visCode[v]] = true
	}
	scan := func(r store.Range) ([]store.Row, error) {
		rows, err := s.st.Scan(ctx, tByAccount, author.Bytes(), r)
		if err != nil {
			return nil, fmt.Errorf("list statuses of %d: %w", author, err)
		}
		return rows, nil
	}
	keep := func(r store.Row) (bool, error) { return keepRow(r.Value, shown, f), nil }
	if f.Tagged != "" {
		t := &taggedScan{s: s, tag: f.Tagged, tagged: map[shard.ID]bool{},
			keep: func(r store.Row) bool { return keepRow(r.Value, shown, f) }}
		scan, keep = t.scan(ctx, scan), t.keepTagged
	}
	rows, err := p.Filter(scan, keep)
	if err != nil {
		return nil, err
	}
	out := make([]shard.ID, len(rows))
	for i, r := range rows {
		out[i] = shard.FromBytes(r.CK)
	}
	return out, nil
}

func keepRow(v []byte, shown [len(visCodes)]bool, f AccountFilter) bool {
	if len(v) < 2 {
		return false
	}
	fl, vis := v[0], v[1]
	switch {
	case int(vis) >= len(shown) || !shown[vis]:
		return false
	case f.ExcludeReplies && fl&FlagReply != 0:
		return false
	case f.ExcludeReblogs && fl&FlagReblog != 0:
		return false
	case f.OnlyMedia && fl&FlagMedia == 0:
		return false
	}
	return true
}

// Replies lists the direct replies of a status, oldest first.
func (s *Service) Replies(ctx context.Context, id shard.ID, limit int) ([]shard.ID, error) {
	rows, err := s.st.Scan(ctx, tReplies, id.Bytes(), store.Range{Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("list replies of %d: %w", id, err)
	}
	out := make([]shard.ID, len(rows))
	for i, r := range rows {
		out[i] = shard.FromBytes(r.CK)
	}
	return out, nil
}
