package scylla

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocql/gocql"
	"golang.org/x/sync/errgroup"

	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/store/storetest"
)

// The conformance suite runs against a real Cassandra or ScyllaDB node named by
// HERD_CASSANDRA (host:port), as `make test-cluster` starts one; without it the tests
// are skipped. Every case gets a keyspace of its own, dropped when it ends.

// cassandra returns the node's address, skipping the test without one.
func cassandra(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("HERD_CASSANDRA")
	if addr == "" {
		t.Skip("HERD_CASSANDRA (host:port of a Cassandra or ScyllaDB node) is not set; " +
			"`make test-cluster` starts one and runs these tests")
	}
	return addr
}

// testTimeout bounds each request: the machine running the tests may be busy.
const testTimeout = 30 * time.Second

// newKeyspace returns a keyspace name unique to this run, dropped when t ends.
func newKeyspace(t *testing.T, addr string) string {
	t.Helper()
	var rnd [8]byte
	rand.Read(rnd[:])
	prefix := os.Getenv("HERD_TEST_KEYSPACE_PREFIX") // for runs that share an engine
	if prefix == "" {
		prefix = "herd_test_"
	}
	ks := prefix + hex.EncodeToString(rnd[:])
	t.Cleanup(func() { dropKeyspace(t, addr, ks) })
	return ks
}

// admin is one session shared by the tests' schema changes outside a store.
var admin struct {
	once    sync.Once
	session *gocql.Session
	err     error
}

func dropKeyspace(t *testing.T, addr, ks string) {
	admin.once.Do(func() {
		cluster := gocql.NewCluster(addr)
		cluster.Timeout = time.Minute
		admin.session, admin.err = cluster.CreateSession()
	})
	if admin.err != nil {
		t.Errorf("connect to drop keyspace %s: %v", ks, admin.err)
		return
	}
	if err := admin.session.Query("DROP KEYSPACE IF EXISTS " + ks).Exec(); err != nil {
		t.Errorf("drop keyspace %s: %v", ks, err)
	}
}

// open opens and migrates a store on keyspace ks.
func open(t *testing.T, addr, ks string, schema store.Schema) *Store {
	t.Helper()
	s, err := Open(Options{Hosts: []string{addr}, Keyspace: ks, Schema: schema, Timeout: testTimeout})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.Migrate(t.Context()); err != nil {
		s.Close()
		t.Fatalf("Migrate: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	addr := cassandra(t)
	storetest.RunWith(t, func(t *testing.T, schema store.Schema, _ func() time.Time) store.Store {
		return open(t, addr, newKeyspace(t, addr), schema)
	}, storetest.Options{WallClock: true})
}

// TestDurable reopens a store as a new session on the same keyspace.
func TestDurable(t *testing.T) {
	addr := cassandra(t)
	var mu sync.Mutex
	keyspaces := make(map[string]string) // test dir → keyspace
	storetest.RunDurableWith(t, func(t *testing.T, dir string, schema store.Schema, _ func() time.Time) store.Store {
		mu.Lock()
		ks, ok := keyspaces[dir]
		if !ok {
			ks = newKeyspace(t, addr)
			keyspaces[dir] = ks
		}
		mu.Unlock()
		return open(t, addr, ks, schema)
	}, storetest.Options{WallClock: true})
}

// TestMigrateRefusesChangedTable checks that a table keeps its kind and order.
func TestMigrateRefusesChangedTable(t *testing.T) {
	addr := cassandra(t)
	ks := newKeyspace(t, addr)
	s := open(t, addr, ks, store.Schema{{Name: "t", Order: store.Asc}, {Name: "n", Kind: store.Counters}})
	s.Close()
	for _, changed := range []store.Table{{Name: "t", Order: store.Desc}, {Name: "n"}} {
		s, err := Open(Options{Hosts: []string{addr}, Keyspace: ks, Schema: store.Schema{changed}, Timeout: testTimeout})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		err = s.Migrate(t.Context())
		s.Close()
		if err == nil || !strings.Contains(err.Error(), "keeps its kind and order") {
			t.Errorf("Migrate of %+v over the existing table: %v, want a refusal", changed, err)
		}
	}
}

// TestMigrateChangesDefaultTTL checks that Migrate applies a new default TTL.
func TestMigrateChangesDefaultTTL(t *testing.T) {
	addr := cassandra(t)
	ks := newKeyspace(t, addr)
	open(t, addr, ks, store.Schema{{Name: "t", TTL: time.Hour}}).Close()
	s := open(t, addr, ks, store.Schema{{Name: "t", TTL: 90 * time.Minute}})
	defer s.Close()
	var ttl int
	err := s.session.Query("SELECT default_time_to_live FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
		ks, "t").Scan(&ttl)
	if err != nil || ttl != 5400 {
		t.Fatalf("default_time_to_live = %d, %v, want 5400", ttl, err)
	}
}

func TestEmptyPartitionKey(t *testing.T) {
	addr := cassandra(t)
	s := open(t, addr, newKeyspace(t, addr), storetest.Schema())
	defer s.Close()
	ctx := t.Context()
	err := s.Put(ctx, storetest.RowsAsc, nil, []byte("c"), []byte("v"), 0)
	if !errors.Is(err, errEmptyPK) {
		t.Fatalf("Put with an empty partition key: %v, want errEmptyPK", err)
	}
	err = s.Batch(ctx, []store.Mutation{{Kind: store.Put, Table: storetest.RowsAsc, CK: []byte("c")}})
	if !errors.Is(err, errEmptyPK) {
		t.Fatalf("Batch with an empty partition key: %v, want errEmptyPK", err)
	}
}

// TestMultiGetManyKeys reads more keys of one partition than one IN select takes.
func TestMultiGetManyKeys(t *testing.T) {
	addr := cassandra(t)
	s := open(t, addr, newKeyspace(t, addr), storetest.Schema())
	defer s.Close()
	ctx := t.Context()
	const n = 3*maxIn + 7
	keys := make([]store.Key, 0, n+1)
	var muts []store.Mutation
	for i := range n {
		ck := []byte{byte(i >> 8), byte(i)}
		keys = append(keys, store.Key{PK: []byte("p"), CK: ck})
		if i%2 == 0 {
			muts = append(muts, store.Mutation{Kind: store.Put, Table: storetest.RowsAsc, PK: []byte("p"), CK: ck, Value: ck})
		}
	}
	if err := s.Batch(ctx, muts); err != nil {
		t.Fatalf("Batch: %v", err)
	}
	vals, err := s.MultiGet(ctx, storetest.RowsAsc, keys)
	if err != nil {
		t.Fatalf("MultiGet: %v", err)
	}
	for i, v := range vals {
		if (i%2 == 0) != (v != nil) {
			t.Fatalf("MultiGet[%d] = %v", i, v)
		}
	}
}

func TestOptions(t *testing.T) {
	valid := Options{Hosts: []string{"127.0.0.1"}, Keyspace: "herd", Schema: storetest.Schema()}
	if err := valid.withDefaults().Validate(); err != nil {
		t.Fatalf("Validate(valid) = %v", err)
	}
	for name, change := range map[string]func(*Options){
		"no hosts":         func(o *Options) { o.Hosts = nil },
		"no keyspace":      func(o *Options) { o.Keyspace = "" },
		"quoted keyspace":  func(o *Options) { o.Keyspace = "Herd" },
		"no schema":        func(o *Options) { o.Schema = nil },
		"ttl too long":     func(o *Options) { o.Schema = store.Schema{{Name: "t", TTL: 21 * 365 * 24 * time.Hour}} },
		"serial":           func(o *Options) { o.SerialConsistency = gocql.Quorum },
		"replication":      func(o *Options) { o.Replication = "SimpleStrategy" },
		"negative timeout": func(o *Options) { o.Timeout = -time.Second },
	} {
		o := valid
		change(&o)
		if err := o.withDefaults().Validate(); err == nil {
			t.Errorf("Validate(%s) = nil, want an error", name)
		}
	}
}

func TestTTLSeconds(t *testing.T) {
	for _, tc := range []struct {
		ttl  time.Duration
		want int
	}{{0, 0}, {time.Nanosecond, 1}, {time.Second, 1}, {1500 * time.Millisecond, 2}, {time.Hour, 3600}} {
		if got, err := ttlSeconds(tc.ttl); err != nil || got != tc.want {
			t.Errorf("ttlSeconds(%v) = %d, %v, want %d", tc.ttl, got, err, tc.want)
		}
	}
	if _, err := ttlSeconds(-time.Second); err == nil {
		t.Error("ttlSeconds(-1s) succeeded")
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if admin.session != nil {
		admin.session.Close()
	}
	os.Exit(code)
}

// TestCounterBatch puts counter updates and deletes of a counters table in one counter
// batch.
func TestCounterBatch(t *testing.T) {
	addr := cassandra(t)
	s := open(t, addr, newKeyspace(t, addr), storetest.Schema())
	defer s.Close()
	ctx := t.Context()
	add := func(pk, ck string, d int64) store.Mutation {
		return store.Mutation{Kind: store.Add, Table: storetest.Counts, PK: []byte(pk), CK: []byte(ck), Delta: d}
	}
	if err := s.Batch(ctx, []store.Mutation{add("p", "a", 5), add("q", "a", 7), add("q", "b", 9)}); err != nil {
		t.Fatalf("Batch: %v", err)
	}
	err := s.Batch(ctx, []store.Mutation{
		{Kind: store.DeletePartition, Table: storetest.Counts, PK: []byte("p")},
		{Kind: store.Delete, Table: storetest.Counts, PK: []byte("q"), CK: []byte("a")},
		add("r", "a", 1),
	})
	if err != nil {
		t.Fatalf("Batch of deletes: %v", err)
	}
	got, err := s.Counters(ctx, storetest.Counts, []store.Key{
		{PK: []byte("p"), CK: []byte("a")}, {PK: []byte("q"), CK: []byte("a")},
		{PK: []byte("q"), CK: []byte("b")}, {PK: []byte("r"), CK: []byte("a")},
	})
	if err != nil {
		t.Fatalf("Counters: %v", err)
	}
	if want := []int64{0, 0, 9, 1}; !slices.Equal(got, want) {
		t.Fatalf("Counters = %v, want %v", got, want)
	}
}

// TestTokenAsTheServer: the token ApplyEach sorts by is the server's token() of the
// key, for keys of every tail length and with bytes over 0x7f (read as signed).
func TestTokenAsTheServer(t *testing.T) {
	addr := cassandra(t)
	s := open(t, addr, newKeyspace(t, addr), storetest.Schema())
	defer s.Close()
	ctx := t.Context()
	tb := s.tables[storetest.RowsAsc]
	for n := 1; n <= 40; n++ {
		key := make([]byte, n)
		rand.Read(key)
		if err := s.Put(ctx, storetest.RowsAsc, key, []byte("c"), nil, 0); err != nil {
			t.Fatal(err)
		}
		var want int64
		if err := s.session.Query("SELECT token(pk) FROM "+tb.qname+" WHERE pk = ?", key).WithContext(ctx).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := Token(key); got != want {
			t.Errorf("Token(%x) = %d, the server says %d", key, got, want)
		}
	}
}

// BenchmarkApplyEach measures a fan-out's writes, one small row in each of 2,000
// partitions per operation, through ApplyEach (token-grouped unlogged batches) beside
// the driver sending one insert per row, Parallel in flight, on the same node in the
// same run: rows/s of each.
func BenchmarkApplyEach(b *testing.B) {
	addr := os.Getenv("HERD_CASSANDRA")
	if addr == "" {
		b.Skip("HERD_CASSANDRA is not set")
	}
	ks := "herd_bench_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	s, err := Open(Options{Hosts: []string{addr}, Keyspace: ks, Schema: storetest.Schema(), Timeout: testTimeout})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	defer func() {
		if err := s.session.Query("DROP KEYSPACE IF EXISTS " + ks).Exec(); err != nil {
			b.Error(err)
		}
	}()
	if err := s.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	const rows = 2000
	value := make([]byte, 24)
	muts := func() []store.Mutation {
		m := make([]store.Mutation, rows)
		for i := range m {
			pk := make([]byte, 8)
			rand.Read(pk)
			m[i] = store.Mutation{Kind: store.Put, Table: storetest.RowsAsc, PK: pk, CK: []byte("01234567"), Value: value}
		}
		return m
	}
	b.Run("apply-each", func(b *testing.B) {
		for b.Loop() {
			if err := s.ApplyEach(b.Context(), muts()); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("one-per-request", func(b *testing.B) {
		stmt := s.tables[storetest.RowsAsc].put
		for b.Loop() {
			g, ctx := errgroup.WithContext(b.Context())
			g.SetLimit(s.opts.Parallel)
			for _, m := range muts() {
				g.Go(func() error { return s.session.Query(stmt, m.PK, m.CK, m.Value).WithContext(ctx).Exec() })
			}
			if err := g.Wait(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
	})
}
