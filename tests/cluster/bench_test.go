package cluster

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/gocql/gocql"
	"golang.org/x/sync/errgroup"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	buskafka "github.com/herd-social/herd/bus/kafka"
	"github.com/herd-social/herd/fanout"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store/scylla"
)

// The baseline of BenchmarkFanoutVsRaw: a plain gocql client's unlogged batches of
// rawBatch home rows, grouped by token, rawInFlight at once.
const (
	rawBatch    = 32
	rawInFlight = 16
)

// BenchmarkFanoutVsRaw measures, in one run on the engines HERD_CASSANDRA and
// HERD_KAFKA name, the fan-out of one post to followerCount followers by a node in
// this process (the post published to Kafka by status.Create, consumed by the node's
// fan-out group, written to the homes through the store), timed from the post to the
// consumer's commit, beside Cassandra's raw insert rate of the same home rows (the
// same followers' partitions) from a plain gocql client: token-grouped unlogged
// batches of 32 rows, 16 in flight. Each iteration does both; it reports home rows/s
// of each and the fan-out's share of the raw rate (the goal is at least 50%).
//
//	HERD_CASSANDRA=127.0.0.1:9042 HERD_KAFKA=127.0.0.1:9092 \
//	  go test ./tests/cluster/ -run '^$' -bench FanoutVsRaw -benchtime 5x
func BenchmarkFanoutVsRaw(b *testing.B) {
	cass, kafka := engines(b)
	var rnd [6]byte
	rand.Read(rnd[:])
	r := &rig{t: b, cass: cass, kafka: kafka, keyspace: "herd_bench_" + hex.EncodeToString(rnd[:]),
		prefix: "herd.bench." + hex.EncodeToString(rnd[:]) + ".", domain: "localhost"}
	defer r.dropKeyspace()
	ctx := b.Context()
	n, err := node.Open(node.Config{NodeID: 1, Data: b.TempDir(), NoSync: true, BcryptCost: 4, Domain: r.domain,
		HotFollowers: 1 << 40, Store: node.StoreScylla, Bus: node.BusKafka,
		Scylla: node.ScyllaConfig{Hosts: []string{cass}, Keyspace: r.keyspace, Timeout: 30 * time.Second},
		Kafka:  node.KafkaConfig{Brokers: []string{kafka}, Prefix: r.prefix}}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	lag, err := buskafka.Open(ctx, buskafka.Options{Brokers: []string{kafka}, Topics: node.Topics(), Prefix: r.prefix})
	if err != nil {
		b.Fatal(err)
	}
	defer lag.Close()
	consumer, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- n.Fanout.Run(consumer) }()
	defer func() { stop(); <-done }()

	st := r.openStore()
	author, _, err := n.Accounts.Register(ctx, account.Registration{Username: "author", Email: "author@example.com",
		Password: "long enough password", Agreement: true})
	if err != nil {
		b.Fatal(err)
	}
	took := r.seedFollowers(ctx, st, author.ID, followerCount)
	b.Logf("seeded %d followers in %v", followerCount, took.Round(time.Millisecond))
	followers := r.followers(ctx, st, author.ID)
	raw, err := newRawWriter(cass, r.keyspace)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.session.Close()

	post := func() time.Duration { // one post, from its creation to the fan-out's commit
		t0 := time.Now()
		s, err := n.Statuses.Create(ctx, author.ID, status.Post{Text: "fanned out"})
		if err != nil {
			b.Fatal(err)
		}
		waitCaughtUp(b, lag)
		if err := inHome(ctx, st, followers[len(followers)-1], s.ID); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	post() // the group joins, statements are prepared
	if err := raw.insert(ctx, followers, author.ID); err != nil {
		b.Fatal(err)
	}
	var rawTook, fanoutTook time.Duration
	for b.Loop() {
		t0 := time.Now()
		if err := raw.insert(ctx, followers, author.ID); err != nil {
			b.Fatal(err)
		}
		rawTook += time.Since(t0)
		fanoutTook += post()
	}
	rows := float64(b.N * len(followers))
	rawRate, fanoutRate := rows/rawTook.Seconds(), rows/fanoutTook.Seconds()
	b.ReportMetric(rawRate, "raw-rows/s")
	b.ReportMetric(fanoutRate, "fanout-rows/s")
	b.ReportMetric(100*fanoutRate/rawRate, "%-of-raw")
	b.ReportMetric(0, "ns/op")
}

// rawWriter inserts home rows as a plain gocql client would, with nothing of the
// store's code.
type rawWriter struct {
	session *gocql.Session
	insertQ string
	ids     *shard.Generator
}

func newRawWriter(cass, keyspace string) (*rawWriter, error) {
	c := gocql.NewCluster(cass)
	c.Timeout, c.Consistency = 30*time.Second, gocql.LocalQuorum
	c.PoolConfig.HostSelectionPolicy = gocql.TokenAwareHostPolicy(gocql.RoundRobinHostPolicy())
	s, err := c.CreateSession()
	if err != nil {
		return nil, err
	}
	ids, err := shard.NewGenerator(202, shard.DefaultNodeBits, nil)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &rawWriter{session: s, insertQ: "INSERT INTO " + keyspace + ".home (pk, ck, v) VALUES (?, ?, ?)", ids: ids}, nil
}

// insert puts a new status id in each account's home: the rows sorted by token, in
// unlogged batches of rawBatch, rawInFlight batches at once.
func (w *rawWriter) insert(ctx context.Context, accounts []shard.ID, author shard.ID) error {
	type row struct {
		token int64
		pk    []byte
	}
	rows := make([]row, len(accounts))
	for i, a := range accounts {
		rows[i] = row{scylla.Token(a.Bytes()), a.Bytes()}
	}
	slices.SortFunc(rows, func(a, b row) int { return cmp.Compare(a.token, b.token) })
	ck, v := w.ids.Next().Bytes(), author.Bytes()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(rawInFlight)
	for i := 0; i < len(rows); i += rawBatch {
		batch := w.session.Batch(gocql.UnloggedBatch).WithContext(gctx)
		for _, r := range rows[i:min(i+rawBatch, len(rows))] {
			batch.Query(w.insertQ, r.pk, ck, v)
		}
		g.Go(batch.Exec)
	}
	return g.Wait()
}

// waitCaughtUp waits until the fan-out group has committed every status event.
func waitCaughtUp(b *testing.B, l bus.Bus) {
	b.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		lags, err := l.Lag(b.Context(), fanout.Group, status.Topic)
		if err == nil {
			var sum int64
			for _, x := range lags {
				sum += x
			}
			if sum == 0 {
				return
			}
			err = fmt.Errorf("%d events not committed", sum)
		}
		if time.Now().After(deadline) {
			b.Fatalf("fan-out did not catch up: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
