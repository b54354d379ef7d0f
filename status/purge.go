package status

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// PurgeAuthor deletes up to limit of author's statuses and boosts, newest first, as
// Delete does each (their media, timelines and boosts go; a remote status is not
// federated), and returns how many it deleted: fewer than limit means none is left.
// Each deleted status leaves the listing, so that a run stopped halfway resumes by
// calling it again.
func (s *Service) PurgeAuthor(ctx context.Context, author shard.ID, limit int) (int, error) {
	rows, err := s.st.Scan(ctx, tByAccount, author.Bytes(), store.Range{Limit: limit})
	if err != nil {
		return 0, fmt.Errorf("list statuses of %d: %w", author, err)
	}
	for i, r := range rows {
		if _, err := s.Delete(ctx, author, shard.FromBytes(r.CK)); err != nil && !isNotFound(err) {
			return i, err
		}
		if isNotFound(err) { // a row whose status is gone: drop the row alone
			err := s.st.Batch(ctx, []store.Mutation{{Kind: store.Delete, Table: tByAccount, PK: author.Bytes(), CK: r.CK}})
			if err != nil {
				return i, err
			}
		}
	}
	return len(rows), nil
}

// CountAuthored counts author's statuses and boosts.
func (s *Service) CountAuthored(ctx context.Context, author shard.ID) (int, error) {
	k, r := 0, store.Range{Limit: 1000}
	for {
		rows, err := s.st.Scan(ctx, tByAccount, author.Bytes(), r)
		if err != nil {
			return k, fmt.Errorf("list statuses of %d: %w", author, err)
		}
		k += len(rows)
		if len(rows) < r.Limit {
			return k, nil
		}
		r.Upper = store.Excl(rows[len(rows)-1].CK) // newest first
	}
}

// DropFavourites removes every favourite account gave, with the notifications they
// made, and returns how many.
func (s *Service) DropFavourites(ctx context.Context, account shard.ID) (int, error) {
	k := 0
	for {
		rows, err := s.st.Scan(ctx, tFavsOf, account.Bytes(), store.Range{Limit: 500})
		if err != nil {
			return k, fmt.Errorf("list favourites of %d: %w", account, err)
		}
		for _, r := range rows {
			id := shard.FromBytes(r.Value)
			if err := s.unset(ctx, favourite, id, account); err != nil {
				return k, err
			}
			// unset leaves the listing row when the mark is already gone
			err := s.st.Batch(ctx, []store.Mutation{{Kind: store.Delete, Table: tFavsOf, PK: account.Bytes(), CK: r.CK}})
			if err != nil {
				return k, err
			}
			if st, err := s.Get(ctx, id); err == nil {
				if err := s.notifier.Withdraw(ctx, st.AccountID, account, notification.Favourite, id); err != nil {
					return k, err
				}
			}
			k++
		}
		if len(rows) < 500 {
			return k, nil
		}
	}
}

// DropBookmarks removes every bookmark account kept, and the threads it muted, and
// returns how many bookmarks.
func (s *Service) DropBookmarks(ctx context.Context, account shard.ID) (int, error) {
	k := 0
	for {
		rows, err := s.st.Scan(ctx, tBookmarksOf, account.Bytes(), store.Range{Limit: 500})
		if err != nil {
			return k, fmt.Errorf("list bookmarks of %d: %w", account, err)
		}
		for _, r := range rows {
			if err := s.unset(ctx, bookmark, shard.FromBytes(r.Value), account); err != nil {
				return k, err
			}
			// unset leaves the listing row when the mark is already gone
			err := s.st.Batch(ctx, []store.Mutation{{Kind: store.Delete, Table: tBookmarksOf, PK: account.Bytes(), CK: r.CK}})
			if err != nil {
				return k, err
			}
			k++
		}
		if len(rows) < 500 {
			break
		}
	}
	err := s.st.Batch(ctx, []store.Mutation{{Kind: store.DeletePartition, Table: tThreadMutes, PK: account.Bytes()}})
	if err != nil {
		return k, fmt.Errorf("drop thread mutes of %d: %w", account, err)
	}
	return k, nil
}
