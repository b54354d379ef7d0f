package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/herd-social/herd/shard"
)

// Bounds of the rolling restart's load: loadClients clients of at most
// rollingMaxPosts posts each, for at most rollingMaxTime, and no request may take
// longer than loadTimeout (a request to a draining node must be refused or answered,
// never left hanging).
const (
	loadClients     = 2
	rollingMaxPosts = 200
	rollingMaxTime  = 6 * time.Minute
	loadTimeout     = 20 * time.Second
)

// loadResult is what the rolling restart's client saw.
type loadResult struct {
	mu        sync.Mutex
	acked     []string // ids of the posts answered 2xx
	reads     int      // home reads answered 2xx
	refused   int      // requests refused or cut by a stopping node, or answered 503
	unexpects []string // anything else: another status, a hang
}

// rollingRestart restarts the three nodes one after the other (SIGTERM, wait for
// the exit, start, wait for /health/ready) while a client posts as an author through
// each node in turn and reads a follower's home; then every post answered 2xx must
// be readable and in every follower's home, and every failed request must have
// failed fast: refused, cut by the stopping node, or answered 503.
func (r *rig) rollingRestart(ctx context.Context, app string) {
	t := r.t
	n1 := r.nodes[0]
	author := r.register(n1, app, "roller")
	var followers []user
	var followerIDs []shard.ID
	for i := range 3 {
		f := r.register(r.nodes[i], app, fmt.Sprintf("rollfan%d", i))
		r.must(r.nodes[i], "POST", "/api/v1/accounts/"+author.id+"/follow", f.token, nil, nil)
		followers = append(followers, f)
		followerIDs = append(followerIDs, mustID(t, f.id))
	}
	for _, p := range r.nodes {
		r.waitReady(p)
	}
	res := &loadResult{}
	lctx, stop := context.WithTimeout(ctx, rollingMaxTime)
	defer stop()
	var load sync.WaitGroup
	for c := range loadClients {
		load.Go(func() { r.load(lctx, res, c, author, followers) })
	}
	for _, p := range r.nodes {
		time.Sleep(2 * time.Second) // load on a cluster of three first
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatalf("SIGTERM node %d: %v", p.id, err)
		}
		select {
		case <-p.exited:
		case <-time.After(time.Minute):
			t.Fatalf("node %d still runs a minute after SIGTERM", p.id)
		}
		if code := p.cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("node %d exited with %d after SIGTERM", p.id, code)
		}
		// The schema is in place: a restart does not migrate it again (a migration
		// at each start is a load the shared Cassandra of a busy machine may time out
		// under).
		r.start(p, "HERD_SCYLLA_NO_MIGRATE=true")
		r.waitReady(p)
	}
	time.Sleep(2 * time.Second)
	stop()
	load.Wait()
	res.mu.Lock()
	defer res.mu.Unlock()
	t.Logf("rolling restart under load: %d posts and %d home reads answered 2xx, %d requests refused or 503",
		len(res.acked), res.reads, res.refused)
	for _, u := range res.unexpects {
		t.Errorf("during the rolling restart: %s", u)
	}
	if len(res.acked) == 0 {
		t.Fatal("no post was answered 2xx")
	}
	st := r.openStore()
	for i, id := range res.acked {
		post := mustID(t, id)
		var got struct{ ID string }
		r.must(r.nodes[i%3], "GET", "/api/v1/statuses/"+id, author.token, nil, &got)
		if got.ID != id {
			t.Fatalf("GET /api/v1/statuses/%s answered status %q", id, got.ID)
		}
		r.checkHomes(ctx, st, followerIDs, post)
	}
}

// waitReady waits until the node answers /health/ready with 200.
func (r *rig) waitReady(p *proc) {
	r.t.Helper()
	r.waitFor(fmt.Sprintf("node %d to answer /health/ready", p.id), 3*time.Minute, func() error {
		if !p.alive() {
			r.t.Fatalf("node %d exited:\n%s", p.id, tail(p.log, 30))
		}
		resp, err := r.http.Get("http://" + p.http + "/health/ready")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/health/ready: %s", resp.Status)
		}
		return nil
	})
}

// load is client c: it posts as author through each node in turn, and reads a
// follower's home through the next, until ctx is done or rollingMaxPosts were posted.
func (r *rig) load(ctx context.Context, res *loadResult, c int, author user, followers []user) {
	client := &http.Client{Timeout: loadTimeout}
	for i := 0; ctx.Err() == nil && i < rollingMaxPosts; i++ {
		p := r.nodes[(i+c)%3]
		form := url.Values{"status": {fmt.Sprintf("rolling %d of client %d", i, c)}}
		code, body, err := send(ctx, client, "POST", "http://"+p.http+"/api/v1/statuses", author.token, form)
		var st struct{ ID string }
		if ok := res.note(ctx, p, "post", code, err); ok {
			if err := json.Unmarshal(body, &st); err != nil || st.ID == "" {
				res.add(func() { res.unexpects = append(res.unexpects, fmt.Sprintf("post answered %d %.200s", code, body)) })
				continue
			}
			res.add(func() { res.acked = append(res.acked, st.ID) })
		}
		q, f := r.nodes[(i+c+1)%3], followers[i%len(followers)]
		code, _, err = send(ctx, client, "GET", "http://"+q.http+"/api/v1/timelines/home", f.token, nil)
		if res.note(ctx, q, "home read", code, err) {
			res.add(func() { res.reads++ })
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (res *loadResult) add(f func()) {
	res.mu.Lock()
	defer res.mu.Unlock()
	f()
}

// note records the fate of a request and says whether it was answered 2xx.
func (res *loadResult) note(ctx context.Context, p *proc, what string, code int, err error) bool {
	switch {
	case err == nil && code >= 200 && code < 300:
		return true
	case err == nil && code == http.StatusServiceUnavailable, err != nil && failedFast(err):
		res.add(func() { res.refused++ })
	case err != nil && ctx.Err() != nil: // the load's end cut it
	case err != nil:
		res.add(func() { res.unexpects = append(res.unexpects, fmt.Sprintf("%s on node %d: %v", what, p.id, err)) })
	default:
		res.add(func() {
			res.unexpects = append(res.unexpects, fmt.Sprintf("%s on node %d answered %d", what, p.id, code))
		})
	}
	return false
}

// failedFast reports whether err is a stopping node's: the connection refused,
// reset, broken, or closed before the answer.
func failedFast(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false // a hang
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "server closed idle connection")
}

// send makes one request and returns its status and body.
func send(ctx context.Context, client *http.Client, method, target, token string, form url.Values) (int, []byte, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return 0, nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}
