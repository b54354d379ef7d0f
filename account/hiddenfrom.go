package account

import (
	"context"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// HiddenFrom reports, for each viewer, what Hidden(ctx, viewer, []shard.ID{other})
// reports of other: whether the viewer blocks or mutes it, is blocked by it, or
// blocks its domain without following it. It reads all the viewers at once: one
// multi-get per relation, the account of other, and, only when other is remote, one
// multi-get of the viewers' blocks of its domain (nobody can block the local domain)
// and the follows of those who block it. An anonymous viewer (0) hides nothing.
// It is how a streamed event's viewers are checked together.
func (s *Service) HiddenFrom(ctx context.Context, viewers []shard.ID, other shard.ID) ([]bool, error) {
	out := make([]bool, len(viewers))
	ob := other.Bytes()
	for _, rel := range []relation{{tBlocks, false}, {tMutes, false}, {tBlocks, true}} {
		keys := make([]store.Key, len(viewers))
		for i, v := range viewers {
			keys[i] = store.Key{PK: v.Bytes(), CK: ob}
			if rel.theirs {
				keys[i] = store.Key{PK: ob, CK: v.Bytes()}
			}
		}
		found, err := s.exists(ctx, rel.table, keys)
		if err != nil {
			return nil, err
		}
		for i, f := range found {
			out[i] = out[i] || (f && viewers[i] != other && viewers[i] != 0)
		}
	}
	accs, err := s.GetMany(ctx, []shard.ID{other})
	if err != nil {
		return nil, err
	}
	a := accs[other]
	if a == nil || a.Domain == "" {
		return out, nil
	}
	keys := make([]store.Key, len(viewers))
	for i, v := range viewers {
		keys[i] = store.Key{PK: v.Bytes(), CK: []byte(a.Domain)}
	}
	blocking, err := s.exists(ctx, tDomainBlocks, keys)
	if err != nil {
		return nil, err
	}
	var on []shard.ID
	var at []int
	for i, b := range blocking {
		if b && viewers[i] != 0 {
			on, at = append(on, viewers[i]), append(at, i)
		}
	}
	if len(on) == 0 {
		return out, nil
	}
	followed, err := s.Follows(ctx, on, other)
	if err != nil {
		return nil, err
	}
	for j, i := range at {
		out[i] = out[i] || !followed[j]
	}
	return out, nil
}
