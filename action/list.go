package action

import (
	"context"

	"github.com/herd-social/herd/list"
	"github.com/herd-social/herd/shard"
)

// Lists is the part of list.Service that list actions write through.
type Lists interface {
	Get(ctx context.Context, owner, id shard.ID) (*list.List, error)
	Add(ctx context.Context, l *list.List, accounts []shard.ID) error
	Remove(ctx context.Context, l *list.List, accounts []shard.ID) ([]shard.ID, error)
	Delete(ctx context.Context, owner, id shard.ID) ([]shard.ID, error)
	Unfollowed(ctx context.Context, owner, target shard.ID) ([]*list.List, error)
}

// ListFeeds is the part of fanout.Service that keeps list timelines in step with
// their members.
type ListFeeds interface {
	// ListAdded merges a new member's recent posts into a list's timeline.
	ListAdded(ctx context.Context, list, owner, member shard.ID) error
	// ListRemoved takes a former member's posts out of it.
	ListRemoved(ctx context.Context, list, member shard.ID) error
	// ListDeleted drops the timeline of a deleted list.
	ListDeleted(ctx context.Context, list shard.ID) error
}

// AddToList adds accounts to owner's list id, all or none (list.Service.Add says
// which may be added), and merges their recent posts into the list's timeline, as
// Mastodon's AddAccountsToListService.
func (s *Service) AddToList(ctx context.Context, owner, id shard.ID, accounts []shard.ID) error {
	l, err := s.lists.Get(ctx, owner, id)
	if err != nil {
		return err
	}
	if err := s.lists.Add(ctx, l, accounts); err != nil {
		return err
	}
	for _, a := range accounts {
		if err := s.feeds.ListAdded(ctx, l.ID, owner, a); err != nil {
			return err
		}
	}
	return nil
}

// RemoveFromList takes accounts out of owner's list id, and their posts out of its
// timeline; accounts not in the list are ignored.
func (s *Service) RemoveFromList(ctx context.Context, owner, id shard.ID, accounts []shard.ID) error {
	l, err := s.lists.Get(ctx, owner, id)
	if err != nil {
		return err
	}
	removed, err := s.lists.Remove(ctx, l, accounts)
	if err != nil {
		return err
	}
	for _, a := range removed {
		if err := s.feeds.ListRemoved(ctx, l.ID, a); err != nil {
			return err
		}
	}
	return nil
}

// DeleteList deletes owner's list id, its memberships and its timeline.
func (s *Service) DeleteList(ctx context.Context, owner, id shard.ID) error {
	if _, err := s.lists.Delete(ctx, owner, id); err != nil {
		return err
	}
	return s.feeds.ListDeleted(ctx, id)
}

// leftLists takes target out of owner's lists, and its posts out of their timelines,
// once owner no longer follows target: in Mastodon a list membership belongs to the
// follow (or the request) and goes with it.
func (s *Service) leftLists(ctx context.Context, owner, target shard.ID) error {
	ls, err := s.lists.Unfollowed(ctx, owner, target)
	if err != nil {
		return err
	}
	for _, l := range ls {
		if err := s.feeds.ListRemoved(ctx, l.ID, target); err != nil {
			return err
		}
	}
	return nil
}
