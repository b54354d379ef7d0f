package notification

import (
	"context"
	"time"

	"github.com/herd-social/herd/shard"
)

// Severance is Mastodon's RelationshipSeveranceEvent as one local user sees it:
// moderators ended follows of theirs, and how many each way.
type Severance struct {
	ID shard.ID `cbor:"1,keyasint"`
	// Type is domain_block, user_domain_block or account_suspension, as Mastodon's.
	Type string `cbor:"2,keyasint"`
	// TargetName is the domain (or account) the follows were with.
	TargetName string `cbor:"3,keyasint"`
	// FollowersCount is how many of the user's followers went, FollowingCount how
	// many of the accounts the user followed.
	FollowersCount int       `cbor:"4,keyasint"`
	FollowingCount int       `cbor:"5,keyasint"`
	CreatedAt      time.Time `cbor:"6,keyasint"`
}

// SeveranceDomainBlock is the type of a severance by an instance domain block.
const SeveranceDomainBlock = "domain_block"

// NotifySevered tells a local user that moderators severed follows of theirs: a
// severed_relationships notification from the user's own account, as Mastodon's,
// once per event; no policy or filter holds it back.
func (s *Service) NotifySevered(ctx context.Context, to shard.ID, ev Severance) error {
	if to == 0 {
		return nil
	}
	n := Notification{ID: s.ids.Next(), Type: SeveredRelationships, From: to, CreatedAt: s.now().UTC(), Event: &ev}
	fresh, _, err := s.st.PutIfAbsent(ctx, tCauses, to.Bytes(), cause(SeveredRelationships, to, ev.ID), n.ID.Bytes(), 0)
	if err != nil || !fresh {
		return err
	}
	return s.keep(ctx, to, &n)
}

// NotifyWarning tells a local user of a moderator's warning: a moderation_warning
// notification from the user's own account, as Mastodon's, once per warning; no
// policy or filter holds it back.
func (s *Service) NotifyWarning(ctx context.Context, to, warningID shard.ID) error {
	if to == 0 {
		return nil
	}
	n := Notification{ID: s.ids.Next(), Type: ModerationWarning, From: to, CreatedAt: s.now().UTC(), WarningID: warningID}
	fresh, _, err := s.st.PutIfAbsent(ctx, tCauses, to.Bytes(), cause(ModerationWarning, to, warningID), n.ID.Bytes(), 0)
	if err != nil || !fresh {
		return err
	}
	return s.keep(ctx, to, &n)
}
