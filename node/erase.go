package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// eraseBatch is how many rows one step of an erasure reads at a time.
const eraseBatch = 200

// runErasures erases the data of the accounts moderators deleted, as Mastodon's
// Admin::AccountDeletionWorker runs DeleteAccountService off the request's path.
func (n *Node) runErasures(ctx context.Context) error {
	return n.bus.Consume(ctx, moderation.EraseGroup, moderation.EraseTopic, bus.ConsumeOptions{},
		n.DeadLetters.Handler(moderation.EraseGroup, n.handleErasure))
}

// handleErasure erases one deleted account. Every step removes what is left, so a
// redelivered or interrupted erasure resumes where it stopped.
func (n *Node) handleErasure(ctx context.Context, m bus.Message) error {
	var e moderation.EraseEvent
	if err := store.Unmarshal(m.Value, &e); err != nil {
		return bus.Permanent(fmt.Errorf("erase: event: %w", err))
	}
	a, err := n.Accounts.Get(ctx, e.AccountID)
	if errors.Is(err, account.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if a.DeletedAt.IsZero() || !a.Suspended {
		return nil // not (or no longer) a deleted account
	}
	if err := n.eraseAccount(ctx, a); err != nil {
		return fmt.Errorf("erase %s: %w", a.Acct(), err)
	}
	n.log.Info("admin: deleted account erased", "account", a.Acct())
	return nil
}

// eraseAccount removes what a deleted account wrote and kept, as Mastodon's
// DeleteAccountService with reserve_username: its relationships both ways (the
// others' counters follow), its statuses and boosts (with their media, polls,
// timelines and the boosts of them), its favourites and bookmarks, its unattached
// uploads, its notifications and those it gave local accounts, its lists and its
// places in others' lists, its filters, featured and followed tags, conversations,
// scheduled statuses, push subscriptions and tokens; at last its profile and
// pictures, the row staying as a tombstone (account.MarkDeleted).
func (n *Node) eraseAccount(ctx context.Context, a *account.Account) error {
	steps := []struct {
		what string
		do   func(context.Context, shard.ID) error
	}{
		{"relationships", n.Accounts.EraseRelations},
		{"statuses", n.eraseStatuses},
		{"media", func(ctx context.Context, id shard.ID) error {
			_, err := n.Media.RemoveUnattachedOf(ctx, id)
			return err
		}},
		{"notifications", n.eraseNotifications},
		{"lists", n.eraseLists},
		{"filters", n.eraseFilters},
		{"tags", n.eraseTags},
		{"conversations", n.eraseConversations},
		{"scheduled statuses", n.eraseScheduled},
		{"push subscriptions", n.Push.DeleteAll},
		{"tokens", n.Auth.RevokeAccount},
	}
	for _, s := range steps {
		if err := s.do(ctx, a.ID); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
	}
	pictures, err := n.Accounts.MarkDeleted(ctx, a, a.DeletedAt)
	if err != nil {
		return err
	}
	for _, key := range pictures {
		if a.Local() {
			err = n.Media.DeletePicture(ctx, key)
		} else {
			err = n.Media.DeleteFile(ctx, key)
		}
		if err != nil {
			return fmt.Errorf("picture %s: %w", key, err)
		}
	}
	return nil
}

// eraseStatuses removes the account's statuses and boosts, its favourites and its
// bookmarks.
func (n *Node) eraseStatuses(ctx context.Context, id shard.ID) error {
	for {
		k, err := n.Statuses.PurgeAuthor(ctx, id, eraseBatch)
		if err != nil {
			return err
		}
		if k < eraseBatch {
			break
		}
	}
	if _, err := n.Statuses.DropFavourites(ctx, id); err != nil {
		return err
	}
	_, err := n.Statuses.DropBookmarks(ctx, id)
	return err
}

// eraseNotifications removes the account's notifications and those it gave local
// accounts (a walk of the local accounts, as the domain purge does).
func (n *Node) eraseNotifications(ctx context.Context, id shard.ID) error {
	if err := n.Notifications.Clear(ctx, id); err != nil {
		return err
	}
	var res PurgeResult
	return n.purgeNotifications(ctx, map[shard.ID]bool{id: true}, false, &res)
}

// eraseLists removes the account's lists and takes it out of others' lists.
func (n *Node) eraseLists(ctx context.Context, id shard.ID) error {
	own, err := n.Lists.Of(ctx, id)
	if err != nil {
		return err
	}
	for _, l := range own {
		if _, err := n.Lists.Delete(ctx, id, l.ID); err != nil {
			return err
		}
	}
	ms, err := n.Lists.Memberships(ctx, id)
	if err != nil {
		return err
	}
	others, err := n.Lists.Lists(ctx, ms)
	if err != nil {
		return err
	}
	for _, l := range others {
		if _, err := n.Lists.Remove(ctx, l, []shard.ID{id}); err != nil {
			return err
		}
	}
	return nil
}

func (n *Node) eraseFilters(ctx context.Context, id shard.ID) error {
	fs, err := n.Filters.Of(ctx, id)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if err := n.Filters.Delete(ctx, id, f.ID); err != nil {
			return err
		}
	}
	return nil
}

// eraseTags removes the account's featured tags and its follows of tags.
func (n *Node) eraseTags(ctx context.Context, id shard.ID) error {
	featured, err := n.Hashtags.FeaturedTags(ctx, id)
	if err != nil {
		return err
	}
	for _, f := range featured {
		if _, err := n.Hashtags.RemoveFeatured(ctx, id, f.ID); err != nil {
			return err
		}
	}
	for {
		followed, err := n.Hashtags.Followed(ctx, id, paging.Page{Limit: eraseBatch})
		if err != nil {
			return err
		}
		for _, f := range followed {
			if _, err := n.Hashtags.Unfollow(ctx, id, f.Tag); err != nil {
				return err
			}
		}
		if len(followed) < eraseBatch {
			return nil
		}
	}
}

func (n *Node) eraseConversations(ctx context.Context, id shard.ID) error {
	for {
		cs, err := n.Conversations.Page(ctx, id, paging.Page{Limit: eraseBatch})
		if err != nil {
			return err
		}
		for _, c := range cs {
			if err := n.Conversations.Remove(ctx, id, c.ID); err != nil {
				return err
			}
		}
		if len(cs) < eraseBatch {
			return nil
		}
	}
}

func (n *Node) eraseScheduled(ctx context.Context, id shard.ID) error {
	for {
		ss, err := n.Scheduled.List(ctx, id, paging.Page{Limit: eraseBatch})
		if err != nil {
			return err
		}
		for _, s := range ss {
			if err := n.Scheduled.Cancel(ctx, id, s.ID); err != nil {
				return err
			}
		}
		if len(ss) < eraseBatch {
			return nil
		}
	}
}
