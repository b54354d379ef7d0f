package cluster

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
)

// rig is a cluster of herd processes sharing one keyspace and one Kafka.
type rig struct {
	t        testing.TB
	bin, dir string
	cass     string // host:port of Cassandra or ScyllaDB
	kafka    string // host:port of a broker
	keyspace string
	// prefix namespaces the run's topics and consumer groups, so that nodes left by
	// an interrupted run cannot take this run's partitions.
	prefix string
	domain string
	nodes  []*proc
	http   *http.Client
}

// proc is one `herd serve` process.
type proc struct {
	id                int
	http, gossip, ops string // addresses
	config, log       string // files
	cmd               *exec.Cmd
	exited            chan struct{}
}

// engines returns the addresses of Cassandra and Kafka the environment names, or
// skips t when it names none.
func engines(t testing.TB) (cassandra, kafka string) {
	t.Helper()
	cassandra, kafka = os.Getenv("HERD_CASSANDRA"), os.Getenv("HERD_KAFKA")
	if cassandra == "" || kafka == "" {
		t.Skip("HERD_CASSANDRA and HERD_KAFKA (host:port of Cassandra or ScyllaDB, and of a Kafka broker) are not set; " +
			"`make test-cluster` starts both and runs this test")
	}
	return cassandra, kafka
}

// newRig checks the engines' environment, builds the binary and writes the nodes'
// configurations; it starts nothing.
func newRig(t *testing.T, nodes int) *rig {
	t.Helper()
	cass, kafka := engines(t)
	var rnd [6]byte
	rand.Read(rnd[:])
	r := &rig{t: t, cass: cass, kafka: kafka, keyspace: "herd_e2e_" + hex.EncodeToString(rnd[:]),
		prefix: "herd.e2e." + hex.EncodeToString(rnd[:]) + ".",
		http:   &http.Client{Timeout: 30 * time.Second}}
	r.dir = t.TempDir()
	if os.Getenv("HERD_E2E_KEEP") != "" {
		d, err := os.MkdirTemp("", "herd-e2e-")
		if err != nil {
			t.Fatal(err)
		}
		r.dir = d
		t.Logf("logs and configuration in %s", d)
	}
	r.bin = os.Getenv("HERD_BIN")
	if r.bin == "" {
		r.bin = filepath.Join(r.dir, "herd")
		build := exec.Command("go", "build", "-o", r.bin, "github.com/herd-social/herd/cmd/herd")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("build herd: %v\n%s", err, out)
		}
	}
	for i := 1; i <= nodes; i++ {
		r.nodes = append(r.nodes, &proc{id: i, http: freeAddr(t, false), gossip: freeAddr(t, true), ops: freeAddr(t, false),
			config: filepath.Join(r.dir, fmt.Sprintf("node%d.toml", i)), log: filepath.Join(r.dir, fmt.Sprintf("node%d.log", i))})
	}
	r.domain = "localhost:" + strings.Split(r.nodes[0].http, ":")[1]
	for _, p := range r.nodes {
		r.writeConfig(p)
	}
	t.Cleanup(r.stopAll)
	return r
}

// freeAddr returns a loopback address with a free TCP port (and UDP, for memberlist).
// Ports come from below the kernel's ephemeral range (32768 and up), so that no
// outgoing connection of a running node or engine can take one between the pick and
// the bind, and no port is handed out twice.
func freeAddr(t *testing.T, udp bool) string {
	t.Helper()
	for range 200 {
		port := 20000 + mrand.IntN(12000)
		if !picked.claim(port) {
			continue
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		l, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		l.Close()
		if !udp {
			return addr
		}
		if u, err := net.ListenPacket("udp", addr); err == nil {
			u.Close()
			return addr
		}
	}
	t.Fatal("no free port")
	return ""
}

// portSet is a set of ports handed out.
type portSet struct {
	sync.Mutex
	ports map[int]bool
}

// picked is the set of ports handed out in this test process.
var picked = &portSet{ports: map[int]bool{}}

// claim adds port to the set, reporting false when it was there already.
func (p *portSet) claim(port int) bool {
	p.Lock()
	defer p.Unlock()
	if p.ports[port] {
		return false
	}
	p.ports[port] = true
	return true
}

// writeConfig writes a node's file: the shared engines, its own addresses and id.
func (r *rig) writeConfig(p *proc) {
	var seeds []string
	for _, q := range r.nodes {
		seeds = append(seeds, fmt.Sprintf("%q", q.gossip))
	}
	cfg := fmt.Sprintf(`# node %d of the e2e cluster
node_id = %d
listen = %q
domain = %q
bcrypt_cost = 4
rate_limit = -1
# Statuses may be scheduled a second ahead, so that the test need not wait minutes.
schedule_min_lead = "1s"
store = "scylla"
bus = "kafka"
ops = %q

[scylla]
hosts = [%q]
keyspace = %q
timeout = "30s"
%s

[kafka]
brokers = [%q]
prefix = %q
# A killed node's partitions move after 6 s (the brokers' minimum).
session_timeout = "6s"
heartbeat_interval = "500ms"

[cluster]
bind = %q
seeds = [%s]
`, p.id, p.id, p.http, r.domain, p.ops, r.cass, r.keyspace, os.Getenv("HERD_E2E_SCYLLA_EXTRA"), r.kafka, r.prefix, p.gossip, strings.Join(seeds, ", "))
	if err := os.WriteFile(p.config, []byte(cfg), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// herd runs a herd command to its end and returns its output.
func (r *rig) herd(args ...string) string {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, r.bin, args...).CombinedOutput()
	if err != nil {
		r.t.Fatalf("herd %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// start starts a node's process, with env added to its environment; its output goes
// to its log file.
func (r *rig) start(p *proc, env ...string) {
	r.t.Helper()
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		r.t.Fatal(err)
	}
	p.cmd = exec.Command(r.bin, "serve", "--config", p.config)
	p.cmd.Stdout, p.cmd.Stderr = f, f
	p.cmd.Env = append(append(os.Environ(), "HERD_LOG_LEVEL=info"), env...)
	if err := p.cmd.Start(); err != nil {
		f.Close()
		r.t.Fatalf("start node %d: %v", p.id, err)
	}
	p.exited = make(chan struct{})
	go func() { // owned: ends when the process does, which stopAll ensures
		p.cmd.Wait()
		f.Close()
		close(p.exited)
	}()
}

// kill ends a node at once (SIGKILL), as a crash would.
func (r *rig) kill(p *proc) {
	r.t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		r.t.Fatalf("kill node %d: %v", p.id, err)
	}
	<-p.exited
}

// alive reports whether the node's process runs.
func (p *proc) alive() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// stopAll asks every running node to stop, kills those that do not within 20 s,
// and on failure prints the end of each node's log.
func (r *rig) stopAll() {
	for _, p := range r.nodes {
		if p.alive() {
			p.cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	deadline := time.After(20 * time.Second)
	for _, p := range r.nodes {
		if !p.alive() {
			continue
		}
		select {
		case <-p.exited:
		case <-deadline:
			p.cmd.Process.Kill()
			<-p.exited
		}
	}
	if r.t.Failed() {
		for _, p := range r.nodes {
			r.t.Logf("== end of node %d's log (%s)\n%s", p.id, p.log, tail(p.log, 60))
		}
	}
}

// tail returns the last n lines of a log, leaving out the Kafka client's routine
// messages (group joins and rebalances).
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if !strings.Contains(l, "level=INFO") || !strings.Contains(l, "engine=kafka") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// waitFor polls cond every 50 ms until it returns nil, failing the test with its last
// error after timeout. It is testrig.EventuallyWithin polling more gently (its
// conditions ask other processes, some scan 10,000 homes); importing testrig would
// also put this package among the node suites that test-cluster.sh runs before it.
func (r *rig) waitFor(what string, timeout time.Duration, cond func() error) {
	r.t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out after %v waiting for %s: %v", timeout, what, err)
		}
		<-tick.C
	}
}

// waitHealthy waits until the node answers /health.
func (r *rig) waitHealthy(p *proc) {
	r.t.Helper()
	r.waitFor(fmt.Sprintf("node %d to answer /health", p.id), 3*time.Minute, func() error {
		if !p.alive() {
			r.t.Fatalf("node %d exited:\n%s", p.id, tail(p.log, 30))
		}
		resp, err := r.http.Get("http://" + p.http + "/health")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/health: %s", resp.Status)
		}
		return nil
	})
}

// view asks a node's ops endpoint for its members, and whether they want key.
func (r *rig) view(p *proc, key string) (node.ClusterView, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return node.FetchClusterView(ctx, r.http, p.ops, key)
}

// states maps member node ids to their state as p sees them.
func (r *rig) states(p *proc) map[int]string {
	v, err := r.view(p, "")
	if err != nil {
		return nil
	}
	out := make(map[int]string)
	for _, m := range v.Members {
		out[m.NodeID] = m.State
	}
	return out
}

// call sends a request to a node: a form body, or a query for GET.
func (r *rig) call(p *proc, method, path, token string, form url.Values) (int, []byte) {
	r.t.Helper()
	target, body := "http://"+p.http+path, io.Reader(nil)
	if method == "GET" && len(form) > 0 {
		target += "?" + form.Encode()
	} else if len(form) > 0 {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		r.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := r.http.Do(req)
	if err != nil {
		r.t.Fatalf("%s %s on node %d: %v", method, path, p.id, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// must sends a request that must answer 200 and decodes its JSON into v.
func (r *rig) must(p *proc, method, path, token string, form url.Values, v any) {
	r.t.Helper()
	code, b := r.call(p, method, path, token, form)
	if code != http.StatusOK {
		r.t.Fatalf("%s %s on node %d: %d %s", method, path, p.id, code, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			r.t.Fatalf("%s %s: decode %q: %v", method, path, b, err)
		}
	}
}

// user is a registered account with a token.
type user struct{ name, id, token string }

// appToken registers a client app on p and returns a client-credentials token.
func (r *rig) appToken(p *proc) string {
	var app struct{ ClientID, ClientSecret string }
	var raw map[string]any
	r.must(p, "POST", "/api/v1/apps", "", url.Values{"client_name": {"e2e"}, "redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"},
		"scopes": {"read write follow push"}}, &raw)
	app.ClientID, app.ClientSecret = raw["client_id"].(string), raw["client_secret"].(string)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	r.must(p, "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
		"client_secret": {app.ClientSecret}, "scope": {"read write follow push"}}, &tok)
	return tok.AccessToken
}

// register creates an account through p.
func (r *rig) register(p *proc, appToken, name string) user {
	r.t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	r.must(p, "POST", "/api/v1/accounts", appToken, url.Values{"username": {name}, "email": {name + "@example.com"},
		"password": {"correct horse battery"}, "agreement": {"true"}, "locale": {"en"}}, &tok)
	var me struct{ ID string }
	r.must(p, "GET", "/api/v1/accounts/verify_credentials", tok.AccessToken, nil, &me)
	return user{name: name, id: me.ID, token: tok.AccessToken}
}

// post publishes a public status through p and returns its id.
func (r *rig) post(p *proc, u user, text string) string {
	r.t.Helper()
	var st struct{ ID string }
	r.must(p, "POST", "/api/v1/statuses", u.token, url.Values{"status": {text}}, &st)
	return st.ID
}

// homeIDs reads u's home timeline through p.
func (r *rig) homeIDs(p *proc, u user) []string {
	r.t.Helper()
	var list []struct{ ID string }
	r.must(p, "GET", "/api/v1/timelines/home", u.token, nil, &list)
	ids := make([]string, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	return ids
}

// sseEvent is one server-sent event.
type sseEvent struct{ name, data string }

// stream opens u's user stream (SSE) on p; events arrive on the channel until ctx
// is done.
func (r *rig) stream(ctx context.Context, p *proc, u user) <-chan sseEvent {
	r.t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+p.http+"/api/v1/streaming/user", nil)
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+u.token)
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		r.t.Fatalf("open stream on node %d: %v", p.id, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		r.t.Fatalf("open stream on node %d: %s", p.id, resp.Status)
	}
	events := make(chan sseEvent, 64)
	go func() { // owned: ends when ctx cancels the request
		defer resp.Body.Close()
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.name != "":
				select {
				case events <- ev:
				case <-ctx.Done():
					return
				}
				ev = sseEvent{}
			}
		}
	}()
	return events
}
