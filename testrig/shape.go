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
)

// The shape the nodes run in. By default they run the single shape (Pebble and the
// embedded log in a temporary directory). With HERD_TEST_SHAPE=cluster they run the
// cluster shape on the engines HERD_CASSANDRA and HERD_KAFKA name (host:port), as
// `make test-cluster` starts them: each Cluster gets a keyspace and a topic prefix of
// its own, dropped and deleted when the test ends, and its nodes join a membership of
// their own on loopback. The same tests then prove both shapes.

// ShapeEnv names the environment variable that selects the shape.
const ShapeEnv = "HERD_TEST_SHAPE"

// Clustered reports whether the tests run the cluster shape.
func Clustered() bool { return os.Getenv(ShapeEnv) == "cluster" }

// instance is the per-Cluster namespace of the cluster shape on the shared engines.
type instance struct {
	cassandra, kafka string
	keyspace, prefix string
}

// newInstance names a fresh namespace on the engines, removed when t ends, or
// returns nil in the single shape.
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
	in.keyspace, in.prefix = "herd_rig_"+run, "herd.rig."+run+"."
	t.Cleanup(func() { in.remove(t) })
	return in
}

// configure puts a node of the instance on the cluster engines.
func (in *instance) configure(cfg *node.Config, id int) {
	cfg.NodeID = id
	cfg.Store, cfg.Bus = node.StoreScylla, node.BusKafka
	cfg.Scylla.Hosts, cfg.Scylla.Keyspace = []string{in.cassandra}, in.keyspace
	// The machine running the tests is busy: requests get more time than in production.
	cfg.Scylla.Timeout = 30 * time.Second
	cfg.Kafka.Brokers, cfg.Kafka.Prefix = []string{in.kafka}, in.prefix
	// The broker's minimum session timeout; heartbeats often, to learn of rebalances soon.
	cfg.Kafka.SessionTimeout, cfg.Kafka.HeartbeatInterval = 6*time.Second, 250*time.Millisecond
	cfg.Cluster.Bind = "127.0.0.1:0"
}

// remove drops the keyspace and deletes the topics and consumer groups of the instance.
func (in *instance) remove(t testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := dropKeyspace(in.cassandra, in.keyspace); err != nil {
		t.Errorf("drop keyspace %s: %v", in.keyspace, err)
	}
	if err := deleteTopics(ctx, in.kafka, in.prefix); err != nil {
		t.Errorf("delete topics %s*: %v", in.prefix, err)
	}
}

// cql is one session, shared by the tests of a package, for dropping keyspaces.
var cql struct {
	once    sync.Once
	session *gocql.Session
	err     error
}

func dropKeyspace(addr, keyspace string) error {
	cql.once.Do(func() {
		cluster := gocql.NewCluster(addr)
		cluster.Timeout = time.Minute
		cql.session, cql.err = cluster.CreateSession()
	})
	if cql.err != nil {
		return cql.err
	}
	return cql.session.Query("DROP KEYSPACE IF EXISTS " + keyspace).Exec()
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
