package timeline

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// A list timeline is a home of its own, keyed by the list's id: entries (Entry.Account
// is the list id) written by fan-out, with the same TTL, and the same read-time merge
// of very-followed members' posts (their pull rows are the list's).

// AppendList inserts entries into list timelines (Entry.Account is the list id),
// each list on its own: an insert is idempotent.
func (s *Service) AppendList(ctx context.Context, entries []Entry) error {
	muts := make([]store.Mutation, len(entries))
	for i, e := range entries {
		muts[i] = store.Mutation{Kind: store.Put, Table: tList, PK: e.Account.Bytes(), CK: e.StatusID.Bytes(), Value: e.Author.Bytes()}
	}
	if err := s.st.ApplyEach(ctx, muts); err != nil {
		return fmt.Errorf("append %d list entries: %w", len(entries), err)
	}
	return nil
}

// RemoveList deletes statuses from one list timeline.
func (s *Service) RemoveList(ctx context.Context, list shard.ID, statusIDs []shard.ID) error {
	muts := make([]store.Mutation, len(statusIDs))
	for i, id := range statusIDs {
		muts[i] = store.Mutation{Kind: store.Delete, Table: tList, PK: list.Bytes(), CK: id.Bytes()}
	}
	if err := s.st.ApplyEach(ctx, muts); err != nil {
		return fmt.Errorf("remove %d entries of list %d: %w", len(statusIDs), list, err)
	}
	return nil
}

// ListPull records that list merges author's posts at read time, or stops doing so.
func (s *Service) ListPull(ctx context.Context, list, author shard.ID, on bool) error {
	var err error
	if on {
		err = s.st.Put(ctx, tListPull, list.Bytes(), author.Bytes(), []byte{}, 0)
	} else {
		err = s.st.Delete(ctx, tListPull, list.Bytes(), author.Bytes())
	}
	if err != nil {
		return fmt.Errorf("set list pull %d→%d: %w", list, author, err)
	}
	return nil
}

// ListPullMutation is the mutation that makes list pull author's posts.
func ListPullMutation(list, author shard.ID) store.Mutation {
	return store.Mutation{Kind: store.Put, Table: tListPull, PK: list.Bytes(), CK: author.Bytes(), Value: []byte{}}
}

// ClearList deletes a list's timeline and pulls.
func (s *Service) ClearList(ctx context.Context, list shard.ID) error {
	err := s.st.ApplyEach(ctx, []store.Mutation{
		{Kind: store.DeletePartition, Table: tList, PK: list.Bytes()},
		{Kind: store.DeletePartition, Table: tListPull, PK: list.Bytes()},
	})
	if err != nil {
		return fmt.Errorf("clear list %d: %w", list, err)
	}
	return nil
}

// List returns one page of a list's timeline as entries, newest first, read for its
// owner: its partition merged with the recent posts of the members it pulls.
func (s *Service) List(ctx context.Context, list, owner shard.ID, p paging.Page, recent Recent) ([]Entry, error) {
	return s.read(ctx, listFeed, list, owner, p, recent)
}
