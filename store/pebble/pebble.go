// Package pebble implements the store contract on Pebble, an embedded LSM key-value
// store, for a single process that owns its data directory.
//
// It owns the byte layout of tables, partitions and clustering keys inside one Pebble
// database, the expiry of rows (a header on every value, an expiry index and a
// background sweeper), counters (a Pebble merge operator, folded when hot: fold.go) and
// the striped locks that make PutIfAbsent atomic and Adds safe against folds. It must
// not know domain concepts (statuses, accounts, timelines): everything above the store
// contract is opaque bytes to it. Only node builds it.
package pebble

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/herd-social/herd/pebblelog"
	"github.com/herd-social/herd/store"
)

// Options configures a Store.
type Options struct {
	// Dir is the directory that holds the database. Required.
	Dir string
	// Schema declares the tables served. Required. Tables may be added between
	// restarts; a table keeps its order and kind for its whole life.
	Schema store.Schema
	// Now is the clock that TTLs are measured with. Default time.Now.
	Now func() time.Time
	// NoSync returns from writes before the write-ahead log reaches the disk. The
	// default (false) syncs every write, so that a write that returned survives a crash.
	NoSync bool
	// CacheSize is the size in bytes of the block cache. Default 64 MiB.
	CacheSize int64
	// SweepInterval is how often expired rows are deleted in the background. Default
	// one minute; negative disables the sweeper (Sweep can still be called).
	SweepInterval time.Duration
	// Logger receives Pebble's messages and sweeper errors. Default discards.
	Logger *slog.Logger
	// FS is the file system. Default the operating system's; tests pass an in-memory one.
	FS vfs.FS
}

const (
	defaultCacheSize     = 64 << 20
	defaultSweepInterval = time.Minute
)

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CacheSize == 0 {
		o.CacheSize = defaultCacheSize
	}
	if o.SweepInterval == 0 {
		o.SweepInterval = defaultSweepInterval
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.FS == nil {
		o.FS = vfs.Default
	}
	return o
}

// Validate reports whether the options can open a store.
func (o Options) Validate() error {
	if o.Dir == "" {
		return errors.New("pebble: options: Dir is required")
	}
	if len(o.Schema) == 0 {
		return errors.New("pebble: options: Schema is required")
	}
	if err := o.Schema.Validate(); err != nil {
		return fmt.Errorf("pebble: options: %w", err)
	}
	if o.CacheSize < 0 {
		return fmt.Errorf("pebble: options: negative CacheSize %d", o.CacheSize)
	}
	return nil
}

// Store is a store.Store on one Pebble database.
type Store struct {
	db     *pebble.DB
	opts   Options
	tables map[string]*table
	locks  *stripes
	cancel context.CancelFunc
	swept  chan struct{} // closed when the sweeper goroutine returns
	// folder holds the counters to fold, folded is closed when the folder goroutine
	// returns, and foldMu serialises folds with counter deletes (fold.go).
	folder *folder
	folded chan struct{}
	foldMu sync.Mutex
	// gate is entered by every operation and shut by Close, so that the
	// database is never closed under a running operation.
	gate store.Gate
}

var (
	_ store.Store  = (*Store)(nil)
	_ store.Syncer = (*Store)(nil)
)

// Open opens (creating if needed) the database in opts.Dir and starts its sweeper.
func Open(opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	folder := newFolder()
	cache := pebble.NewCache(opts.CacheSize)
	defer cache.Unref()
	db, err := pebble.Open(opts.Dir, &pebble.Options{
		Cache:              cache,
		FS:                 opts.FS,
		Logger:             pebblelog.Logger{Log: opts.Logger, DB: "store"},
		Merger:             folder.merger(),
		FormatMajorVersion: pebble.FormatNewest,
	})
	if err != nil {
		return nil, fmt.Errorf("pebble: open %s: %w", opts.Dir, err)
	}
	tables, err := openCatalog(db, opts.Schema)
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	s := &Store{
		db:     db,
		opts:   opts,
		tables: tables,
		locks:  newStripes(),
		swept:  make(chan struct{}),
		folder: folder,
		folded: make(chan struct{}),
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go s.sweepLoop(ctx)
	go s.foldLoop(ctx)
	return s, nil
}

// openCatalog resolves the schema against the catalog and saves new tables.
func openCatalog(db *pebble.DB, schema store.Schema) (map[string]*table, error) {
	cat, err := loadCatalog(db)
	if err != nil {
		return nil, err
	}
	tables, changed, err := resolveTables(cat, schema)
	if err != nil {
		return nil, err
	}
	if changed {
		if err := db.Set(catalogKey, encodeCatalog(cat), pebble.Sync); err != nil {
			return nil, fmt.Errorf("pebble: write catalog: %w", err)
		}
	}
	return tables, nil
}

// Close stops the sweeper, waits for running operations and closes the database.
// Later calls return store.ErrClosed.
func (s *Store) Close() error {
	s.cancel() // a running sweep stops early instead of delaying Close
	if !s.gate.Shut() {
		return store.ErrClosed
	}
	<-s.swept
	<-s.folded
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("pebble: close: %w", err)
	}
	return nil
}

// Checkpoint writes a consistent copy of the database, as of now, to dir, which must
// not exist: a point-in-time backup taken while the store serves (Pebble's checkpoint:
// hard links to the immutable tables where the file system allows, the WAL flushed).
// Opening dir as a store's Dir opens the copy.
func (s *Store) Checkpoint(ctx context.Context, dir string) error {
	if err := s.gate.Enter(ctx); err != nil {
		return fmt.Errorf("pebble: checkpoint: %w", err)
	}
	defer s.gate.Leave()
	if err := s.db.Checkpoint(dir, pebble.WithFlushedWAL()); err != nil {
		return fmt.Errorf("pebble: checkpoint to %s: %w", dir, err)
	}
	return nil
}

// begin enters an operation on a table of the given kind and resolves the table; the
// caller must call s.gate.Leave when begin succeeds. Errors are wrapped with op and the
// table name.
func (s *Store) begin(ctx context.Context, op, name string, kind store.Kind) (*table, error) {
	t, err := s.table(name, kind)
	if err == nil {
		err = s.gate.Enter(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("pebble: %s %s: %w", op, name, err)
	}
	return t, nil
}

// table resolves a table name and checks its kind.
func (s *Store) table(name string, kind store.Kind) (*table, error) {
	t, ok := s.tables[name]
	if !ok {
		return nil, store.ErrUnknownTable
	}
	return t, store.CheckKind(t.Kind, kind)
}

// apply commits b. Stripes in locked are held while b is applied, so that the sweeper
// never deletes a row written after it looked; the WAL sync then happens outside the
// stripes, where concurrent writers share it.
func (s *Store) apply(ctx context.Context, b *pebble.Batch, locked *stripeSet) error {
	return s.commit(ctx, b, locked, false)
}

// commit is apply, also holding foldMu while b is committed when it deletes counters
// (deletesCounters), so that no fold of a deleted counter writes it back (fold.go).
func (s *Store) commit(ctx context.Context, b *pebble.Batch, locked *stripeSet, deletesCounters bool) error {
	if locked.empty() && !deletesCounters {
		return b.Commit(s.writeOpts(ctx))
	}
	if deletesCounters {
		s.foldMu.Lock()
	}
	s.locks.lock(locked)
	err := b.Commit(pebble.NoSync)
	s.locks.unlock(locked)
	if deletesCounters {
		s.foldMu.Unlock()
	}
	if err != nil || !s.syncNow(ctx) {
		return err
	}
	// A synced record syncs the whole log before it, b included.
	return s.db.LogData(nil, pebble.Sync)
}

// syncNow reports whether a write must reach the disk before it returns: unless the
// store never syncs, or ctx defers the sync (store.Defer), which then owes it.
func (s *Store) syncNow(ctx context.Context) bool {
	if s.opts.NoSync {
		return false
	}
	if d := store.Deferral(ctx); d != nil {
		d.Owe(s)
		return false
	}
	return true
}

// writeOpts are the options of a write made under ctx (syncNow).
func (s *Store) writeOpts(ctx context.Context) *pebble.WriteOptions {
	if s.syncNow(ctx) {
		return pebble.Sync
	}
	return pebble.NoSync
}

// SyncWrites makes durable every write made so far (store.Syncer).
func (s *Store) SyncWrites(ctx context.Context) error {
	if s.opts.NoSync {
		return nil
	}
	if err := s.gate.Enter(ctx); err != nil {
		return fmt.Errorf("pebble: sync: %w", err)
	}
	defer s.gate.Leave()
	if err := s.db.LogData(nil, pebble.Sync); err != nil {
		return fmt.Errorf("pebble: sync: %w", err)
	}
	return nil
}
