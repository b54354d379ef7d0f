// Package store owns the storage contract of Herd: a small wide-column interface
// (table, partition key, clustering key, value) that every engine implements and that
// the domain repositories sit on.
//
// The interface holds only what CQL does efficiently on a table
// `PRIMARY KEY ((pk), ck)`: point reads, multi-gets, range scans inside one partition
// in either direction, writes with an optional TTL, batches, insert-if-absent
// (a lightweight transaction) and counters (a separate counter table). It must not
// learn about statuses, accounts or any other domain concept, and it must not grow
// joins, secondary indexes or scans across partitions.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

var (
	// ErrNotFound is returned by Get when the row does not exist (or has expired).
	ErrNotFound = errors.New("store: not found")
	// ErrUnknownTable is returned for a table that was not declared in the schema.
	ErrUnknownTable = errors.New("store: unknown table")
	// ErrClosed is returned after Close.
	ErrClosed = errors.New("store: closed")
)

// Order is the clustering order of a table: the order a plain scan returns rows in.
type Order uint8

const (
	// Asc keeps clustering keys in ascending byte order.
	Asc Order = iota
	// Desc keeps clustering keys in descending byte order (newest-first timelines).
	Desc
)

// Kind tells a row table from a counter table; CQL keeps counters in tables of their own.
type Kind uint8

const (
	// Rows holds opaque values.
	Rows Kind = iota
	// Counters holds int64 counters changed only through Add.
	Counters
)

// Table declares one logical table. Engines create it (a CQL table, a Pebble key prefix)
// from this declaration; a table that is not declared cannot be used.
type Table struct {
	// Name is a lower_snake_case identifier, valid as a CQL table name.
	Name string
	// Order is the clustering order of the table (the order it is read in most).
	Order Order
	// Kind is Rows or Counters.
	Kind Kind
	// TTL, if non-zero, is the default time to live of rows put without one.
	TTL time.Duration
}

// Validate reports whether the declaration is usable by every engine.
func (t Table) Validate() error {
	if t.Name == "" || len(t.Name) > 48 {
		return fmt.Errorf("store: table name %q must have 1 to 48 characters", t.Name)
	}
	for i, r := range t.Name {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return fmt.Errorf("store: table name %q must be lower_snake_case", t.Name)
		}
	}
	if t.Kind == Counters && t.TTL != 0 {
		return fmt.Errorf("store: counter table %q cannot have a TTL", t.Name)
	}
	return nil
}

// Schema is the set of tables a store serves.
type Schema []Table

// Validate checks every table and that names are distinct.
func (s Schema) Validate() error {
	seen := make(map[string]bool, len(s))
	for _, t := range s {
		if err := t.Validate(); err != nil {
			return err
		}
		if seen[t.Name] {
			return fmt.Errorf("store: table %q declared twice", t.Name)
		}
		seen[t.Name] = true
	}
	return nil
}

// Key addresses one row.
type Key struct {
	PK []byte
	CK []byte
}

// Row is one stored row.
type Row struct {
	PK    []byte
	CK    []byte
	Value []byte
}

// Bound is one end of a clustering-key range. A nil Key means unbounded.
type Bound struct {
	Key       []byte
	Inclusive bool
}

// Range selects rows of one partition by clustering key.
type Range struct {
	// Lower and Upper bound the clustering keys in byte order, whatever the table's order.
	Lower, Upper Bound
	// Reverse returns rows against the table's clustering order.
	Reverse bool
	// Limit caps the number of rows; zero means no limit.
	Limit int
}

// Excl is an exclusive bound at k; a nil k is unbounded.
func Excl(k []byte) Bound { return Bound{Key: k} }

// Incl is an inclusive bound at k; a nil k is unbounded.
func Incl(k []byte) Bound { return Bound{Key: k, Inclusive: true} }

// MutationKind tells a put from a delete inside a batch.
type MutationKind uint8

const (
	// Put writes a row.
	Put MutationKind = iota
	// Delete removes a row.
	Delete
	// DeletePartition removes every row of a partition.
	DeletePartition
	// Add adds Delta to a counter.
	Add
)

// Mutation is one write of a batch.
type Mutation struct {
	Kind  MutationKind
	Table string
	PK    []byte
	CK    []byte
	Value []byte
	// TTL overrides the table's default TTL for a Put; zero keeps the default.
	TTL time.Duration
	// Delta is the amount added by an Add.
	Delta int64
}

// Store is the storage contract. Every method is safe for concurrent use. Byte slices
// passed in may be reused by the caller after the call returns; slices returned belong
// to the caller.
type Store interface {
	// Get returns the value of one row, or ErrNotFound.
	Get(ctx context.Context, table string, pk, ck []byte) ([]byte, error)
	// MultiGet returns the values of keys in the same order; a missing row is nil.
	MultiGet(ctx context.Context, table string, keys []Key) ([][]byte, error)
	// Scan returns rows of one partition inside r, in the table's clustering order
	// (or against it when r.Reverse).
	Scan(ctx context.Context, table string, pk []byte, r Range) ([]Row, error)
	// Put writes one row; ttl zero keeps the table's default.
	Put(ctx context.Context, table string, pk, ck, value []byte, ttl time.Duration) error
	// Delete removes one row; deleting a missing row is not an error.
	Delete(ctx context.Context, table string, pk, ck []byte) error
	// Batch applies mutations atomically where the engine can (Pebble: always;
	// CQL: a logged batch, its rows apart from its counters), and at least durably
	// and idempotently otherwise. Keep batches small (CQL refuses one over 50 KiB by
	// default) and never touch one row twice in a batch: its mutations are unordered.
	Batch(ctx context.Context, muts []Mutation) error
	// ApplyEach applies row mutations (Put, Delete, DeletePartition; no Add) that need
	// no atomicity between partitions, such as one row in each of many partitions:
	// the mutations of one partition together, the partitions independently (CQL:
	// concurrently, without the batch log), with no size limit. Every mutation is
	// checked before any is applied; after a later error any of them may have been
	// applied, so they must be safe to apply again. Fan-out writes homes with it.
	ApplyEach(ctx context.Context, muts []Mutation) error
	// PutIfAbsent writes the row only when no live row has that key. It returns
	// whether it wrote, and the existing value when it did not.
	PutIfAbsent(ctx context.Context, table string, pk, ck, value []byte, ttl time.Duration) (bool, []byte, error)
	// Add adds delta to a counter of a Counters table. It is not idempotent, and a
	// counter that was deleted must never be added to again (CQL may bring it back
	// with its old value): counters that restart from zero need a new key.
	Add(ctx context.Context, table string, pk, ck []byte, delta int64) error
	// Counters returns the counters of keys in order; a missing counter is 0.
	Counters(ctx context.Context, table string, keys []Key) ([]int64, error)
	// Close releases the engine.
	Close() error
}
