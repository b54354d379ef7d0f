package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRunner answers from canned go test output, keyed by package and benchmark.
type fakeRunner struct {
	out  map[string]string // "pkg Name" → stdout
	fail map[string]error  // "pkg Name" → the run's error
	runs []string
}

func (f *fakeRunner) has(pkg, name string) (bool, error) {
	for k := range f.out {
		p, n, _ := strings.Cut(k, " ")
		if top, _, _ := strings.Cut(n, "/"); p == pkg && top == name {
			return true, nil
		}
	}
	_, failing := f.fail[pkg+" "+name]
	return failing, nil
}

func (f *fakeRunner) bench(m metric) ([]byte, error) {
	f.runs = append(f.runs, m.Pkg+" "+m.Bench)
	if err := f.fail[m.Pkg+" "+m.Bench]; err != nil {
		return nil, err
	}
	return []byte(f.out[m.Pkg+" "+m.Bench]), nil
}

const header = "goos: linux\ngoarch: amd64\npkg: github.com/herd-social/herd/api\ncpu: AMD EPYC\n"

var canned = map[string]string{
	"./api/ HomeRead": header + "BenchmarkHomeRead\nBenchmarkHomeRead-2   \t    1000\t   333333 ns/op\t      3000 reads/s\t        12.50 p99-ms\nPASS\n",
	"./api/ LimitBareHome": header +
		"BenchmarkLimitBareHome-2   \t    5000\t    31746 ns/op\t     31500 reads/s\t         0.800 p99-ms\nPASS\n",
	"./activitypub/ SignedDelivery": "BenchmarkSignedDelivery-2 \t 1000\t 1923076 ns/op\t 520.0 deliveries/s\n",
	"./activitypub/ LimitSign":      "BenchmarkLimitSign-2 \t 3800\t 526315 ns/op\t 1900 signs/s\n",
	"./store/scylla/ ApplyEach/apply-each": "BenchmarkApplyEach\n--- SKIP: BenchmarkApplyEach\n" +
		"    scylla_test.go:298: HERD_CASSANDRA is not set\nPASS\n",
	"./fanout/ Fanout1k": "BenchmarkFanout1k-2 \t 3\t 2000000 ns/op\t 480000 inserts/s\n",
	"./delivery/ Deliver/hosts=16": "BenchmarkDeliver\nBenchmarkDeliver/hosts=1\nBenchmarkDeliver/hosts=1-2 \t 100\t 10 ns/op\t 1000 deliveries/s\n" +
		"BenchmarkDeliver/hosts=16-2 \t 100\t 10 ns/op\t 4000 deliveries/s\n",
}

func testRows() []row {
	return []row{
		{Name: "home read", Herd: metric{"./api/", "HomeRead", "reads/s", "1000x"},
			Limit: &metric{"./api/", "LimitBareHome", "reads/s", "5000x"}, Goal: goal{OfLimit: true, Min: 0.5}},
		{Name: "home read p99", Herd: metric{"./api/", "HomeRead", "p99-ms", "1000x"},
			Limit: &metric{"./api/", "LimitBareHome", "p99-ms", "5000x"}, Goal: goal{Max: 5}},
		{Name: "home read time", Herd: metric{"./api/", "HomeRead", "ns/op", "1000x"}, Goal: goal{Max: 400000}},
		{Name: "posting", Herd: metric{"./api/", "Post", "posts/s", "1000x"}, Goal: goal{Min: 5000}},
		{Name: "signed deliveries", Herd: metric{"./activitypub/", "SignedDelivery", "deliveries/s", "1000x"},
			Limit: &metric{"./activitypub/", "LimitSign", "signs/s", "2s"}, Goal: goal{OfLimit: true, Min: 0.8}},
		{Name: "cluster fan-out", Herd: metric{"./fanout/", "Fanout1k", "inserts/s", "3x"},
			Limit: &metric{"./store/scylla/", "ApplyEach/apply-each", "rows/s", "3x"}, Goal: goal{OfLimit: true, Min: 0.5},
			Needs: []string{"HERD_CASSANDRA"}},
		{Name: "kafka", Herd: metric{"./fanout/", "Fanout1k", "inserts/s", "3x"}, Needs: []string{"HERD_KAFKA"}},
		{Name: "deliver 16", Herd: metric{"./delivery/", "Deliver/hosts=16", "deliveries/s", "100x"}, Goal: goal{Min: 1}},
		{Name: "renamed metric", Herd: metric{"./fanout/", "Fanout1k", "homes/s", "3x"}},
		{Name: "broken", Herd: metric{"./stream/", "Publish1k", "ns/delivery", "1x"}},
	}
}

// TestTable measures canned output: figures, ratios and goals where both sides ran;
// "not measured" with the reason where a benchmark is absent, skipped itself, needs
// an engine that is not configured or lacks the metric; a failure marked as one.
func TestTable(t *testing.T) {
	f := &fakeRunner{out: canned, fail: map[string]error{"./stream/ Publish1k": errors.New("exit status 1: " +
		failure([]byte("BenchmarkPublish1k\n    hub_test.go:140: boom\n--- FAIL: BenchmarkPublish1k-2\nFAIL\n")))}}
	env := map[string]string{"HERD_CASSANDRA": "127.0.0.1:9042"}
	var progress bytes.Buffer
	tb := newTable(f, func(k string) string { return env[k] }, &progress)
	byName := map[string]line{}
	var lines []line
	for _, r := range testRows() {
		l := tb.measure(r)
		byName[r.Name] = l
		lines = append(lines, l)
	}
	for _, c := range []struct {
		row, herd, limit, ratio, status string
		failed                          bool
	}{
		{"home read", "3,000 reads/s", "31,500 reads/s", "9.5%", "not yet", false},
		{"home read p99", "12.5 p99-ms", "0.80 p99-ms", "1,562%", "not yet", false},
		{"home read time", "333,333 ns/op", "", "", "met", false},
		{"posting", "not measured: no BenchmarkPost in ./api/", "", "", "", false},
		{"signed deliveries", "520 deliveries/s", "1,900 signs/s", "27%", "not yet", false},
		{"cluster fan-out", "480,000 inserts/s", "not measured: BenchmarkApplyEach skipped: HERD_CASSANDRA is not set", "", "", false},
		{"kafka", "not measured: HERD_KAFKA is not set", "", "", "", false},
		{"deliver 16", "4,000 deliveries/s", "", "", "met", false},
		{"renamed metric", "not measured: no homes/s from BenchmarkFanout1k", "", "", "", true},
		{"broken", "not measured: BenchmarkPublish1k failed: exit status 1: hub_test.go:140: boom", "", "", "", true},
	} {
		l := byName[c.row]
		if l.herd != c.herd || l.limit != c.limit || l.ratio != c.ratio || l.status != c.status || l.failed != c.failed {
			t.Errorf("%s: herd %q limit %q ratio %q status %q failed %v; want %q %q %q %q %v", c.row,
				l.herd, l.limit, l.ratio, l.status, l.failed, c.herd, c.limit, c.ratio, c.status, c.failed)
		}
	}
	// Each benchmark ran once, whatever the number of its metrics the rows read; the
	// absent one and the unconfigured one not at all; each limit right after its figure.
	want := []string{"./api/ HomeRead", "./api/ LimitBareHome", "./activitypub/ SignedDelivery", "./activitypub/ LimitSign",
		"./fanout/ Fanout1k", "./store/scylla/ ApplyEach/apply-each", "./delivery/ Deliver/hosts=16", "./stream/ Publish1k"}
	if strings.Join(f.runs, ",") != strings.Join(want, ",") {
		t.Errorf("runs %v, want %v", f.runs, want)
	}
	var out bytes.Buffer
	if err := render(&out, lines); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"row ", "limit (same run)", ">= 50% of limit", ">= 5,000 posts/s", "<= 5 p99-ms", "not yet",
		"home read: ./api/ BenchmarkHomeRead reads/s (-benchtime 1000x); limit: ./api/ BenchmarkLimitBareHome reads/s",
		"needs HERD_CASSANDRA"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("the table lacks %q:\n%s", s, out.String())
		}
	}
}

func TestParseRejectsAMangledResult(t *testing.T) {
	if _, _, err := parse([]byte("BenchmarkX-2 \t 10 \t 5 ns/op \t 7\n")); err == nil {
		t.Error("a value without its unit parsed")
	}
}

func TestBenchPattern(t *testing.T) {
	for in, want := range map[string]string{
		"HomeRead":             `^BenchmarkHomeRead$`,
		"ApplyEach/apply-each": `^BenchmarkApplyEach$/^apply-each$`,
		"Deliver/hosts=16":     `^BenchmarkDeliver$/^hosts=16$`,
		"Publish1k/one_key":    `^BenchmarkPublish1k$/^one_key$`,
		"X.Y":                  `^BenchmarkX\.Y$`,
	} {
		if got := benchPattern(in); got != want {
			t.Errorf("benchPattern(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSelectRows(t *testing.T) {
	got := selectRows(testRows(), "home read p99, posting")
	if len(got) != 2 || got[0].Name != "home read p99" || got[1].Name != "posting" {
		t.Errorf("selected %v", got)
	}
	if len(selectRows(testRows(), "")) != len(testRows()) {
		t.Error("no words did not select every row")
	}
}

// TestRows holds the real table to what the runner needs: every figure names an
// existing package, a benchmark, a unit and a bounded benchtime; a goal on the ratio
// has a limit; names are unique.
func TestRows(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.Name] {
			t.Errorf("two rows named %q", r.Name)
		}
		seen[r.Name] = true
		ms := []metric{r.Herd}
		if r.Limit != nil {
			ms = append(ms, *r.Limit)
		} else if r.Goal.OfLimit {
			t.Errorf("%s: a goal on the limit without a limit", r.Name)
		}
		for _, m := range ms {
			if m.Bench == "" || m.Unit == "" || strings.HasPrefix(m.Bench, "Benchmark") {
				t.Errorf("%s: %+v: a benchmark (without its Benchmark prefix) and a unit", r.Name, m)
			}
			if !strings.HasSuffix(m.Time, "x") && !strings.HasSuffix(m.Time, "s") {
				t.Errorf("%s: %+v: -benchtime %q is neither a count nor a time", r.Name, m, m.Time)
			}
			if st, err := os.Stat(filepath.Join("..", "..", m.Pkg)); err != nil || !st.IsDir() {
				t.Errorf("%s: no package %s", r.Name, m.Pkg)
			}
		}
	}
}
