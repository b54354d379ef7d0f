package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/blob"
	"github.com/herd-social/herd/media"
)

// TestRemoteCache: the file of a remote attachment is fetched and made here as an
// upload's (re-encoded without its EXIF, a preview, meta, blurhash), its description
// kept; one its server refuses, one over the size limit and one that is no media are
// left at their servers, and not fetched again; the prune lets go of cached files
// older than its age.
func TestRemoteCache(t *testing.T) {
	ctx := context.Background()
	jpeg, err := os.ReadFile("../mediaproc/testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	fetched := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		fetched[req.URL.Path]++
		switch req.URL.Path {
		case "/beach.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(jpeg)
		case "/huge.jpg":
			w.Write(bytes.Repeat([]byte{0xff}, 300<<10))
		case "/notes.txt":
			w.Write([]byte("not a picture at all"))
		default:
			http.NotFound(w, req)
		}
	}))
	t.Cleanup(srv.Close)
	r := newRigWith(t, media.Options{HTTP: srv.Client(), RemoteMaxBytes: 256 << 10})
	ids, err := r.svc.AddRemote(ctx, 7, 700, []media.Remote{
		{URL: srv.URL + "/beach.jpg", MediaType: "image/jpeg", Description: "a beach", Blurhash: "theirs"},
		{URL: srv.URL + "/gone.jpg", MediaType: "image/jpeg"},
		{URL: srv.URL + "/huge.jpg", MediaType: "image/jpeg"},
		{URL: srv.URL + "/notes.txt", MediaType: "image/png"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // a second run changes nothing and fetches nothing
		for _, id := range ids {
			if err := r.svc.Process(ctx, id); err != nil {
				t.Fatalf("process %d: %v", id, err)
			}
		}
	}
	got, err := r.svc.GetMany(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	beach := got[ids[0]]
	if !beach.Cached() || beach.Small.Key == "" || beach.Description != "a beach" || beach.Blurhash == "theirs" ||
		beach.Width == 0 || !strings.HasPrefix(beach.Original.Key, "cache/media_attachments/files/") {
		t.Fatalf("cached attachment %+v", beach)
	}
	rc, _, err := r.files.Open(ctx, beach.Original.Key, blob.Range{})
	if err != nil {
		t.Fatal(err)
	}
	kept, _ := io.ReadAll(rc)
	rc.Close()
	if len(kept) == 0 || bytes.Contains(kept, []byte("GPS")) || bytes.Contains(kept, []byte("Exif")) {
		t.Fatalf("the cached file keeps its EXIF (%d bytes)", len(kept))
	}
	for i, want := range []string{"", "404", "too large", "unsupported"} {
		a := got[ids[i]]
		if i > 0 && (a.Cached() || !strings.Contains(strings.ToLower(a.CacheFailed), want) || a.RemoteURL == "") {
			t.Errorf("attachment %d: cached %v, failed %q", i, a.Cached(), a.CacheFailed)
		}
	}
	for path, n := range fetched {
		if n != 1 {
			t.Errorf("%s fetched %d times", path, n)
		}
	}

	r.now.Add(int64(6 * 24 * time.Hour))
	if n, err := r.svc.PruneCache(ctx, 7*24*time.Hour); err != nil || n != 0 {
		t.Fatalf("prune before a week: %d, %v", n, err)
	}
	r.now.Add(int64(2 * 24 * time.Hour))
	if n, err := r.svc.PruneCache(ctx, 7*24*time.Hour); err != nil || n != 1 {
		t.Fatalf("prune after a week: %d, %v", n, err)
	}
	if a, err := r.svc.Get(ctx, beach.ID); err != nil || a.Cached() || a.RemoteURL != srv.URL+"/beach.jpg" {
		t.Fatalf("pruned attachment %+v, %v", a, err)
	}
	if _, err := r.files.Stat(ctx, beach.Original.Key); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("pruned file: %v", err)
	}
}

// TestRemoteCacheRejected: the files of a server whose media are rejected (a domain
// block with reject_media) are never fetched; they stay at their server.
func TestRemoteCacheRejected(t *testing.T) {
	ctx := context.Background()
	fetched := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { fetched++ }))
	t.Cleanup(srv.Close)
	var asked []string
	r := newRigWith(t, media.Options{HTTP: srv.Client(), RejectMedia: func(_ context.Context, host string) (bool, error) {
		asked = append(asked, host)
		return true, nil
	}})
	ids, err := r.svc.AddRemote(ctx, 7, 700, []media.Remote{{URL: srv.URL + "/beach.jpg", MediaType: "image/jpeg"}})
	if err == nil {
		err = r.svc.Process(ctx, ids[0])
	}
	if err != nil {
		t.Fatal(err)
	}
	a, err := r.svc.Get(ctx, ids[0])
	if err != nil || a.Cached() || !strings.Contains(a.CacheFailed, "rejected") || fetched != 0 ||
		len(asked) != 1 || asked[0] != "127.0.0.1" {
		t.Fatalf("rejected media: %+v, %v; fetched %d, asked %v", a, err, fetched, asked)
	}
}
