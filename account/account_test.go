package account_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// rig is the account service on a store of the test shape, with a fixed clock and a
// notifier that records what it hears.
type rig struct {
	svc   *account.Service
	now   time.Time
	heard notes
}

func newRig(t *testing.T) *rig {
	ids, err := shard.NewGenerator(1, shard.DefaultNodeBits, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	r.svc = account.New(testrig.Store(t, account.Schema()...), ids, account.Options{Domain: "example.com", BcryptCost: 4,
		Now: func() time.Time { return r.now }})
	return r
}

// notes records notifications as "kind from→to".
type notes struct {
	mu  sync.Mutex
	got []string
}

func (n *notes) Notify(_ context.Context, to, from shard.ID, kind notification.Kind, _ shard.ID) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, fmt.Sprintf("%s %d→%d", kind, from, to))
	return nil
}

func (n *notes) take() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	got := n.got
	n.got = nil
	return got
}

func (r *rig) register(t *testing.T, name string) *account.Account {
	t.Helper()
	a, _, err := r.svc.Register(context.Background(), account.Registration{Username: name, Email: name + "@mail.example",
		Password: "long enough password", Agreement: true})
	if err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
	return a
}

func (r *rig) remote(t *testing.T, name string) *account.Account {
	t.Helper()
	a, err := r.svc.UpsertRemote(context.Background(), &account.Account{Username: name, Domain: "remote.example",
		URI: "https://remote.example/users/" + name})
	if err != nil {
		t.Fatalf("remote %s: %v", name, err)
	}
	return a
}

// relationship returns how viewer stands toward other.
func (r *rig) relationship(t *testing.T, viewer, other shard.ID) account.Relationship {
	t.Helper()
	rels, err := r.svc.Relationships(context.Background(), viewer, []shard.ID{other})
	if err != nil || len(rels) != 1 || rels[0].ID != other {
		t.Fatalf("Relationships = %+v, %v", rels, err)
	}
	return rels[0]
}

// accounts prints the accounts of a listing, or its error, for comparing with ids.
func accounts(es []account.Entry, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	out := []shard.ID{}
	for _, e := range es {
		out = append(out, e.Account)
	}
	return fmt.Sprint(out)
}

// ids prints ids as accounts does.
func ids(list ...shard.ID) string { return fmt.Sprint(append([]shard.ID{}, list...)) }

func (r *rig) counts(t *testing.T, id shard.ID) account.Counts {
	t.Helper()
	cs, err := r.svc.Counts(context.Background(), []shard.ID{id})
	if err != nil {
		t.Fatal(err)
	}
	return cs[0]
}

func TestRegisterAndLookup(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	alice := r.register(t, "Alice")
	if !alice.Local() || alice.Acct() != "Alice" || !alice.CreatedAt.Equal(r.now) || !alice.Discoverable {
		t.Fatalf("registered %+v", alice)
	}
	bob := r.remote(t, "bob")
	if bob.Local() || bob.Acct() != "bob@remote.example" {
		t.Fatalf("remote %+v", bob)
	}

	t.Run("taken", func(t *testing.T) {
		reg := account.Registration{Username: "ALICE", Email: "other@mail.example", Password: "long enough password", Agreement: true}
		if _, _, err := r.svc.Register(ctx, reg); !errors.Is(err, account.ErrUsernameTaken) {
			t.Fatalf("a username differing in case: %v, want ErrUsernameTaken", err)
		}
		reg = account.Registration{Username: "carol", Email: "ALICE@mail.example", Password: "long enough password", Agreement: true}
		if _, _, err := r.svc.Register(ctx, reg); !errors.Is(err, account.ErrEmailTaken) {
			t.Fatalf("an email differing in case: %v, want ErrEmailTaken", err)
		}
		// The failed registration left nothing behind: carol is free.
		reg.Email = "carol@mail.example"
		if _, _, err := r.svc.Register(ctx, reg); err != nil {
			t.Fatalf("carol after a failed registration: %v", err)
		}
	})

	t.Run("invalid", func(t *testing.T) {
		ok := account.Registration{Username: "dave", Email: "dave@mail.example", Password: "long enough password", Agreement: true}
		for name, change := range map[string]func(*account.Registration){
			"no username":         func(r *account.Registration) { r.Username = "" },
			"a long username":     func(r *account.Registration) { r.Username = strings.Repeat("d", account.MaxUsername+1) },
			"a dotted username":   func(r *account.Registration) { r.Username = "da.ve" },
			"no email":            func(r *account.Registration) { r.Email = "" },
			"a display-name mail": func(r *account.Registration) { r.Email = "Dave <dave@mail.example>" },
			"a short password":    func(r *account.Registration) { r.Password = "short" },
			"a long password":     func(r *account.Registration) { r.Password = strings.Repeat("p", account.MaxPassword+1) },
			"no agreement":        func(r *account.Registration) { r.Agreement = false },
			"a bad locale":        func(r *account.Registration) { r.Locale = "en;drop" },
			"a long reason":       func(r *account.Registration) { r.Reason = strings.Repeat("r", 1001) },
		} {
			reg := ok
			change(&reg)
			var v *account.Validation
			if _, _, err := r.svc.Register(ctx, reg); !errors.As(err, &v) {
				t.Errorf("%s: %v, want a validation error", name, err)
			}
		}
		if _, err := r.svc.Lookup(ctx, "dave", ""); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("an invalid registration left dave behind: %v", err)
		}
	})

	t.Run("lookup", func(t *testing.T) {
		for _, tc := range []struct {
			acct string
			want shard.ID // zero: not found
		}{
			{"alice", alice.ID}, {"@Alice", alice.ID}, {" alice ", alice.ID}, {"alice@example.com", alice.ID},
			{"alice@EXAMPLE.COM", alice.ID}, {"alice@remote.example", 0},
			{"bob@remote.example", bob.ID}, {"@BOB@Remote.Example", bob.ID}, {"bob", 0},
			{"", 0}, {"@", 0}, {"@remote.example", 0}, {"nobody", 0},
		} {
			a, err := r.svc.LookupAcct(ctx, tc.acct)
			switch {
			case tc.want == 0 && !errors.Is(err, account.ErrNotFound):
				t.Errorf("LookupAcct(%q) = %+v, %v; want ErrNotFound", tc.acct, a, err)
			case tc.want != 0 && (err != nil || a.ID != tc.want):
				t.Errorf("LookupAcct(%q) = %+v, %v; want %d", tc.acct, a, err, tc.want)
			}
		}
		got, err := r.svc.GetMany(ctx, []shard.ID{alice.ID, bob.ID, alice.ID, 12345})
		if err != nil || len(got) != 2 || got[alice.ID].Username != "Alice" || got[bob.ID].Domain != "remote.example" {
			t.Fatalf("GetMany = %v, %v", got, err)
		}
		if _, err := r.svc.Get(ctx, 12345); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("Get of an unknown id: %v", err)
		}
	})

	t.Run("authenticate", func(t *testing.T) {
		for _, tc := range []struct {
			login, password string
			ok              bool
		}{
			{"Alice", "long enough password", true},
			{"alice", "long enough password", true},
			{"@alice", "long enough password", true},
			{"alice@mail.example", "long enough password", true},
			{"ALICE@MAIL.EXAMPLE", "long enough password", true},
			{"alice", "wrong password", false},
			{"nobody", "long enough password", false},
			{"nobody@mail.example", "long enough password", false},
			{"bob@remote.example", "long enough password", false},
		} {
			a, _, err := r.svc.Authenticate(ctx, tc.login, tc.password)
			if tc.ok && (err != nil || a.ID != alice.ID) {
				t.Errorf("Authenticate(%q) = %+v, %v; want alice", tc.login, a, err)
			}
			if !tc.ok && !errors.Is(err, account.ErrBadCredentials) {
				t.Errorf("Authenticate(%q, %q) = %v, want ErrBadCredentials", tc.login, tc.password, err)
			}
		}
	})

	t.Run("a remote account keeps its id", func(t *testing.T) {
		again, err := r.svc.UpsertRemote(ctx, &account.Account{Username: "bob", Domain: "remote.example",
			URI: "https://remote.example/users/bob", DisplayName: "Bob"})
		if err != nil || again.ID != bob.ID {
			t.Fatalf("UpsertRemote again = %+v, %v; want id %d", again, err, bob.ID)
		}
		if got, err := r.svc.ByURI(ctx, "https://remote.example/users/bob"); err != nil || got.DisplayName != "Bob" {
			t.Fatalf("ByURI = %+v, %v", got, err)
		}
		if _, err := r.svc.UpsertRemote(ctx, &account.Account{Username: "x", URI: "https://remote.example/x"}); err == nil {
			t.Fatal("UpsertRemote without a domain succeeded")
		}
	})
}

func TestFollows(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	a, b, c := r.register(t, "a"), r.register(t, "b"), r.register(t, "c")
	locked := r.register(t, "locked")
	locked.Locked = true
	if err := r.svc.Save(ctx, locked); err != nil {
		t.Fatal(err)
	}
	far := r.remote(t, "far")
	no := false

	t.Run("follow", func(t *testing.T) {
		if err := r.svc.Follow(ctx, a.ID, b, account.FollowOptions{}, &r.heard); err != nil {
			t.Fatal(err)
		}
		if got, want := r.heard.take(), []string{fmt.Sprintf("follow %d→%d", a.ID, b.ID)}; !slices.Equal(got, want) {
			t.Fatalf("notified %v, want %v", got, want)
		}
		if rel := r.relationship(t, a.ID, b.ID); !rel.Following || !rel.ShowingReblogs || rel.FollowedBy || rel.Requested {
			t.Fatalf("a toward b: %+v", rel)
		}
		if rel := r.relationship(t, b.ID, a.ID); rel.Following || !rel.FollowedBy {
			t.Fatalf("b toward a: %+v", rel)
		}
		if got := accounts(r.svc.Followers(ctx, b.ID, paging.Page{Limit: 10})); got != ids(a.ID) {
			t.Fatalf("b's followers %v", got)
		}
		if got := accounts(r.svc.Following(ctx, a.ID, paging.Page{Limit: 10})); got != ids(b.ID) {
			t.Fatalf("a's following %v", got)
		}
		if ca, cb := r.counts(t, a.ID), r.counts(t, b.ID); ca.Following != 1 || cb.Followers != 1 {
			t.Fatalf("counts %+v %+v", ca, cb)
		}
		if got, err := r.svc.Follows(ctx, []shard.ID{a.ID, c.ID}, b.ID); err != nil || !slices.Equal(got, []bool{true, false}) {
			t.Fatalf("Follows = %v, %v", got, err)
		}
	})

	t.Run("following again changes the options only", func(t *testing.T) {
		langs := []string{"en", "fr"}
		if err := r.svc.Follow(ctx, a.ID, b, account.FollowOptions{Reblogs: &no, Languages: &langs}, &r.heard); err != nil {
			t.Fatal(err)
		}
		if got := r.heard.take(); len(got) != 0 {
			t.Fatalf("notified %v", got)
		}
		if rel := r.relationship(t, a.ID, b.ID); !rel.Following || rel.ShowingReblogs || !slices.Equal(rel.Languages, langs) {
			t.Fatalf("a toward b: %+v", rel)
		}
		recs, err := r.svc.FollowRecords(ctx, []shard.ID{a.ID, c.ID}, b.ID)
		if err != nil || recs[0] == nil || recs[0].Reblogs || recs[1] != nil {
			t.Fatalf("FollowRecords = %+v, %v", recs, err)
		}
		page, _, err := r.svc.FollowerPage(ctx, b.ID, 0, 10)
		if err != nil || len(page) != 1 || page[0].ID != a.ID || page[0].Follow == nil || page[0].Follow.Reblogs {
			t.Fatalf("FollowerPage = %+v, %v: want a, without reblogs", page, err)
		}
		if ca, cb := r.counts(t, a.ID), r.counts(t, b.ID); ca.Following != 1 || cb.Followers != 1 {
			t.Fatalf("counts after following again %+v %+v", ca, cb)
		}
	})

	t.Run("unfollow and remove from followers", func(t *testing.T) {
		if err := r.svc.Unfollow(ctx, a.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if rel := r.relationship(t, a.ID, b.ID); rel.Following {
			t.Fatalf("after Unfollow: %+v", rel)
		}
		if ca, cb := r.counts(t, a.ID), r.counts(t, b.ID); ca.Following != 0 || cb.Followers != 0 {
			t.Fatalf("counts after Unfollow %+v %+v", ca, cb)
		}
		if err := r.svc.Unfollow(ctx, a.ID, b.ID); err != nil {
			t.Fatalf("Unfollow again: %v", err)
		}
		if err := r.svc.Follow(ctx, c.ID, b, account.FollowOptions{}, nil); err != nil {
			t.Fatal(err)
		}
		if err := r.svc.RemoveFromFollowers(ctx, b.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		if got := accounts(r.svc.Followers(ctx, b.ID, paging.Page{Limit: 10})); got != ids() {
			t.Fatalf("b's followers after RemoveFromFollowers: %v", got)
		}
	})

	t.Run("oneself", func(t *testing.T) {
		if err := r.svc.Follow(ctx, a.ID, a, account.FollowOptions{}, nil); !errors.Is(err, account.ErrSelf) {
			t.Fatalf("Follow oneself: %v, want ErrSelf", err)
		}
	})

	t.Run("a locked account's requests", func(t *testing.T) {
		for _, f := range []*account.Account{a, b, c} {
			if err := r.svc.Follow(ctx, f.ID, locked, account.FollowOptions{}, &r.heard); err != nil {
				t.Fatal(err)
			}
		}
		if got := r.heard.take(); len(got) != 3 || got[0] != fmt.Sprintf("follow_request %d→%d", a.ID, locked.ID) {
			t.Fatalf("notified %v", got)
		}
		if rel := r.relationship(t, a.ID, locked.ID); rel.Following || !rel.Requested {
			t.Fatalf("a toward locked: %+v", rel)
		}
		if rel := r.relationship(t, locked.ID, a.ID); !rel.RequestedBy {
			t.Fatalf("locked toward a: %+v", rel)
		}
		if got := accounts(r.svc.FollowRequests(ctx, locked.ID, paging.Page{Limit: 10})); got != ids(c.ID, b.ID, a.ID) {
			t.Fatalf("requests %v, want c, b, a", got)
		}
		if err := r.svc.Authorize(ctx, locked.ID, a.ID, nil); err != nil {
			t.Fatal(err)
		}
		if rel := r.relationship(t, a.ID, locked.ID); !rel.Following || rel.Requested {
			t.Fatalf("a toward locked after Authorize: %+v", rel)
		}
		if err := r.svc.Authorize(ctx, locked.ID, a.ID, nil); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("Authorize again: %v, want ErrNotFound", err)
		}
		if err := r.svc.Reject(ctx, locked.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := r.svc.Reject(ctx, locked.ID, b.ID); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("Reject again: %v, want ErrNotFound", err)
		}
		if err := r.svc.Unfollow(ctx, c.ID, locked.ID); err != nil { // withdraws the request
			t.Fatal(err)
		}
		if got := accounts(r.svc.FollowRequests(ctx, locked.ID, paging.Page{Limit: 10})); got != ids() {
			t.Fatalf("requests left %v", got)
		}
		for _, f := range []*account.Account{b, c} {
			if rel := r.relationship(t, f.ID, locked.ID); rel.Following || rel.Requested {
				t.Fatalf("%s toward locked: %+v", f.Username, rel)
			}
		}
		if cl := r.counts(t, locked.ID); cl.Followers != 1 {
			t.Fatalf("locked's counts %+v, want one follower", cl)
		}
	})

	t.Run("a remote account's Accept", func(t *testing.T) {
		if err := r.svc.Follow(ctx, a.ID, far, account.FollowOptions{}, &r.heard); err != nil {
			t.Fatal(err)
		}
		if got := r.heard.take(); len(got) != 0 {
			t.Fatalf("a remote account was notified here: %v", got)
		}
		if rel := r.relationship(t, a.ID, far.ID); rel.Following || !rel.Requested {
			t.Fatalf("a toward far before the Accept: %+v", rel)
		}
		for range 2 { // accepting twice changes nothing
			if err := r.svc.Accepted(ctx, a.ID, far.ID); err != nil {
				t.Fatal(err)
			}
		}
		if rel := r.relationship(t, a.ID, far.ID); !rel.Following || rel.Requested {
			t.Fatalf("a toward far after the Accept: %+v", rel)
		}
		if cf := r.counts(t, far.ID); cf.Followers != 1 {
			t.Fatalf("far's counts %+v, want one follower", cf)
		}
	})
}

// TestFollowerPages: the fan-out scan and the API listing page through followers,
// newest follow first.
func TestFollowerPages(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	star := r.register(t, "star")
	var fans []shard.ID // newest follow first
	for i := range 5 {
		fan := shard.ID(1000 + i) // followers need no account record
		if err := r.svc.Follow(ctx, fan, star, account.FollowOptions{}, nil); err != nil {
			t.Fatal(err)
		}
		fans = append([]shard.ID{fan}, fans...)
	}
	var got []shard.ID
	var cursor shard.ID
	for pages := 0; ; pages++ {
		ids, next, err := r.svc.FollowerIDs(ctx, star.ID, cursor, 2)
		if err != nil || pages > 3 {
			t.Fatalf("FollowerIDs page %d: %v, %v", pages, ids, err)
		}
		got = append(got, ids...)
		if next == 0 {
			break
		}
		cursor = next
	}
	if !slices.Equal(got, fans) {
		t.Fatalf("FollowerIDs pages %v, want %v", got, fans)
	}
	var sizes []int
	got = got[:0]
	err := r.svc.EachFollowerPage(ctx, star.ID, 2, func(page []account.Follower) error {
		sizes = append(sizes, len(page))
		for _, f := range page {
			got = append(got, f.ID)
		}
		return nil
	})
	if err != nil || !slices.Equal(got, fans) || !slices.Equal(sizes, []int{2, 2, 1}) {
		t.Fatalf("EachFollowerPage = %v in pages %v, %v; want %v", got, sizes, err, fans)
	}
	stop := errors.New("stop")
	if err := r.svc.EachFollowerPage(ctx, star.ID, 2, func([]account.Follower) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("EachFollowerPage returned %v, want f's error", err)
	}
	es, err := r.svc.Followers(ctx, star.ID, paging.Page{Limit: 2})
	if got := accounts(es, err); got != ids(fans[:2]...) {
		t.Fatalf("first page %v, want %v", got, fans[:2])
	}
	es, err = r.svc.Followers(ctx, star.ID, paging.Page{MaxID: es[1].Cursor, Limit: 2})
	if got := accounts(es, err); got != ids(fans[2:4]...) {
		t.Fatalf("second page %v, want %v", got, fans[2:4])
	}
}

func TestBlocksAndMutes(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	a, b, c, d := r.register(t, "a"), r.register(t, "b"), r.register(t, "c"), r.register(t, "d")

	t.Run("block", func(t *testing.T) {
		for _, f := range [][2]*account.Account{{a, b}, {b, a}} {
			if err := r.svc.Follow(ctx, f[0].ID, f[1], account.FollowOptions{}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.svc.Block(ctx, a.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if rel := r.relationship(t, a.ID, b.ID); !rel.Blocking || rel.Following || rel.FollowedBy {
			t.Fatalf("a toward b: %+v; want blocking, the follows both ways ended", rel)
		}
		if rel := r.relationship(t, b.ID, a.ID); !rel.BlockedBy || rel.Blocking {
			t.Fatalf("b toward a: %+v", rel)
		}
		for _, p := range [][2]shard.ID{{a.ID, b.ID}, {b.ID, a.ID}} {
			if blocked, err := r.svc.EitherBlocks(ctx, p[0], p[1]); err != nil || !blocked {
				t.Fatalf("EitherBlocks(%d, %d) = %v, %v", p[0], p[1], blocked, err)
			}
		}
		if err := r.svc.Follow(ctx, b.ID, a, account.FollowOptions{}, nil); !errors.Is(err, account.ErrBlocked) {
			t.Fatalf("the blocked follows the blocker: %v, want ErrBlocked", err)
		}
		if got := accounts(r.svc.Blocks(ctx, a.ID, paging.Page{Limit: 10})); got != ids(b.ID) {
			t.Fatalf("a's blocks %v", got)
		}
		hidden, err := r.svc.Hidden(ctx, b.ID, []shard.ID{a.ID, c.ID})
		if err != nil || !hidden[a.ID] || hidden[c.ID] {
			t.Fatalf("Hidden from b = %v, %v; want the blocker a only", hidden, err)
		}
		if err := r.svc.Block(ctx, a.ID, a.ID); !errors.Is(err, account.ErrSelf) {
			t.Fatalf("Block oneself: %v, want ErrSelf", err)
		}
		if err := r.svc.Block(ctx, a.ID, b.ID); err != nil {
			t.Fatalf("Block again: %v", err)
		}
		for range 2 {
			if err := r.svc.Unblock(ctx, a.ID, b.ID); err != nil {
				t.Fatal(err)
			}
		}
		if blocked, err := r.svc.EitherBlocks(ctx, a.ID, b.ID); err != nil || blocked {
			t.Fatalf("EitherBlocks after Unblock = %v, %v", blocked, err)
		}
		if got := accounts(r.svc.Blocks(ctx, a.ID, paging.Page{Limit: 10})); got != ids() {
			t.Fatalf("a's blocks after Unblock %v", got)
		}
	})

	t.Run("mute", func(t *testing.T) {
		if err := r.svc.Mute(ctx, a.ID, c.ID, true, 0); err != nil {
			t.Fatal(err)
		}
		if err := r.svc.Mute(ctx, a.ID, d.ID, false, time.Hour); err != nil {
			t.Fatal(err)
		}
		if rel := r.relationship(t, a.ID, c.ID); !rel.Muting || !rel.MutingNotifications || !rel.MutingExpiresAt.IsZero() {
			t.Fatalf("a toward c: %+v", rel)
		}
		if rel := r.relationship(t, a.ID, d.ID); !rel.Muting || rel.MutingNotifications || !rel.MutingExpiresAt.Equal(r.now.Add(time.Hour)) {
			t.Fatalf("a toward d: %+v; want a mute of posts only, for an hour", rel)
		}
		for _, tc := range []struct {
			target        shard.ID
			notifications bool
			want          bool
		}{{c.ID, true, true}, {c.ID, false, true}, {d.ID, true, false}, {d.ID, false, true}, {b.ID, false, false}} {
			if got, err := r.svc.Muters(ctx, []shard.ID{a.ID, b.ID}, tc.target, tc.notifications); err != nil || !slices.Equal(got, []bool{tc.want, false}) {
				t.Errorf("Muters of %d (notifications %v) = %v, %v; want [%v false]", tc.target, tc.notifications, got, err, tc.want)
			}
		}
		if got, err := r.svc.MutersOf(ctx, c.ID); err != nil || len(got) != 1 || !got[a.ID] {
			t.Fatalf("MutersOf(c) = %v, %v", got, err)
		}
		if got := accounts(r.svc.Mutes(ctx, a.ID, paging.Page{Limit: 10})); got != ids(d.ID, c.ID) {
			t.Fatalf("a's mutes %v, want d, c", got)
		}
		hidden, err := r.svc.Hidden(ctx, a.ID, []shard.ID{c.ID, b.ID})
		if err != nil || !hidden[c.ID] || hidden[b.ID] {
			t.Fatalf("Hidden from a = %v, %v", hidden, err)
		}
		if hidden, err := r.svc.Hidden(ctx, c.ID, []shard.ID{a.ID}); err != nil || hidden[a.ID] {
			t.Fatalf("a mute hides the muted's view of the muter: %v, %v", hidden, err)
		}
		// Muting again replaces the mute.
		if err := r.svc.Mute(ctx, a.ID, c.ID, false, 0); err != nil {
			t.Fatal(err)
		}
		if rel := r.relationship(t, a.ID, c.ID); !rel.Muting || rel.MutingNotifications {
			t.Fatalf("a toward c after muting again: %+v", rel)
		}
		if got := accounts(r.svc.Mutes(ctx, a.ID, paging.Page{Limit: 10})); got != ids(c.ID, d.ID) {
			t.Fatalf("a's mutes after muting c again %v, want c, d", got)
		}
		if err := r.svc.Unmute(ctx, a.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		if rel := r.relationship(t, a.ID, c.ID); rel.Muting {
			t.Fatalf("a toward c after Unmute: %+v", rel)
		}
		if got, err := r.svc.MutersOf(ctx, c.ID); err != nil || len(got) != 0 {
			t.Fatalf("MutersOf(c) after Unmute = %v, %v", got, err)
		}
		if err := r.svc.Mute(ctx, a.ID, a.ID, true, 0); !errors.Is(err, account.ErrSelf) {
			t.Fatalf("Mute oneself: %v, want ErrSelf", err)
		}
	})
}
