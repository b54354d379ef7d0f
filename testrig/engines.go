package testrig

import (
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/store"
)

// Engines is a store and an event log of the shape HERD_TEST_SHAPE selects, for tests
// that build services on the engines without a node, or open nodes themselves:
// Pebble and the embedded log in a temporary directory, or, on the cluster shape, a
// keyspace and a topic prefix of their own on the shared Cassandra and Kafka, removed
// when the test ends. The data outlives what is opened on it, so a test can close the
// engines and open them again, as a node restarting does.
type Engines struct {
	t   testing.TB
	cfg node.Config
	in  *instance // nil in the single shape
	mu  struct {
		sync.Mutex
		open []io.Closer // closed when the test ends
	}
}

// NewEngines names a fresh place for a test's data; nothing is opened yet. What is
// opened on it is closed when the test ends, after the clean-ups registered later
// (those of services running on the engines).
func NewEngines(t testing.TB) *Engines {
	t.Helper()
	cfg := node.Config{Data: t.TempDir(), BcryptCost: 4, RateLimit: -1, NoSync: true}
	in := newInstance(t)
	if in != nil {
		in.configure(&cfg, 1)
	}
	e := &Engines{t: t, cfg: cfg, in: in}
	t.Cleanup(e.close)
	return e
}

// close closes what is still open; closing twice is harmless in both contracts.
func (e *Engines) close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, c := range e.mu.open {
		if err := c.Close(); err != nil && !errors.Is(err, store.ErrClosed) && !errors.Is(err, bus.ErrClosed) {
			e.t.Errorf("close engine: %v", err)
		}
	}
	e.mu.open = nil
}

func (e *Engines) opened(c io.Closer) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.mu.open = append(e.mu.open, c)
}

// Config is the configuration of a node on the engines (node id 1 on the cluster
// shape), for tests that open nodes with node.Open.
func (e *Engines) Config() node.Config { return e.cfg }

// OpenStore opens the store with the tables given, or every table of node.Schema
// when none is, closed when the test ends unless the test closed it before.
func (e *Engines) OpenStore(tables ...store.Table) store.Store {
	e.t.Helper()
	if e.in != nil {
		e.in.migrate(e.t, tables) // tables a test declares beside node.Schema
	}
	st, err := node.OpenStore(e.cfg, tables, quiet(e.t))
	if err != nil {
		e.t.Fatalf("open store: %v", err)
	}
	e.opened(st)
	return st
}

// OpenBus opens the event log with every topic of node.Topics, closed when the test
// ends unless the test closed it before.
func (e *Engines) OpenBus() bus.Bus {
	e.t.Helper()
	b, err := node.OpenBus(e.cfg, quiet(e.t))
	if err != nil {
		e.t.Fatalf("open event log: %v", err)
	}
	e.opened(b)
	return b
}

// Store opens a store of the current shape for the test, with the tables given
// (typically a package's Schema) or every table of node.Schema, closed and removed
// when the test ends:
//
//	st := testrig.Store(t, timeline.Schema(timeline.Options{})...)
func Store(t testing.TB, tables ...store.Table) store.Store {
	t.Helper()
	return NewEngines(t).OpenStore(tables...)
}

// Bus opens an event log of the current shape for the test, with every topic of
// node.Topics, closed and removed when the test ends. A test that needs both engines
// opens them from one NewEngines, so that they share one namespace on the cluster
// shape.
func Bus(t testing.TB) bus.Bus {
	t.Helper()
	return NewEngines(t).OpenBus()
}

// quiet logs the engines' warnings and errors to the test's output.
func quiet(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}
