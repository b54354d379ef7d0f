package timeline

import (
	"cmp"
	"context"
	"slices"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
)

// TagAny returns a page of the statuses carrying any of tags (normalised names, the
// hashtag first), newest first: each tag's timeline gives its own page from the
// cursor, and the pages merge in id order without duplicates. A status is in the
// union's page exactly when it is in its own tag's page, so one read of each
// partition suffices; callers bound the number of tags.
func (s *Service) TagAny(ctx context.Context, tags []string, scope Scope, onlyMedia bool, p paging.Page) ([]shard.ID, error) {
	if len(tags) == 1 {
		return s.Tag(ctx, tags[0], scope, onlyMedia, p)
	}
	seen := map[shard.ID]bool{}
	var all []shard.ID
	for _, t := range tags {
		ids, err := s.Tag(ctx, t, scope, onlyMedia, p)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				all = append(all, id)
			}
		}
	}
	slices.SortFunc(all, func(a, b shard.ID) int { return cmp.Compare(b, a) })
	if len(all) > p.Limit {
		if p.Forward() { // a min_id page holds the statuses right after the cursor
			all = all[len(all)-p.Limit:]
		} else {
			all = all[:p.Limit]
		}
	}
	return all, nil
}
