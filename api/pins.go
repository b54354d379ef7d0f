package api

import (
	"context"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// pinning answers pin (pinned) and unpin, and, when the pin really changed, tells the
// account's followers on other servers with an Add to or Remove from its featured
// collection, as Mastodon's PinsController does.
func (s *Server) pinning(do func(ctx context.Context, viewer, id shard.ID) (*status.Status, error), pinned bool) handlerFunc {
	return s.statusAction(func(ctx context.Context, viewer, id shard.ID) (*status.Status, error) {
		marks, err := s.d.Statuses.Marked(ctx, viewer, []shard.ID{id})
		if err != nil {
			return nil, err
		}
		st, err := do(ctx, viewer, id)
		if err != nil || marks[3][0] == pinned || s.d.Federation == nil {
			return st, err
		}
		if err := s.d.Federation.SendFeatured(ctx, viewer, st.ID, pinned); err != nil {
			return nil, err
		}
		return st, nil
	})
}
