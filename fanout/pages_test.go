package fanout_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/fanout"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store/pebble"
	"github.com/herd-social/herd/timeline"
)

// TestFollowerPages: a fan-out over many pages of followers (their homes written
// while the next page is read) puts the post in every follower's home once, and a
// failed page write fails the fan-out, after the writes in flight end.
func TestFollowerPages(t *testing.T) {
	st, err := pebble.Open(pebble.Options{Dir: t.TempDir(), Schema: fanout.Schema(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const author, post = shard.ID(1), shard.ID(2)
	var followers []shard.ID
	for i := range 23 {
		followers = append(followers, shard.ID(100+i))
	}
	statuses := pageStatuses{&status.Status{ID: post, AccountID: author, Visibility: status.Private, Local: true}}
	accounts := pageAccounts{followers: followers}
	for _, failAt := range []int{0, 3} { // 0: no write fails; else the failAt-th AppendHome
		tl := &pageTimelines{failAt: failAt}
		svc := fanout.New(st, nil, statuses, accounts, tl, nil, fanout.Options{PageSize: 2, Logger: slog.New(slog.DiscardHandler)})
		err := svc.Apply(context.Background(), status.Event{Kind: status.Created, StatusID: post, Author: author})
		if failAt != 0 {
			if !errors.Is(err, errWrite) {
				t.Errorf("fan-out with a failed write = %v, want it", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		want := append([]shard.ID{author}, followers...)
		slices.Sort(tl.homes)
		slices.Sort(want)
		if !slices.Equal(tl.homes, want) {
			t.Errorf("homes written %v, want %v", tl.homes, want)
		}
	}
}

var errWrite = errors.New("write failed")

type pageStatuses struct{ st *status.Status }

func (s pageStatuses) Get(context.Context, shard.ID) (*status.Status, error) { return s.st, nil }
func (s pageStatuses) GetMany(context.Context, []shard.ID) (map[shard.ID]*status.Status, error) {
	return map[shard.ID]*status.Status{s.st.ID: s.st}, nil
}
func (pageStatuses) DeleteReblogs(context.Context, shard.ID) error { return nil }
func (pageStatuses) QuotedBy(context.Context, shard.ID, paging.Page) ([]status.Listed, error) {
	return nil, nil
}

func (pageStatuses) RebloggedBy(context.Context, shard.ID, paging.Page) ([]status.Listed, error) {
	return nil, nil
}
func (pageStatuses) ByAccount(context.Context, shard.ID, shard.ID, paging.Page, status.AccountFilter) ([]shard.ID, error) {
	return nil, nil
}
func (pageStatuses) Voters(context.Context, *status.Status, bool) ([]shard.ID, error) {
	return nil, nil
}

// pageAccounts pages through followers as the account service does.
type pageAccounts struct{ followers []shard.ID }

func (a pageAccounts) EachFollowerPage(_ context.Context, _ shard.ID, limit int, f func([]account.Follower) error) error {
	for i := 0; i < len(a.followers); i += limit {
		var page []account.Follower
		for _, id := range a.followers[i:min(i+limit, len(a.followers))] {
			page = append(page, account.Follower{ID: id, Follow: &account.Follow{Reblogs: true}})
		}
		if err := f(page); err != nil {
			return err
		}
	}
	return nil
}
func (a pageAccounts) FollowersCount(context.Context, shard.ID) (int64, error) {
	return int64(len(a.followers)), nil
}
func (pageAccounts) MutersOf(context.Context, shard.ID) (map[shard.ID]bool, error) { return nil, nil }
func (pageAccounts) Follows(_ context.Context, c []shard.ID, _ shard.ID) ([]bool, error) {
	return make([]bool, len(c)), nil
}
func (pageAccounts) FollowRecords(_ context.Context, f []shard.ID, _ shard.ID) ([]*account.Follow, error) {
	return make([]*account.Follow, len(f)), nil
}

// pageTimelines records the homes written; its failAt-th AppendHome fails.
type pageTimelines struct {
	fanout.Timelines // nil: the methods a followers-only post does not call
	mu               sync.Mutex
	calls            int
	failAt           int
	homes            []shard.ID
}

func (t *pageTimelines) AppendHome(_ context.Context, entries []timeline.Entry) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.calls++
	if t.calls == t.failAt {
		return errWrite
	}
	for _, e := range entries {
		t.homes = append(t.homes, e.Account)
	}
	return nil
}
