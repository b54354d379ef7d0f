package local_test

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/bus/bustest"
	"github.com/herd-social/herd/bus/local"
)

// engine opens local buses in test directories, remembering each bus's directory so
// that it can be reopened.
type engine struct {
	mu   sync.Mutex
	dirs map[bus.Bus]string
}

func (e *engine) Open(t *testing.T, topics []bus.Topic) bus.Bus {
	return e.open(t, t.TempDir(), topics)
}

func (e *engine) Reopen(t *testing.T, prev bus.Bus, topics []bus.Topic) bus.Bus {
	e.mu.Lock()
	dir, ok := e.dirs[prev]
	e.mu.Unlock()
	if !ok {
		t.Fatal("Reopen of a bus this engine did not open")
	}
	return e.open(t, dir, topics)
}

func (e *engine) open(t *testing.T, dir string, topics []bus.Topic) bus.Bus {
	t.Helper()
	b, err := local.Open(local.Options{Dir: dir, Topics: topics, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dirs[b] = dir
	return b
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func TestConformance(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Run("bustest", func(t *testing.T) {
		bustest.Run(t, &engine{dirs: make(map[bus.Bus]string)})
	})
	checkNoLeak(t, before)
}

// checkNoLeak polls until no more goroutines run than before.
func checkNoLeak(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines running, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		runtime.Gosched()
	}
}

func openBench(b *testing.B, topics ...bus.Topic) *local.Bus {
	bs, err := local.Open(local.Options{Dir: b.TempDir(), Topics: topics, Logger: testLogger(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bs.Close() })
	return bs
}

// BenchmarkPublish measures synced publishes of 100-byte messages, one per call and
// 100 per call, from one goroutine and from 16.
func BenchmarkPublish(b *testing.B) {
	value := make([]byte, 100)
	for _, batch := range []int{1, 100} {
		for _, publishers := range []int{1, 16} {
			b.Run(fmt.Sprintf("batch=%d/publishers=%d", batch, publishers), func(b *testing.B) {
				tp := bus.Topic{Name: "bench", Partitions: 16}
				bs := openBench(b, tp)
				msgs := make([]bus.Message, batch)
				for i := range msgs {
					msgs[i] = bus.Message{Topic: tp.Name, Key: []byte(strconv.Itoa(i)), Value: value}
				}
				b.ResetTimer()
				if publishers == 1 {
					for b.Loop() {
						if err := bs.Publish(context.Background(), msgs...); err != nil {
							b.Fatal(err)
						}
					}
				} else {
					b.SetParallelism(max(1, publishers/runtime.GOMAXPROCS(0)))
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if err := bs.Publish(context.Background(), msgs...); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
}

// BenchmarkPublishConsume measures messages per second end to end: b.N messages are
// published in calls of 100 while one group of 4 members consumes them.
func BenchmarkPublishConsume(b *testing.B) {
	tp := bus.Topic{Name: "bench", Partitions: 16}
	bs := openBench(b, tp)
	value := make([]byte, 100)
	var mu sync.Mutex
	got, want := 0, b.N
	done := make(chan struct{})
	h := func(_ context.Context, msgs []bus.Message) error {
		mu.Lock()
		defer mu.Unlock()
		got += len(msgs)
		if got == want {
			close(done)
		}
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	for range 4 {
		wg.Go(func() { bs.Consume(ctx, "bench", tp.Name, bus.ConsumeOptions{}, h) })
	}
	b.ResetTimer()
	msgs := make([]bus.Message, 0, 100)
	for i := range b.N {
		msgs = append(msgs, bus.Message{Topic: tp.Name, Key: []byte(strconv.Itoa(i % 1000)), Value: value})
		if len(msgs) == cap(msgs) || i == b.N-1 {
			if err := bs.Publish(ctx, msgs...); err != nil {
				b.Fatal(err)
			}
			msgs = msgs[:0]
		}
	}
	<-done
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
