package api

import (
	"context"

	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/shard"
)

// notifyStaffOfSignUp tells every admin whose login works of a new user let in, as
// Mastodon notifies those who may manage users (admin.sign_up) when a user is
// approved, at registration or by a moderator. A failure is logged: the sign-up or
// approval stands.
func (s *Server) notifyStaffOfSignUp(ctx context.Context, id shard.ID) {
	staff, err := s.d.Accounts.Staff(ctx)
	if err != nil {
		s.log.Warn("api: list the staff to notify of a sign-up", "account", id, "err", err)
		return
	}
	for _, to := range staff {
		u, err := s.d.Accounts.User(ctx, to)
		if err == nil && !u.Functional() {
			continue
		}
		if err == nil {
			err = s.d.Notifications.Notify(ctx, to, id, notification.AdminSignUp, 0)
		}
		if err != nil {
			s.log.Warn("api: notify the staff of a sign-up", "account", id, "to", to, "err", err)
		}
	}
}
