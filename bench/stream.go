package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Streamer is the extension point for streaming subscribers (GET /api/v1/streaming),
// out of scope until Herd has a streaming API. When Options.Streamer is set and the
// scenario's Subscribers share is positive, the run subscribes that share of the
// population before the measured phase and cancels ctx when it ends. Subscribe holds
// one subscription for u until ctx ends, calling seen for every status delivered; a
// later change can feed those deliveries to the fan-out lag alongside the polls.
type Streamer interface {
	Subscribe(ctx context.Context, target string, u *User, seen func(statusID string, at time.Time)) error
}

// StreamResult counts what the subscribers received.
type StreamResult struct {
	Subscribers int   `json:"subscribers"`
	Delivered   int64 `json:"delivered"`
	Failed      int64 `json:"failed"` // subscriptions that ended with an error
}

// startStreams starts the scenario's subscribers, if any; the returned function stops
// them and counts what they received.
func (r *runner) startStreams(ctx context.Context) func() *StreamResult {
	n := int(r.scen.Subscribers * float64(len(r.pop.users)))
	if r.o.Streamer == nil || n == 0 {
		return func() *StreamResult { return nil }
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var delivered, failed atomic.Int64
	for _, u := range r.pop.users[:n] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := r.o.Streamer.Subscribe(ctx, r.o.Target, u, func(string, time.Time) { delivered.Add(1) })
			if err != nil && ctx.Err() == nil {
				failed.Add(1)
			}
		}()
	}
	return func() *StreamResult {
		cancel()
		wg.Wait()
		return &StreamResult{Subscribers: n, Delivered: delivered.Load(), Failed: failed.Load()}
	}
}
