package api_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

// The streaming load measurement: HERD_STREAM_LOAD=1 go test -run TestStreamingLoad
// -v ./api/ connects HERD_STREAM_CONNS (1,000) WebSocket clients, each its own user
// following one author, and measures the time from the start of each POST of the
// author's HERD_STREAM_POSTS (30) posts to each client's receipt of the `update`
// (home fan-out, per-viewer rendering, delivery), and the server's memory per idle
// connection. HERD_STREAM_MODE=public streams the public timeline instead of home.
//
// The clients run in a child process (this test binary, TestStreamingLoadClients) so
// that the heap measured is the server's alone; both read the same wall clock.

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func TestStreamingLoad(t *testing.T) {
	if os.Getenv("HERD_STREAM_LOAD") == "" {
		t.Skip("set HERD_STREAM_LOAD=1 to measure streaming latency and memory")
	}
	conns, posts, mode := envInt("HERD_STREAM_CONNS", 1000), envInt("HERD_STREAM_POSTS", 30), os.Getenv("HERD_STREAM_MODE")
	if mode == "" {
		mode = "user"
	}
	lat, last := streamingRun(t, conns, posts, mode)
	t.Logf("%s stream, %d clients, %d posts: post→event min %v p50 %v p90 %v p99 %v max %v; post→last client p50 %v",
		mode, conns, len(last), lat[0], quantile(lat, .50), quantile(lat, .90), quantile(lat, .99), lat[len(lat)-1], quantile(last, .50))
}

// BenchmarkStreamingLatency is the streaming row of make bench: b.N posts by an
// author whom HERD_STREAM_CONNS (1,000) users follow, each holding a user stream;
// it reports the p50 and p99 of the time from the start of each POST to each
// client's receipt of its update, in milliseconds.
func BenchmarkStreamingLatency(b *testing.B) {
	lat, _ := streamingRun(b, envInt("HERD_STREAM_CONNS", 1000), b.N, "user")
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(quantile(lat, .50))/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(quantile(lat, .99))/float64(time.Millisecond), "p99-ms")
}

// quantile is the p quantile of sorted durations.
func quantile(d []time.Duration, p float64) time.Duration {
	return d[min(len(d)-1, int(p*float64(len(d))))]
}

// streamingRun connects conns clients (the followers' user streams, or the public
// stream), has the author post posts times, and returns every post→event latency and
// each post's latency to its last client, both sorted. It logs the server's memory
// per idle connection.
func streamingRun(tb testing.TB, conns, posts int, mode string) (lat, last []time.Duration) {
	c := testrig.New(tb)
	author := c.Register("author")
	tokens := make([]string, conns)
	keys := make([]stream.Key, conns)
	for i := range tokens {
		u := c.Register(fmt.Sprintf("reader%d", i))
		u.Follow(author)
		tokens[i], keys[i] = u.Token, stream.User(id(tb, u.ID))
		if mode != "user" {
			keys[i] = stream.Public(stream.Everywhere, false)
		}
	}
	file := filepath.Join(tb.TempDir(), "tokens")
	if err := os.WriteFile(file, []byte(strings.Join(tokens, "\n")), 0o600); err != nil {
		tb.Fatal(err)
	}
	before := heap()
	child := startClients(tb, c, file, mode)
	testrig.Eventually(tb, "clients connected", child.ready)
	for _, k := range keys {
		waitSubscribers(tb, c, k, 1)
	}
	after := heap()
	profile(tb, "HERD_STREAM_HEAPPROFILE", func(f *os.File) error { return pprof.Lookup("heap").WriteTo(f, 0) })
	tb.Logf("%d idle connections: heap %+.1f KiB/conn, stacks %+.1f KiB/conn, goroutines %+.2f/conn",
		conns, float64(int64(after.heap)-int64(before.heap))/1024/float64(conns),
		float64(int64(after.stack)-int64(before.stack))/1024/float64(conns), float64(after.goroutines-before.goroutines)/float64(conns))

	profile(tb, "HERD_STREAM_CPUPROFILE", func(f *os.File) error {
		tb.Cleanup(pprof.StopCPUProfile)
		return pprof.StartCPUProfile(f)
	})
	if b, ok := tb.(*testing.B); ok {
		b.ResetTimer()
	}
	deadline := time.Now().Add(5 * time.Minute)
	for i := 0; i < posts && time.Now().Before(deadline); i++ {
		start := time.Now()
		pid := author.PostStatus(fmt.Sprintf("post %d to %d readers, with a #tag and https://example.com/link", i, conns)).ID
		got := child.wait(tb, pid, conns)
		slices.SortFunc(got, time.Time.Compare)
		for _, at := range got {
			lat = append(lat, at.Sub(start))
		}
		last = append(last, got[len(got)-1].Sub(start))
	}
	if b, ok := tb.(*testing.B); ok {
		b.StopTimer()
	}
	slices.Sort(lat)
	slices.Sort(last)
	child.stop(tb)
	return lat, last
}

// profile writes a profile to the file an environment variable names, if it does.
func profile(t testing.TB, env string, write func(*os.File) error) {
	p := os.Getenv(env)
	if p == "" {
		return
	}
	f, err := os.Create(p)
	if err == nil {
		t.Cleanup(func() { f.Close() })
		err = write(f)
	}
	if err != nil {
		t.Fatalf("%s: %v", env, err)
	}
}

type memory struct {
	heap, stack uint64
	goroutines  int
}

func heap() memory {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memory{heap: m.HeapAlloc, stack: m.StackInuse, goroutines: runtime.NumGoroutine()}
}

// clients is the child process of TestStreamingLoad and what it reports.
type clients struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	mu    struct {
		sync.Mutex
		ready bool
		got   map[string][]time.Time
		err   error
	}
	done chan struct{}
}

func startClients(t testing.TB, c *testrig.Cluster, file, mode string) *clients {
	cmd := exec.Command(os.Args[0], "-test.run=^TestStreamingLoadClients$", "-test.v")
	cmd.Env = append(os.Environ(), "HERD_STREAM_CLIENTS="+c.Nodes[0].Addr(), "HERD_STREAM_TOKENS="+file,
		"HERD_STREAM_MODE="+mode)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cl := &clients{cmd: cmd, done: make(chan struct{})}
	cl.mu.got = map[string][]time.Time{}
	if cl.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go cl.read(out)
	return cl
}

// read takes the child's lines: READY, then "<status id> <unix ns>" per receipt.
func (cl *clients) read(out io.Reader) {
	defer close(cl.done)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		id, ns, ok := strings.Cut(sc.Text(), " ")
		cl.mu.Lock()
		switch n, err := strconv.ParseInt(ns, 10, 64); {
		case id == "READY":
			cl.mu.ready = true
		case ok && err == nil:
			cl.mu.got[id] = append(cl.mu.got[id], time.Unix(0, n))
		}
		cl.mu.Unlock()
	}
}

// ready says whether the clients are connected.
func (cl *clients) ready() error {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if !cl.mu.ready {
		return errors.New("the client process has not said it is ready")
	}
	return nil
}

// wait returns the receipt times of a status once every client has it.
func (cl *clients) wait(t testing.TB, id string, n int) []time.Time {
	var got []time.Time
	testrig.Eventually(t, "every client got "+id, func() error {
		cl.mu.Lock()
		defer cl.mu.Unlock()
		got = cl.mu.got[id]
		if len(got) < n {
			return fmt.Errorf("%d of %d clients got it", len(got), n)
		}
		return nil
	})
	return got
}

func (cl *clients) stop(t testing.TB) {
	cl.stdin.Close()
	<-cl.done
	if err := cl.cmd.Wait(); err != nil {
		t.Errorf("clients: %v", err)
	}
}

// TestStreamingLoadClients is the child process of TestStreamingLoad: it connects a
// client per token, reports receipts on stdout, and leaves when stdin closes.
func TestStreamingLoadClients(t *testing.T) {
	addr := os.Getenv("HERD_STREAM_CLIENTS")
	if addr == "" {
		t.Skip("child process of TestStreamingLoad")
	}
	b, err := os.ReadFile(os.Getenv("HERD_STREAM_TOKENS"))
	if err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 4096)
	var wg sync.WaitGroup
	var conns []*websocket.Conn
	for _, tok := range strings.Split(string(b), "\n") {
		conn, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/api/v1/streaming?stream="+os.Getenv("HERD_STREAM_MODE"),
			bearerHeader(tok))
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
		wg.Add(1)
		go func() {
			defer wg.Done()
			receive(conn, lines)
		}()
	}
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(w, "READY")
	w.Flush()
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		for _, c := range conns {
			c.Close()
		}
		wg.Wait()
		close(lines)
	}()
	for l := range lines {
		w.WriteString(l + "\n")
		if len(lines) == 0 {
			w.Flush()
		}
	}
	w.Flush()
}

// receive reports the arrival of each update until the connection closes.
func receive(conn *websocket.Conn, lines chan<- string) {
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		at := time.Now().UnixNano()
		var f frame
		var st struct{ ID string }
		if json.Unmarshal(data, &f) != nil || f.Event != "update" || f.Payload == nil ||
			json.Unmarshal([]byte(*f.Payload), &st) != nil {
			continue
		}
		lines <- st.ID + " " + strconv.FormatInt(at, 10)
	}
}
