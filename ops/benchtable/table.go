package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// metric is one figure of one Go benchmark.
type metric struct {
	Pkg   string // the package, as go test takes it: "./api/"
	Bench string // the name after "Benchmark", sub-benchmarks included: "ApplyEach/apply-each"
	Unit  string // the metric's unit as the benchmark reports it: "reads/s"
	Time  string // -benchtime: "1000x", "2s"
}

func (m metric) String() string {
	return fmt.Sprintf("%s Benchmark%s %s (-benchtime %s)", m.Pkg, m.Bench, m.Unit, m.Time)
}

// goal is what a row aims at: a share of the limit (OfLimit) or a figure of Herd's own,
// at least Min and at most Max (0: no bound).
type goal struct {
	OfLimit  bool
	Min, Max float64
}

// text prints the goal; unit is the figure's, for a goal on the figure itself.
func (g goal) text(unit string) string {
	var parts []string
	bound := func(v float64) string { return number(v) + " " + unit }
	if g.OfLimit {
		bound = func(v float64) string { return percent(v) + " of limit" }
	}
	if g.Min > 0 {
		parts = append(parts, ">= "+bound(g.Min))
	}
	if g.Max > 0 {
		parts = append(parts, "<= "+bound(g.Max))
	}
	return strings.Join(parts, ", ")
}

// met says whether the figure (or its ratio to the limit) reaches the goal.
func (g goal) met(value, ratio float64, hasRatio bool) (ok, known bool) {
	v := value
	if g.OfLimit {
		if !hasRatio {
			return false, false
		}
		v = ratio
	}
	return (g.Min <= 0 || v >= g.Min) && (g.Max <= 0 || v <= g.Max), true
}

// row is one line of the performance table.
type row struct {
	Name  string
	Herd  metric
	Limit *metric  // nil: the row has no limit to compare with
	Goal  goal     // on Herd's figure, or on its share of the limit
	Needs []string // environment variables naming engines the benchmarks need
}

// run is one benchmark run's outcome: its output, parsed, or why there is none.
type run struct {
	results []*benchfmt.Result
	skipped string // the benchmark skipped itself: its reason
	err     error  // it failed, or its package did not build
}

// runner runs Go benchmarks for the table; the real one builds and runs test
// binaries (runner.go), the tests hand it canned output.
type runner interface {
	// has reports whether pkg has the top-level benchmark Benchmark<name>.
	has(pkg, name string) (bool, error)
	// bench runs m's benchmark and returns its standard output.
	bench(m metric) ([]byte, error)
}

// parse reads go test -bench output: the results, and the reason of a benchmark that
// skipped itself (printed with -test.v).
func parse(out []byte) ([]*benchfmt.Result, string, error) {
	var results []*benchfmt.Result
	r := benchfmt.NewReader(bytes.NewReader(withoutAnnouncements(out)), "go test")
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.Result:
			results = append(results, rec.Clone())
		case *benchfmt.SyntaxError:
			return nil, "", rec
		}
	}
	if err := r.Err(); err != nil {
		return nil, "", err
	}
	return results, skipReason(out), nil
}

// withoutAnnouncements drops the lines that only name a benchmark, which -test.v
// prints as it starts one: benchfmt would take them for results without figures.
func withoutAnnouncements(out []byte) []byte {
	var kept [][]byte
	for _, l := range bytes.SplitAfter(out, []byte("\n")) {
		if f := bytes.Fields(l); len(f) == 1 && bytes.HasPrefix(f[0], []byte("Benchmark")) {
			continue
		}
		kept = append(kept, l)
	}
	return bytes.Join(kept, nil)
}

// skipReason is the first log line under "--- SKIP:", or "" when nothing skipped.
func skipReason(out []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if !strings.HasPrefix(strings.TrimSpace(sc.Text()), "--- SKIP:") {
			continue
		}
		if sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if _, msg, ok := strings.Cut(line, ": "); ok && strings.Contains(line, ".go:") {
				return msg
			}
			return line
		}
		return "skipped"
	}
	return ""
}

// value finds m's figure among results: the mean over the results named m.Bench (any
// GOMAXPROCS), matching the unit as printed or as benchfmt tidies it (ns → sec).
func value(results []*benchfmt.Result, m metric) (float64, bool) {
	sum, n := 0.0, 0
	for _, r := range results {
		if withoutProcs(r.Name) != m.Bench {
			continue
		}
		for _, v := range r.Values {
			if v.Unit == m.Unit {
				sum, n = sum+v.Value, n+1
			} else if v.OrigUnit == m.Unit {
				sum, n = sum+v.OrigValue, n+1
			}
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// withoutProcs is a result's name without its -GOMAXPROCS suffix.
func withoutProcs(n benchfmt.Name) string {
	base, parts := n.Parts()
	name := string(base)
	for _, p := range parts {
		if !bytes.HasPrefix(p, []byte("-")) {
			name += string(p)
		}
	}
	return name
}

// line is one measured row.
type line struct {
	row
	herd, limit string  // the figures as printed, or why not measured
	ratio       string  // "" without one
	status      string  // "met", "not yet", or "" when not measured
	failed      bool    // a benchmark failed (not merely absent or unconfigured)
	herdValue   float64 // for the tests
}

// table runs the rows' benchmarks through r, each benchmark once (the rows that share
// one reuse its run), Herd's figure first and its limit right after.
type table struct {
	r    runner
	runs map[metric]*run
	env  func(string) string
	log  io.Writer // progress, one line per benchmark run
}

func newTable(r runner, env func(string) string, log io.Writer) *table {
	return &table{r: r, runs: map[metric]*run{}, env: env, log: log}
}

// measure measures one row.
func (t *table) measure(rw row) line {
	l := line{row: rw}
	for _, e := range rw.Needs {
		if t.env(e) == "" {
			l.herd = "not measured: " + e + " is not set"
			return l
		}
	}
	hv, ok, why, failed := t.figure(rw.Herd)
	if !ok {
		l.herd, l.failed = "not measured: "+why, failed
		return l
	}
	l.herdValue = hv
	l.herd = number(hv) + " " + rw.Herd.Unit
	var lv float64
	hasLimit := false
	if rw.Limit != nil {
		v, ok, why, failed := t.figure(*rw.Limit)
		if ok {
			lv, hasLimit = v, true
			l.limit = number(v) + " " + rw.Limit.Unit
		} else {
			l.limit, l.failed = "not measured: "+why, failed
		}
	}
	ratio := 0.0
	if hasLimit && lv > 0 {
		ratio = hv / lv
		l.ratio = percent(ratio)
	}
	switch met, known := rw.Goal.met(hv, ratio, hasLimit && lv > 0); {
	case !known:
	case met:
		l.status = "met"
	default:
		l.status = "not yet"
	}
	return l
}

// figure is m's value, or why there is none and whether that is a failure.
func (t *table) figure(m metric) (v float64, ok bool, why string, failed bool) {
	top, _, _ := strings.Cut(m.Bench, "/")
	key := m
	key.Unit = "" // one run serves every metric of a benchmark
	rn, seen := t.runs[key]
	if !seen {
		rn = t.run(m, top)
		t.runs[key] = rn
	}
	switch {
	case rn.err != nil:
		var a absent
		return 0, false, rn.err.Error(), !errors.As(rn.err, &a)
	case rn.skipped != "":
		return 0, false, "Benchmark" + top + " skipped: " + rn.skipped, false
	}
	if v, ok := value(rn.results, m); ok {
		return v, true, "", false
	}
	return 0, false, fmt.Sprintf("no %s from Benchmark%s", m.Unit, m.Bench), true
}

// absent is the error of a benchmark that does not exist (yet): not a failure.
type absent struct{ pkg, name string }

func (a absent) Error() string { return "no Benchmark" + a.name + " in " + a.pkg }

func (t *table) run(m metric, top string) *run {
	has, err := t.r.has(m.Pkg, top)
	if err != nil {
		return &run{err: err}
	}
	if !has {
		return &run{err: absent{m.Pkg, top}}
	}
	fmt.Fprintf(t.log, "benchtable: %s\n", m)
	out, err := t.r.bench(m)
	if err != nil {
		return &run{err: fmt.Errorf("Benchmark%s failed: %v", m.Bench, err)}
	}
	results, skipped, err := parse(out)
	if err != nil {
		return &run{err: fmt.Errorf("Benchmark%s: %v", m.Bench, err)}
	}
	return &run{results: results, skipped: skipped}
}

// render prints the table and, under it, which benchmark measures each figure.
func render(w io.Writer, lines []line) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "row\tHerd\tlimit (same run)\tratio\tgoal\t")
	for _, l := range lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.Name, l.herd, dash(l.limit, l.Limit != nil), dash(l.ratio, l.Limit != nil),
			l.Goal.text(l.Herd.Unit), l.status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nmeasured by:")
	for _, l := range lines {
		by := l.Herd.String()
		if l.Limit != nil {
			by += "; limit: " + l.Limit.String()
		}
		if len(l.Needs) > 0 {
			by += "; needs " + strings.Join(l.Needs, ", ")
		}
		if _, err := fmt.Fprintf(w, "  %s: %s\n", l.Name, by); err != nil {
			return err
		}
	}
	return nil
}

func dash(s string, applies bool) string {
	if s == "" || !applies {
		return "-"
	}
	return s
}

var printer = message.NewPrinter(language.English)

// number prints a figure with thousands separators and about three significant
// digits, without a fraction when it has none.
func number(v float64) string {
	switch a := max(v, -v); {
	case a >= 100 || a == float64(int64(a)):
		return printer.Sprintf("%.0f", v)
	case a >= 10:
		return printer.Sprintf("%.1f", v)
	default:
		return printer.Sprintf("%.2f", v)
	}
}

// percent prints a ratio as a percentage, with more digits for small ones.
func percent(r float64) string {
	switch p := 100 * r; {
	case p >= 10:
		return printer.Sprintf("%.0f%%", p)
	case p >= 1:
		return printer.Sprintf("%.1f%%", p)
	default:
		return printer.Sprintf("%.2f%%", p)
	}
}

// selectRows keeps the rows whose name contains any of the comma-separated words (all
// rows for "").
func selectRows(all []row, words string) []row {
	if strings.TrimSpace(words) == "" {
		return all
	}
	var out []row
	for _, r := range all {
		if slices.ContainsFunc(strings.Split(words, ","), func(w string) bool {
			w = strings.TrimSpace(w)
			return w != "" && strings.Contains(r.Name, w)
		}) {
			out = append(out, r)
		}
	}
	return out
}
