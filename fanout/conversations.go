package fanout

import (
	"context"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/conversation"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/stream"
)

// Conversations is the part of conversation.Service that fan-out writes.
type Conversations interface {
	Add(ctx context.Context, owner, author, statusID shard.ID, others []shard.ID) (*conversation.Conversation, error)
	StatusDeleted(ctx context.Context, owner, statusID shard.ID, others []shard.ID) (*conversation.Conversation, error)
}

// Participants is the part of account.Service that tells local participants apart.
type Participants interface {
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*account.Account, error)
}

// localParticipants returns the local accounts among the author and the mentioned
// accounts of st, once each.
func (s *Service) localParticipants(ctx context.Context, st *status.Status) ([]shard.ID, error) {
	all := conversation.Others(0, st.AccountID, st.Mentions)
	accs, err := s.opts.Participants.GetMany(ctx, all)
	if err != nil {
		return nil, err
	}
	var out []shard.ID
	for _, id := range all {
		if a := accs[id]; a != nil && a.Local() {
			out = append(out, id)
		}
	}
	return out, nil
}

// conversations records a direct status in the conversation of each local
// participant with the others, as Mastodon's AccountConversation.add_status, and
// sends the conversation on each participant's direct channel; a participant who
// hides the author (blocks, mutes, or is blocked by) gets none.
func (s *Service) conversations(ctx context.Context, st *status.Status) error {
	if st.Visibility != status.Direct || s.opts.Conversations == nil || !s.role.writes() {
		return nil
	}
	locals, err := s.localParticipants(ctx, st)
	if err != nil {
		return err
	}
	for _, owner := range locals {
		if hides, err := s.hidesAuthor(ctx, owner, st.AccountID); err != nil || hides {
			if err != nil {
				return err
			}
			continue
		}
		c, err := s.opts.Conversations.Add(ctx, owner, st.AccountID, st.ID, conversation.Others(owner, st.AccountID, st.Mentions))
		if err != nil {
			return err
		}
		s.publish(stream.Direct(owner), event(stream.Conversation, c.ID))
	}
	return nil
}

// conversationsDeleted takes a deleted direct status out of its participants'
// conversations, as Mastodon's AccountConversation.remove_status.
func (s *Service) conversationsDeleted(ctx context.Context, st *status.Status) error {
	if st.Visibility != status.Direct || s.opts.Conversations == nil {
		return nil
	}
	locals, err := s.localParticipants(ctx, st)
	if err != nil {
		return err
	}
	for _, owner := range locals {
		if _, err := s.opts.Conversations.StatusDeleted(ctx, owner, st.ID, conversation.Others(owner, st.AccountID, st.Mentions)); err != nil {
			return err
		}
	}
	return nil
}

// hidesAuthor reports whether owner, another account than author, hides author.
func (s *Service) hidesAuthor(ctx context.Context, owner, author shard.ID) (bool, error) {
	if owner == author || s.opts.Hidden == nil {
		return false, nil
	}
	hidden, err := s.opts.Hidden.Hidden(ctx, owner, []shard.ID{author})
	return len(hidden) > 0, err
}
