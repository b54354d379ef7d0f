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
	c := testrig.New(t)
	author := c.Register("author")
	tokens := make([]string, conns)
	keys := make([]stream.Key, conns)
	for i := range tokens {
		u := c.Register(fmt.Sprintf("reader%d", i))
		u.Follow(author)
		tokens[i], keys[i] = u.Token, stream.User(id(t, u.ID))
		if mode != "user" {
			keys[i] = stream.Public(stream.Everywhere, false)
		}
	}
	file := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(file, []byte(strings.Join(tokens, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	before := heap()
	child := startClients(t, c, file, mode)
	testrig.Eventually(t, "clients connected", child.ready)
	for _, k := range keys {
		waitSubscribers(t, c, k, 1)
	}
	after := heap()
	profile(t, "HERD_STREAM_HEAPPROFILE", func(f *os.File) error { return pprof.Lookup("heap").WriteTo(f, 0) })
	t.Logf("%d idle connections: heap %+.1f KiB/conn, stacks %+.1f KiB/conn, goroutines %+.2f/conn",
		conns, float64(after.heap-before.heap)/1024/float64(conns),
		float64(after.stack-before.stack)/1024/float64(conns), float64(after.goroutines-before.goroutines)/float64(conns))

	profile(t, "HERD_STREAM_CPUPROFILE", func(f *os.File) error {
		t.Cleanup(pprof.StopCPUProfile)
		return pprof.StartCPUProfile(f)
	})
	var lat, last []time.Duration
	deadline := time.Now().Add(5 * time.Minute)
	for i := 0; i < posts && time.Now().Before(deadline); i++ {
		start := time.Now()
		pid := author.PostStatus(fmt.Sprintf("post %d to %d readers, with a #tag and https://example.com/link", i, conns)).ID
		got := child.wait(t, pid, conns)
		slices.SortFunc(got, time.Time.Compare)
		for _, at := range got {
			lat = append(lat, at.Sub(start))
		}
		last = append(last, got[len(got)-1].Sub(start))
	}
	slices.Sort(lat)
	slices.Sort(last)
	q := func(d []time.Duration, p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))] }
	t.Logf("%s stream, %d clients, %d posts: post→event min %v p50 %v p90 %v p99 %v max %v; post→last client p50 %v",
		mode, conns, len(last), lat[0], q(lat, .50), q(lat, .90), q(lat, .99), lat[len(lat)-1], q(last, .50))
	child.stop(t)
}

// profile writes a profile to the file an environment variable names, if it does.
func profile(t *testing.T, env string, write func(*os.File) error) {
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

func startClients(t *testing.T, c *testrig.Cluster, file, mode string) *clients {
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
func (cl *clients) wait(t *testing.T, id string, n int) []time.Time {
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

func (cl *clients) stop(t *testing.T) {
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
