package scylla

import (
	"context"
	"fmt"
	"time"

	"github.com/gocql/gocql"

	"github.com/herd-social/herd/store"
)

// migrateTimeout bounds each schema change: a cluster agreeing on a new table takes
// longer than a read or a write.
const migrateTimeout = time.Minute

// Migrate creates the keyspace and every declared table that does not exist yet, and
// checks that existing tables have the declared kind and order; a rows table whose
// default TTL changed is altered. It is idempotent, and safe to run from several nodes
// at once (CQL's IF NOT EXISTS), though one at a time is kinder to the cluster.
func (s *Store) Migrate(ctx context.Context) error {
	if err := s.gate.Enter(ctx); err != nil {
		return fmt.Errorf("scylla: migrate: %w", err)
	}
	defer s.gate.Leave()
	// Schema changes get a session of their own, with a longer request timeout.
	cluster := gocql.NewCluster(s.opts.Hosts...)
	cluster.Timeout = max(s.opts.Timeout, migrateTimeout)
	cluster.ConnectTimeout = s.opts.Timeout
	cluster.Consistency = s.opts.Consistency
	cluster.Logger = driverLogger{s.opts.Logger}
	session, err := cluster.CreateSession()
	if err != nil {
		return fmt.Errorf("scylla: migrate: connect: %w", err)
	}
	defer session.Close()
	ks := fmt.Sprintf("CREATE KEYSPACE IF NOT EXISTS %s WITH replication = %s", s.opts.Keyspace, s.opts.Replication)
	if err := session.Query(ks).WithContext(ctx).Exec(); err != nil {
		return fmt.Errorf("scylla: migrate: create keyspace %s: %w", s.opts.Keyspace, err)
	}
	for _, t := range s.opts.Schema {
		if err := migrateTable(ctx, session, s.tables[t.Name]); err != nil {
			return fmt.Errorf("scylla: migrate: table %s: %w", t.Name, err)
		}
	}
	return nil
}

// migrateTable creates t, or checks it and updates its default TTL.
func migrateTable(ctx context.Context, session *gocql.Session, t *table) error {
	if err := session.Query(t.createStatement()).WithContext(ctx).Exec(); err != nil {
		return err
	}
	if err := checkColumns(ctx, session, t); err != nil {
		return err
	}
	if t.Kind == store.Counters {
		return nil
	}
	var ttl int
	err := session.Query("SELECT default_time_to_live FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
		t.keyspace, t.Name).WithContext(ctx).Scan(&ttl)
	if err != nil {
		return fmt.Errorf("read default ttl: %w", err)
	}
	want, _ := ttlSeconds(t.TTL)
	if ttl == want {
		return nil
	}
	alter := fmt.Sprintf("ALTER TABLE %s WITH default_time_to_live = %d", t.qname, want)
	return session.Query(alter).WithContext(ctx).Exec()
}

// checkColumns checks that an existing table has the columns of t's kind and order.
func checkColumns(ctx context.Context, session *gocql.Session, t *table) error {
	iter := session.Query("SELECT column_name, kind, type, clustering_order FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
		t.keyspace, t.Name).WithContext(ctx).Iter()
	got := make(map[string]string)
	var column, kind, typ, order string
	for iter.Scan(&column, &kind, &typ, &order) {
		got[column] = kind + " " + typ + " " + order
	}
	if err := iter.Close(); err != nil {
		return fmt.Errorf("read columns: %w", err)
	}
	want := map[string]string{"pk": "partition_key blob none", "ck": "clustering blob asc", "v": "regular blob none"}
	if t.Order == store.Desc {
		want["ck"] = "clustering blob desc"
	}
	if t.Kind == store.Counters {
		delete(want, "v")
		want["c"] = "regular counter none"
	}
	for col, w := range want {
		if got[col] != w {
			return fmt.Errorf("column %s is %q, want %q: a table keeps its kind and order for its whole life", col, got[col], w)
		}
	}
	return nil
}
