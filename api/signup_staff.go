package api

import (
	"context"

	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/shard"
)

// notifyStaffOfSignUp tells every user whose login works and whose role may manage
// users of a new user let in, as Mastodon (admin.sign_up) when a user is approved, at
// registration or by a moderator. A failure is logged: the sign-up or
// approval stands.
func (s *Server) notifyStaffOfSignUp(ctx context.Context, id shard.ID) {
	staff, err := s.d.Accounts.Staff(ctx)
	if err != nil {
		s.log.Warn("api: list the staff to notify of a sign-up", "account", id, "err", err)
		return
	}
	for _, to := range staff {
		may, err := s.mayManageUsers(ctx, to)
		if err == nil && !may {
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

// mayManageUsers reports whether the user id works and its role may manage users.
func (s *Server) mayManageUsers(ctx context.Context, id shard.ID) (bool, error) {
	u, err := s.d.Accounts.User(ctx, id)
	if err != nil || !u.Functional() {
		return false, err
	}
	by, err := s.d.Roles.Of(ctx, u.RoleID())
	if err != nil {
		return false, err
	}
	return by.Has(role.ManageUsers), nil
}
