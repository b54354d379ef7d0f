package bench

import (
	"maps"
	"math"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram range: 1µs to 60s at 3 significant figures, recorded in microseconds.
const (
	histLowest  = 1
	histHighest = 60_000_000
	histSigFigs = 3
)

func newHist() *hdrhistogram.Histogram {
	return hdrhistogram.New(histLowest, histHighest, histSigFigs)
}

// recordValue records d, clamped into the histogram's range.
func recordValue(h *hdrhistogram.Histogram, d time.Duration) {
	us := min(max(d.Microseconds(), histLowest), histHighest)
	_ = h.RecordValue(us) // cannot fail: the value is in range
}

// opRecorder accumulates one operation's outcomes: over the whole run, and over the
// current one-second interval for the latency-over-time series.
type opRecorder struct {
	mu struct {
		sync.Mutex
		total, interval  *hdrhistogram.Histogram
		requests, errors int64
		iRequests, iErrs int64
		codes            map[string]int64
		timeline         []Point
	}
}

func newOpRecorder() *opRecorder {
	r := &opRecorder{}
	r.mu.total, r.mu.interval, r.mu.codes = newHist(), newHist(), map[string]int64{}
	return r
}

func (r *opRecorder) record(d time.Duration, code string, failed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	recordValue(r.mu.total, d)
	recordValue(r.mu.interval, d)
	r.mu.requests++
	r.mu.iRequests++
	r.mu.codes[code]++
	if failed {
		r.mu.errors++
		r.mu.iErrs++
	}
}

// closeInterval appends the interval ending at t (seconds since the start, the
// interval's length being t minus the previous end) to the timeline and starts the
// next. An empty interval is dropped when keepEmpty is false.
func (r *opRecorder) closeInterval(t float64, keepEmpty bool) Point {
	r.mu.Lock()
	defer r.mu.Unlock()
	prev := 0.0
	if n := len(r.mu.timeline); n > 0 {
		prev = r.mu.timeline[n-1].T
	}
	p := Point{T: t, Seconds: round3(t - prev), Requests: r.mu.iRequests, Errors: r.mu.iErrs}
	if r.mu.iRequests > 0 {
		h := r.mu.interval
		p.P50, p.P99, p.Max = ms(h.ValueAtQuantile(50)), ms(h.ValueAtQuantile(99)), ms(h.Max())
	}
	if (r.mu.iRequests > 0 || keepEmpty) && p.Seconds > 0 {
		r.mu.timeline = append(r.mu.timeline, p)
	}
	r.mu.interval.Reset()
	r.mu.iRequests, r.mu.iErrs = 0, 0
	return p
}

// lastPoint is the latest interval of the timeline.
func (r *opRecorder) lastPoint() Point {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.mu.timeline); n > 0 {
		return r.mu.timeline[n-1]
	}
	return Point{}
}

func (r *opRecorder) requests() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.mu.requests
}

// result summarises the operation over elapsed seconds.
func (r *opRecorder) result(op Op, elapsed float64) OpResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := OpResult{Op: op, Requests: r.mu.requests, Errors: r.mu.errors, Codes: maps.Clone(r.mu.codes),
		Latency: summarise(r.mu.total), Spectrum: spectrum(r.mu.total), Timeline: r.mu.timeline}
	if elapsed > 0 {
		res.Throughput = round3(float64(r.mu.requests) / elapsed)
	}
	return res
}

// recorder holds a recorder per operation and one for all of the scenario's operations.
type recorder struct {
	ops map[Op]*opRecorder // fixed at construction: read without a lock
	all *opRecorder
}

func newRecorder() *recorder {
	r := &recorder{ops: map[Op]*opRecorder{}, all: newOpRecorder()}
	for _, op := range recordedOps {
		r.ops[op] = newOpRecorder()
	}
	return r
}

// record counts one request of op that took d (from its intended start) and ended
// with code; failed marks errors.
func (r *recorder) record(op Op, d time.Duration, code string, failed bool) {
	r.ops[op].record(d, code, failed)
	if op != OpFanoutPoll {
		r.all.record(d, code, failed)
	}
}

// tick closes every interval at t; it returns the scenario-wide point. The final
// tick (of a partial second) drops empty intervals.
func (r *recorder) tick(t float64, final bool) Point {
	for _, o := range r.ops {
		o.closeInterval(t, !final)
	}
	return r.all.closeInterval(t, !final)
}

// results lists the operations that saw requests, in report order, and the total.
func (r *recorder) results(elapsed float64) (ops []OpResult, total OpResult) {
	for _, op := range recordedOps {
		res := r.ops[op].result(op, elapsed)
		if res.Requests > 0 {
			ops = append(ops, res)
		}
	}
	return ops, r.all.result("total", elapsed)
}

// Percentiles are latency (or lag) percentiles in milliseconds.
type Percentiles struct {
	Count int64   `json:"count"`
	Min   float64 `json:"min_ms"`
	Mean  float64 `json:"mean_ms"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	P999  float64 `json:"p99_9_ms"`
	Max   float64 `json:"max_ms"`
}

func summarise(h *hdrhistogram.Histogram) Percentiles {
	if h.TotalCount() == 0 {
		return Percentiles{}
	}
	return Percentiles{Count: h.TotalCount(), Min: ms(h.Min()), Mean: round3(h.Mean() / 1000),
		P50: ms(h.ValueAtQuantile(50)), P90: ms(h.ValueAtQuantile(90)), P99: ms(h.ValueAtQuantile(99)),
		P999: ms(h.ValueAtQuantile(99.9)), Max: ms(h.Max())}
}

// SpectrumPoint is one point of a latency-by-percentile curve.
type SpectrumPoint struct {
	Percentile float64 `json:"percentile"`
	Ms         float64 `json:"ms"`
}

// spectrum samples the histogram at percentiles 1-10^-x for x in steps of 0.1, up to
// the resolution the count supports, then the maximum: the classic HDR plot.
func spectrum(h *hdrhistogram.Histogram) []SpectrumPoint {
	n := h.TotalCount()
	if n == 0 {
		return nil
	}
	top := min(math.Log10(float64(n)), 6)
	var out []SpectrumPoint
	for x := 0.0; x < top; x += 0.1 {
		q := 100 * (1 - math.Pow(10, -x))
		out = append(out, SpectrumPoint{Percentile: round3(q), Ms: ms(h.ValueAtQuantile(q))})
	}
	return append(out, SpectrumPoint{Percentile: 100, Ms: ms(h.Max())})
}

// Point is one second of the latency-over-time series: requests that completed in the
// interval ending at T (seconds since the start), and their latency.
type Point struct {
	T       float64 `json:"t"`
	Seconds float64 `json:"s"` // the interval's length: 1 but for the last

	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	P50      float64 `json:"p50_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
}

// ms converts a histogram value in microseconds to milliseconds.
func ms(us int64) float64 { return round3(float64(us) / 1000) }

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
