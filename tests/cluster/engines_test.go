package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocql/gocql"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	buskafka "github.com/herd-social/herd/bus/kafka"
	"github.com/herd-social/herd/fanout"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/store/scylla"
)

// The test reads and seeds the shared store directly, as an operator's tool would,
// and asks Kafka which node holds which partition.

// Tables the test reads (as the domain packages name them).
const (
	tHome   = "home"
	tOutbox = "status_outbox"
)

// parallel is how many store requests the test has in flight.
const parallel = 32

// openStore opens the rig's keyspace (already migrated by the nodes).
func (r *rig) openStore() *scylla.Store {
	r.t.Helper()
	st, err := scylla.Open(scylla.Options{Hosts: []string{r.cass}, Keyspace: r.keyspace, Schema: node.Schema(),
		Timeout: 30 * time.Second})
	if err != nil {
		r.t.Fatalf("open the store: %v", err)
	}
	r.t.Cleanup(func() { st.Close() })
	return st
}

// dropKeyspace drops the rig's keyspace.
func (r *rig) dropKeyspace() {
	c := gocql.NewCluster(r.cass)
	c.Timeout = time.Minute
	s, err := c.CreateSession()
	if err != nil {
		r.t.Logf("drop keyspace %s: %v", r.keyspace, err)
		return
	}
	defer s.Close()
	if err := s.Query("DROP KEYSPACE IF EXISTS " + r.keyspace).Exec(); err != nil {
		r.t.Logf("drop keyspace %s: %v", r.keyspace, err)
	}
}

// seedFollowers makes n synthetic accounts (bare ids, no login) follow author, as
// fanout's benchmarks do, and returns how long it took.
func (r *rig) seedFollowers(ctx context.Context, st store.Store, author shard.ID, n int) time.Duration {
	r.t.Helper()
	ids, err := shard.NewGenerator(200, shard.DefaultNodeBits, nil) // a node id no process uses
	if err != nil {
		r.t.Fatal(err)
	}
	accounts := account.New(st, ids, account.Options{Domain: r.domain})
	target, err := accounts.Get(ctx, author)
	if err != nil {
		r.t.Fatalf("get author: %v", err)
	}
	t0 := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, parallel)
	for range parallel {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				if err := accounts.Follow(ctx, ids.Next(), target, account.FollowOptions{}, nil); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		r.t.Fatalf("follow: %v", err)
	}
	return time.Since(t0)
}

// inProcess opens a node in the test process on the shared keyspace but with the
// embedded log, so that no running node sees what it publishes; it is not started.
func (r *rig) inProcess() *node.Node {
	r.t.Helper()
	n, err := node.Open(node.Config{NodeID: 201, Data: r.t.TempDir(), NoSync: true, BcryptCost: 4, Store: node.StoreScylla,
		Scylla: node.ScyllaConfig{Hosts: []string{r.cass}, Keyspace: r.keyspace, NoMigrate: true}},
		slog.New(slog.DiscardHandler))
	if err != nil {
		r.t.Fatalf("open an in-process node: %v", err)
	}
	return n
}

// fanoutInProcess times the fan-out of a new post by author straight on the shared
// store, as fanout's benchmark does on Pebble, in an in-process node.
func (r *rig) fanoutInProcess(ctx context.Context, author shard.ID) time.Duration {
	r.t.Helper()
	n := r.inProcess()
	defer n.Close()
	st, err := n.Statuses.Create(ctx, author, status.Post{Text: "fanned out in process"})
	if err != nil {
		r.t.Fatal(err)
	}
	t0 := time.Now()
	if err := n.Fanout.Apply(ctx, status.Event{Kind: status.Created, StatusID: st.ID, Author: author}); err != nil {
		r.t.Fatalf("fan out in process: %v", err)
	}
	return time.Since(t0)
}

// unannounced creates a status by author as a node that crashed before publishing
// its event would leave it: stored, with its row in the status outbox (as
// status.Create writes it: partition id % 16, clustering key the id, value the
// author), and no event in Kafka.
func (r *rig) unannounced(ctx context.Context, st store.Store, author shard.ID) shard.ID {
	r.t.Helper()
	n := r.inProcess()
	s, err := n.Statuses.Create(ctx, author, status.Post{Text: "left in the outbox by a crash"})
	n.Close() // a closing node clears the outbox rows of what it published: put it back after
	if err != nil {
		r.t.Fatal(err)
	}
	if err := st.Put(ctx, tOutbox, []byte{byte(s.ID % 16)}, s.ID.Bytes(), author.Bytes(), 0); err != nil {
		r.t.Fatalf("put the outbox row back: %v", err)
	}
	return s.ID
}

// followers lists author's followers from the store, oldest follow last (the order
// fan-out pages through them).
func (r *rig) followers(ctx context.Context, st store.Store, author shard.ID) []shard.ID {
	r.t.Helper()
	accounts := account.New(st, nil, account.Options{Domain: r.domain})
	var out []shard.ID
	for cursor := shard.ID(0); ; {
		ids, next, err := accounts.FollowerIDs(ctx, author, cursor, 1000)
		if err != nil {
			r.t.Fatalf("list followers: %v", err)
		}
		out = append(out, ids...)
		if next == 0 {
			return out
		}
		cursor = next
	}
}

// homeCounts counts, for each account, the entries of post in its home partition.
func (r *rig) homeCounts(ctx context.Context, st store.Store, accounts []shard.ID, post shard.ID) ([]int, error) {
	counts := make([]int, len(accounts))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, parallel)
	for range parallel {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(accounts)); i = next.Add(1) - 1 {
				rows, err := st.Scan(ctx, tHome, accounts[i].Bytes(), store.Range{})
				if err != nil {
					errs <- err
					return
				}
				for _, row := range rows {
					if shard.FromBytes(row.CK) == post {
						counts[i]++
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return counts, <-errs
}

// inHome says why post is not in account's home partition.
func inHome(ctx context.Context, st store.Store, account, post shard.ID) error {
	if _, err := st.Get(ctx, tHome, account.Bytes(), post.Bytes()); err != nil {
		return fmt.Errorf("post %d in %d's home: %w", post, account, err)
	}
	return nil
}

// fanoutOwners maps each partition of the statuses topic to the node id whose
// fan-out consumer holds it, once the group is stable with a member on each of
// nodes; nil until then.
func (r *rig) fanoutOwners(ctx context.Context, nodes int) map[int]int {
	cl, err := kgo.NewClient(kgo.SeedBrokers(r.kafka))
	if err != nil {
		r.t.Fatal(err)
	}
	defer cl.Close()
	group := buskafka.GroupID(r.prefix, fanout.Group, status.Topic)
	groups, err := kadm.NewClient(cl).DescribeGroups(ctx, group)
	if err != nil {
		return nil
	}
	g, ok := groups[group]
	if !ok || g.Err != nil || g.State != "Stable" {
		return nil
	}
	owners := make(map[int]int)
	clients := make(map[string]bool)
	for _, m := range g.Members {
		var id int
		if _, err := fmt.Sscanf(m.ClientID, "herd-%d", &id); err != nil {
			continue
		}
		clients[m.ClientID] = true
		a, ok := m.Assigned.AsConsumer()
		if !ok {
			continue
		}
		for _, t := range a.Topics {
			if t.Topic != r.prefix+status.Topic {
				continue
			}
			for _, p := range t.Partitions {
				owners[int(p)] = id
			}
		}
	}
	if len(clients) != nodes || len(owners) != statusPartitions() {
		return nil
	}
	return owners
}

// statusPartitions is the partition count of the statuses topic.
func statusPartitions() int {
	for _, t := range node.Topics() {
		if t.Name == status.Topic {
			return t.Partitions
		}
	}
	return 0
}

// partitionOf is the statuses partition of an author's events.
func partitionOf(author shard.ID) int { return bus.PartitionFor(author.Bytes(), statusPartitions()) }
