package account

import (
	"context"
	"fmt"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// eraseBatch is how many rows of a relationship table one scan of an erasure takes.
const eraseBatch = 200

// EraseRelations ends every relationship of an account a moderator deleted, as
// Mastodon's DeleteAccountService: its follows both ways (the counters of the others
// follow), its follow requests both ways, its blocks and mutes both ways, its
// endorsements, its domain blocks, its notes on others and its markers. Running it
// again changes nothing more, so a stopped erasure resumes.
func (s *Service) EraseRelations(ctx context.Context, id shard.ID) error {
	for _, list := range []func(context.Context, shard.ID, shard.ID, int) ([]shard.ID, shard.ID, error){s.FollowerIDs, s.followingIDs} {
		if err := s.drainIDs(ctx, id, list, func(other shard.ID) error {
			if err := s.Unfollow(ctx, other, id); err != nil {
				return err
			}
			return s.Unfollow(ctx, id, other)
		}); err != nil {
			return err
		}
	}
	steps := []struct {
		table string
		each  func(row store.Row) error
	}{
		{tReqOut, func(r store.Row) error { return s.Unfollow(ctx, id, shard.FromBytes(r.CK)) }},
		{tReqIn, func(r store.Row) error { return s.Unfollow(ctx, idOf(r.Value), id) }},
		{tBlocks, func(r store.Row) error { return s.Unblock(ctx, id, shard.FromBytes(r.CK)) }},
		{tBlockedBy, func(r store.Row) error { return s.Unblock(ctx, shard.FromBytes(r.CK), id) }},
		{tMutes, func(r store.Row) error { return s.Unmute(ctx, id, shard.FromBytes(r.CK)) }},
		{tMutedBy, func(r store.Row) error { return s.Unmute(ctx, shard.FromBytes(r.CK), id) }},
		{tEndorsed, func(r store.Row) error { return s.Unendorse(ctx, id, shard.FromBytes(r.CK)) }},
		{tDomainBlocks, nil}, {tDomainByID, nil}, {tNotes, nil}, {tMarkers, nil}, {tDismissed, nil},
	}
	for _, step := range steps {
		if err := s.drain(ctx, step.table, id, step.each); err != nil {
			return err
		}
	}
	return nil
}

// drainIDs calls f with each account of a paged relationship listing until it is
// empty (f removes what it is given).
func (s *Service) drainIDs(ctx context.Context, id shard.ID, list func(context.Context, shard.ID, shard.ID, int) ([]shard.ID, shard.ID, error), f func(shard.ID) error) error {
	for {
		ids, _, err := list(ctx, id, 0, eraseBatch)
		if err != nil {
			return err
		}
		for _, other := range ids {
			if err := f(other); err != nil {
				return err
			}
		}
		if len(ids) < eraseBatch {
			return nil
		}
	}
}

// drain calls each (when set) with every row of the partition id of table, and removes
// the row itself afterwards, so that a row each leaves behind cannot loop forever.
func (s *Service) drain(ctx context.Context, table string, id shard.ID, each func(store.Row) error) error {
	for {
		rows, err := s.st.Scan(ctx, table, id.Bytes(), store.Range{Limit: eraseBatch})
		if err != nil {
			return fmt.Errorf("erase %s of %d: %w", table, id, err)
		}
		muts := make([]store.Mutation, 0, len(rows))
		for _, r := range rows {
			if each != nil {
				if err := each(r); err != nil {
					return fmt.Errorf("erase %s of %d: %w", table, id, err)
				}
			}
			muts = append(muts, store.Mutation{Kind: store.Delete, Table: table, PK: id.Bytes(), CK: r.CK})
		}
		if err := s.st.Batch(ctx, muts); err != nil {
			return fmt.Errorf("erase %s of %d: %w", table, id, err)
		}
		if len(rows) < eraseBatch {
			return nil
		}
	}
}

// MarkDeleted makes a suspended account a tombstone, as Mastodon keeps the row of an
// account a moderator deleted: its profile (name, bio, fields, pictures, links) is
// cleared and DeletedAt set, the row and its username stay so that the name is never
// taken again. It returns the picture keys the account had, for the caller to remove
// from the media store. Marking a tombstone again changes nothing.
func (s *Service) MarkDeleted(ctx context.Context, a *Account, at time.Time) (pictures []string, err error) {
	if !a.Suspended {
		return nil, fmt.Errorf("mark %d deleted: not suspended: %w", a.ID, ErrNotFound)
	}
	for _, k := range []string{a.AvatarKey, a.HeaderKey} {
		if k != "" {
			pictures = append(pictures, k)
		}
	}
	if a.DeletedAt.IsZero() {
		a.DeletedAt = at
	}
	a.DisplayName, a.Note, a.NoteSource, a.Fields, a.FieldSources = "", "", "", nil, nil
	a.AvatarKey, a.HeaderKey, a.AvatarURL, a.HeaderURL = "", "", "", ""
	a.AvatarDescription, a.HeaderDescription, a.AvatarCachedFrom, a.HeaderCachedFrom = "", "", "", ""
	a.AlsoKnownAs, a.MovedToURI, a.AttributionDomains = nil, "", nil
	a.Discoverable, a.Indexable, a.Locked, a.Bot = false, false, false, false
	if err := s.Save(ctx, a); err != nil {
		return nil, err
	}
	return pictures, nil
}
