package account

import (
	"context"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// FollowsEach reports, for each target, whether follower follows it: one multi-get.
func (s *Service) FollowsEach(ctx context.Context, follower shard.ID, targets []shard.ID) ([]bool, error) {
	keys := make([]store.Key, len(targets))
	for i, t := range targets {
		keys[i] = pair(follower, t)
	}
	return s.exists(ctx, tFollows, keys)
}

// BlockedEither returns which of others block the viewer or are blocked by the viewer:
// two multi-gets, none for an anonymous viewer.
func (s *Service) BlockedEither(ctx context.Context, viewer shard.ID, others []shard.ID) (map[shard.ID]bool, error) {
	return s.relatedAny(ctx, viewer, others, relation{tBlocks, false}, relation{tBlocks, true})
}

// Blocking returns which of others the viewer blocks: one multi-get, none for an
// anonymous viewer.
func (s *Service) Blocking(ctx context.Context, viewer shard.ID, others []shard.ID) (map[shard.ID]bool, error) {
	return s.relatedAny(ctx, viewer, others, relation{tBlocks, false})
}

// relation names a table of rows keyed owner→target: the viewer's own rows
// (viewer→other), or theirs (other→viewer).
type relation struct {
	table  string
	theirs bool
}

// relatedAny returns which of others (the viewer aside) have a row in any of the
// relations: one multi-get each, none for an anonymous viewer.
func (s *Service) relatedAny(ctx context.Context, viewer shard.ID, others []shard.ID, rels ...relation) (map[shard.ID]bool, error) {
	out := map[shard.ID]bool{}
	if viewer == 0 || len(others) == 0 {
		return out, nil
	}
	for _, rel := range rels {
		keys := make([]store.Key, len(others))
		for i, o := range others {
			keys[i] = pair(viewer, o)
			if rel.theirs {
				keys[i] = pair(o, viewer)
			}
		}
		found, err := s.exists(ctx, rel.table, keys)
		if err != nil {
			return nil, err
		}
		for i, f := range found {
			if f && others[i] != viewer {
				out[others[i]] = true
			}
		}
	}
	return out, nil
}

// maxFamiliarScan bounds how many of the viewer's follows FamiliarFollowers reads.
const maxFamiliarScan = 10000

// FamiliarFollowers returns, for each target, the accounts the viewer follows that
// follow it, newest follow of the viewer's first. It reads the viewer's follows (up
// to ten thousand) once and asks one multi-get per target.
func (s *Service) FamiliarFollowers(ctx context.Context, viewer shard.ID, targets []shard.ID) ([][]shard.ID, error) {
	var following []shard.ID
	var cursor shard.ID
	for len(following) < maxFamiliarScan {
		ids, next, err := s.followingIDs(ctx, viewer, cursor, 1000)
		if err != nil {
			return nil, err
		}
		following = append(following, ids...)
		if next == 0 {
			break
		}
		cursor = next
	}
	out := make([][]shard.ID, len(targets))
	for i, t := range targets {
		follows, err := s.Follows(ctx, following, t)
		if err != nil {
			return nil, err
		}
		for j, f := range follows {
			if f && following[j] != t {
				out[i] = append(out[i], following[j])
			}
		}
	}
	return out, nil
}
