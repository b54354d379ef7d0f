package fanout_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// openNode opens a node's engines and services as cfg says, without serving; no
// author is hot.
func openNode(tb testing.TB, cfg node.Config) *node.Node {
	tb.Helper()
	cfg.BcryptCost, cfg.HotFollowers = 4, 1<<40
	n, err := node.Open(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// seed makes an author with `followers` followers (bare follow rows: followers need
// no login) and returns the author's id.
func seed(tb testing.TB, dir string, followers int) shard.ID {
	tb.Helper()
	n := openNode(tb, node.Config{Data: dir, NoSync: true})
	defer n.Close()
	ctx := context.Background()
	author, _, err := n.Accounts.Register(ctx, account.Registration{Username: "author", Email: "a@example.com",
		Password: "long enough password", Agreement: true})
	if err != nil {
		tb.Fatal(err)
	}
	ids, _ := shard.NewGenerator(7, shard.DefaultNodeBits, nil)
	for i := 0; i < followers; i++ {
		if err := n.Accounts.Follow(ctx, ids.Next(), author, account.FollowOptions{}, nil); err != nil {
			tb.Fatal(err)
		}
	}
	return author.ID
}

// benchFanout measures fan-out on write of one post to `followers` homes, on a synced
// Pebble store, and reports home inserts per second.
func benchFanout(b *testing.B, followers int) {
	dir := b.TempDir()
	authorID := seed(b, dir, followers)
	n := openNode(b, node.Config{Data: dir})
	defer n.Close()
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := n.Statuses.Create(ctx, authorID, status.Post{Text: fmt.Sprintf("post %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := n.Fanout.Apply(ctx, status.Event{Kind: status.Created, StatusID: st.ID, Author: authorID}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(followers*b.N)/b.Elapsed().Seconds(), "inserts/s")
}

func BenchmarkFanout1k(b *testing.B)   { benchFanout(b, 1_000) }
func BenchmarkFanout100k(b *testing.B) { benchFanout(b, 100_000) }
