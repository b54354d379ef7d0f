package status

import (
	"context"
	"errors"
	"fmt"
	"time"

	accountpkg "github.com/herd-social/herd/account"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

func key(pk, ck shard.ID) store.Key { return store.Key{PK: pk.Bytes(), CK: ck.Bytes()} }

// original returns the status a boost points to, or st itself.
func (s *Service) original(ctx context.Context, st *Status) (*Status, error) {
	if st.ReblogOfID == 0 {
		return st, nil
	}
	return s.Get(ctx, st.ReblogOfID)
}

// toggle adds or removes a (status, account) mark kept in three tables: the mark
// itself, the status's listing of accounts and the account's listing of statuses.
type toggle struct {
	mark, byStatus, byAccount string
	counter                   string
}

var (
	favourite = toggle{mark: tFavs, byStatus: tFavsBy, byAccount: tFavsOf, counter: countFavourites}
	bookmark  = toggle{mark: tBookmarks, byAccount: tBookmarksOf}
	pin       = toggle{mark: tPins, byAccount: tPinsOf}
)

func (s *Service) markKey(t toggle, statusID, account shard.ID) (pk, ck []byte) {
	if t.mark == tFavs {
		return statusID.Bytes(), account.Bytes()
	}
	return account.Bytes(), statusID.Bytes()
}

// set adds a mark, with the extra writes given; it returns the mark's id, and false
// when it was already there.
func (s *Service) set(ctx context.Context, t toggle, statusID, account shard.ID, extra ...store.Mutation) (shard.ID, bool, error) {
	id := s.ids.Next()
	pk, ck := s.markKey(t, statusID, account)
	ok, had, err := s.st.PutIfAbsent(ctx, t.mark, pk, ck, id.Bytes(), 0)
	if err != nil || !ok {
		return shard.FromBytes(had), false, err
	}
	muts := []store.Mutation{{Kind: store.Put, Table: t.byAccount, PK: account.Bytes(), CK: id.Bytes(), Value: statusID.Bytes()}}
	if t.byStatus != "" {
		muts = append(muts, store.Mutation{Kind: store.Put, Table: t.byStatus, PK: statusID.Bytes(), CK: id.Bytes(), Value: account.Bytes()})
	}
	if t.counter != "" {
		muts = append(muts, countMutation(statusID, t.counter, 1))
	}
	muts = append(muts, extra...)
	if err := s.st.Batch(ctx, muts); err != nil {
		return 0, false, fmt.Errorf("mark %s %d by %d: %w", t.mark, statusID, account, err)
	}
	return id, true, nil
}

// unset removes a mark; removing a missing one is not an error.
func (s *Service) unset(ctx context.Context, t toggle, statusID, account shard.ID) error {
	pk, ck := s.markKey(t, statusID, account)
	b, err := s.st.Get(ctx, t.mark, pk, ck)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load %s %d by %d: %w", t.mark, statusID, account, err)
	}
	muts := []store.Mutation{
		{Kind: store.Delete, Table: t.mark, PK: pk, CK: ck},
		{Kind: store.Delete, Table: t.byAccount, PK: account.Bytes(), CK: b},
	}
	if t.byStatus != "" {
		muts = append(muts, store.Mutation{Kind: store.Delete, Table: t.byStatus, PK: statusID.Bytes(), CK: b})
	}
	if t.counter != "" {
		muts = append(muts, countMutation(statusID, t.counter, -1))
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("unmark %s %d by %d: %w", t.mark, statusID, account, err)
	}
	return nil
}

// Favourite marks a status as a favourite of account and notifies its author; a
// local account's new favourite counts among the day's interactions. Each call
// publishes the favourite on FavouriteTopic (again for one already given, so that a
// retry after a failed publish repairs it; trends counts an account once).
func (s *Service) Favourite(ctx context.Context, account, id shard.ID, local bool) (*Status, error) {
	st, err := s.Visible(ctx, account, id)
	if err != nil {
		return nil, err
	}
	if st, err = s.original(ctx, st); err != nil {
		return nil, err
	}
	var extra []store.Mutation
	if local {
		extra = append(extra, accountpkg.DayCountMutation(accountpkg.DayInteractions, time.Now()))
	}
	favID, added, err := s.set(ctx, favourite, st.ID, account, extra...)
	if err != nil {
		return nil, err
	}
	if added && st.AccountID != account {
		if err := s.notifier.Notify(ctx, st.AccountID, account, notification.Favourite, st.ID); err != nil {
			return nil, err
		}
	}
	if err := s.publishFavourite(ctx, Favourited{StatusID: st.ID, Account: account, ID: favID}); err != nil {
		return nil, err
	}
	return st, nil
}

// Unfavourite removes a favourite.
func (s *Service) Unfavourite(ctx context.Context, account, id shard.ID) (*Status, error) {
	st, err := s.Visible(ctx, account, id)
	if err != nil {
		return nil, err
	}
	if st, err = s.original(ctx, st); err != nil {
		return nil, err
	}
	if err := s.unset(ctx, favourite, st.ID, account); err != nil {
		return nil, err
	}
	if err := s.notifier.Withdraw(ctx, st.AccountID, account, notification.Favourite, st.ID); err != nil {
		return nil, err
	}
	return st, nil
}

// Bookmark bookmarks a status for account.
func (s *Service) Bookmark(ctx context.Context, account, id shard.ID) (*Status, error) {
	st, err := s.Visible(ctx, account, id)
	if err != nil {
		return nil, err
	}
	if st, err = s.original(ctx, st); err != nil {
		return nil, err
	}
	_, _, err = s.set(ctx, bookmark, st.ID, account)
	return st, err
}

// Unbookmark removes a bookmark.
func (s *Service) Unbookmark(ctx context.Context, account, id shard.ID) (*Status, error) {
	st, err := s.Visible(ctx, account, id)
	if err != nil {
		return nil, err
	}
	if st, err = s.original(ctx, st); err != nil {
		return nil, err
	}
	return st, s.unset(ctx, bookmark, st.ID, account)
}

// Pin features one of account's own public or unlisted statuses on its profile.
func (s *Service) Pin(ctx context.Context, account, id shard.ID) (*Status, error) {
	st, err := s.Visible(ctx, account, id)
	if err != nil {
		return nil, err
	}
	if st.AccountID != account || st.ReblogOfID != 0 {
		return nil, invalid("Only your own statuses can be pinned")
	}
	if st.Visibility != Public && st.Visibility != Unlisted {
		return nil, invalid("Only public and unlisted statuses can be pinned")
	}
	pins, err := s.st.Scan(ctx, tPinsOf, account.Bytes(), store.Range{Limit: s.opts.MaxPinned})
	if err != nil {
		return nil, fmt.Errorf("count pins of %d: %w", account, err)
	}
	if len(pins) >= s.opts.MaxPinned {
		return nil, invalid("You have already pinned the maximum number of statuses")
	}
	_, _, err = s.set(ctx, pin, st.ID, account)
	return st, err
}

// Unpin removes a pin.
func (s *Service) Unpin(ctx context.Context, account, id shard.ID) (*Status, error) {
	st, err := s.Visible(ctx, account, id)
	if err != nil {
		return nil, err
	}
	return st, s.unset(ctx, pin, st.ID, account)
}

// PinRemote records that a remote account featured one of its statuses (an
// ActivityPub Add to its featured collection). As Mastodon's StatusPinValidator, the
// limit is for local accounts only, and a boost, a direct status or another
// account's status cannot be pinned.
func (s *Service) PinRemote(ctx context.Context, account, id shard.ID) error {
	st, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if st.AccountID != account || st.ReblogOfID != 0 || st.Visibility == Direct {
		return invalid("Only your own public, unlisted or private statuses can be pinned")
	}
	_, _, err = s.set(ctx, pin, st.ID, account)
	return err
}

// Reblog boosts a status; boosting again returns the existing boost.
func (s *Service) Reblog(ctx context.Context, account, id shard.ID, visibility Visibility) (*Status, error) {
	st, err := s.Visible(ctx, account, id)
	if err != nil {
		return nil, err
	}
	if st, err = s.original(ctx, st); err != nil {
		return nil, err
	}
	if !s.policy.Boostable(account, st) {
		return nil, fmt.Errorf("reblog %s status %d: %w", st.Visibility, st.ID, ErrForbidden)
	}
	if existing, err := s.st.Get(ctx, tReblogs, st.ID.Bytes(), account.Bytes()); err == nil {
		return s.Get(ctx, shard.FromBytes(existing))
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("check reblog of %d: %w", st.ID, err)
	}
	switch visibility {
	case "":
		visibility = Public
	case Public, Unlisted, Private:
	default:
		return nil, invalid("Visibility is not included in the list")
	}
	if st.Visibility == Private {
		visibility = Private
	}
	r := &Status{ID: s.ids.Next(), AccountID: account, ReblogOfID: st.ID, Visibility: visibility,
		CreatedAt: s.opts.Now().UTC(), Local: true}
	if err := s.write(ctx, r, ""); err != nil {
		return nil, err
	}
	if err := s.announce(ctx, r); err != nil {
		return nil, err
	}
	if err := s.boosted(ctx, r, st); err != nil {
		return nil, err
	}
	return r, nil
}

// boosted tells the author of a status of its boost, unless they boosted it themselves:
// a boost made here and one arriving from a peer notify alike.
func (s *Service) boosted(ctx context.Context, boost, of *Status) error {
	if of.AccountID == boost.AccountID {
		return nil
	}
	return s.notifier.Notify(ctx, of.AccountID, boost.AccountID, notification.Reblog, of.ID)
}

// Unreblog removes account's boost of a status and returns the original.
func (s *Service) Unreblog(ctx context.Context, account, id shard.ID) (*Status, error) {
	st, err := s.Visible(ctx, account, id)
	if err != nil {
		return nil, err
	}
	if st, err = s.original(ctx, st); err != nil {
		return nil, err
	}
	b, err := s.st.Get(ctx, tReblogs, st.ID.Bytes(), account.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load reblog of %d: %w", st.ID, err)
	}
	if _, err := s.Delete(ctx, account, shard.FromBytes(b)); err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	return st, nil
}

// Marked returns which of ids carry each viewer mark: favourited, reblogged,
// bookmarked, pinned, in that order.
func (s *Service) Marked(ctx context.Context, viewer shard.ID, ids []shard.ID) ([4][]bool, error) {
	var out [4][]bool
	byStatus := make([]store.Key, len(ids))
	byViewer := make([]store.Key, len(ids))
	for i, id := range ids {
		byStatus[i], byViewer[i] = key(id, viewer), key(viewer, id)
	}
	for i, q := range []struct {
		table string
		keys  []store.Key
	}{{tFavs, byStatus}, {tReblogs, byStatus}, {tBookmarks, byViewer}, {tPins, byViewer}} {
		vals, err := s.st.MultiGet(ctx, q.table, q.keys)
		if err != nil {
			return out, fmt.Errorf("load %s marks: %w", q.table, err)
		}
		out[i] = make([]bool, len(vals))
		for j, v := range vals {
			out[i][j] = v != nil
		}
	}
	return out, nil
}

// Listed is one row of a listing: the cursor of its row and the id it points to.
type Listed struct {
	Cursor, ID shard.ID
}

func (s *Service) listing(ctx context.Context, table string, pk shard.ID, p paging.Page) ([]Listed, error) {
	rows, err := s.st.Scan(ctx, table, pk.Bytes(), p.Range())
	if err != nil {
		return nil, fmt.Errorf("list %s of %d: %w", table, pk, err)
	}
	rows = p.Newest(rows)
	out := make([]Listed, len(rows))
	for i, r := range rows {
		out[i] = Listed{Cursor: shard.FromBytes(r.CK), ID: shard.FromBytes(r.Value)}
	}
	return out, nil
}

// Favourites lists the statuses account favourited, newest favourite first.
func (s *Service) Favourites(ctx context.Context, account shard.ID, p paging.Page) ([]Listed, error) {
	return s.listing(ctx, tFavsOf, account, p)
}

// Bookmarks lists account's bookmarks, newest first.
func (s *Service) Bookmarks(ctx context.Context, account shard.ID, p paging.Page) ([]Listed, error) {
	return s.listing(ctx, tBookmarksOf, account, p)
}

// Pinned lists account's pinned statuses, newest pin first.
func (s *Service) Pinned(ctx context.Context, account shard.ID) ([]Listed, error) {
	return s.listing(ctx, tPinsOf, account, paging.Page{Limit: s.opts.MaxPinned})
}

// FavouritedBy lists who favourited a status.
func (s *Service) FavouritedBy(ctx context.Context, id shard.ID, p paging.Page) ([]Listed, error) {
	return s.listing(ctx, tFavsBy, id, p)
}

// RebloggedBy lists who boosted a status (ID is the account).
func (s *Service) RebloggedBy(ctx context.Context, id shard.ID, p paging.Page) ([]Listed, error) {
	return s.listing(ctx, tReblogsBy, id, p)
}

// MuteThread stops notifications from the thread of a status for account.
func (s *Service) MuteThread(ctx context.Context, account, id shard.ID, mute bool) (*Status, error) {
	st, err := s.Visible(ctx, account, id)
	if err != nil {
		return nil, err
	}
	if mute {
		err = s.st.Put(ctx, tThreadMutes, account.Bytes(), st.ThreadID.Bytes(), empty, 0)
	} else {
		err = s.st.Delete(ctx, tThreadMutes, account.Bytes(), st.ThreadID.Bytes())
	}
	if err != nil {
		return nil, fmt.Errorf("mute thread %d for %d: %w", st.ThreadID, account, err)
	}
	return st, nil
}

// ThreadMuted reports, for each status, whether account muted its thread.
func (s *Service) ThreadMuted(ctx context.Context, account shard.ID, sts []*Status) ([]bool, error) {
	keys := make([]store.Key, len(sts))
	for i, st := range sts {
		keys[i] = key(account, st.ThreadID)
	}
	vals, err := s.st.MultiGet(ctx, tThreadMutes, keys)
	if err != nil {
		return nil, fmt.Errorf("load thread mutes: %w", err)
	}
	out := make([]bool, len(vals))
	for i, v := range vals {
		out[i] = v != nil
	}
	return out, nil
}
