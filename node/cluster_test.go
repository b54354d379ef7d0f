package node

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/stream"
)

// eventually polls cond until it returns nil, failing the test with its last error
// after 10 seconds. It is testrig.Eventually's twin: node's own tests cannot import
// testrig, which imports node.
func eventually(t *testing.T, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %v", what, err)
		}
		<-tick.C
	}
}

// testMember starts the membership of a node on a free loopback port, without engines.
func testMember(t *testing.T, id int, seeds ...string) (*cluster, *router, *stream.Hub) {
	t.Helper()
	hub := stream.NewHub()
	log := slog.New(slog.NewTextHandler(testOutput(t), &slog.HandlerOptions{Level: slog.LevelWarn}))
	r := newRouter(hub, log)
	cfg := Config{NodeID: id, Bus: BusKafka, Roles: []string{RoleAPI, RoleWorker},
		Cluster: ClusterConfig{Bind: "127.0.0.1:0", Seeds: seeds}}
	c, err := joinCluster(cfg, "127.0.0.1:8080", r, log)
	if err != nil {
		t.Fatalf("join: %v", err)
	}
	t.Cleanup(func() {
		if err := c.leave(); err != nil {
			t.Errorf("leave: %v", err)
		}
	})
	return c, r, hub
}

// testOutput is the test's output until the test ends, and nothing after: memberlist's
// gossip may log one last time while it shuts down, and writing to a finished test's
// output panics.
func testOutput(t *testing.T) io.Writer {
	w := &endingWriter{}
	w.mu.w = t.Output()
	t.Cleanup(func() { // registered before the member's, so it runs after them
		w.mu.Lock()
		defer w.mu.Unlock()
		w.mu.w = nil
	})
	return w
}

type endingWriter struct {
	mu struct {
		sync.Mutex
		w io.Writer
	}
}

func (e *endingWriter) Write(p []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.mu.w == nil {
		return len(p), nil
	}
	return e.mu.w.Write(p)
}

func alive(c *cluster) int {
	n := 0
	for _, m := range c.Members() {
		if m.State == "alive" {
			n++
		}
	}
	return n
}

func TestClusterMembersAndStreaming(t *testing.T) {
	c1, r1, _ := testMember(t, 1)
	seed := c1.ml.LocalNode().Address()
	c2, r2, _ := testMember(t, 2, seed)
	c3, _, _ := testMember(t, 3, seed)
	for _, c := range []*cluster{c1, c2, c3} {
		eventually(t, c.name+" to see three members", func() error {
			if n := alive(c); n != 3 {
				return fmt.Errorf("%d alive: %+v", n, c.Members())
			}
			return nil
		})
	}
	ms := c2.Members()
	if got := []int{ms[0].NodeID, ms[1].NodeID, ms[2].NodeID}; !slices.Equal(got, []int{1, 2, 3}) {
		t.Fatalf("members %v, want node ids 1, 2, 3", got)
	}
	if !ms[1].Self || ms[0].HTTP != "127.0.0.1:8080" || !slices.Equal(ms[0].Roles, []string{RoleAPI, RoleWorker}) {
		t.Fatalf("members %+v: want self on node 2 and node 1's metadata", ms)
	}

	// A subscriber on node 2 is announced to node 1, which forwards it the event.
	key := stream.User(shard.ID(42))
	if r1.HasSubscribers(key) {
		t.Fatal("node 1 sees a subscriber before anyone subscribed")
	}
	sub := stream.NewSub(16)
	r2.Subscribe(sub, key)
	eventually(t, "node 1 to learn node 2's interest", func() error {
		if !r1.HasSubscribers(key) {
			return fmt.Errorf("node 1 sees no subscriber of %s", key)
		}
		return nil
	})
	r1.Publish(key, stream.Event{Kind: stream.Update, ID: 7})
	select {
	case <-sub.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("the event did not reach node 2's subscriber")
	}
	got := sub.Take(nil)
	if len(got) != 1 || got[0].Key != key || got[0].Event != (stream.Event{Kind: stream.Update, ID: 7}) {
		t.Fatalf("delivered %+v", got)
	}
	r2.Leave(sub)
	eventually(t, "node 1 to learn the subscriber left", func() error {
		if r1.HasSubscribers(key) {
			return fmt.Errorf("node 1 still sees a subscriber of %s", key)
		}
		return nil
	})

	// A node that leaves is seen as left.
	if err := c3.leave(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "node 1 to see node 3 leave", func() error {
		for _, m := range c1.Members() {
			if m.NodeID != 3 {
				continue
			}
			if m.State != "left" {
				return fmt.Errorf("node 3 is %s", m.State)
			}
			return nil
		}
		return errors.New("node 3 is not a member")
	})
	// c3's cleanup leaves again, which must be harmless.
}

func TestEventsRoundTrip(t *testing.T) {
	in := []stream.Delivery{{Key: stream.User(1), Event: stream.Event{Kind: stream.Update, ID: 99}},
		{Key: stream.Public(stream.Local, false), Event: stream.Event{Kind: stream.Delete, ID: 1 << 60}},
		{Key: stream.Announcements(), Event: stream.Event{Kind: stream.AnnouncementReaction, ID: 7, Name: "🐘"}},
		{Key: stream.System(3), Event: stream.Event{Kind: stream.Reverify}}}
	out, err := decodeEvents(encodeEvents(in))
	if err != nil || !slices.Equal(in, out) {
		t.Fatalf("round trip: %v %+v", err, out)
	}
	b := encodeEvents(in)
	for i := range b {
		if _, err := decodeEvents(b[:i]); err == nil {
			t.Fatalf("a batch cut at %d decoded", i)
		}
	}
}

func FuzzDecodeEvents(f *testing.F) {
	f.Add(encodeEvents([]stream.Delivery{{Key: "timeline:1", Event: stream.Event{Kind: "update", ID: 1}}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		ds, err := decodeEvents(b)
		if err == nil && !slices.Equal(b, encodeEvents(ds)) && len(ds) > 0 {
			t.Fatalf("decoded %+v does not encode back", ds)
		}
	})
}

func TestMetaRoundTrip(t *testing.T) {
	c := &cluster{self: memberInfo{NodeID: 7, HTTP: "10.0.0.7:8080", Roles: []string{"api"}, Version: "x"},
		router: newRouter(stream.NewHub(), slog.New(slog.DiscardHandler))}
	c.router.Subscribe(stream.NewSub(1), stream.User(5))
	meta := c.NodeMeta(512)
	info, in := decodeMeta(meta)
	if info.NodeID != 7 || info.HTTP != "10.0.0.7:8080" || !in.has(bucket(stream.User(5))) {
		t.Fatalf("decoded %+v, interest has key: %v", info, in.has(bucket(stream.User(5))))
	}
	if len(meta) > 400 {
		t.Fatalf("metadata of %d bytes leaves little room under memberlist's 512", len(meta))
	}
}

func TestConfigShape(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		err  string
	}{
		{"single", Config{}, ""},
		{"scylla alone", Config{Store: StoreScylla, Scylla: ScyllaConfig{Hosts: []string{"h"}}}, ""},
		{"scylla without hosts", Config{Store: StoreScylla}, "scylla.hosts"},
		{"kafka on pebble", Config{Bus: BusKafka, Kafka: KafkaConfig{Brokers: []string{"b:9092"}}}, "share one store"},
		{"cluster", Config{Store: StoreScylla, Scylla: ScyllaConfig{Hosts: []string{"h"}}, Bus: BusKafka,
			Kafka: KafkaConfig{Brokers: []string{"b:9092"}}, Cluster: ClusterConfig{Seeds: []string{"n1:7946"}}}, ""},
		{"seeds without kafka", Config{Cluster: ClusterConfig{Seeds: []string{"n1:7946"}}}, "cluster.seeds"},
		{"bad secret", Config{Store: StoreScylla, Scylla: ScyllaConfig{Hosts: []string{"h"}}, Bus: BusKafka,
			Kafka: KafkaConfig{Brokers: []string{"b:9092"}}, Cluster: ClusterConfig{Secret: "c2hvcnQ="}}, "cluster.secret"},
		{"bad role", Config{Roles: []string{"api", "cook"}}, "role \"cook\""},
		{"single needs a worker", Config{Roles: []string{"api"}}, "must be a worker"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.WithDefaults().Validate()
			if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("Validate: %v, want %q", err, tc.err)
			}
		})
	}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Bus: BusKafka, Cluster: ClusterConfig{Bind: "127.0.0.1:7956"}}, "127.0.0.1:7957"}, // memberlist's port plus one
		{Config{Listen: "0.0.0.0:8080"}, "127.0.0.1:8081"},                                        // the HTTP port plus one
		{Config{Listen: "127.0.0.1:0"}, "127.0.0.1:0"},                                            // a port of the system's choice
		{Config{Ops: "off"}, "off"},
	} {
		if got := tc.cfg.WithDefaults().Ops; got != tc.want {
			t.Errorf("ops default of %+v: %q, want %q", tc.cfg, got, tc.want)
		}
	}
}

// TestOpsAddressTaken: a node whose ops address is taken fails before it joins, and
// leaves its HTTP address free.
func TestOpsAddressTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	cfg := Config{Listen: "127.0.0.1:0", Bus: BusKafka, Ops: taken.Addr().String()}
	n := &Node{cfg: cfg.WithDefaults()}
	if err := n.listen(); err == nil || !strings.Contains(err.Error(), "ops listen") {
		t.Fatalf("listen with the ops address taken: %v", err)
	}
	if n.ln != nil || n.opsLn != nil || n.cluster != nil {
		t.Fatalf("after the failure: http listener %v, ops listener %v, cluster %v", n.ln, n.opsLn, n.cluster)
	}
}

// A peer's message publishes each run of one event on several keys at once, so
// that the deliveries here share a batch as they did where the event was caused.
func TestReceiveBatchesRuns(t *testing.T) {
	hub := stream.NewHub()
	r := newRouter(hub, slog.New(slog.DiscardHandler))
	subs := make([]*stream.Sub, 4)
	for i := range subs {
		subs[i] = stream.NewSub(8)
		hub.Subscribe(subs[i], stream.User(shard.ID(i+1)))
	}
	post, del := stream.Event{Kind: stream.Update, ID: 9}, stream.Event{Kind: stream.Delete, ID: 8}
	r.receive(encodeEvents([]stream.Delivery{{Key: stream.User(1), Event: post}, {Key: stream.User(2), Event: post},
		{Key: stream.User(3), Event: post}, {Key: stream.User(4), Event: del}}))
	var got []stream.Delivery
	for _, s := range subs {
		got = append(got, s.Take(nil)...)
	}
	if len(got) != 4 || got[0].Batch == nil || got[0].Batch != got[1].Batch || got[1].Batch != got[2].Batch ||
		len(got[0].Batch.Subs()) != 3 || got[3].Batch != nil || got[3].Event != del {
		t.Fatalf("deliveries %+v: want the post's three in one batch, the delete alone", got)
	}
}
