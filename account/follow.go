package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Notifier is the part of the notification service that relationships need.
type Notifier interface {
	Notify(ctx context.Context, to, from shard.ID, kind notification.Kind, statusID shard.ID) error
}

// Follow is one follow (or follow request) of Follower toward a target.
type Follow struct {
	ID        shard.ID  `cbor:"1,keyasint"`
	Reblogs   bool      `cbor:"2,keyasint"`
	Notify    bool      `cbor:"3,keyasint,omitempty"`
	Languages []string  `cbor:"4,keyasint,omitempty"`
	CreatedAt time.Time `cbor:"5,keyasint"`
	// Remote marks a follower of another server: fan-out writes no home for it (its
	// server gets the post through federation).
	Remote bool `cbor:"6,keyasint,omitempty"`
}

// FollowOptions are the options of POST /accounts/:id/follow; nil keeps the current
// value. Languages, read by CleanLanguages, limit the followed account's statuses
// that enter the follower's home; an empty list lets every language in.
type FollowOptions struct {
	Reblogs, Notify *bool
	Languages       *[]string
}

func (o FollowOptions) apply(f *Follow) {
	if o.Reblogs != nil {
		f.Reblogs = *o.Reblogs
	}
	if o.Notify != nil {
		f.Notify = *o.Notify
	}
	if o.Languages != nil {
		f.Languages = *o.Languages
	}
}

func pair(a, b shard.ID) store.Key { return store.Key{PK: a.Bytes(), CK: b.Bytes()} }

func (s *Service) getFollow(ctx context.Context, table string, from, to shard.ID) (*Follow, error) {
	b, err := s.st.Get(ctx, table, from.Bytes(), to.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load %s %d→%d: %w", table, from, to, err)
	}
	var f Follow
	if err := store.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// FollowOf returns the follow of follower toward target, or nil.
func (s *Service) FollowOf(ctx context.Context, follower, target shard.ID) (*Follow, error) {
	return s.getFollow(ctx, tFollows, follower, target)
}

// Follow makes follower follow target, or asks to when target is locked or the
// follower silenced. Following
// again updates the options. The notifier, if any, hears "follow" or "follow_request".
func (s *Service) Follow(ctx context.Context, follower shard.ID, target *Account, opts FollowOptions, n Notifier) error {
	if follower == target.ID {
		return ErrSelf
	}
	if opts.Languages != nil {
		langs, ok := CleanLanguages(*opts.Languages)
		if !ok {
			return invalid("Languages is invalid")
		}
		opts.Languages = &langs
	}
	if !target.Local() {
		n = nil // remote accounts hear of it through federation
	}
	if blocked, err := s.eitherBlocks(ctx, follower, target.ID); err != nil || blocked {
		if err != nil {
			return err
		}
		return ErrBlocked
	}
	existing, err := s.getFollow(ctx, tFollows, follower, target.ID)
	if err != nil {
		return err
	}
	if existing != nil {
		opts.apply(existing)
		return s.updateFollow(ctx, follower, target.ID, existing)
	}
	remote, silenced, err := s.followerFacts(ctx, follower)
	if err != nil {
		return err
	}
	f := &Follow{ID: s.ids.Next(), Reblogs: true, CreatedAt: s.opts.Now().UTC(), Remote: remote}
	opts.apply(f)
	// A remote follow waits for the remote Accept; a silenced account's follow waits
	// for the target's approval, as Mastodon's.
	if target.Locked || !target.Local() || silenced {
		return s.request(ctx, follower, target.ID, f, n)
	}
	created, err := s.createFollow(ctx, follower, target.ID, f)
	if err != nil || !created || n == nil {
		return err
	}
	return n.Notify(ctx, target.ID, follower, notification.Follow, 0)
}

// followerFacts reports whether id is an account of another server, and whether
// moderators silenced it. An id the store does not know is taken as local: nothing
// is lost by writing its home.
func (s *Service) followerFacts(ctx context.Context, id shard.ID) (remote, silenced bool, err error) {
	a, err := s.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return !a.Local(), a.Silenced, nil
}

// updateFollow saves the changed options of an existing follow, in its record and in
// its followers row.
func (s *Service) updateFollow(ctx context.Context, follower, target shard.ID, f *Follow) error {
	b, err := store.Marshal(f)
	if err != nil {
		return err
	}
	err = s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Put, Table: tFollows, PK: follower.Bytes(), CK: target.Bytes(), Value: b},
		{Kind: store.Put, Table: tFollowers, PK: target.Bytes(), CK: f.ID.Bytes(), Value: followerValue(follower, b)},
	})
	if err != nil {
		return fmt.Errorf("save follow %d→%d: %w", follower, target, err)
	}
	return nil
}

// followerValue is the value of a followers row: the follower's id, then its encoded
// follow, so that fan-out reads a page of followers with their follow options in one
// scan. Rows written before they carried the follow hold the id alone.
func followerValue(follower shard.ID, follow []byte) []byte {
	return append(follower.Bytes(), follow...)
}

// idOf is the account id a listing row's value starts with.
func idOf(value []byte) shard.ID {
	if len(value) < 8 {
		return 0
	}
	return shard.FromBytes(value[:8])
}

// createFollow writes a follow and its listings; a concurrent duplicate loses and
// changes nothing.
func (s *Service) createFollow(ctx context.Context, follower, target shard.ID, f *Follow) (bool, error) {
	b, err := store.Marshal(f)
	if err != nil {
		return false, err
	}
	ok, _, err := s.st.PutIfAbsent(ctx, tFollows, follower.Bytes(), target.Bytes(), b, 0)
	if err != nil || !ok {
		return false, err
	}
	err = s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Put, Table: tFollowing, PK: follower.Bytes(), CK: f.ID.Bytes(), Value: target.Bytes()},
		{Kind: store.Put, Table: tFollowers, PK: target.Bytes(), CK: f.ID.Bytes(), Value: followerValue(follower, b)},
		CountMutation(follower, CountFollowing, 1),
		CountMutation(target, CountFollowers, 1),
	})
	if err != nil {
		return false, fmt.Errorf("follow %d→%d: %w", follower, target, err)
	}
	return true, nil
}

func (s *Service) request(ctx context.Context, follower, target shard.ID, f *Follow, n Notifier) error {
	b, err := store.Marshal(f)
	if err != nil {
		return err
	}
	ok, _, err := s.st.PutIfAbsent(ctx, tReqOut, follower.Bytes(), target.Bytes(), b, 0)
	if err != nil || !ok {
		return err
	}
	if err := s.st.Put(ctx, tReqIn, target.Bytes(), f.ID.Bytes(), follower.Bytes(), 0); err != nil {
		return fmt.Errorf("request follow %d→%d: %w", follower, target, err)
	}
	if n == nil {
		return nil
	}
	return n.Notify(ctx, target, follower, notification.FollowRequest, 0)
}

// Unfollow removes a follow, or withdraws a pending request.
func (s *Service) Unfollow(ctx context.Context, follower, target shard.ID) error {
	if _, err := s.dropRequest(ctx, follower, target); err != nil {
		return err
	}
	return s.removeFollow(ctx, follower, target)
}

func (s *Service) removeFollow(ctx context.Context, follower, target shard.ID) error {
	f, err := s.getFollow(ctx, tFollows, follower, target)
	if err != nil || f == nil {
		return err
	}
	err = s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Delete, Table: tFollows, PK: follower.Bytes(), CK: target.Bytes()},
		{Kind: store.Delete, Table: tFollowing, PK: follower.Bytes(), CK: f.ID.Bytes()},
		{Kind: store.Delete, Table: tFollowers, PK: target.Bytes(), CK: f.ID.Bytes()},
		CountMutation(follower, CountFollowing, -1),
		CountMutation(target, CountFollowers, -1),
	})
	if err != nil {
		return fmt.Errorf("unfollow %d→%d: %w", follower, target, err)
	}
	return s.Unendorse(ctx, follower, target) // an endorsement rests on the follow, as Mastodon's
}

// dropRequest removes a pending request and returns it (nil when there was none).
func (s *Service) dropRequest(ctx context.Context, follower, target shard.ID) (*Follow, error) {
	f, err := s.getFollow(ctx, tReqOut, follower, target)
	if err != nil || f == nil {
		return nil, err
	}
	err = s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Delete, Table: tReqOut, PK: follower.Bytes(), CK: target.Bytes()},
		{Kind: store.Delete, Table: tReqIn, PK: target.Bytes(), CK: f.ID.Bytes()},
	})
	if err != nil {
		return nil, fmt.Errorf("drop follow request %d→%d: %w", follower, target, err)
	}
	return f, nil
}

// Authorize accepts requester's pending request to follow target.
func (s *Service) Authorize(ctx context.Context, target, requester shard.ID, n Notifier) error {
	f, err := s.dropRequest(ctx, requester, target)
	if err != nil {
		return err
	}
	if f == nil {
		return fmt.Errorf("follow request %d→%d: %w", requester, target, ErrNotFound)
	}
	f.ID = s.ids.Next()
	_, err = s.createFollow(ctx, requester, target, f)
	return err
}

// Accepted turns follower's pending request to follow a remote target into a follow,
// when the target's server accepts it. Accepting twice changes nothing.
func (s *Service) Accepted(ctx context.Context, follower, target shard.ID) error {
	f, err := s.dropRequest(ctx, follower, target)
	if err != nil || f == nil {
		return err
	}
	_, err = s.createFollow(ctx, follower, target, f)
	return err
}

// Reject drops requester's pending request to follow target.
func (s *Service) Reject(ctx context.Context, target, requester shard.ID) error {
	f, err := s.dropRequest(ctx, requester, target)
	if err != nil {
		return err
	}
	if f == nil {
		return fmt.Errorf("follow request %d→%d: %w", requester, target, ErrNotFound)
	}
	return nil
}

// RemoveFromFollowers makes follower stop following target, at target's wish.
func (s *Service) RemoveFromFollowers(ctx context.Context, target, follower shard.ID) error {
	return s.removeFollow(ctx, follower, target)
}

// Entry is one row of a relationship listing: the account and the cursor of its row.
type Entry struct {
	Cursor  shard.ID
	Account shard.ID
}

func (s *Service) list(ctx context.Context, table string, owner shard.ID, p paging.Page) ([]Entry, error) {
	rows, err := s.st.Scan(ctx, table, owner.Bytes(), p.Range())
	if err != nil {
		return nil, fmt.Errorf("list %s of %d: %w", table, owner, err)
	}
	rows = p.Newest(rows)
	out := make([]Entry, len(rows))
	for i, r := range rows {
		out[i] = Entry{Cursor: shard.FromBytes(r.CK), Account: idOf(r.Value)}
	}
	return out, nil
}

// Followers lists who follows target, most recent follow first.
func (s *Service) Followers(ctx context.Context, target shard.ID, p paging.Page) ([]Entry, error) {
	return s.list(ctx, tFollowers, target, p)
}

// Following lists whom follower follows, most recent follow first.
func (s *Service) Following(ctx context.Context, follower shard.ID, p paging.Page) ([]Entry, error) {
	return s.list(ctx, tFollowing, follower, p)
}

// FollowRequests lists pending requests to follow target, newest first.
func (s *Service) FollowRequests(ctx context.Context, target shard.ID, p paging.Page) ([]Entry, error) {
	return s.list(ctx, tReqIn, target, p)
}

// Blocks lists whom blocker blocks, newest first.
func (s *Service) Blocks(ctx context.Context, blocker shard.ID, p paging.Page) ([]Entry, error) {
	return s.list(ctx, tBlocksByID, blocker, p)
}

// Mutes lists whom muter mutes, newest first.
func (s *Service) Mutes(ctx context.Context, muter shard.ID, p paging.Page) ([]Entry, error) {
	return s.list(ctx, tMutesByID, muter, p)
}

// FollowerIDs returns up to limit followers of target after cursor (exclusive; 0 for
// the start), and the cursor of the next call (0 when done). It is the fan-out scan.
func (s *Service) FollowerIDs(ctx context.Context, target, cursor shard.ID, limit int) ([]shard.ID, shard.ID, error) {
	return s.idPage(ctx, tFollowers, target, cursor, limit)
}

// Follower is a row of an account's followers: who follows, and the follow with its
// options (nil in rows written before followers rows carried it).
type Follower struct {
	ID     shard.ID
	Follow *Follow
}

// FollowerPage is FollowerIDs with each follower's follow, read from the same rows.
func (s *Service) FollowerPage(ctx context.Context, target, cursor shard.ID, limit int) ([]Follower, shard.ID, error) {
	rows, next, err := s.scanPage(ctx, tFollowers, target, cursor, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Follower, len(rows))
	for i, r := range rows {
		out[i].ID = idOf(r.Value)
		if len(r.Value) > 8 {
			out[i].Follow = new(Follow)
			if err := store.Unmarshal(r.Value[8:], out[i].Follow); err != nil {
				return nil, 0, fmt.Errorf("follower %d of %d: %w", out[i].ID, target, err)
			}
		}
	}
	return out, next, nil
}

// EachFollowerPage calls f with target's followers, limit at a time, newest follow
// first, until the followers end or f returns an error, which it returns.
func (s *Service) EachFollowerPage(ctx context.Context, target shard.ID, limit int, f func([]Follower) error) error {
	var cursor shard.ID
	for {
		page, next, err := s.FollowerPage(ctx, target, cursor, limit)
		if err != nil {
			return err
		}
		if len(page) > 0 {
			if err := f(page); err != nil {
				return err
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// idPage pages through a newest-first listing whose values are account ids.
func (s *Service) idPage(ctx context.Context, table string, owner, cursor shard.ID, limit int) ([]shard.ID, shard.ID, error) {
	rows, next, err := s.scanPage(ctx, table, owner, cursor, limit)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]shard.ID, len(rows))
	for i, r := range rows {
		ids[i] = idOf(r.Value)
	}
	return ids, next, nil
}

// scanPage reads up to limit rows of a newest-first listing after cursor (exclusive; 0
// for the start), and the cursor of the next page (0 when done).
func (s *Service) scanPage(ctx context.Context, table string, owner, cursor shard.ID, limit int) ([]store.Row, shard.ID, error) {
	r := store.Range{Limit: limit}
	if cursor != 0 {
		r.Upper = store.Excl(cursor.Bytes())
	}
	rows, err := s.st.Scan(ctx, table, owner.Bytes(), r)
	if err != nil {
		return nil, 0, fmt.Errorf("scan %s of %d: %w", table, owner, err)
	}
	var next shard.ID
	if len(rows) == limit {
		next = shard.FromBytes(rows[len(rows)-1].CK)
	}
	return rows, next, nil
}

// Follows reports, for each candidate, whether candidate follows target.
func (s *Service) Follows(ctx context.Context, candidates []shard.ID, target shard.ID) ([]bool, error) {
	keys := make([]store.Key, len(candidates))
	for i, c := range candidates {
		keys[i] = pair(c, target)
	}
	return s.exists(ctx, tFollows, keys)
}

func (s *Service) exists(ctx context.Context, table string, keys []store.Key) ([]bool, error) {
	vals, err := s.st.MultiGet(ctx, table, keys)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", table, err)
	}
	out := make([]bool, len(vals))
	for i, v := range vals {
		out[i] = v != nil
	}
	return out, nil
}

// FollowRecords returns, for each follower, its follow of author (nil when it does not
// follow), so that fan-out can honour showing_reblogs and notify.
func (s *Service) FollowRecords(ctx context.Context, followers []shard.ID, author shard.ID) ([]*Follow, error) {
	keys := make([]store.Key, len(followers))
	for i, f := range followers {
		keys[i] = pair(f, author)
	}
	vals, err := s.st.MultiGet(ctx, tFollows, keys)
	if err != nil {
		return nil, fmt.Errorf("load follows of %d: %w", author, err)
	}
	out := make([]*Follow, len(vals))
	for i, v := range vals {
		if v == nil {
			continue
		}
		out[i] = new(Follow)
		if err := store.Unmarshal(v, out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RequestOf returns the pending request of follower to follow target, or nil.
func (s *Service) RequestOf(ctx context.Context, follower, target shard.ID) (*Follow, error) {
	return s.getFollow(ctx, tReqOut, follower, target)
}
