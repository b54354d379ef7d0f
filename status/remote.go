package status

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

const (
	tURIs       = "status_uris"
	tTombstones = "status_tombstones"
	// reservationWait is how long a status whose URI another call reserved is waited
	// for before the reservation is taken as orphaned (its creator died between the
	// reservation and the write) and completed by this call.
	reservationWait = 5 * time.Second
	// TombstoneTTL is how long a deleted remote URI is remembered, so that a Create
	// arriving after its Delete is ignored (Mastodon's delete_upon_arrival).
	TombstoneTTL = 6 * time.Hour
)

// Tombstone remembers that a remote status was deleted, whether or not it was known.
func (s *Service) Tombstone(ctx context.Context, uri string) error {
	if err := s.st.Put(ctx, tTombstones, []byte(uri), empty, empty, 0); err != nil {
		return fmt.Errorf("remember deletion of %s: %w", uri, err)
	}
	return nil
}

// ByURI finds a status by its ActivityPub id (remote statuses only).
func (s *Service) ByURI(ctx context.Context, uri string) (*Status, error) {
	b, err := s.st.Get(ctx, tURIs, []byte(uri), empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("status %s: %w", uri, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("look up status %s: %w", uri, err)
	}
	return s.Get(ctx, shard.FromBytes(b))
}

// CreateRemote stores a status that arrived from another server and announces it, so
// that fan-out puts it in local followers' homes. Its id comes from its publication
// time, as Mastodon's do. Receiving the same URI again returns the stored status.
func (s *Service) CreateRemote(ctx context.Context, st *Status) (*Status, bool, error) {
	if st.URI == "" || st.AccountID == 0 || !st.Visibility.Valid() {
		return nil, false, invalid("remote status needs a URI, an author and a visibility")
	}
	if _, err := s.st.Get(ctx, tTombstones, []byte(st.URI), empty); err == nil {
		return nil, false, fmt.Errorf("status %s was deleted: %w", st.URI, ErrNotFound)
	}
	if prev, err := s.ByURI(ctx, st.URI); err == nil {
		return prev, false, nil
	} else if !errors.Is(err, ErrNotFound) {
		return nil, false, err
	}
	now := s.opts.Now().UTC()
	if st.CreatedAt.IsZero() || st.CreatedAt.After(now) {
		st.CreatedAt = now
	}
	st.ID, st.Local = shard.At(st.CreatedAt), false
	ok, prev, err := s.st.PutIfAbsent(ctx, tURIs, []byte(st.URI), empty, st.ID.Bytes(), 0)
	if err != nil {
		return nil, false, fmt.Errorf("reserve status %s: %w", st.URI, err)
	}
	if !ok {
		// Another call reserved the URI (the inbox and a backfill may fetch one status
		// at once): its status, once written, is the one.
		st.ID = shard.FromBytes(prev)
		got, err := s.awaitReserved(ctx, st.ID)
		if !errors.Is(err, ErrNotFound) {
			return got, false, err
		}
		// Orphaned: this call writes the status under the reserved id. A creator
		// merely slower than reservationWait would write it too, counting it twice.
	}
	st.ThreadID = st.ID
	if len(st.RemoteMedia) > 0 && s.opts.Media != nil {
		if st.MediaIDs, err = s.opts.Media.AddRemote(ctx, st.AccountID, st.ID, st.RemoteMedia); err != nil {
			return nil, false, err
		}
	}
	if st.InReplyToID != 0 {
		if parent, err := s.Get(ctx, st.InReplyToID); err == nil {
			st.InReplyToAccountID, st.ThreadID = parent.AccountID, parent.ThreadID
		} else {
			st.InReplyToID = 0
		}
	}
	if err := s.write(ctx, st, ""); err != nil {
		return nil, false, err
	}
	if err := s.announce(ctx, st); err != nil {
		return nil, false, err
	}
	if err := s.tellQuoted(ctx, st); err != nil {
		return nil, false, err
	}
	if st.ReblogOfID != 0 {
		of, err := s.Get(ctx, st.ReblogOfID)
		if err == nil {
			err = s.boosted(ctx, st, of)
		}
		if err != nil && !errors.Is(err, ErrNotFound) { // a boost of what is gone tells no one
			return nil, false, err
		}
	}
	return st, true, nil
}

// awaitReserved returns the status of a reserved id once its creator has written it,
// or ErrNotFound after reservationWait.
func (s *Service) awaitReserved(ctx context.Context, id shard.ID) (*Status, error) {
	deadline := time.Now().Add(reservationWait)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		st, err := s.Get(ctx, id)
		if !errors.Is(err, ErrNotFound) || time.Now().After(deadline) {
			return st, err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// UpdateRemote applies an edit that arrived from another server, with the
// attachments it describes (rs).
func (s *Service) UpdateRemote(ctx context.Context, st *Status, content, spoiler string, sensitive bool, rs []media.Remote) error {
	history, err := s.History(ctx, st)
	if err != nil {
		return err
	}
	now := s.opts.Now().UTC()
	var muts []store.Mutation
	if len(history) == 1 {
		if history[0].MediaDescriptions, err = s.descriptions(ctx, st.MediaIDs); err != nil {
			return err
		}
		muts = append(muts, s.revisionRow(st.ID, 0, history[0]))
	}
	if s.opts.Media != nil && (len(rs) > 0 || len(st.MediaIDs) > 0) {
		if st.MediaIDs, err = s.opts.Media.EditRemote(ctx, st.AccountID, st.ID, st.MediaIDs, rs); err != nil {
			return err
		}
	}
	st.Content, st.SpoilerText, st.Sensitive, st.EditedAt = content, spoiler, sensitive, now
	b, err := store.Marshal(st)
	if err != nil {
		return err
	}
	rev := revisionOf(st, now)
	for _, r := range rs[:min(len(rs), len(st.MediaIDs))] {
		rev.MediaDescriptions = append(rev.MediaDescriptions, r.Description)
	}
	muts = append(muts, store.Mutation{Kind: store.Put, Table: tStatuses, PK: st.ID.Bytes(), CK: empty, Value: b},
		s.revisionRow(st.ID, len(history), rev))
	muts = append(muts, s.pollEnd(st)...)
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("save remote edit of %d: %w", st.ID, err)
	}
	s.cache.Forget(st.ID)
	return s.publish(ctx, Event{Kind: Updated, StatusID: st.ID, Author: st.AccountID})
}
