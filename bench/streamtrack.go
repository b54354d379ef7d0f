package bench

import (
	"maps"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Bounds of what the tracker keeps: arrivals of ids it has no post for (yet) and
// posts whose deliveries it tracks. Beyond them, arrivals count as unmatched and
// posts as untracked.
const (
	maxPending      = 100_000
	maxTrackedPosts = 500_000
)

type subState uint8

const (
	subConnecting subState = iota
	subLive
	subEnded
)

// trackedPost is a post whose deliveries are awaited.
type trackedPost struct {
	accepted time.Time
	author   int              // index of the author in the population
	want     map[int]struct{} // subscribers still to receive it
}

type arrival struct {
	sub int
	at  time.Time
}

// streamTracker matches the updates subscribers receive with the posts the harness
// made. An update may arrive before the harness has the post's response (and so its
// id): it waits in pending until the post is recorded.
type streamTracker struct {
	users   []*User
	index   map[*User]int
	subUser []int   // subscriber → index of its account
	onUser  [][]int // account index → its subscribers
	mu      struct {
		sync.Mutex
		state    []subState
		posts    map[string]*trackedPost
		pending  map[string][]arrival
		npending int
		hist     *hdrhistogram.Histogram
		res      StreamResult
	}
}

func newStreamTracker(users []*User, subs []*User) *streamTracker {
	t := &streamTracker{users: users, index: make(map[*User]int, len(users)), subUser: make([]int, len(subs)),
		onUser: make([][]int, len(users))}
	for i, u := range users {
		t.index[u] = i
	}
	accounts := map[int]bool{}
	for s, u := range subs {
		i := t.index[u]
		t.subUser[s], accounts[i] = i, true
		t.onUser[i] = append(t.onUser[i], s)
	}
	t.mu.state = make([]subState, len(subs))
	t.mu.posts, t.mu.pending, t.mu.hist = map[string]*trackedPost{}, map[string][]arrival{}, newHist()
	t.mu.res = StreamResult{Subscribers: len(subs), Accounts: len(accounts),
		ConnectCodes: map[string]int64{}, DropCodes: map[string]int64{}}
	return t
}

// live marks subscriber s as held by the server.
func (t *streamTracker) live(s int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.mu.state[s] = subLive
	t.mu.res.Connected++
}

// ended records the end of subscriber s: by the run (cancelled), a connection error
// (it never became live) or a drop, whose awaited events are lost.
func (t *streamTracker) ended(s int, err error, cancelled bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case cancelled:
	case t.mu.state[s] == subConnecting:
		t.mu.res.ConnectErrors++
		t.mu.res.ConnectCodes[errCode(err)]++
	case t.mu.state[s] == subLive:
		t.mu.res.Dropped++
		t.mu.res.DropCodes[errCode(err)]++
		for _, p := range t.mu.posts {
			if _, ok := p.want[s]; ok {
				delete(p.want, s)
				t.mu.res.Lost++
			}
		}
	}
	t.mu.state[s] = subEnded
}

// notStarted counts n subscriptions never started, the connect phase being over.
func (t *streamTracker) notStarted(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.mu.res.ConnectErrors += int64(n)
	t.mu.res.ConnectCodes["connect phase over"] += int64(n)
}

// posted records a post by author, accepted at accepted, and the live subscribers
// that should receive it: the author's and its followers'.
func (t *streamTracker) posted(author *User, id string, accepted time.Time) {
	a, ok := t.index[author]
	if !ok {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.mu.posts) >= maxTrackedPosts {
		t.mu.res.Untracked++
		return
	}
	p := &trackedPost{accepted: accepted, author: a, want: map[int]struct{}{}}
	add := func(u int) {
		for _, s := range t.onUser[u] {
			if t.mu.state[s] == subLive {
				p.want[s] = struct{}{}
			}
		}
	}
	add(a)
	for _, f := range author.followers {
		add(f)
	}
	t.mu.posts[id] = p
	t.mu.res.Posts++
	t.mu.res.Expected += int64(len(p.want))
	for _, ar := range t.mu.pending[id] {
		t.deliver(p, ar.sub, ar.at)
	}
	t.mu.npending -= len(t.mu.pending[id])
	delete(t.mu.pending, id)
}

// seen records that subscriber s received the update of status id at at.
func (t *streamTracker) seen(s int, id string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if p := t.mu.posts[id]; p != nil {
		t.deliver(p, s, at)
		return
	}
	if t.mu.npending >= maxPending {
		t.mu.res.Unmatched++
		return
	}
	t.mu.pending[id] = append(t.mu.pending[id], arrival{s, at})
	t.mu.npending++
}

// deliver counts the arrival of p at subscriber s; t.mu is held.
func (t *streamTracker) deliver(p *trackedPost, s int, at time.Time) {
	if _, ok := p.want[s]; ok {
		delete(p.want, s)
		d := at.Sub(p.accepted)
		if d < 0 {
			t.mu.res.Early++
		}
		t.mu.res.Received++
		recordValue(t.mu.hist, d) // an early arrival is clamped to the least value
		return
	}
	if t.recipient(t.subUser[s], p.author) {
		t.mu.res.Duplicates++
	} else {
		t.mu.res.Unexpected++
	}
}

// recipient reports whether account u's home takes the posts of account author.
func (t *streamTracker) recipient(u, author int) bool {
	if u == author {
		return true
	}
	for _, f := range t.users[author].followers {
		if f == u {
			return true
		}
	}
	return false
}

// outstanding is how many expected events have neither arrived nor been lost.
func (t *streamTracker) outstanding() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := &t.mu.res
	return r.Expected - r.Received - r.Lost
}

// result summarises; arrivals still pending are unmatched.
func (t *streamTracker) result() *StreamResult {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.mu.res
	r.Missed = r.Expected - r.Received - r.Lost
	r.Unmatched += int64(t.mu.npending)
	r.ConnectCodes, r.DropCodes = maps.Clone(r.ConnectCodes), maps.Clone(r.DropCodes)
	r.Latency, r.Spectrum = summarise(t.mu.hist), spectrum(t.mu.hist)
	return &r
}
