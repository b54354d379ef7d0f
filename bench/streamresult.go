package bench

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// StreamResult is what the streaming subscribers measured. Every expected event is
// received, missed or lost: Received + Missed + Lost == Expected.
type StreamResult struct {
	Subscribers   int              `json:"subscribers"`    // subscriptions opened
	Accounts      int              `json:"accounts"`       // distinct accounts they are for
	Connected     int              `json:"connected"`      // …that became live
	ConnectErrors int64            `json:"connect_errors"` // …that could not be opened
	ConnectCodes  map[string]int64 `json:"connect_codes,omitempty"`
	Dropped       int64            `json:"dropped"` // live subscriptions ended by anything but the run
	DropCodes     map[string]int64 `json:"drop_codes,omitempty"`
	ConnectS      float64          `json:"connect_s"` // until every subscription was live or had failed
	GraceS        float64          `json:"grace_s"`   // longest wait after the load for the last events
	Posts         int64            `json:"posts"`     // harness posts accepted during the run, tracked
	Untracked     int64            `json:"untracked,omitempty"`
	Expected      int64            `json:"expected"`   // (post, live subscriber following its author or being it) pairs
	Received      int64            `json:"received"`   // …whose update arrived
	Missed        int64            `json:"missed"`     // …whose update had not arrived by the end of the grace
	Lost          int64            `json:"lost"`       // …whose subscriber dropped before it arrived
	Early         int64            `json:"early"`      // received before the post's response arrived (latency 0)
	Unexpected    int64            `json:"unexpected"` // updates of harness posts to subscribers that do not follow the author
	Duplicates    int64            `json:"duplicates"` // updates a subscriber had already received
	Unmatched     int64            `json:"unmatched"`  // updates of statuses not posted by the run: seed posts, boosts, failed posts
	Latency       Percentiles      `json:"latency"`    // from the post's accept time to the update's arrival
	Spectrum      []SpectrumPoint  `json:"spectrum"`
}

// StreamError is an error of a subscription with a short code for the report:
// "status 401", "close 1008", "timeout", "transport"…
type StreamError struct {
	Code string
	Err  error
}

func (e *StreamError) Error() string { return e.Code + ": " + e.Err.Error() }
func (e *StreamError) Unwrap() error { return e.Err }

// errCode names the end of a subscription for the report.
func errCode(err error) string {
	var se *StreamError
	switch {
	case err == nil:
		return "closed"
	case errors.As(err, &se):
		return se.Code
	}
	return "error"
}

// codeList formats outcome counts, sorted: "close 1008×2, timeout×1".
func codeList(m map[string]int64) string {
	var out []string
	for c, n := range m {
		out = append(out, fmt.Sprintf("%s×%d", c, n))
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// ConnectCodeList and DropCodeList are the report's lists of why subscriptions
// failed or dropped.
func (s *StreamResult) ConnectCodeList() string { return codeList(s.ConnectCodes) }
func (s *StreamResult) DropCodeList() string    { return codeList(s.DropCodes) }

// streamSummary prints the streaming line of Summary.
func streamSummary(w io.Writer, s *StreamResult) error {
	if s == nil {
		return nil
	}
	l := s.Latency
	_, err := fmt.Fprintf(w, "streaming: %d subscribers on %d accounts (%d live in %.1fs, %d connect errors%s, %d dropped%s); "+
		"%d posts, events %d received of %d expected (%d missed, %d lost to drops, %d unexpected, %d duplicates); "+
		"post to event p50 %.2fms p90 %.2fms p99 %.2fms p99.9 %.2fms max %.2fms\n",
		s.Subscribers, s.Accounts, s.Connected, s.ConnectS, s.ConnectErrors, paren(s.ConnectCodeList()), s.Dropped,
		paren(s.DropCodeList()), s.Posts, s.Received, s.Expected, s.Missed, s.Lost, s.Unexpected, s.Duplicates,
		l.P50, l.P90, l.P99, l.P999, l.Max)
	return err
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// streamCompare prints the streaming counts of two runs for Compare; their
// latencies are a row of its table.
func streamCompare(w io.Writer, a, b *StreamResult) error {
	if a == nil && b == nil {
		return nil
	}
	line := func(s *StreamResult) string {
		if s == nil {
			return "no subscribers"
		}
		return fmt.Sprintf("%d subscribers, %d of %d events received, %d connect errors, %d dropped",
			s.Subscribers, s.Received, s.Expected, s.ConnectErrors, s.Dropped)
	}
	_, err := fmt.Fprintf(w, "streaming: A %s; B %s\n", line(a), line(b))
	return err
}

// orEmpty is s, or no streams for nil.
func orEmpty(s *StreamResult) *StreamResult {
	if s == nil {
		return &StreamResult{}
	}
	return s
}

// checkStreams verifies that every expected event is accounted for once and that
// the latency is of the received ones.
func checkStreams(s *StreamResult) error {
	if s == nil {
		return nil
	}
	var errs []error
	if s.Received+s.Missed+s.Lost != s.Expected {
		errs = append(errs, fmt.Errorf("streams: received %d + missed %d + lost %d != expected %d", s.Received, s.Missed, s.Lost, s.Expected))
	}
	if s.Latency.Count != s.Received {
		errs = append(errs, fmt.Errorf("streams: latency of %d events, %d received", s.Latency.Count, s.Received))
	}
	if int64(s.Connected)+s.ConnectErrors > int64(s.Subscribers) || s.Dropped > int64(s.Connected) {
		errs = append(errs, fmt.Errorf("streams: %d subscribers, %d connected, %d failed, %d dropped", s.Subscribers, s.Connected, s.ConnectErrors, s.Dropped))
	}
	return errors.Join(append(errs, checkPercentiles("post to event", s.Latency))...)
}
