package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// MaxEndorsements is how many accounts one may endorse, as Mastodon's AccountPin
// (its "top eight").
const MaxEndorsements = 8

// Endorse makes owner feature target on its profile (Mastodon's AccountPin): only an
// account owner follows, at most MaxEndorsements, and endorsing twice changes nothing.
func (s *Service) Endorse(ctx context.Context, owner, target shard.ID) error {
	if owner == target {
		return ErrSelf
	}
	f, err := s.getFollow(ctx, tFollows, owner, target)
	if err != nil {
		return err
	}
	if f == nil {
		return invalid("You must be already following the person you want to endorse")
	}
	if _, err := s.st.Get(ctx, tEndorsed, owner.Bytes(), target.Bytes()); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("endorse %d→%d: %w", owner, target, err)
	}
	had, err := s.st.Scan(ctx, tEndorsedByID, owner.Bytes(), store.Range{Limit: MaxEndorsements})
	if err != nil {
		return fmt.Errorf("endorse %d→%d: %w", owner, target, err)
	}
	if len(had) >= MaxEndorsements {
		return invalid("You can endorse at most %d accounts", MaxEndorsements)
	}
	id := s.ids.Next()
	ok, _, err := s.st.PutIfAbsent(ctx, tEndorsed, owner.Bytes(), target.Bytes(), id.Bytes(), 0)
	if err != nil || !ok {
		return err
	}
	if err := s.st.Put(ctx, tEndorsedByID, owner.Bytes(), id.Bytes(), target.Bytes(), 0); err != nil {
		return fmt.Errorf("endorse %d→%d: %w", owner, target, err)
	}
	return nil
}

// Unendorse stops featuring target; nothing when it was not featured.
func (s *Service) Unendorse(ctx context.Context, owner, target shard.ID) error {
	id, err := s.st.Get(ctx, tEndorsed, owner.Bytes(), target.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("unendorse %d→%d: %w", owner, target, err)
	}
	err = s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Delete, Table: tEndorsed, PK: owner.Bytes(), CK: target.Bytes()},
		{Kind: store.Delete, Table: tEndorsedByID, PK: owner.Bytes(), CK: id},
	})
	if err != nil {
		return fmt.Errorf("unendorse %d→%d: %w", owner, target, err)
	}
	return nil
}

// Endorsements lists the accounts owner features, newest endorsement first.
func (s *Service) Endorsements(ctx context.Context, owner shard.ID, p paging.Page) ([]Entry, error) {
	return s.list(ctx, tEndorsedByID, owner, p)
}
