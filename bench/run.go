package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Why a measured phase ended.
const (
	StopDuration    = "duration"
	StopRequestCap  = "request cap"
	StopInterrupted = "interrupted"
	// StopNoLoad: the scenario has no operations (limits), so nothing was loaded.
	StopNoLoad = "no load"
)

// Run builds the population on the target, drives the scenario for the duration, and
// returns what it measured. An interrupted run (ctx cancelled during the measured
// phase) still returns its result, with Stopped set to StopInterrupted.
func Run(ctx context.Context, o Options) (*Result, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if err := checkTarget(ctx, o.Target, o.AllowRemote); err != nil {
		return nil, err
	}
	a := newAPI(o.Client, o.Target, o.Timeout, o.SetupRetry)
	pop, setupRes, err := setup(ctx, a, o)
	if err != nil {
		return nil, err
	}
	r := newRunner(a, o, pop)
	res := r.run(ctx)
	res.Setup = setupRes
	if d := limitsFor(o); d > 0 && ctx.Err() == nil {
		o.Log.Info("bench: measuring this machine's limits", "each", d)
		res.Limits = measureLimits(ctx, a, o, homeUser(pop.users), d)
	}
	return res, nil
}

// limitsFor is how long each of this machine's ceilings is measured: a third of the
// duration for the limits scenario, else Options.Limits.
func limitsFor(o Options) time.Duration {
	if len(Scenarios()[o.Scenario].Mix) == 0 {
		return o.Duration / 3
	}
	return max(o.Limits, 0)
}

// homeUser is the account whose home page sizes the HTTP ceiling: the one that
// follows the most accounts (its home is the fullest), nil without any.
func homeUser(users []*User) *User {
	follows := make([]int, len(users))
	for _, u := range users {
		for _, f := range u.followers {
			follows[f]++
		}
	}
	best := -1
	for i := range users {
		if best < 0 || follows[i] > follows[best] {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	return users[best]
}

// runner drives the measured phase.
type runner struct {
	o      Options
	a      *api
	pop    *population
	scen   Scenario
	pick   picker
	rec    *recorder
	budget *budget
	probe  *lagProbe
	// streams tracks the posts' deliveries to streaming subscribers; nil without any.
	streams *streamTracker
	// probeCtx outlives the load by a grace period, so probes of the last posts finish.
	probeCtx                   context.Context
	sent, done, inflight, errs atomic.Int64
}

func newRunner(a *api, o Options, pop *population) *runner {
	scen := Scenarios()[o.Scenario]
	r := &runner{o: o, a: a, pop: pop, scen: scen, pick: newPicker(scen.Mix), rec: newRecorder(),
		budget: newBudget(o.MaxRequests)}
	r.probe = newLagProbe(a, r.rec, r.budget, pop.users, o)
	return r
}

// job is one scheduled request: its operation, user, a roll for the operation's own
// choices, and the time it was meant to start.
type job struct {
	op       Op
	user     *User
	roll     uint64
	intended time.Time
}

func (r *runner) newJob(rng *rand.Rand, intended time.Time) job {
	return job{op: r.pick.pick(rng.Float64()), user: r.pop.users[rng.IntN(len(r.pop.users))],
		roll: rng.Uint64(), intended: intended}
}

func (r *runner) run(ctx context.Context) *Result {
	probeCtx, cancelProbes := context.WithCancel(ctx)
	defer cancelProbes()
	r.probeCtx = probeCtx
	subs := r.startStreams(ctx)
	sentBefore := r.a.sent.Load()
	start := time.Now()
	end := start.Add(r.o.Duration)
	prog := newProgress(r.o.Progress, r.o.ProgressInPlace, r.o.Duration)
	stopTicks := r.tick(start, prog)
	var stopped string
	switch {
	case len(r.scen.Mix) == 0:
		stopped = StopNoLoad
	case r.o.Closed > 0:
		stopped = r.closedLoop(ctx, end)
	default:
		stopped = r.openLoop(ctx, start, end)
	}
	elapsed := time.Since(start).Seconds()
	lag := r.probe.finish(cancelProbes, min(r.o.LagTimeout, 5*time.Second))
	streams := subs.stop(streamGrace(r.o))
	stopTicks()
	r.rec.tick(round3(time.Since(start).Seconds()), true)
	prog.finish(r.status(start, r.rec.all.lastPoint()))
	res := &Result{Schema: resultSchema, Target: r.o.Target, Scenario: r.scen, Client: "fasthttp",
		Started: start.UTC(), DurationS: r.o.Duration.Seconds(), ElapsedS: round3(elapsed), Stopped: stopped,
		MaxRequests: r.o.MaxRequests, Requests: r.a.sent.Load() - sentBefore, FanoutLag: lag, Streams: streams}
	if r.o.Closed > 0 {
		res.Mode, res.Workers = "closed", r.o.Closed
	} else {
		res.Mode, res.Rate = "open", r.o.Rate
	}
	res.Ops, res.Total = r.rec.results(elapsed)
	for _, op := range res.Ops {
		res.Errors += op.Errors
	}
	return res
}

// openLoop starts requests at Rate per second on a fixed schedule until end, whether or
// not earlier requests have answered (up to MaxInFlight at once). Latency is measured
// from each request's scheduled start, so a stall shows in every request it delays
// instead of silently lowering the rate (no coordinated omission).
func (r *runner) openLoop(ctx context.Context, start, end time.Time) string {
	rng := rand.New(rand.NewPCG(r.o.Seed, 2))
	slots := make(chan struct{}, r.o.MaxInFlight)
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := 0; ; i++ {
		intended := start.Add(time.Duration(float64(i) * float64(time.Second) / r.o.Rate))
		if !intended.Before(end) {
			return StopDuration
		}
		if !sleepCtx(ctx, time.Until(intended)) {
			return StopInterrupted
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return StopInterrupted
		}
		if !r.budget.take() {
			return StopRequestCap
		}
		j := r.newJob(rng, intended)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			r.one(j)
		}()
	}
}

// closedLoop runs Closed workers, each sending its next request when the previous one
// answers, until end: the throughput the server sustains at that concurrency.
func (r *runner) closedLoop(ctx context.Context, end time.Time) string {
	var wg sync.WaitGroup
	var capped atomic.Bool
	for w := range r.o.Closed {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(r.o.Seed, uint64(3+w)))
			for ctx.Err() == nil && time.Now().Before(end) {
				if !r.budget.take() {
					capped.Store(true)
					return
				}
				r.one(r.newJob(rng, time.Now()))
			}
		}()
	}
	wg.Wait()
	switch {
	case ctx.Err() != nil:
		return StopInterrupted
	case capped.Load():
		return StopRequestCap
	}
	return StopDuration
}

// one runs a job and records it.
func (r *runner) one(j job) {
	r.sent.Add(1)
	r.inflight.Add(1)
	out := r.exec(j)
	failed := out.err != nil || !out.reply.ok()
	r.rec.record(out.op, out.done.Sub(j.intended), codeOf(out.reply, out.err), failed)
	r.inflight.Add(-1)
	r.done.Add(1)
	if failed {
		r.errs.Add(1)
	}
	if out.posted != "" {
		if r.streams != nil {
			r.streams.posted(j.user, out.posted, out.done)
		}
		r.pop.recent.add(out.posted)
		r.probe.maybeProbe(r.probeCtx, j.user, out.posted, out.after, out.done, j.roll)
	}
}

// tick closes the one-second intervals of the time series and updates the progress
// line, until the returned function is called.
func (r *runner) tick(start time.Time, prog *progress) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for k := 1; ; k++ {
			select {
			case <-done:
				return
			case <-t.C:
				prog.update(r.status(start, r.rec.tick(float64(k), false)))
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func (r *runner) status(start time.Time, last Point) status {
	return status{elapsed: time.Since(start), sent: r.sent.Load(), done: r.done.Load(),
		inflight: r.inflight.Load(), errors: r.errs.Load(), last: last}
}
