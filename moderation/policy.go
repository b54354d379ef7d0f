package moderation

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// putPolicy writes one record of an instance policy (a domain, IP or email block)
// in its table's one partition, and the audit entry of the moderator's action.
func (s *Service) putPolicy(ctx context.Context, moderator shard.ID, table, action, targetType string, id shard.ID, name string, v any) error {
	b, err := store.Marshal(v)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, table, domainPartition, id.Bytes(), b, 0); err != nil {
		return fmt.Errorf("save %s %s: %w", table, name, err)
	}
	return s.audit(ctx, moderator, action, targetType, name, "")
}

// deletePolicy removes one record of an instance policy, with its audit entry.
func (s *Service) deletePolicy(ctx context.Context, moderator shard.ID, table, action, targetType string, id shard.ID, name string) error {
	if err := s.st.Delete(ctx, table, domainPartition, id.Bytes()); err != nil {
		return fmt.Errorf("delete %s %s: %w", table, name, err)
	}
	return s.audit(ctx, moderator, action, targetType, name, "")
}
