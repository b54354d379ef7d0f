package node

import (
	"context"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// annualSources is what the annual reports read: the statuses from the status
// service, the follows from the account service.
type annualSources struct {
	st   *status.Service
	accs *account.Service
}

func (a annualSources) ByAccount(ctx context.Context, viewer, author shard.ID, p paging.Page, f status.AccountFilter) ([]shard.ID, error) {
	return a.st.ByAccount(ctx, viewer, author, p, f)
}

func (a annualSources) GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*status.Status, error) {
	return a.st.GetMany(ctx, ids)
}

func (a annualSources) Counts(ctx context.Context, ids []shard.ID) ([]status.Counts, error) {
	return a.st.Counts(ctx, ids)
}

func (a annualSources) Followers(ctx context.Context, target shard.ID, p paging.Page) ([]account.Entry, error) {
	return a.accs.Followers(ctx, target, p)
}

func (a annualSources) Following(ctx context.Context, follower shard.ID, p paging.Page) ([]account.Entry, error) {
	return a.accs.Following(ctx, follower, p)
}
