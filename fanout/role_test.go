package fanout

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/timeline"
)

// Fakes of the parts of the services that a public post's fan-out touches; the
// embedded interfaces are nil, so any other call panics and fails the test.
type fakeStatuses struct {
	Statuses
	st *status.Status
}

func (f fakeStatuses) Get(context.Context, shard.ID) (*status.Status, error) { return f.st, nil }

type fakeAccounts struct {
	Accounts
	followers []account.Follower
}

func (f fakeAccounts) EachFollowerPage(ctx context.Context, _ shard.ID, _ int, each func([]account.Follower) error) error {
	return each(f.followers)
}
func (f fakeAccounts) FollowersCount(context.Context, shard.ID) (int64, error) {
	return int64(len(f.followers)), nil
}
func (fakeAccounts) MutersOf(context.Context, shard.ID) (map[shard.ID]bool, error) { return nil, nil }

type fakeStore struct{ store.Store }

func (fakeStore) Get(context.Context, string, []byte, []byte) ([]byte, error) {
	return nil, store.ErrNotFound
}
func (fakeStore) ApplyEach(context.Context, []store.Mutation) error { return nil }
func (fakeStore) Put(context.Context, string, []byte, []byte, []byte, time.Duration) error {
	return nil
}

// recorder records writes and stream events.
type recorder struct {
	Timelines
	mu        sync.Mutex
	homes     []shard.ID // accounts whose home took an entry
	public    int
	notified  int
	published []stream.Key
}

func (r *recorder) AppendHome(_ context.Context, es []timeline.Entry) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range es {
		r.homes = append(r.homes, e.Account)
	}
	return nil
}
func (r *recorder) AddPublic(context.Context, timeline.PublicEntry) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.public++
	return nil
}
func (r *recorder) Notify(context.Context, shard.ID, shard.ID, notification.Kind, shard.ID) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notified++
	return nil
}
func (r *recorder) Publish(k stream.Key, e stream.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.published = append(r.published, k)
}
func (r *recorder) PublishEach(keys []stream.Key, e stream.Event) {
	for _, k := range keys {
		r.Publish(k, e)
	}
}
func (*recorder) HasSubscribers(stream.Key) bool { return true }

// TestRoles: of a new public status, the writer makes every write and no stream
// event, the streamer every stream event and no write, and the two together (Apply)
// what each makes alone; past the hot threshold, only the streamer streams to the
// followers and neither writes their homes.
func TestRoles(t *testing.T) {
	author, bell, plain := shard.ID(1), shard.ID(2), shard.ID(3)
	st := &status.Status{ID: 100, AccountID: author, Visibility: status.Public, Local: true}
	followers := []account.Follower{{ID: bell, Follow: &account.Follow{Reblogs: true, Notify: true}},
		{ID: plain, Follow: &account.Follow{Reblogs: true}}}
	homes := []stream.Key{stream.User(author), stream.User(bell), stream.User(plain)}
	public := []stream.Key{stream.Public(stream.Everywhere, false), stream.Public(stream.Local, false)}
	for _, c := range []struct {
		name      string
		role      role
		hot       int64 // HotFollowers
		homes     int
		public    int
		notified  int
		published []stream.Key
	}{
		{"both", both, 10, 3, 1, 1, append(slices.Clone(homes), public...)},
		{"writer", writer, 10, 3, 1, 1, nil},
		{"streamer", streamer, 10, 0, 0, 0, append(slices.Clone(homes), public...)},
		{"hot writer", writer, 1, 1, 1, 0, nil},
		{"hot streamer", streamer, 1, 0, 0, 0, append(slices.Clone(homes), public...)},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{}
			s := New(fakeStore{}, nil, fakeStatuses{st: st}, fakeAccounts{followers: followers}, r, r,
				Options{Streams: r, HotFollowers: c.hot}).as(c.role)
			if err := s.created(context.Background(), st); err != nil {
				t.Fatal(err)
			}
			slices.Sort(r.published)
			want := slices.Clone(c.published)
			slices.Sort(want)
			if len(r.homes) != c.homes || r.public != c.public || r.notified != c.notified || !slices.Equal(r.published, want) {
				t.Errorf("homes %v, public %d, notified %d, published %v; want %d homes, public %d, notified %d, published %v",
					r.homes, r.public, r.notified, r.published, c.homes, c.public, c.notified, want)
			}
		})
	}
}

// TestAnnounceFresh: the streamer streams the new statuses of a batch that are
// fresh, and passes over stale ones, other kinds and undecodable messages.
func TestAnnounceFresh(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	st := &status.Status{ID: 100, AccountID: 1, Visibility: status.Private}
	msg := func(kind string, age time.Duration) bus.Message {
		b, err := store.Marshal(&status.Event{Kind: kind, StatusID: st.ID, Author: st.AccountID})
		if err != nil {
			t.Fatal(err)
		}
		return bus.Message{Value: b, Time: now.Add(-age)}
	}
	r := &recorder{}
	s := New(fakeStore{}, nil, fakeStatuses{st: st}, fakeAccounts{}, r, r,
		Options{Streams: r, Now: func() time.Time { return now }}).as(streamer)
	batch := []bus.Message{msg(status.Created, 2*staleAnnouncement), {Value: []byte("not cbor"), Time: now},
		msg(status.Deleted, 0), msg(status.Created, staleAnnouncement/2)}
	if err := s.announce(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if want := []stream.Key{stream.User(st.AccountID)}; !slices.Equal(r.published, want) || len(r.homes) != 0 {
		t.Errorf("published %v, homes %v; want %v and no home", r.published, r.homes, want)
	}
}

// TestAnnounceAsPosted: the streamer streams a new status as its event carries it,
// without reading it back from the store.
func TestAnnounceAsPosted(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	posted := &status.Status{ID: 100, AccountID: 1, Visibility: status.Private}
	stored := &status.Status{ID: 100, AccountID: 2, Visibility: status.Private} // not what was posted
	b, err := store.Marshal(&status.Event{Kind: status.Created, StatusID: posted.ID, Author: posted.AccountID, Posted: posted})
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	s := New(fakeStore{}, nil, fakeStatuses{st: stored}, fakeAccounts{}, r, r,
		Options{Streams: r, Now: func() time.Time { return now }}).as(streamer)
	if err := s.announce(context.Background(), []bus.Message{{Value: b, Time: now}}); err != nil {
		t.Fatal(err)
	}
	if want := []stream.Key{stream.User(posted.AccountID)}; !slices.Equal(r.published, want) {
		t.Errorf("published %v; want %v", r.published, want)
	}
}

// TestStreamPublicMedia: a public status goes to the :media public channels (the
// everywhere one and its side's) only when it has attachments, as Mastodon's fan-out
// publishes them.
func TestStreamPublicMedia(t *testing.T) {
	for _, c := range []struct {
		name  string
		local bool
		media []shard.ID
		want  []stream.Key
	}{
		{"local text", true, nil, []stream.Key{stream.Public(stream.Everywhere, false), stream.Public(stream.Local, false)}},
		{"remote text", false, nil, []stream.Key{stream.Public(stream.Everywhere, false), stream.Public(stream.Remote, false)}},
		{"local media", true, []shard.ID{7}, []stream.Key{stream.Public(stream.Everywhere, false), stream.Public(stream.Local, false),
			stream.Public(stream.Everywhere, true), stream.Public(stream.Local, true)}},
		{"remote media", false, []shard.ID{7, 8}, []stream.Key{stream.Public(stream.Everywhere, false), stream.Public(stream.Remote, false),
			stream.Public(stream.Everywhere, true), stream.Public(stream.Remote, true)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{}
			s := New(fakeStore{}, nil, fakeStatuses{}, fakeAccounts{}, r, r, Options{Streams: r})
			s.streamPublic(&status.Status{ID: 100, AccountID: 1, Visibility: status.Public, Local: c.local, MediaIDs: c.media},
				event(stream.Update, 100))
			slices.Sort(r.published)
			want := slices.Clone(c.want)
			slices.Sort(want)
			if !slices.Equal(r.published, want) {
				t.Errorf("published %v, want %v", r.published, want)
			}
		})
	}
}
