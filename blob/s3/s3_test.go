package s3

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/herd-social/herd/blob"
	"github.com/herd-social/herd/blob/blobtest"
)

// The conformance suite runs against a real S3-compatible server whose endpoint
// HERD_S3 names (http://host:port), signed with HERD_S3_ACCESS_KEY and
// HERD_S3_SECRET_KEY, as `make test-cluster` starts SeaweedFS
// (ops/engines/seaweedfs.sh); without it the tests are skipped. Each test works in a
// bucket of its own, created by Open and removed when the test ends.

// server returns the options of the test server, skipping the test without one.
func server(t *testing.T) Options {
	t.Helper()
	endpoint := os.Getenv("HERD_S3")
	if endpoint == "" {
		t.Skip("HERD_S3 (http://host:port of an S3-compatible server) is not set; " +
			"`make test-cluster` starts SeaweedFS and runs these tests")
	}
	return Options{Endpoint: endpoint, AccessKey: os.Getenv("HERD_S3_ACCESS_KEY"), SecretKey: os.Getenv("HERD_S3_SECRET_KEY")}
}

// newBucket returns a bucket name unique to this run; the bucket, if made, is emptied
// and removed when t ends.
func newBucket(t *testing.T, opts Options) string {
	t.Helper()
	var rnd [6]byte
	rand.Read(rnd[:])
	bucket := "herd-test-" + hex.EncodeToString(rnd[:])
	t.Cleanup(func() { removeBucket(t, opts, bucket) })
	return bucket
}

func removeBucket(t *testing.T, opts Options, bucket string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	opts.Bucket = bucket
	s, err := Open(ctx, opts)
	if err != nil {
		return // never made
	}
	var keys []string
	err = s.List(ctx, "", func(i blob.Info) error { keys = append(keys, i.Key); return nil })
	for _, k := range keys {
		err = errors.Join(err, s.Delete(ctx, k))
	}
	err = errors.Join(err, s.client.RemoveBucket(ctx, bucket))
	if err != nil {
		t.Errorf("remove bucket %s: %v", bucket, err)
	}
}

// open opens a store on a new bucket, which it creates.
func open(t *testing.T) *Store {
	t.Helper()
	opts := server(t)
	opts.Bucket, opts.CreateBucket = newBucket(t, opts), true
	s, err := Open(t.Context(), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// TestConformance runs the suite's cases on one bucket, each under its own prefix.
func TestConformance(t *testing.T) {
	s := open(t)
	blobtest.Run(t, func(*testing.T) blob.Store { return s })
}

// TestBucket: Open refuses a missing bucket unless asked to create it, and creating
// one that exists is no error.
func TestBucket(t *testing.T) {
	opts := server(t)
	opts.Bucket = newBucket(t, opts)
	if _, err := Open(t.Context(), opts); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("Open on a missing bucket: %v, want a refusal", err)
	}
	opts.CreateBucket = true
	for range 2 {
		if _, err := Open(t.Context(), opts); err != nil {
			t.Fatalf("Open with CreateBucket: %v", err)
		}
	}
	opts.SecretKey = "wrong"
	if _, err := Open(t.Context(), opts); err == nil {
		t.Fatal("Open with a wrong secret key succeeded")
	}
}

// TestContentTypeOnTheWire: the object is served with its content type and size to a
// plain S3 client, as a CDN in front of the bucket would see it.
func TestContentTypeOnTheWire(t *testing.T) {
	s := open(t)
	if err := s.Put(t.Context(), "media/a.webp", strings.NewReader("RIFF"), 4, "image/webp"); err != nil {
		t.Fatal(err)
	}
	oi, err := s.client.StatObject(t.Context(), s.opts.Bucket, "media/a.webp", minio.StatObjectOptions{})
	if err != nil || oi.ContentType != "image/webp" || oi.Size != 4 {
		t.Fatalf("StatObject: %+v, %v", oi, err)
	}
}

func TestOptions(t *testing.T) {
	valid := Options{Endpoint: "http://127.0.0.1:8333", Bucket: "media"}
	if err := valid.withDefaults().Validate(); err != nil {
		t.Fatalf("Validate(valid) = %v", err)
	}
	for name, change := range map[string]func(*Options){
		"no endpoint":      func(o *Options) { o.Endpoint = "" },
		"endpoint path":    func(o *Options) { o.Endpoint = "http://127.0.0.1:8333/media" },
		"endpoint scheme":  func(o *Options) { o.Endpoint = "s3://bucket" },
		"no bucket":        func(o *Options) { o.Bucket = "" },
		"half credentials": func(o *Options) { o.AccessKey = "a" },
		"public url":       func(o *Options) { o.PublicURL = "cdn.example" },
	} {
		o := valid
		change(&o)
		if err := o.withDefaults().Validate(); err == nil {
			t.Errorf("%s: Validate accepted %+v", name, o)
		}
	}
	s := &Store{opts: Options{PublicURL: "https://cdn.example/m"}}
	if u, ok := s.URL("a/b.png"); !ok || u != "https://cdn.example/m/a/b.png" {
		t.Errorf("URL = %q, %v", u, ok)
	}
	if u, ok := (&Store{}).URL("a/b.png"); ok {
		t.Errorf("URL without a public URL = %q", u)
	}
}

func TestTotalSize(t *testing.T) {
	for in, want := range map[string]int64{"bytes 0-9/1234": 1234, "bytes 5-5/6": 6} {
		if n, err := totalSize(in); n != want || err != nil {
			t.Errorf("totalSize(%q) = %d, %v", in, n, err)
		}
	}
	for _, in := range []string{"", "bytes 0-9/*", "0-9/10", "bytes 0-9/-1"} {
		if _, err := totalSize(in); err == nil {
			t.Errorf("totalSize(%q) accepted", in)
		}
	}
}
