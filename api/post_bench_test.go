package api_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/fanout"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/testrig"
)

// benchStatuses is how many statuses BenchmarkPost puts in the store before it
// measures, to see whether posting stays flat as the store grows.
var benchStatuses = flag.Int("bench-statuses", 0, "statuses to seed the store with before BenchmarkPost measures")

// benchLanguage is the language BenchmarkPost's posts carry, as Mastodon's clients send
// one with every post; empty leaves it out, so that the server detects it to index it.
var benchLanguage = flag.String("bench-language", "en", "language of BenchmarkPost's posts (empty: none given)")

// seeded is the store that -bench-statuses asks for, made once per process.
var seeded struct {
	once sync.Once
	dir  string
	err  error
}

// TestMain removes the seeded store after the benchmarks.
func TestMain(m *testing.M) {
	code := m.Run()
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	os.Exit(code)
}

// BenchmarkPost measures POST /api/v1/statuses with fan-out, over real HTTP on
// loopback, on a synced store and event log (as a node runs): parallel clients post
// as 8 authors, each followed by the same 10 local accounts, and the clock stops when
// fan-out has caught up with every post. posts/s counts posts to that moment;
// accepted-posts/s counts them to the last answer of the API. Posts carry a language
// (-bench-language, default en). With -bench-statuses=N the store first holds N
// statuses of other authors.
func BenchmarkPost(b *testing.B) {
	dir := b.TempDir()
	if *benchStatuses > 0 {
		seeded.once.Do(func() {
			seeded.dir, seeded.err = os.MkdirTemp("", "herd-bench-seed-")
			if seeded.err == nil {
				seeded.err = seedStatuses(b, seeded.dir, *benchStatuses)
			}
		})
		if seeded.err != nil {
			b.Fatal(seeded.err)
		}
		// Every run of the benchmark starts from a copy of the seeded store.
		if err := os.CopyFS(filepath.Join(dir, "store"), os.DirFS(filepath.Join(seeded.dir, "store"))); err != nil {
			b.Fatal(err)
		}
	}
	c := testrig.New(b, testrig.Config(func(cfg *node.Config) { cfg.Data, cfg.NoSync = dir, false }))
	var authors []*testrig.User
	for a := range 8 {
		authors = append(authors, c.Register(fmt.Sprintf("author%d", a)))
	}
	for f := range 10 {
		follower := c.Register(fmt.Sprintf("follower%d", f))
		for _, a := range authors {
			follower.Follow(a)
		}
	}
	n := c.Nodes[0]
	waitFanout(b, n)
	endpoint := c.URL() + "/api/v1/statuses"
	var next atomic.Int64
	b.SetParallelism(8) // 16 clients on two cores: the server, not the client, is the limit
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
		for pb.Next() {
			i := next.Add(1)
			a := authors[int(i)%len(authors)]
			form := url.Values{"status": {fmt.Sprintf("post %d: hello #herd, a status of a few words", i)}}
			if *benchLanguage != "" {
				form.Set("language", *benchLanguage)
			}
			req, _ := http.NewRequest("POST", endpoint, strings.NewReader(form.Encode()))
			req.Header.Set("Authorization", "Bearer "+a.Token)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if !sendOK(b, client, req) {
				return
			}
		}
	})
	accepted := b.Elapsed()
	waitFanout(b, n)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
	b.ReportMetric(float64(b.N)/accepted.Seconds(), "accepted-posts/s")
}

// waitFanout waits until the fan-out consumers have committed every status event.
func waitFanout(b *testing.B, n *node.Node) {
	b.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		lag, err := n.Bus().Lag(ctx, fanout.Group, status.Topic)
		if err != nil {
			b.Fatal(err)
		}
		var sum int64
		for _, l := range lag {
			sum += l
		}
		if sum == 0 {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("fan-out still %d events behind", sum)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// seedStatuses puts count statuses of 1,000 authors (without followers) into the
// store in dir, through the status service but without syncing; the event log they
// filled is left out of the copies the benchmark starts from.
func seedStatuses(b *testing.B, dir string, count int) error {
	start := time.Now()
	n, err := node.Open(node.Config{Data: dir, NoSync: true, BcryptCost: 4}, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	ids, _ := shard.NewGenerator(9, shard.DefaultNodeBits, nil)
	authors := make([]shard.ID, 1000)
	for i := range authors {
		authors[i] = ids.Next()
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	var failed atomic.Value
	const workers = 4
	for w := range workers {
		wg.Go(func() {
			for i := w; i < count; i += workers {
				p := status.Post{Text: fmt.Sprintf("seeded status %d about #history and other things", i)}
				if _, err := n.Statuses.Create(ctx, authors[i%len(authors)], p); err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := n.Close(); err != nil {
		return err
	}
	if err, _ := failed.Load().(error); err != nil {
		return err
	}
	b.Logf("seeded %d statuses in %v", count, time.Since(start).Round(time.Second))
	return nil
}
