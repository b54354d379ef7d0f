package testrig

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocql/gocql"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/store"
)

// The shape the nodes run in. By default they run the single shape (Pebble and the
// embedded log in a temporary directory). With HERD_TEST_SHAPE=cluster they run the
// cluster shape on the engines HERD_CASSANDRA and HERD_KAFKA name (host:port), as
// `make test-cluster` starts them: the tests of a binary share one keyspace, its
// tables created once, and each Cluster gets a namespace in it (a prefix on every
// partition key: store.Prefixed) and a topic prefix of its own, its topics deleted
// when the test ends; its nodes join a membership of their own on loopback. The same
// tests then prove both shapes. Creating and dropping a keyspace of a hundred tables
// for every test kept Cassandra's one core busy with schema changes for most of the
// run.

// ShapeEnv names the environment variable that selects the shape.
const ShapeEnv = "HERD_TEST_SHAPE"

// KeyspaceEnv names a keyspace holding every table of node.Schema already, shared by
// all the test binaries of a run (`make test-cluster` migrates it before the suites).
// Without it each binary creates a keyspace of its own, which Cassandra keeps in
// memory until the engines stop: a run of thirty binaries ran out of heap so.
const KeyspaceEnv = "HERD_TEST_KEYSPACE"

// TestPartitions is the most partitions of a topic in the cluster shape's tests.
const TestPartitions = 2

// Clustered reports whether the tests run the cluster shape.
func Clustered() bool { return os.Getenv(ShapeEnv) == "cluster" }

// instance is the per-Cluster namespace of the cluster shape on the shared engines.
type instance struct {
	cassandra, kafka string
	namespace        string // of the rows, in the binary's keyspace
	prefix           string // of the topics and consumer groups
}

// newInstance names a fresh namespace on the engines, removed when t ends, with the
// tables of node.Schema ready, or returns nil in the single shape.
func newInstance(t testing.TB) *instance {
	if !Clustered() {
		return nil
	}
	in := &instance{cassandra: os.Getenv("HERD_CASSANDRA"), kafka: os.Getenv("HERD_KAFKA")}
	if in.cassandra == "" || in.kafka == "" {
		t.Fatalf("%s=cluster needs HERD_CASSANDRA and HERD_KAFKA (host:port); `make test-cluster` sets them", ShapeEnv)
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	run := hex.EncodeToString(rnd[:])
	// Every namespace has the same length, so none is a prefix of another.
	in.namespace, in.prefix = run+"/", "herd.rig."+run+"."
	in.migrate(t, node.Schema())
	t.Cleanup(func() { in.remove(t) })
	return in
}

// configure puts a node of the instance on the cluster engines.
func (in *instance) configure(cfg *node.Config, id int) {
	cfg.NodeID = id
	cfg.Store, cfg.Bus = node.StoreScylla, node.BusKafka
	cfg.Scylla.Hosts, cfg.Scylla.Keyspace = []string{in.cassandra}, shared.keyspace
	cfg.Scylla.Namespace, cfg.Scylla.NoMigrate = in.namespace, true
	// The machine running the tests is busy: requests get more time than in production.
	cfg.Scylla.Timeout = 30 * time.Second
	cfg.Kafka.Brokers, cfg.Kafka.Prefix = []string{in.kafka}, in.prefix
	// The broker's minimum session timeout; heartbeats often, to learn of rebalances soon.
	cfg.Kafka.SessionTimeout, cfg.Kafka.HeartbeatInterval = 6*time.Second, 250*time.Millisecond
	// Two partitions a topic, not the 4 to 16 declared: the broker creates, serves and
	// deletes a test's 36 topics in a tenth of the work (412 partitions took it 1.5
	// CPU-seconds to create, and its idle consumers kept it busier), and two still
	// split a topic between nodes. The end-to-end test (tests/cluster) keeps the
	// declared counts.
	cfg.Kafka.MaxPartitions = TestPartitions
	cfg.Cluster.Bind = "127.0.0.1:0"
}

// remove deletes the topics and consumer groups of the instance. Its rows stay in the
// keyspace, which the next run's engines start without.
func (in *instance) remove(t testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := deleteTopics(ctx, in.kafka, in.prefix); err != nil {
		t.Errorf("delete topics %s*: %v", in.prefix, err)
	}
}

// shared is the keyspace of the test binary and the tables created in it so far.
var shared struct {
	sync.Mutex
	keyspace string
	tables   map[string]bool
}

// keyspaceAge is how old a keyspace of the tests must be before a later binary drops
// it: longer than any binary runs (the cluster suites' timeout is an hour), so that
// only keyspaces left by finished runs go.
const keyspaceAge = 3 * time.Hour

// migrate creates the tables of schema missing from the binary's keyspace (the run's,
// when KeyspaceEnv names one), creating the keyspace first (and dropping those old
// runs left) when the binary has none.
func (in *instance) migrate(t testing.TB, schema store.Schema) {
	t.Helper()
	shared.Lock()
	defer shared.Unlock()
	if shared.keyspace == "" && os.Getenv(KeyspaceEnv) != "" {
		shared.keyspace, shared.tables = os.Getenv(KeyspaceEnv), make(map[string]bool)
		for _, tb := range node.Schema() {
			shared.tables[tb.Name] = true
		}
	}
	if shared.keyspace == "" {
		if err := dropOldKeyspaces(in.cassandra, time.Now().Add(-keyspaceAge)); err != nil {
			t.Logf("drop the keyspaces of old runs: %v", err)
		}
		var rnd [4]byte
		rand.Read(rnd[:])
		shared.keyspace = fmt.Sprintf("herd_rig_%d_%s", time.Now().Unix(), hex.EncodeToString(rnd[:]))
		shared.tables = make(map[string]bool)
	}
	var missing store.Schema
	for _, tb := range schema {
		if !shared.tables[tb.Name] {
			missing = append(missing, tb)
		}
	}
	if len(missing) == 0 {
		return
	}
	cfg := node.Config{Store: node.StoreScylla}
	cfg.Scylla.Hosts, cfg.Scylla.Keyspace, cfg.Scylla.Timeout = []string{in.cassandra}, shared.keyspace, time.Minute
	st, err := node.OpenStore(cfg, missing, quiet(t))
	if err != nil {
		t.Fatalf("create the tables of keyspace %s: %v", shared.keyspace, err)
	}
	st.Close()
	for _, tb := range missing {
		shared.tables[tb.Name] = true
	}
}

// dropOldKeyspaces drops the keyspaces of the tests created before cutoff, left by
// binaries that ended (or were killed) on these engines.
func dropOldKeyspaces(addr string, cutoff time.Time) error {
	cluster := gocql.NewCluster(addr)
	cluster.Timeout = time.Minute
	session, err := cluster.CreateSession()
	if err != nil {
		return err
	}
	defer session.Close()
	iter := session.Query("SELECT keyspace_name FROM system_schema.keyspaces").Iter()
	var name string
	var old []string
	for iter.Scan(&name) {
		var created int64
		var suffix string
		if _, err := fmt.Sscanf(name, "herd_rig_%d_%s", &created, &suffix); err == nil && time.Unix(created, 0).Before(cutoff) {
			old = append(old, name)
		}
	}
	if err := iter.Close(); err != nil {
		return err
	}
	for _, ks := range old {
		if err := session.Query("DROP KEYSPACE IF EXISTS " + ks).Exec(); err != nil {
			return err
		}
	}
	return nil
}

// deleteTopics deletes the topics and consumer groups whose names start with prefix.
func deleteTopics(ctx context.Context, broker, prefix string) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker))
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	groups, err := adm.ListGroups(ctx)
	if err != nil {
		return fmt.Errorf("list groups: %w", err)
	}
	var ours []string
	for _, g := range groups.Groups() {
		if strings.HasPrefix(g, prefix) {
			ours = append(ours, g)
		}
	}
	if _, err := adm.DeleteGroups(ctx, ours...); err != nil {
		return fmt.Errorf("delete groups: %w", err)
	}
	topics, err := adm.ListTopics(ctx)
	if err != nil {
		return fmt.Errorf("list topics: %w", err)
	}
	ours = ours[:0]
	for _, name := range topics.Names() {
		if strings.HasPrefix(name, prefix) {
			ours = append(ours, name)
		}
	}
	resps, err := adm.DeleteTopics(ctx, ours...)
	if err == nil {
		err = resps.Error()
	}
	return err
}
