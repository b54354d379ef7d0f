package trends

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/status"
)

// RunFavourites consumes the favourites topic in the trends group until ctx is done,
// as Run does the statuses topic.
func (s *Service) RunFavourites(ctx context.Context) error {
	return s.bus.Consume(ctx, Group, status.FavouriteTopic, bus.ConsumeOptions{}, s.opts.DeadLetters.Handler(Group, s.handleFavourite))
}

func (s *Service) handleFavourite(ctx context.Context, m bus.Message) error {
	e, err := status.DecodeFavourited(m)
	if err != nil {
		return fmt.Errorf("trends: favourite: %w", err)
	}
	if err := s.ApplyFavourite(ctx, e); err != nil {
		return fmt.Errorf("trends for favourite of %d by %d: %w", e.StatusID, e.Account, err)
	}
	return nil
}

// ApplyFavourite counts a favourite as a boost counts: for the status favourited, if
// it may trend (public, by a discoverable author not limited, not a reply, not
// sensitive, without a content warning), by an account not limited, on the
// favourite's day. Applying it again, or a favourite given again after an
// unfavourite the same day, counts nothing twice.
func (s *Service) ApplyFavourite(ctx context.Context, e status.Favourited) error {
	if e.ID == 0 {
		return nil
	}
	by, err := s.accounts.Get(ctx, e.Account)
	if errors.Is(err, account.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if limited, err := s.opts.Limited(ctx, by); err != nil || limited {
		return err
	}
	st, author, ok, err := s.load(ctx, e.StatusID)
	if !ok || err != nil || st.ReblogOfID != 0 || st.Visibility != status.Public || !author.Discoverable || !statusMayTrend(st) {
		return err
	}
	return s.count(ctx, Status, string(st.ID.Bytes()), by.ID, e.ID, st.AccountID)
}

// statusMayTrend reports whether a public status may trend itself: not a reply, not
// sensitive, without a content warning.
func statusMayTrend(st *status.Status) bool {
	return !st.IsReply() && !st.Sensitive && st.SpoilerText == ""
}
