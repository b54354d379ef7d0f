package role

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/shard"
)

// Auditor is the part of the moderation service that keeps the audit log.
type Auditor interface {
	Record(ctx context.Context, moderator shard.ID, action, targetType, target string) error
}

// Holders is the part of the account service that keeps users' roles.
type Holders interface {
	RoleOf(ctx context.Context, id shard.ID) (int64, error)
	SetRole(ctx context.Context, id shard.ID, roleID int64) error
}

// WithAudit returns the service writing every change of a role, and every role
// given, to a's audit log as the moderator's action (Mastodon's create_user_role,
// update_user_role, destroy_user_role, change_role).
func (s *Service) WithAudit(a Auditor) *Service {
	c := *s
	c.audit = a
	return &c
}

func (s *Service) record(ctx context.Context, by *Actor, action, targetType, target string) error {
	if s.audit == nil {
		return nil
	}
	var moderator shard.ID
	if by != nil {
		moderator = by.Account
	}
	if err := s.audit.Record(ctx, moderator, action, targetType, target); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Assign gives the user id (named acct in the audit log) the role to, when by may
// take the user from the role it holds to that one (MayAssign); role.Everyone takes
// any role away. It returns the role given.
func (s *Service) Assign(ctx context.Context, by *Actor, users Holders, id shard.ID, acct string, to int64) (*Role, error) {
	target, err := s.Get(ctx, to)
	if err != nil {
		return nil, err
	}
	held, err := users.RoleOf(ctx, id)
	if err != nil {
		return nil, err
	}
	from, err := s.Of(ctx, held)
	if err != nil {
		return nil, err
	}
	if err := by.MayAssign(from.Role, target); err != nil {
		return nil, err
	}
	if err := users.SetRole(ctx, id, to); err != nil {
		return nil, err
	}
	return target, s.record(ctx, by, "change_role", "User", acct)
}
