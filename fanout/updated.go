package fanout

import (
	"context"

	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// updated tells those who boosted an edited status (update) and those who quoted it
// (quoted_update), and refreshes it in open streams.
func (s *Service) updated(ctx context.Context, e status.Event) error {
	boosts, err := s.statuses.RebloggedBy(ctx, e.StatusID, paging.Page{Limit: 1000})
	if err != nil {
		return err
	}
	for _, b := range boosts {
		if err := s.notifier.Notify(ctx, b.ID, e.Author, notification.Update, e.StatusID); err != nil {
			return err
		}
	}
	if err := s.notifyQuoters(ctx, e); err != nil {
		return err
	}
	return s.streamUpdated(ctx, e.StatusID)
}

// notifyQuoters tells the local authors of accepted quotes of an edited status that
// it changed (quoted_update), once each, as Mastodon does.
func (s *Service) notifyQuoters(ctx context.Context, e status.Event) error {
	quotes, err := s.statuses.QuotedBy(ctx, e.StatusID, paging.Page{Limit: 1000})
	if err != nil || len(quotes) == 0 {
		return err
	}
	ids := make([]shard.ID, len(quotes))
	for i, q := range quotes {
		ids[i] = q.ID
	}
	sts, err := s.statuses.GetMany(ctx, ids)
	if err != nil {
		return err
	}
	told := map[shard.ID]bool{}
	for _, id := range ids {
		st := sts[id]
		if st == nil || !st.Local || told[st.AccountID] {
			continue
		}
		told[st.AccountID] = true
		if err := s.notifier.Notify(ctx, st.AccountID, e.Author, notification.QuotedUpdate, e.StatusID); err != nil {
			return err
		}
	}
	return nil
}
