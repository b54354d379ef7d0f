package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
)

// TestCopyToCluster moves an instance from the single shape to the cluster shape
// (docs/operations.md): a single-shape node takes accounts, posts, a follow, a
// favourite and a media file, and is stopped; `herd admin copy` copies it into a
// fresh keyspace (and a fresh bucket, given HERD_S3), twice (the second run copies
// over the first and must verify alike), and a cluster node started on the copy serves what the single node held,
// to the tokens it issued.
func TestCopyToCluster(t *testing.T) {
	r := newRig(t, 1)
	var rnd [6]byte
	rand.Read(rnd[:])
	r.keyspace, r.prefix = "herd_mig_"+hex.EncodeToString(rnd[:]), "mig."+hex.EncodeToString(rnd[:])+"."
	cluster := r.nodes[0]
	r.writeConfig(cluster)
	// The media files go to a bucket when the environment names an S3 server (as
	// test-cluster.sh does), to another directory otherwise.
	media := fmt.Sprintf("\n[media]\ndir = %q\n", filepath.Join(r.dir, "cluster-media"))
	if s3 := os.Getenv("HERD_S3"); s3 != "" {
		media = fmt.Sprintf("\n[media]\nstore = \"s3\"\ns3_endpoint = %q\ns3_bucket = %q\ns3_access_key = %q\ns3_secret_key = %q\ns3_create_bucket = true\n",
			s3, "herd-mig-"+hex.EncodeToString(rnd[:]), os.Getenv("HERD_S3_ACCESS_KEY"), os.Getenv("HERD_S3_SECRET_KEY"))
	}
	appendFile(t, cluster.config, media)
	t.Cleanup(func() { r.stopAll(); r.dropKeyspace() }) // before newRig's stopAll: stop the node first

	single := &proc{id: 0, http: cluster.http, ops: freeAddr(t, false), config: filepath.Join(r.dir, "single.toml"),
		log: filepath.Join(r.dir, "single.log")}
	data := filepath.Join(r.dir, "single")
	cfg := fmt.Sprintf("listen = %q\ndomain = %q\ndata = %q\nbcrypt_cost = 4\nrate_limit = -1\nops = %q\n", single.http, r.domain, data, single.ops)
	if err := os.WriteFile(single.config, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r.start(single)
	r.waitHealthy(single)
	app := r.appToken(single)
	alice, bob := r.register(single, app, "alice"), r.register(single, app, "bob")
	r.must(single, "POST", "/api/v1/accounts/"+alice.id+"/follow", bob.token, nil, nil)
	var posts []string
	for i := range 3 {
		posts = append(posts, r.post(single, alice, fmt.Sprintf("post %d before the move", i)))
	}
	r.must(single, "POST", "/api/v1/statuses/"+posts[1]+"/favourite", bob.token, nil, nil)
	r.waitFor("bob's home and the favourite", time.Minute, func() error {
		if err := homeHas(r.homeIDs(single, bob), posts[2]); err != nil {
			return err
		}
		return favourites(r, single, bob, posts[1], 1)
	})
	// Drained as docs/operations.md says: every consumer group at the end of the log.
	r.waitFor("the consumer groups to drain", time.Minute, func() error { return drained(r, single) })
	single.cmd.Process.Signal(syscall.SIGTERM)
	<-single.exited
	putMedia(t, data)

	for run := range 2 {
		out := r.herd("admin", "copy", "--config", single.config, "--to", cluster.config)
		if !strings.Contains(out, "copied and verified") || strings.Contains(out, "DIFFERS") {
			t.Fatalf("copy run %d:\n%s", run+1, out)
		}
		if !strings.Contains(out, "media files: 1 (5 bytes) at the source, 1 (5 bytes) of them at the target") {
			t.Fatalf("copy run %d did not verify the media file:\n%s", run+1, out)
		}
		t.Logf("copy run %d:\n%s", run+1, out)
	}

	r.start(cluster)
	r.waitHealthy(cluster)
	if err := homeHas(r.homeIDs(cluster, bob), posts[0]); err != nil {
		t.Fatalf("bob's home on the cluster: %v", err)
	}
	if err := favourites(r, cluster, bob, posts[1], 1); err != nil {
		t.Fatalf("on the cluster: %v", err)
	}
	var statuses []struct{ ID string }
	r.must(cluster, "GET", "/api/v1/accounts/"+alice.id+"/statuses", bob.token, nil, &statuses)
	if len(statuses) != 3 {
		t.Fatalf("alice has %d statuses on the cluster, want 3", len(statuses))
	}
	// The cluster goes on: a new post reaches bob's home there.
	id := r.post(cluster, alice, "post after the move")
	r.waitFor("the new post in bob's home", time.Minute, func() error { return homeHas(r.homeIDs(cluster, bob), id) })
}

// drained reads the node's consumer lag on /metrics and reports a group that has
// events left, other than those copy does not wait for (search indexes and record
// caches, rebuilt in the cluster).
func drained(r *rig, p *proc) error {
	resp, err := r.http.Get("http://" + p.ops + "/metrics")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	seen := false
	for line := range strings.SplitSeq(string(b), "\n") {
		if !strings.HasPrefix(line, "herd_consumer_lag_messages{") {
			continue
		}
		seen = true
		if strings.Contains(line, `group="search`) || strings.Contains(line, `group="records`) {
			continue
		}
		if !strings.HasSuffix(line, " 0") {
			return fmt.Errorf("not drained: %s", line)
		}
	}
	if !seen {
		return fmt.Errorf("no herd_consumer_lag_messages on /metrics")
	}
	return nil
}

// favourites checks the favourites count of a status as u sees it.
func favourites(r *rig, p *proc, u user, id string, want int) error {
	var st struct {
		FavouritesCount int `json:"favourites_count"`
	}
	r.must(p, "GET", "/api/v1/statuses/"+id, u.token, url.Values{}, &st)
	if st.FavouritesCount != want {
		return fmt.Errorf("status %s has %d favourites, want %d", id, st.FavouritesCount, want)
	}
	return nil
}

// putMedia stores a file in the stopped single node's media directory.
func putMedia(t *testing.T, data string) {
	t.Helper()
	m, err := node.OpenMedia(node.Config{Data: data}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Put(context.Background(), "media/test/file.txt", strings.NewReader("hello"), 5, "text/plain"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Stat(context.Background(), "media/test/file.txt"); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
