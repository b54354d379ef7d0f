package bench

import (
	"fmt"
	"io"
	"time"
)

// status is what the progress line shows.
type status struct {
	elapsed                      time.Duration
	sent, done, inflight, errors int64
	last                         Point // the scenario's last complete second
}

// progress writes the progress line: rewritten in place on a terminal, else one line
// every progressEvery.
type progress struct {
	w       io.Writer
	inPlace bool
	total   time.Duration
	printed time.Duration
}

const progressEvery = 5 * time.Second

func newProgress(w io.Writer, inPlace bool, total time.Duration) *progress {
	return &progress{w: w, inPlace: inPlace, total: total}
}

func (p *progress) line(s status) string {
	rate := 0.0
	if s.last.Seconds > 0 {
		rate = float64(s.last.Requests) / s.last.Seconds
	}
	return fmt.Sprintf("%3.0fs/%.0fs  sent %d  done %d  in flight %d  errors %d  | last second: %.0f req/s  p50 %.1fms  p99 %.1fms",
		s.elapsed.Seconds(), p.total.Seconds(), s.sent, s.done, s.inflight, s.errors, rate, s.last.P50, s.last.P99)
}

func (p *progress) update(s status) {
	switch {
	case p.w == nil:
	case p.inPlace:
		fmt.Fprintf(p.w, "\r\x1b[K%s", p.line(s))
	case s.elapsed-p.printed >= progressEvery:
		p.printed = s.elapsed
		fmt.Fprintln(p.w, p.line(s))
	}
}

// finish ends the progress output with the final state.
func (p *progress) finish(s status) {
	if p.w == nil {
		return
	}
	if p.inPlace {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	fmt.Fprintln(p.w, p.line(s))
}
