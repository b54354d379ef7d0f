package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

const tURIs = "account_uris"

// ByURI finds a remote account by its actor id.
func (s *Service) ByURI(ctx context.Context, uri string) (*Account, error) {
	b, err := s.st.Get(ctx, tURIs, []byte(uri), empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("account %s: %w", uri, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("look up account %s: %w", uri, err)
	}
	return s.Get(ctx, shard.FromBytes(b))
}

// UpsertRemote stores what a remote actor document says: it creates the account the
// first time its URI is seen and refreshes it afterwards, keeping its id. A handle
// that moved to another actor follows the newest document.
func (s *Service) UpsertRemote(ctx context.Context, a *Account) (*Account, error) {
	if a.URI == "" || a.Domain == "" || a.Username == "" {
		return nil, invalid("remote account needs a URI, a domain and a username")
	}
	existing, err := s.ByURI(ctx, a.URI)
	var prev *Account
	var index []store.Mutation
	switch {
	case err == nil:
		a.ID, a.CreatedAt = existing.ID, existing.CreatedAt
		prev = existing
		// A moderator's decisions outlive a refreshed actor document.
		a.Silenced, a.Sensitized, a.SuspendedAt = existing.Silenced, existing.Sensitized, existing.SuspendedAt
		a.SilencedAt, a.DeletedAt = existing.SilencedAt, existing.DeletedAt
		a.Suspended = a.Suspended || !a.SuspendedAt.IsZero() || !a.DeletedAt.IsZero()
		// Cached pictures are kept, to stand for the pictures while the actor names
		// the same, and to be replaced (and deleted) once it names others.
		a.AvatarKey, a.AvatarCachedFrom = existing.AvatarKey, existing.AvatarCachedFrom
		a.HeaderKey, a.HeaderCachedFrom = existing.HeaderKey, existing.HeaderCachedFrom
	case errors.Is(err, ErrNotFound):
		id := s.ids.Next()
		ok, prev, err := s.st.PutIfAbsent(ctx, tURIs, []byte(a.URI), empty, id.Bytes(), 0)
		if err != nil {
			return nil, fmt.Errorf("reserve account %s: %w", a.URI, err)
		}
		if !ok {
			// Reserved by a concurrent fetch (which writes the same document), or by
			// one that died before writing: either way, the account takes that id.
			id = shard.FromBytes(prev)
		}
		a.ID = id
		if err := s.autoSilence(ctx, a); err != nil {
			return nil, err
		}
		if a.CreatedAt.IsZero() {
			a.CreatedAt = s.opts.Now().UTC()
		}
		index = indexed(a)
	default:
		return nil, err
	}
	b, err := store.Marshal(a)
	if err != nil {
		return nil, err
	}
	err = s.st.Batch(ctx, append([]store.Mutation{
		{Kind: store.Put, Table: tAccounts, PK: a.ID.Bytes(), CK: empty, Value: b},
		{Kind: store.Put, Table: tAccountNames, PK: nameKey(a.Username, a.Domain), CK: empty, Value: a.ID.Bytes()},
		peerMutation(a.Domain),
	}, append(index, listingMutations(a)...)...))
	if err != nil {
		return nil, fmt.Errorf("save remote account %s: %w", a.URI, err)
	}
	s.cache.Forget(a.ID)
	s.written(ctx, a, prev)
	return a, nil
}

// autoSilence silences a new remote account of a silenced domain (Options.DomainSilence).
func (s *Service) autoSilence(ctx context.Context, a *Account) error {
	if s.opts.DomainSilence == nil {
		return nil
	}
	since, err := s.opts.DomainSilence(ctx, a.Domain)
	if err != nil {
		return fmt.Errorf("domain policy of %s: %w", a.Domain, err)
	}
	if !since.IsZero() {
		a.Silenced, a.SilencedAt = true, since
	}
	return nil
}

// DeleteRemote removes a remote account that deleted itself, or suspends one of a
// suspended domain: its follows go, and so do the copies of its pictures.
func (s *Service) DeleteRemote(ctx context.Context, a *Account) error {
	for _, list := range []func(context.Context, shard.ID, shard.ID, int) ([]shard.ID, shard.ID, error){s.FollowerIDs, s.followingIDs} {
		var cursor shard.ID
		for {
			ids, next, err := list(ctx, a.ID, cursor, 1000)
			if err != nil {
				return err
			}
			for _, other := range ids {
				if err := s.Unfollow(ctx, other, a.ID); err != nil {
					return err
				}
				if err := s.Unfollow(ctx, a.ID, other); err != nil {
					return err
				}
			}
			if next == 0 {
				break
			}
			cursor = next
		}
	}
	a.Suspended = true
	if err := s.Save(ctx, a); err != nil {
		return err
	}
	_, err := s.UncachePictures(ctx, a.ID, true, true)
	return err
}

// FollowingIDs pages through whom follower follows, like FollowerIDs.
func (s *Service) FollowingIDs(ctx context.Context, follower, cursor shard.ID, limit int) ([]shard.ID, shard.ID, error) {
	return s.followingIDs(ctx, follower, cursor, limit)
}

func (s *Service) followingIDs(ctx context.Context, follower, cursor shard.ID, limit int) ([]shard.ID, shard.ID, error) {
	return s.idPage(ctx, tFollowing, follower, cursor, limit)
}

// CachedPicture records that a remote account's avatar (or header) fetched from from
// is kept under key, when the account still names that picture; ErrStale, and nothing
// changes, when it names another now or is suspended.
func (s *Service) CachedPicture(ctx context.Context, id shard.ID, header bool, from, key string) error {
	a, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	url, k, f := &a.AvatarURL, &a.AvatarKey, &a.AvatarCachedFrom
	if header {
		url, k, f = &a.HeaderURL, &a.HeaderKey, &a.HeaderCachedFrom
	}
	if a.Local() || a.Suspended || *url != from { // a suspended account keeps no copy
		return ErrStale
	}
	*k, *f = key, from
	return s.Save(ctx, a)
}

// ErrStale refuses a change made for a state of the account that has changed since.
var ErrStale = errors.New("account: changed since")

// Purge forgets a remote account for good, as Mastodon's `tootctl domains purge`
// destroys it: its follows both ways end (as DeleteRemote), then its record, its
// handle, its actor id and its directory and listing rows go, so that the actor,
// seen again, is a new account. The Indexer is told, so that search forgets it.
// What it wrote here (statuses, favourites, notifications) is for the caller to
// remove first.
func (s *Service) Purge(ctx context.Context, a *Account) error {
	if a.Local() {
		return invalid("only a remote account is purged")
	}
	if err := s.DeleteRemote(ctx, a); err != nil {
		return err
	}
	muts := []store.Mutation{
		{Kind: store.Delete, Table: tAccounts, PK: a.ID.Bytes(), CK: empty},
		{Kind: store.Delete, Table: tAccountNames, PK: nameKey(a.Username, a.Domain), CK: empty},
		{Kind: store.Delete, Table: tURIs, PK: []byte(a.URI), CK: empty},
	}
	for _, m := range append(indexed(a), listingMutations(a)...) {
		m.Kind, m.Value = store.Delete, nil
		muts = append(muts, m)
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("purge account %d: %w", a.ID, err)
	}
	s.cache.Forget(a.ID)
	s.written(ctx, a, a) // the indexer finds the account gone and drops its document
	return nil
}

// ForgetPeer takes a domain out of the instance's peers (once its accounts are gone).
func (s *Service) ForgetPeer(ctx context.Context, domain string) error {
	m := peerMutation(domain)
	m.Kind, m.Value = store.Delete, nil
	return s.st.Batch(ctx, []store.Mutation{m})
}
