package bench

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// probeSlots is how many posts can be probed at once; a post accepted while every slot
// is busy is not probed (and counted as skipped).
const probeSlots = 8

// Poll back-off of a probe: the first poll goes out as soon as the post is accepted,
// then after pollFirst, doubling up to pollMax.
const (
	pollFirst = 2 * time.Millisecond
	pollMax   = 50 * time.Millisecond
)

// lagProbe measures fan-out lag: after a post is accepted, it polls the home timelines
// of a sample of the author's followers until the post appears. The lag is the time
// from the post's response to the response of the first poll that shows it: an upper
// bound, above the true lag by at most the poll interval then in force plus one
// round trip.
type lagProbe struct {
	a       *api
	rec     *recorder
	budget  *budget
	users   []*User
	sample  int
	every   time.Duration
	timeout time.Duration
	slots   chan struct{}
	last    atomic.Int64 // unix nanoseconds of the last probed post
	wg      sync.WaitGroup
	mu      struct {
		sync.Mutex
		hist                                       *hdrhistogram.Histogram
		posts, skipped, samples, seen, missed, cut int64
	}
}

func newLagProbe(a *api, rec *recorder, b *budget, users []*User, o Options) *lagProbe {
	p := &lagProbe{a: a, rec: rec, budget: b, users: users, sample: o.LagSample, every: o.LagEvery,
		timeout: o.LagTimeout, slots: make(chan struct{}, probeSlots)}
	p.mu.hist = newHist()
	return p
}

// maybeProbe probes the post id by author, accepted at accepted (after is its cursor,
// see homeLookup), unless a post was probed less than p.every ago or every slot is
// busy. roll picks the followers.
func (p *lagProbe) maybeProbe(ctx context.Context, author *User, id, after string, accepted time.Time, roll uint64) {
	if p.sample == 0 {
		return
	}
	last := p.last.Load()
	if accepted.UnixNano()-last < int64(p.every) || !p.last.CompareAndSwap(last, accepted.UnixNano()) {
		return
	}
	select {
	case p.slots <- struct{}{}:
	default:
		p.count(func() { p.mu.skipped++ })
		return
	}
	watchers := p.followers(author, roll)
	p.count(func() { p.mu.posts++; p.mu.samples += int64(len(watchers)) })
	var post sync.WaitGroup
	for _, w := range watchers {
		post.Add(1)
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer post.Done()
			p.watch(ctx, w, id, after, accepted)
		}()
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		post.Wait()
		<-p.slots
	}()
}

// followers picks up to p.sample of the author's followers, or the author (whose own
// home fan-out also fills) when nobody follows them.
func (p *lagProbe) followers(author *User, roll uint64) []*User {
	f := author.followers
	if len(f) == 0 {
		return []*User{author}
	}
	n := min(p.sample, len(f))
	out := make([]*User, 0, n)
	start := int(roll % uint64(len(f)))
	for i := range n {
		out = append(out, p.users[f[(start+i)%len(f)]])
	}
	return out
}

// watch polls u's home for the post id until it appears, the timeout passes, or ctx
// ends. after is the cursor of the post (see homeLookup).
func (p *lagProbe) watch(ctx context.Context, u *User, id, after string, accepted time.Time) {
	deadline := accepted.Add(p.timeout)
	for wait := time.Duration(0); ; wait = min(max(pollFirst, 2*wait), pollMax) {
		if !sleepCtx(ctx, wait) {
			p.count(func() { p.mu.cut++ })
			return
		}
		seen, done, ok := p.poll(u, id, after)
		if !ok {
			p.count(func() { p.mu.cut++ })
			return
		}
		if seen {
			p.count(func() { p.mu.seen++; recordValue(p.mu.hist, done.Sub(accepted)) })
			return
		}
		if done.After(deadline) {
			p.count(func() { p.mu.missed++ })
			return
		}
	}
}

// poll looks for id in u's home once (a page or a few, each a recorded request); ok is
// false when the request cap ended it.
func (p *lagProbe) poll(u *User, id, after string) (seen bool, done time.Time, ok bool) {
	seen, err := homeLookup(id, after, func(path string) (reply, error) {
		if !p.budget.take() {
			return reply{}, errBudget
		}
		start := time.Now()
		r, err := p.a.send("GET", path, u.Token, nil, true)
		done = time.Now()
		p.rec.record(OpFanoutPoll, done.Sub(start), codeOf(r, err), err != nil || !r.ok())
		return r, err
	})
	return seen, done, !errors.Is(err, errBudget)
}

// errBudget ends a lookup when the request cap is reached.
var errBudget = errors.New("bench: request cap reached")

// Home lookups: how many statuses a page asks for, and how many pages one lookup reads.
const (
	lookupLimit = 40
	lookupPages = 4
)

// homeLookup reports whether a home timeline holds the status id, reading it in the
// server's own order: ids are opaque strings (integers on Mastodon and Herd, ULIDs on
// GoToSocial…), never parsed or compared here. after is a cursor the server gave out
// before the status was created (the id of a status whose creation was acknowledged
// well before the request that created this one was sent: see cursor); the lookup
// reads the pages just newer than it (min_id=after), oldest first, following
// rel="prev" while the pages are full. Without a cursor it reads the newest pages,
// following rel="next". At most lookupPages pages are read: a post further away is
// not seen by this lookup. get sends one GET and answers with the body; the lookup
// stops at the first error.
func homeLookup(id, after string, get func(path string) (reply, error)) (bool, error) {
	q, rel := url.Values{"limit": {strconv.Itoa(lookupLimit)}}, "next"
	if after != "" {
		q.Set("min_id", after)
		rel = "prev"
	}
	path := "/api/v1/timelines/home?" + q.Encode()
	for range lookupPages {
		r, err := get(path)
		if err != nil {
			return false, err
		}
		if !r.ok() {
			return false, nil
		}
		ids := listIDs(r.body)
		if slices.Contains(ids, id) {
			return true, nil
		}
		next, ok := linkQuery(r.link, rel)
		if len(ids) < lookupLimit || !ok {
			return false, nil
		}
		path = "/api/v1/timelines/home?" + next
	}
	return false, nil
}

// listIDs returns the ids of a JSON list of entities.
func listIDs(body []byte) []string {
	var list []entityID
	if json.Unmarshal(body, &list) != nil {
		return nil
	}
	ids := make([]string, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	return ids
}

func (p *lagProbe) count(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
}

// LagResult is the fan-out lag of the probed posts.
type LagResult struct {
	Posts        int64           `json:"posts"`           // posts probed
	Skipped      int64           `json:"skipped"`         // posts not probed: every slot busy
	Samples      int64           `json:"samples"`         // follower timelines watched
	Seen         int64           `json:"seen"`            // …where the post appeared
	Missed       int64           `json:"missed"`          // …where it had not appeared within the timeout
	Cut          int64           `json:"cut"`             // …given up when the run ended
	Polls        int64           `json:"polls"`           // home requests the probes sent
	PollFirstMs  float64         `json:"poll_first_ms"`   // poll back-off: first interval
	PollMaxMs    float64         `json:"poll_max_ms"`     // …and longest
	TimeoutS     float64         `json:"timeout_s"`       // a post not seen by then is missed
	Lag          Percentiles     `json:"lag"`             // from accepted to seen
	LagSpectrum  []SpectrumPoint `json:"lag_spectrum"`    // lag by percentile
	SampleFollow int             `json:"sample_per_post"` // followers watched per post
}

// finish waits for the probes still polling, cutting them off after grace, and
// summarises.
func (p *lagProbe) finish(cancel context.CancelFunc, grace time.Duration) LagResult {
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		cancel()
		<-done
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return LagResult{Posts: p.mu.posts, Skipped: p.mu.skipped, Samples: p.mu.samples, Seen: p.mu.seen,
		Missed: p.mu.missed, Cut: p.mu.cut, Polls: p.rec.ops[OpFanoutPoll].requests(),
		PollFirstMs: ms(pollFirst.Microseconds()), PollMaxMs: ms(pollMax.Microseconds()),
		TimeoutS: p.timeout.Seconds(), Lag: summarise(p.mu.hist), LagSpectrum: spectrum(p.mu.hist),
		SampleFollow: p.sample}
}

// sleepCtx sleeps for d unless ctx ends first; it reports whether ctx is still live.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// budget is the hard cap on requests in the measured phase.
type budget struct{ left atomic.Int64 }

func newBudget(n int64) *budget {
	b := &budget{}
	b.left.Store(n)
	return b
}

// take spends one request; false when the cap is reached.
func (b *budget) take() bool { return b.left.Add(-1) >= 0 }

// exhausted reports whether the cap has been reached.
func (b *budget) exhausted() bool { return b.left.Load() <= 0 }
