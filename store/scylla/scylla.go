// Package scylla implements the store contract on ScyllaDB or Apache Cassandra through
// CQL (gocql, ScyllaDB's fork), for the cluster shape.
//
// It owns the CQL schema of a keyspace (Migrate: one table `PRIMARY KEY ((pk), ck)` per
// logical table, in the clustering order it is read in, counters in tables of their
// own) and the statements that serve the contract. It must not know domain concepts:
// keys and values are opaque blobs. Only node builds it.
//
// What CQL gives differently from the embedded engine, all within the contract:
//   - TTLs are kept by the server's clock in whole seconds: a TTL is rounded up to the
//     next second, and a row may expire up to a second early (expiry is checked against
//     the second the write was made in).
//   - Batch applies its row mutations as one logged batch (atomic, all or nothing,
//     eventually), then its counter mutations as one counter batch: CQL cannot mix the
//     two. A failure between them leaves the rows written without the counters, and a
//     counter batch that timed out may or may not have been applied; it is not retried,
//     since counters are not idempotent. Mutations of one batch share one timestamp, so
//     a DeletePartition also deletes rows the same batch puts in that partition.
//   - PutIfAbsent is a lightweight transaction (Paxos). If it times out, the outcome is
//     unknown: it is tried again, and a row then found holding exactly the value being
//     put counts as written by this call.
//   - A counter that was deleted (Delete or DeletePartition) must not be added to again:
//     CQL may bring it back with its old value plus the new delta (Cassandra does, its
//     counter cache remembering the value).
//   - Partition keys may not be empty (CQL refuses them); clustering keys may.
//   - Batches are bounded by the server (batch_size_fail_threshold, 50 KiB by default).
package scylla

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gocql/gocql"

	"github.com/herd-social/herd/store"
)

// Options configures a Store.
type Options struct {
	// Hosts are the contact points, as host or host:port (port default 9042). Required.
	Hosts []string
	// Keyspace holds the tables: lower_snake_case, at most 48 characters. Required.
	Keyspace string
	// Replication is the replication map Migrate creates the keyspace with. Default
	// {'class':'SimpleStrategy','replication_factor':1}; production uses
	// NetworkTopologyStrategy.
	Replication string
	// Schema declares the tables served. Required. Tables may be added between runs
	// (Migrate creates them); a table keeps its order and kind for its whole life.
	Schema store.Schema
	// Consistency of reads and writes. Default LocalQuorum.
	Consistency gocql.Consistency
	// SerialConsistency of PutIfAbsent. Default LocalSerial.
	SerialConsistency gocql.Consistency
	// Timeout bounds each request (and connecting). Default 5s.
	Timeout time.Duration
	// Parallel bounds the partitions one MultiGet or Counters call reads, or one
	// ApplyEach call writes, at once.
	// Default 8.
	Parallel int
	// Logger receives the driver's messages. Default discards.
	Logger *slog.Logger
}

const (
	defaultReplication = "{'class':'SimpleStrategy','replication_factor':1}"
	defaultTimeout     = 5 * time.Second
	defaultParallel    = 8
	// maxTTL is the longest TTL CQL accepts: 20 years.
	maxTTL = 20 * 365 * 24 * time.Hour
)

func (o Options) withDefaults() Options {
	if o.Replication == "" {
		o.Replication = defaultReplication
	}
	if o.Consistency == 0 { // gocql.Any, never wanted for reads
		o.Consistency = gocql.LocalQuorum
	}
	if o.SerialConsistency == 0 {
		o.SerialConsistency = gocql.LocalSerial
	}
	if o.Timeout == 0 {
		o.Timeout = defaultTimeout
	}
	if o.Parallel == 0 {
		o.Parallel = defaultParallel
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Validate reports whether the options can open a store.
func (o Options) Validate() error {
	switch {
	case len(o.Hosts) == 0:
		return errors.New("scylla: options: Hosts is required")
	case !validKeyspace(o.Keyspace):
		return fmt.Errorf("scylla: options: Keyspace %q must be lower_snake_case, 1 to 48 characters", o.Keyspace)
	case len(o.Schema) == 0:
		return errors.New("scylla: options: Schema is required")
	case o.Timeout < 0:
		return fmt.Errorf("scylla: options: negative Timeout %v", o.Timeout)
	case o.Parallel < 0:
		return fmt.Errorf("scylla: options: negative Parallel %d", o.Parallel)
	case o.SerialConsistency != gocql.Serial && o.SerialConsistency != gocql.LocalSerial:
		return fmt.Errorf("scylla: options: SerialConsistency %v is not SERIAL or LOCAL_SERIAL", o.SerialConsistency)
	case !strings.HasPrefix(strings.TrimSpace(o.Replication), "{"):
		return fmt.Errorf("scylla: options: Replication %q is not a CQL map", o.Replication)
	}
	if err := o.Schema.Validate(); err != nil {
		return fmt.Errorf("scylla: options: %w", err)
	}
	for _, t := range o.Schema {
		if _, err := ttlSeconds(t.TTL); err != nil {
			return fmt.Errorf("scylla: options: table %s: %w", t.Name, err)
		}
	}
	return nil
}

// validKeyspace reports whether name is a keyspace name every CQL server takes unquoted.
func validKeyspace(name string) bool {
	if name == "" || len(name) > 48 {
		return false
	}
	for i, r := range name {
		if !(r == '_' || (r >= 'a' && r <= 'z') || (i > 0 && r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// Store is a store.Store on one keyspace of a CQL cluster.
type Store struct {
	session *gocql.Session
	opts    Options
	tables  map[string]*table
	// gate is entered by every operation and shut by Close, so that the
	// session is never closed under a running operation.
	gate store.Gate
}

var _ store.Store = (*Store)(nil)

// Open connects to the cluster. It does not create the keyspace or the tables: call
// Migrate for that (once per deployment, or at every start: it is idempotent).
func Open(opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	cluster := gocql.NewCluster(opts.Hosts...)
	cluster.Consistency = opts.Consistency
	cluster.SerialConsistency = opts.SerialConsistency
	cluster.Timeout = opts.Timeout
	cluster.ConnectTimeout = opts.Timeout
	cluster.WriteTimeout = opts.Timeout
	cluster.Logger = driverLogger{opts.Logger}
	cluster.PoolConfig.HostSelectionPolicy = gocql.TokenAwareHostPolicy(gocql.RoundRobinHostPolicy())
	session, err := cluster.CreateSession()
	if err != nil {
		return nil, fmt.Errorf("scylla: connect to %v: %w", opts.Hosts, err)
	}
	s := &Store{session: session, opts: opts, tables: make(map[string]*table, len(opts.Schema))}
	for _, t := range opts.Schema {
		s.tables[t.Name] = newTable(opts.Keyspace, t)
	}
	return s, nil
}

// Close waits for running operations and closes the session. Later calls return
// store.ErrClosed.
func (s *Store) Close() error {
	if !s.gate.Shut() {
		return store.ErrClosed
	}
	s.session.Close()
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
		return nil, fmt.Errorf("scylla: %s %s: %w", op, name, err)
	}
	return t, nil
}

var (
	errEmptyPK = errors.New("scylla: empty partition key")
)

// table resolves a table name and checks its kind.
func (s *Store) table(name string, kind store.Kind) (*table, error) {
	t, ok := s.tables[name]
	if !ok {
		return nil, store.ErrUnknownTable
	}
	return t, store.CheckKind(t.Kind, kind)
}

// query returns a query of stmt on the store's session, bound to ctx.
func (s *Store) query(ctx context.Context, stmt string, idempotent bool, values ...any) *gocql.Query {
	return s.session.Query(stmt, values...).WithContext(ctx).Idempotent(idempotent)
}

// ttlSeconds converts a TTL to CQL's whole seconds, rounding up.
func ttlSeconds(ttl time.Duration) (int, error) {
	if ttl < 0 || ttl > maxTTL {
		return 0, fmt.Errorf("scylla: ttl %v out of range", ttl)
	}
	return int((ttl + time.Second - 1) / time.Second), nil
}

// driverLogger sends gocql's messages to slog.
type driverLogger struct{ l *slog.Logger }

func (d driverLogger) Print(v ...any) { d.l.Info(fmt.Sprint(v...), "engine", "cql") }

func (d driverLogger) Printf(format string, v ...any) {
	d.l.Info(fmt.Sprintf(format, v...), "engine", "cql")
}

func (d driverLogger) Println(v ...any) { d.l.Info(fmt.Sprintln(v...), "engine", "cql") }
