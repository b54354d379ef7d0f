package node

import (
	"context"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// newAccountAge is how young an account is "new" to a notification policy, as
// Mastodon's 30 days.
const newAccountAge = 30 * 24 * time.Hour

// senders answers notification policies (notification.Senders) from the account and
// status services, read when asked: the status service is built after notifications.
type senders struct {
	s   *Services
	now func() time.Time
}

func (a senders) Follows(ctx context.Context, follower, target shard.ID) (bool, error) {
	f, err := a.s.Accounts.FollowOf(ctx, follower, target)
	return f != nil, err
}

func (a senders) NewAccount(ctx context.Context, id shard.ID) (bool, error) {
	acc, err := a.s.Accounts.Get(ctx, id)
	if err != nil {
		return false, err
	}
	return a.now().Sub(acc.CreatedAt) < newAccountAge, nil
}

// Limited reports a sender moderators limited, as Mastodon's Account#silenced?: the
// account is silenced (or suspended), or its domain is.
func (a senders) Limited(ctx context.Context, id shard.ID) (bool, error) {
	acc, err := a.s.Accounts.Get(ctx, id)
	if err != nil {
		return false, err
	}
	return a.s.Domains.Limited(ctx, acc)
}

func (a senders) PrivateMention(ctx context.Context, statusID, to shard.ID) (bool, error) {
	st, err := a.s.Statuses.Get(ctx, statusID)
	if err != nil {
		return false, err
	}
	return st.Visibility == status.Direct && st.InReplyToAccountID != to, nil
}

// clock is c, or time.Now when c is nil.
func clock(c func() time.Time) func() time.Time {
	if c == nil {
		return time.Now
	}
	return c
}
