package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/herd-social/herd/stream"
)

// The ops endpoint of every node: a small plain-HTTP server on `ops` (default
// 127.0.0.1, the port after the HTTP port, or after memberlist's in the cluster
// shape), apart from the public API so that it is never exposed by the reverse proxy
// in front of the API. It is not authenticated: bind it to loopback or a private
// network.
//
//	GET /ops/cluster  the members this node sees, with their state (ClusterView);
//	                  ?key=timeline:123 also says which members want that stream key;
//	                  empty in the single shape
//	GET /ops/health   200 while the node runs (liveness)
//	GET /ops/ready    200 {"status":"ready"} once the node serves, runs its consumers
//	                  and has joined; 503 with "starting" or "draining" otherwise
//	                  (readiness, lifecycle.go)
//	GET /ops/dead-letters  per consumer group, the messages it ever set aside
//	                  ({"fanout": 2, …}; `herd admin dead-letters list` shows them)
//	POST /ops/backup  {"dir": "/new/dir"}: a copy of the store and the log, taken while
//	                  the node serves (backup.go; `herd admin backup`)
//	POST /ops/admin   {"args": ["domain", "block", "x.example"], "domain": "…"}: runs a
//	                  `herd admin` command against this node (adminops.go), streaming
//	                  its output; the exit status follows in the Herd-Exit trailer
//	GET /metrics      Prometheus metrics (metrics.go)
//	/debug/pprof/     Go's profiles (net/http/pprof)

// StreamCounters count the streaming events this node exchanged with the others.
type StreamCounters struct {
	// Forwarded were queued for peers; Dropped found a peer's queue full; Failed
	// were lost in a send that failed; Received came from peers.
	Forwarded, Dropped, Failed, Received int64
}

// ClusterView is the answer of /ops/cluster.
type ClusterView struct {
	// Self is the answering node's member name.
	Self string `json:"self"`
	// Members are the nodes it knows, by node id.
	Members []Member `json:"members"`
	// Streaming counts forwarded streaming events.
	Streaming StreamCounters `json:"streaming"`
}

// ClusterView returns the membership as this node sees it; the zero view when the
// node is not clustered or not started. A non-empty key also says, per member,
// whether events on that stream key go there.
func (n *Node) ClusterView(key stream.Key) ClusterView {
	if n.cluster == nil {
		return ClusterView{}
	}
	r := n.router
	v := ClusterView{Self: n.cluster.name, Members: n.cluster.Members(), Streaming: StreamCounters{
		Forwarded: r.forwarded.Load(), Dropped: r.dropped.Load(), Failed: r.failed.Load(), Received: r.received.Load()}}
	if key != "" {
		for i := range v.Members {
			m := &v.Members[i]
			wants := m.interest.has(bucket(key))
			if m.Self {
				wants = n.Streams.HasSubscribers(key)
			}
			m.WantsKey = &wants
		}
	}
	return v
}

// serveOps serves the ops endpoint on ln until Close.
func (n *Node) serveOps(ln net.Listener) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ops/cluster", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(n.ClusterView(stream.Key(r.URL.Query().Get("key"))))
	})
	mux.HandleFunc("GET /ops/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`+"\n")
	})
	mux.HandleFunc("GET /ops/ready", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		state := n.life.get()
		if state != lifeReady {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprintf(w, `{"status":%q}`+"\n", state)
	})
	mux.HandleFunc("GET /ops/dead-letters", func(w http.ResponseWriter, r *http.Request) {
		counts, err := n.DeadLetters.Counts(r.Context())
		if err != nil {
			n.log.Error("node: ops dead-letter counts", "err", err)
			http.Error(w, "dead-letter counts unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(counts)
	})
	mux.HandleFunc("POST /ops/backup", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Dir string `json:"dir"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil || req.Dir == "" {
			http.Error(w, `give {"dir": "/a/new/directory"}`, http.StatusBadRequest)
			return
		}
		m, err := n.Backup(r.Context(), req.Dir)
		if err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(m)
	})
	mux.HandleFunc("POST /ops/admin", n.serveAdmin)
	mux.Handle("GET /metrics", promhttp.HandlerFor(n.metrics.reg, promhttp.HandlerOpts{ErrorLog: promLogger{n}}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	n.ops = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 10 * time.Second}
	n.opsWG.Add(1)
	go func() {
		defer n.opsWG.Done()
		if err := n.ops.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Error("node: ops server stopped", "err", err)
		}
	}()
	n.log.Info("node: ops endpoint", "addr", ln.Addr().String())
}

// promLogger sends the metrics handler's errors to the node's log.
type promLogger struct{ n *Node }

func (l promLogger) Println(v ...any) { l.n.log.Error("node: metrics", "err", fmt.Sprint(v...)) }

// RequestBackup asks the ops endpoint at addr (host:port) to write a backup to dir,
// a path on the node's machine.
func RequestBackup(ctx context.Context, client *http.Client, addr, dir string) (Manifest, error) {
	var m Manifest
	body, err := json.Marshal(map[string]string{"dir": dir})
	if err != nil {
		return m, err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/ops/backup", bytes.NewReader(body))
	if err != nil {
		return m, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return m, fmt.Errorf("ops endpoint %s: %w", addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return m, fmt.Errorf("ops endpoint %s: %s: %s", addr, resp.Status, bytes.TrimSpace(msg))
	}
	return m, json.NewDecoder(resp.Body).Decode(&m)
}

// OpsAddr is the address the ops endpoint listens on; "" when it is off.
func (n *Node) OpsAddr() string {
	if n.opsLn == nil {
		return ""
	}
	return n.opsLn.Addr().String()
}

// FetchClusterView asks the ops endpoint at addr (host:port) for its view, about a
// stream key if key is not empty.
func FetchClusterView(ctx context.Context, client *http.Client, addr, key string) (ClusterView, error) {
	var v ClusterView
	u := "http://" + addr + "/ops/cluster"
	if key != "" {
		u += "?key=" + url.QueryEscape(key)
	}
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return v, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return v, fmt.Errorf("ops endpoint %s: %w", addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return v, fmt.Errorf("ops endpoint %s: %s", addr, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return v, fmt.Errorf("ops endpoint %s: %w", addr, err)
	}
	return v, nil
}
