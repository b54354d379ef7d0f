package bench

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// Streaming subscribers: before the measured phase, the run opens Options.Subscribers
// (or the scenario's share of the population) subscriptions to the `user` stream of
// accounts of the population, waits until the server holds every one, and keeps them
// open through the run. Every post the harness makes is recorded with its accept time
// (when its response arrived) and the subscribers that should receive it: those
// subscribed as a follower of its author, or as the author (whose home takes its own
// posts). Each subscriber records when the `update` carrying the post's id arrives;
// the post-to-event latency is the difference. See streamTracker for the counts.

// MaxSubscribers bounds the streaming subscriptions of a run.
const MaxSubscribers = 5_000

// connectLimit bounds the connect phase: no subscription is started after it (each
// one started may take Options.Timeout more), and those never started count as
// connect errors.
const connectLimit = time.Minute

// Streamer opens streaming subscriptions; WebSocketStreamer is the default, and tests
// may substitute their own.
type Streamer interface {
	// Subscribe opens a subscription to the `user` stream of u on target and holds it
	// until ctx ends. It calls ev.Ready once the server holds the subscription (events
	// published from then on will be delivered), then ev.Update for each `update`
	// event with the id of the status it carries and the time the frame arrived.
	// It returns nil when ctx ended it, an error when the subscription could not be
	// opened (Ready not called: a connection error) or was ended by anything else
	// (Ready called: a dropped connection). errCode names an error for the report.
	Subscribe(ctx context.Context, target string, u *User, ev StreamEvents) error
}

// StreamEvents are the callbacks of a subscription; both may be called from the
// subscription's goroutine only.
type StreamEvents struct {
	Ready  func()
	Update func(statusID string, at time.Time)
}

// subscriberCount is how many subscriptions a run holds: Options.Subscribers when
// positive, none when negative, else the scenario's share of the population
// (at most MaxSubscribers).
func subscriberCount(o Options, scen Scenario, accounts int) int {
	switch {
	case o.Subscribers < 0 || accounts == 0:
		return 0
	case o.Subscribers > 0:
		return o.Subscribers
	}
	return min(MaxSubscribers, int(scen.Subscribers*float64(accounts)+0.5))
}

// subscriberUsers picks the accounts of n subscribers: a seeded shuffle of the
// population, wrapping round (several connections to one account) when n exceeds it.
func subscriberUsers(users []*User, n int, seed uint64) []*User {
	perm := rand.New(rand.NewPCG(seed, 4)).Perm(len(users))
	out := make([]*User, n)
	for i := range out {
		out[i] = users[perm[i%len(perm)]]
	}
	return out
}

// streams are the running subscriptions of a run.
type streams struct {
	t       *streamTracker
	ctx     context.Context // the subscriptions'; it ends with the run's
	cancel  context.CancelFunc
	ended   sync.WaitGroup
	connect float64 // seconds until every subscription was live or had failed
}

// startStreams opens the run's subscriptions, at most SetupConcurrency connecting at
// once, and returns when each is live or has failed; nil when the run has none.
func (r *runner) startStreams(ctx context.Context) *streams {
	n := subscriberCount(r.o, r.scen, len(r.pop.users))
	if n == 0 || r.o.Streamer == nil {
		return nil
	}
	subs := subscriberUsers(r.pop.users, n, r.o.Seed)
	s := &streams{t: newStreamTracker(r.pop.users, subs)}
	s.ctx, s.cancel = context.WithCancel(ctx)
	ctx = s.ctx
	start := time.Now()
	slots := make(chan struct{}, r.o.SetupConcurrency)
	var settled sync.WaitGroup
	for i, u := range subs {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		if time.Since(start) > connectLimit {
			<-slots
			s.t.notStarted(len(subs) - i)
			break
		}
		settled.Add(1)
		s.ended.Add(1)
		go func() {
			defer s.ended.Done()
			var once sync.Once
			settle := func() { once.Do(func() { <-slots; settled.Done() }) }
			err := r.o.Streamer.Subscribe(ctx, r.o.Target, u, StreamEvents{
				Ready:  func() { s.t.live(i); settle() },
				Update: func(id string, at time.Time) { s.t.seen(i, id, at) },
			})
			s.t.ended(i, err, ctx.Err() != nil)
			settle()
		}()
	}
	settled.Wait()
	s.connect = round3(time.Since(start).Seconds())
	r.streams = s.t
	return s
}

// streamGrace is the longest a run waits, after the load, for the events of its last
// posts.
func streamGrace(o Options) time.Duration { return min(o.LagTimeout, 5*time.Second) }

// stop waits up to grace (unless the run was interrupted) for the events still
// expected, closes the subscriptions, and summarises.
func (s *streams) stop(grace time.Duration) *StreamResult {
	if s == nil {
		return nil
	}
	deadline := time.Now().Add(grace)
	for s.t.outstanding() > 0 && time.Now().Before(deadline) && s.ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	s.cancel()
	s.ended.Wait()
	res := s.t.result()
	res.ConnectS, res.GraceS = s.connect, grace.Seconds()
	return res
}
