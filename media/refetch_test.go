package media_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/blob"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// TestRefetchPruned: a remote attachment whose cached files were pruned is fetched
// again on a view, made as before (the same bytes kept), and cached anew; two views
// at once fetch it once; one whose server no longer serves it is not found, stays at
// its server (remote_url) and is not fetched again.
func TestRefetchPruned(t *testing.T) {
	ctx := context.Background()
	jpeg, err := os.ReadFile("../mediaproc/testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	var fetches, deadFetches atomic.Int32
	var dead atomic.Bool
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	var gate atomic.Bool // hold the fetch until released
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/dead.jpg" {
			deadFetches.Add(1)
			if dead.Load() {
				http.NotFound(w, req)
				return
			}
		} else {
			fetches.Add(1)
		}
		if gate.Load() {
			arrived <- struct{}{}
			<-release
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(jpeg)
	}))
	t.Cleanup(srv.Close)
	r := newRigWith(t, media.Options{HTTP: srv.Client()})
	ids, err := r.svc.AddRemote(ctx, 7, 700, []media.Remote{
		{URL: srv.URL + "/beach.jpg", MediaType: "image/jpeg"}, {URL: srv.URL + "/dead.jpg", MediaType: "image/jpeg"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := r.svc.Process(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	before := fileOf(t, r, ids[0])
	r.now.Add(int64(8 * 24 * time.Hour))
	if n, err := r.svc.PruneCache(ctx, 7*24*time.Hour); err != nil || n != 2 {
		t.Fatalf("prune: %d, %v", n, err)
	}
	if a, err := r.svc.Get(ctx, ids[0]); err != nil || !a.Pruned() || a.Cached() {
		t.Fatalf("pruned attachment %+v, %v", a, err)
	}

	// Two views at once: the second waits for the first one's fetch.
	gate.Store(true)
	var wg sync.WaitGroup
	got := make([]*media.Attachment, 2)
	errs := make([]error, 2)
	view := func(i int) {
		defer wg.Done()
		got[i], errs[i] = r.svc.Refetch(ctx, ids[0])
	}
	wg.Add(2)
	go view(0)
	<-arrived
	go view(1)
	testrig.Eventually(t, "both views waiting for the fetch", func() error {
		if n := r.svc.RefetchWaiters(ids[0]); n != 2 {
			return fmt.Errorf("%d waiting", n)
		}
		return nil
	})
	close(release)
	wg.Wait()
	gate.Store(false)
	for i := range got {
		if errs[i] != nil || !got[i].Cached() || got[i].Pruned() {
			t.Fatalf("view %d: %+v, %v", i, got[i], errs[i])
		}
	}
	if n := fetches.Load(); n != 2 { // the first cache, then one refetch
		t.Fatalf("the file was fetched %d times, want 2", n)
	}
	if after := fileOf(t, r, ids[0]); !bytes.Equal(before, after) {
		t.Fatalf("refetched file differs: %d bytes, was %d", len(after), len(before))
	}
	if a, err := r.svc.Refetch(ctx, ids[0]); err != nil || !a.Cached() || fetches.Load() != 2 {
		t.Fatalf("a view of a cached attachment: %+v, %v, %d fetches", a, err, fetches.Load())
	}

	// Its server no longer serves it: not found, left at its server, not asked again.
	dead.Store(true)
	for range 2 {
		if a, err := r.svc.Refetch(ctx, ids[1]); !errors.Is(err, media.ErrNotFound) {
			t.Fatalf("refetch of a dead file: %+v, %v", a, err)
		}
	}
	a, err := r.svc.Get(ctx, ids[1])
	if err != nil || a.Cached() || a.Pruned() || a.RemoteURL != srv.URL+"/dead.jpg" || a.CacheFailed == "" {
		t.Fatalf("the dead file's attachment %+v, %v", a, err)
	}
	if n := deadFetches.Load(); n != 2 { // the first cache, then one refetch
		t.Fatalf("the dead file was asked %d times, want 2", n)
	}
}

func fileOf(t *testing.T, r rig, id shard.ID) []byte {
	t.Helper()
	a, err := r.svc.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	rc, _, err := r.files.Open(context.Background(), a.Original.Key, blob.Range{})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRefetchWithoutFetching: a service that fetches no remote media (media.no_cache)
// answers a view not found and records why, so that the attachment is shown at its
// server.
func TestRefetchWithoutFetching(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	ids, err := r.svc.AddRemote(ctx, 7, 700, []media.Remote{{URL: "https://example.net/beach.jpg", MediaType: "image/jpeg"}})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := r.svc.Refetch(ctx, ids[0]); !errors.Is(err, media.ErrNotFound) {
		t.Fatalf("refetch without a client: %+v, %v", a, err)
	}
	if a, err := r.svc.Get(ctx, ids[0]); err != nil || a.CacheFailed == "" || a.Cached() || a.Pruned() {
		t.Fatalf("attachment after the refetch: %+v, %v", a, err)
	}
}
