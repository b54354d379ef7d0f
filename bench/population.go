package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// User is an account of the population, signed in.
type User struct {
	Name, ID, Token string
	// followers are the indexes of the accounts that follow this one.
	followers []int
	// next is the query of the next (older) page of the user's last home read.
	next atomic.Pointer[string]
}

// population is the set-up's product: the users, the recent statuses that
// interactions pick from, and the cursor of the next post.
type population struct {
	users  []*User
	recent *recentStatuses
	cursor cursor
}

// cursor remembers ids of statuses whose creation the server has acknowledged, with
// when: read before a post is sent, it names a point of the server's timeline order
// before that post, which home lookups page from (see homeLookup). Ids are opaque:
// a cursor is only ever handed back to the server. It gives an id acknowledged at least
// cursorMargin before the post, so that a server whose ids are ordered only to the
// millisecond, or made on several nodes whose clocks differ a little (Herd's cluster,
// Mastodon's per-millisecond sequences), still orders the post after it.
type cursor struct {
	mu struct {
		sync.Mutex
		marks []mark // by time, at least cursorEvery apart but the last
	}
}

type mark struct {
	id string
	at time.Time
}

const (
	cursorMargin = 500 * time.Millisecond
	cursorEvery  = 50 * time.Millisecond
	cursorMarks  = 64
)

// load returns the newest id acknowledged at least cursorMargin before now, "" when
// there is none.
func (c *cursor) load(now time.Time) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.mu.marks) - 1; i >= 0; i-- {
		if m := c.mu.marks[i]; now.Sub(m.at) >= cursorMargin {
			return m.id
		}
	}
	return ""
}

// store records id, whose creation was acknowledged (its response arrived) at at.
func (c *cursor) store(id string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.mu.marks)
	switch {
	case n > 0 && at.Before(c.mu.marks[n-1].at):
	case n > 1 && at.Sub(c.mu.marks[n-2].at) < cursorEvery:
		c.mu.marks[n-1] = mark{id, at}
	default:
		if n == cursorMarks {
			c.mu.marks = append(c.mu.marks[:0], c.mu.marks[1:]...)
		}
		c.mu.marks = append(c.mu.marks, mark{id, at})
	}
}

// SetupResult records how the population was built.
type SetupResult struct {
	Accounts   int   `json:"accounts"`
	Registered bool  `json:"registered"` // false when tokens were given
	Follows    int   `json:"follows"`
	SeedPosts  int   `json:"seed_posts"`
	Requests   int64 `json:"requests"`
	// Retries are the set-up requests sent again, by the outcome that caused them
	// ("429", "503", "timeout"); see retry.go.
	Retries       int64            `json:"retries"`
	RetryCodes    map[string]int64 `json:"retry_codes,omitempty"`
	Seconds       float64          `json:"seconds"`
	Phases        []PhaseResult    `json:"phases"`
	TopFollowers  []int            `json:"top_followers"`    // follower counts of the 5 most followed
	MedianFollows int              `json:"median_followers"` // follower count of the median account
}

// PhaseResult is one step of set-up.
type PhaseResult struct {
	Name     string  `json:"name"`
	Requests int64   `json:"requests"`
	Seconds  float64 `json:"seconds"`
}

// setup builds the population: accounts (registered, or from tokens), the follow graph,
// and the seed posts. Any failed request fails the set-up.
func setup(ctx context.Context, a *api, o Options) (*population, SetupResult, error) {
	start := time.Now()
	res := SetupResult{Registered: len(o.Tokens) == 0}
	pop := &population{recent: newRecentStatuses(recentCapacity)}
	phase := func(name string, f func() error) error {
		t0, n0 := time.Now(), a.sent.Load()
		err := f()
		p := PhaseResult{Name: name, Requests: a.sent.Load() - n0, Seconds: round3(time.Since(t0).Seconds())}
		res.Phases = append(res.Phases, p)
		o.Log.Info("bench: set-up", "phase", name, "requests", p.Requests, "seconds", p.Seconds)
		if err != nil {
			res.RetryCodes, res.Retries = a.retries()
			return fmt.Errorf("bench: set-up %s: %w", name, err)
		}
		return nil
	}
	if err := phase("ready", func() error { return waitReady(ctx, a, o.Wait) }); err != nil {
		return nil, res, err
	}
	var err error
	if res.Registered {
		err = phase("register", func() (err error) { pop.users, err = register(ctx, a, o); return err })
	} else {
		err = phase("sign in", func() (err error) { pop.users, err = signIn(ctx, a, o); return err })
	}
	if err != nil {
		return nil, res, err
	}
	graph := followGraph(len(pop.users), o.Follows, o.ZipfS, rand.New(rand.NewPCG(o.Seed, 1)))
	if err := phase("follow", func() error { return follow(ctx, a, o, pop.users, graph) }); err != nil {
		return nil, res, err
	}
	var last []seedPost
	if err := phase("seed posts", func() (err error) { last, err = seed(ctx, a, o, pop); return err }); err != nil {
		return nil, res, err
	}
	if err := phase("settle", func() error { return settle(ctx, a, o, pop.users, last) }); err != nil {
		return nil, res, err
	}
	res.RetryCodes, res.Retries = a.retries()
	res.Accounts, res.SeedPosts = len(pop.users), max(o.SeedPosts, 0)*len(pop.users)
	for _, f := range graph {
		res.Follows += len(f)
	}
	res.TopFollowers, res.MedianFollows = followerStats(pop.users)
	res.Requests, res.Seconds = a.sent.Load(), round3(time.Since(start).Seconds())
	return pop, res, nil
}

// waitReady polls GET /api/v1/instance until it answers 200 or wait passes.
func waitReady(ctx context.Context, a *api, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		r, err := a.send("GET", "/api/v1/instance", "", nil, false)
		if err == nil && r.code == 200 {
			return nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("status %d", r.code)
			}
			return fmt.Errorf("target not ready after %s: %w", wait, err)
		}
		if !sleepCtx(ctx, 50*time.Millisecond) {
			return ctx.Err()
		}
	}
}

// forEach runs f for 0..n-1 with at most limit at once, stopping at the first error.
func forEach(ctx context.Context, n, limit int, f func(ctx context.Context, i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i := range n {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error { return f(gctx, i) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

const benchScopes = "read write follow"

// register creates an app, gets an app token, and registers o.Accounts accounts.
func register(ctx context.Context, a *api, o Options) ([]*User, error) {
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := a.call(ctx, "POST", "/api/v1/apps", "", url.Values{"client_name": {"herd-bench"},
		"redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {benchScopes}}, &app); err != nil {
		return nil, err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := a.call(ctx, "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
		"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "scope": {benchScopes}}, &tok); err != nil {
		return nil, err
	}
	// A prefix per run, so that runs against the same server do not collide.
	prefix := "b" + strconv.FormatInt(time.Now().UnixMilli()%(36*36*36*36*36*36), 36) + "_"
	users := make([]*User, o.Accounts)
	err := forEach(ctx, o.Accounts, o.SetupConcurrency, func(ctx context.Context, i int) error {
		name := prefix + strconv.Itoa(i)
		var reg struct {
			AccessToken string `json:"access_token"`
		}
		if err := a.callOnce(ctx, "POST", "/api/v1/accounts", tok.AccessToken, url.Values{"username": {name},
			"email": {name + "@bench.example.com"}, "password": {"herd bench password " + name},
			"agreement": {"true"}, "locale": {"en"}}, &reg); err != nil {
			return err
		}
		u, err := verify(ctx, a, reg.AccessToken)
		users[i] = u
		return err
	})
	return users, err
}

// signIn looks up the account of each given token.
func signIn(ctx context.Context, a *api, o Options) ([]*User, error) {
	users := make([]*User, len(o.Tokens))
	err := forEach(ctx, len(o.Tokens), o.SetupConcurrency, func(ctx context.Context, i int) error {
		u, err := verify(ctx, a, o.Tokens[i])
		users[i] = u
		return err
	})
	return users, err
}

func verify(ctx context.Context, a *api, token string) (*User, error) {
	var me struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	}
	if err := a.call(ctx, "GET", "/api/v1/accounts/verify_credentials", token, nil, &me); err != nil {
		return nil, err
	}
	return &User{Name: me.Username, ID: me.ID, Token: token}, nil
}

// followGraph returns, for each of n accounts, the accounts it follows. Each follows
// a number drawn uniformly from [1, 2*mean-1] (at most n-1); targets are drawn from a
// Zipf distribution over account indexes, so account 0 is the most followed, then 1…
func followGraph(n, mean int, s float64, rng *rand.Rand) [][]int {
	out := make([][]int, n)
	if n < 2 || mean < 1 {
		return out
	}
	zipf := rand.NewZipf(rng, s, 1, uint64(n-1))
	for i := range out {
		want := min(1+rng.IntN(2*mean-1), n-1)
		seen := map[int]bool{i: true}
		for tries := 0; len(out[i]) < want; tries++ {
			t := int(zipf.Uint64())
			if tries > 50*want { // the head is exhausted: fill from the tail uniformly
				t = rng.IntN(n)
			}
			if !seen[t] {
				seen[t] = true
				out[i] = append(out[i], t)
			}
		}
	}
	return out
}

// follow makes every follow of the graph and records followers on the users.
func follow(ctx context.Context, a *api, o Options, users []*User, graph [][]int) error {
	type edge struct{ from, to int }
	var edges []edge
	for from, targets := range graph {
		for _, to := range targets {
			edges = append(edges, edge{from, to})
			users[to].followers = append(users[to].followers, from)
		}
	}
	return forEach(ctx, len(edges), o.SetupConcurrency, func(ctx context.Context, i int) error {
		e := edges[i]
		return a.call(ctx, "POST", "/api/v1/accounts/"+url.PathEscape(users[e.to].ID)+"/follow", users[e.from].Token, nil, nil)
	})
}

// seedPost is a user's last seed post and its cursor (see homeLookup).
type seedPost struct{ id, after string }

// seed posts o.SeedPosts public statuses per user and keeps their ids for interactions;
// it returns each user's last seed post. Each post carries an Idempotency-Key, so
// that one retried after a timeout is not posted twice.
func seed(ctx context.Context, a *api, o Options, pop *population) ([]seedPost, error) {
	per := max(o.SeedPosts, 0)
	last := make([]seedPost, len(pop.users))
	run := strconv.FormatInt(time.Now().UnixNano(), 36) // keys differ between runs with the same tokens
	err := forEach(ctx, len(pop.users), o.SetupConcurrency, func(ctx context.Context, i int) error {
		u := pop.users[i]
		for k := range per {
			var st entityID
			after := pop.cursor.load(time.Now())
			key := fmt.Sprintf("herd-bench-%s-%s-%d", run, u.Name, k)
			if err := a.callWith(ctx, "POST", "/api/v1/statuses", u.Token, url.Values{"status": {
				fmt.Sprintf("seed post %d from %s #herdbench", k, u.Name)}, "visibility": {"public"}},
				map[string]string{"Idempotency-Key": key}, &st); err != nil {
				return err
			}
			pop.cursor.store(st.ID, time.Now())
			pop.recent.add(st.ID)
			last[i] = seedPost{id: st.ID, after: after}
		}
		return nil
	})
	return last, err
}

// settleAccounts is how many of the most followed accounts settle checks.
const settleAccounts = 8

// settle waits until the last seed posts of the most followed accounts are in a
// follower's home, so that the measured phase does not start in the middle of their
// fan-out. Fan-out is ordered per author, so the last post stands for the others.
func settle(ctx context.Context, a *api, o Options, users []*User, last []seedPost) error {
	return forEach(ctx, min(settleAccounts, len(users)), o.SetupConcurrency, func(ctx context.Context, i int) error {
		u := users[i]
		if last[i].id == "" || len(u.followers) == 0 {
			return nil
		}
		follower := users[u.followers[len(u.followers)-1]]
		deadline := time.Now().Add(o.LagTimeout)
		for {
			seen, err := homeLookup(last[i].id, last[i].after, func(path string) (reply, error) {
				return a.retrying(ctx, true, func() (reply, error) { return a.send("GET", path, follower.Token, nil, true) })
			})
			if seen {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("post %s of %s not in %s's home after %s (last error: %v)", last[i].id, u.Name, follower.Name, o.LagTimeout, err)
			}
			if !sleepCtx(ctx, 20*time.Millisecond) {
				return ctx.Err()
			}
		}
	})
}

func followerStats(users []*User) (top []int, median int) {
	counts := make([]int, len(users))
	for i, u := range users {
		counts[i] = len(u.followers)
	}
	slices.Sort(counts)
	slices.Reverse(counts)
	if len(counts) == 0 {
		return nil, 0
	}
	return counts[:min(5, len(counts))], counts[len(counts)/2]
}

// recentCapacity is how many recent status ids interactions choose from.
const recentCapacity = 1024

// recentStatuses is a ring of the newest status ids the harness created.
type recentStatuses struct {
	mu struct {
		sync.Mutex
		ids  []string
		next int
	}
}

func newRecentStatuses(capacity int) *recentStatuses {
	r := &recentStatuses{}
	r.mu.ids = make([]string, 0, capacity)
	return r
}

func (r *recentStatuses) add(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.mu.ids) < cap(r.mu.ids) {
		r.mu.ids = append(r.mu.ids, id)
		return
	}
	r.mu.ids[r.mu.next] = id
	r.mu.next = (r.mu.next + 1) % len(r.mu.ids)
}

// pick returns one of the recent ids, chosen by roll.
func (r *recentStatuses) pick(roll uint64) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.mu.ids) == 0 {
		return "", false
	}
	return r.mu.ids[roll%uint64(len(r.mu.ids))], true
}
