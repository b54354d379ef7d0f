package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// goRunner builds each package's test binary once (go test -c) and runs its
// benchmarks one at a time, in the package's directory as go test would.
type goRunner struct {
	ctx    context.Context
	root   string    // the module's directory
	dir    string    // where the binaries go
	raw    io.Writer // every benchmark's standard output, as go test prints it (benchstat reads it)
	stderr io.Writer // the benchmarks' logs
	log    io.Writer // progress
	bins   map[string]built
	lists  map[string][]string
}

type built struct {
	path string // "" when the package has no tests
	err  error
}

func newGoRunner(ctx context.Context, root, dir string, raw, stderr, log io.Writer) *goRunner {
	return &goRunner{ctx: ctx, root: root, dir: dir, raw: raw, stderr: stderr, log: log,
		bins: map[string]built{}, lists: map[string][]string{}}
}

func (g *goRunner) binary(pkg string) (string, error) {
	if b, ok := g.bins[pkg]; ok {
		return b.path, b.err
	}
	path := filepath.Join(g.dir, strings.NewReplacer("/", "_", ".", "_").Replace(pkg)+".test")
	fmt.Fprintf(g.log, "benchtable: go test -c %s\n", pkg)
	cmd := exec.CommandContext(g.ctx, "go", "test", "-c", "-o", path, pkg)
	cmd.Dir = g.root
	out, err := cmd.CombinedOutput()
	b := built{path: path}
	if err != nil {
		b = built{err: fmt.Errorf("%s does not build: %s", pkg, lastLine(out))}
	} else if _, err := os.Stat(path); err != nil {
		b = built{} // no test files: no benchmarks
	}
	g.bins[pkg] = b
	return b.path, b.err
}

func (g *goRunner) has(pkg, name string) (bool, error) {
	list, ok := g.lists[pkg]
	if !ok {
		bin, err := g.binary(pkg)
		if err != nil || bin == "" {
			return false, err
		}
		cmd := exec.CommandContext(g.ctx, bin, "-test.list", "^Benchmark")
		cmd.Dir = filepath.Join(g.root, pkg)
		out, err := cmd.Output()
		if err != nil {
			return false, fmt.Errorf("%s: listing its benchmarks: %v", pkg, err)
		}
		list = strings.Fields(string(out))
		g.lists[pkg] = list
	}
	for _, b := range list {
		if b == "Benchmark"+name {
			return true, nil
		}
	}
	return false, nil
}

func (g *goRunner) bench(m metric) ([]byte, error) {
	bin, err := g.binary(m.Pkg)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(g.ctx, bin, "-test.run", "^$", "-test.bench", benchPattern(m.Bench),
		"-test.benchtime", m.Time, "-test.count", "1", "-test.v", "-test.timeout", "10m")
	cmd.Dir = filepath.Join(g.root, m.Pkg)
	cmd.Stdout = io.MultiWriter(&out, g.raw)
	cmd.Stderr = g.stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("%v: %s", err, failure(out.Bytes()))
		}
		return nil, err
	}
	return out.Bytes(), nil
}

// benchPattern matches exactly the benchmark name, sub-benchmarks included.
func benchPattern(name string) string {
	parts := strings.Split("Benchmark"+name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// failure is what a failed run says: its first log line ("x_test.go:49: …"), else
// its last line.
func failure(out []byte) string {
	for _, l := range strings.Split(string(out), "\n") {
		if logLine.MatchString(l) {
			return strings.TrimSpace(l)
		}
	}
	return lastLine(out)
}

var logLine = regexp.MustCompile(`^\s+\S+\.go:\d+: `)

func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
