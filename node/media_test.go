package node

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// TestMediaConfig: the media store defaults to a directory under the data directory,
// and unusable settings are refused with the key named.
func TestMediaConfig(t *testing.T) {
	c := Config{Data: "/var/lib/herd"}.WithDefaults()
	if c.Media.Store != MediaFS || c.Media.Dir != "/var/lib/herd/media" {
		t.Fatalf("media defaults: %+v", c.Media)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate(defaults) = %v", err)
	}
	s3 := MediaConfig{Store: MediaS3, S3Endpoint: "https://s3.example", S3Bucket: "media"}
	if c := (Config{Media: s3}).WithDefaults(); c.Media.S3Region != "us-east-1" || c.Media.Dir != "" || c.Validate() != nil {
		t.Fatalf("s3 defaults: %+v, Validate = %v", c.Media, c.Validate())
	}
	for _, tc := range []struct {
		media MediaConfig
		want  string
	}{
		{MediaConfig{Store: "disk"}, "media.store"},
		{MediaConfig{Store: MediaS3}, "media.s3_endpoint"},
		{MediaConfig{Store: MediaS3, S3Endpoint: "https://s3.example/bucket", S3Bucket: "m"}, "endpoint"},
		{MediaConfig{Store: MediaS3, S3Endpoint: "https://s3.example", S3Bucket: "m", S3AccessKey: "k"}, "SecretKey"},
		{MediaConfig{PublicURL: "cdn.example/media"}, "media.public_url"},
	} {
		err := Config{Media: tc.media}.WithDefaults().Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", tc.media, err, tc.want)
		}
	}
	byName := map[string]Key{}
	for _, k := range Keys() {
		byName[k.Name] = k
	}
	if k := byName["media.s3_secret_key"]; !k.Secret || k.Env != "HERD_MEDIA_S3_SECRET_KEY" || k.Flag != "media-s3-secret-key" {
		t.Errorf("media.s3_secret_key: %+v", k)
	}
	if k := byName["media.store"]; k.Env != "HERD_MEDIA_STORE" {
		t.Errorf("media.store: %+v", k)
	}
}

// TestOpenMediaFS: the single shape's media files are under the data directory.
func TestOpenMediaFS(t *testing.T) {
	data := t.TempDir()
	m, err := OpenMedia(Config{Data: data, NoSync: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Put(t.Context(), "media/1/a.png", strings.NewReader("png"), 3, "image/png"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(data, "media", "objects", "media", "1", "a.png")); err != nil {
		t.Fatalf("the file is not under the data directory: %v", err)
	}
	if _, ok := m.URL("media/1/a.png"); ok {
		t.Error("a URL without media.public_url")
	}
}

// TestOpenMediaS3 opens a bucket on the S3 server HERD_S3 names, creating it, as
// `make test-cluster` runs it; skipped without one.
func TestOpenMediaS3(t *testing.T) {
	endpoint := os.Getenv("HERD_S3")
	if endpoint == "" {
		t.Skip("HERD_S3 (http://host:port of an S3-compatible server) is not set")
	}
	cfg := Config{Data: t.TempDir(), Media: MediaConfig{Store: MediaS3, S3Endpoint: endpoint,
		S3Bucket:    "herd-node-test-" + strings.ToLower(rand.Text()[:10]),
		S3AccessKey: os.Getenv("HERD_S3_ACCESS_KEY"), S3SecretKey: os.Getenv("HERD_S3_SECRET_KEY"),
		S3CreateBucket: true, PublicURL: "https://cdn.example/media"}}
	m, err := OpenMedia(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx := t.Context()
	if err := m.Put(ctx, "a/b.txt", strings.NewReader("hi"), 2, "text/plain"); err != nil {
		t.Fatal(err)
	}
	if info, err := m.Stat(ctx, "a/b.txt"); err != nil || info.Size != 2 || info.ContentType != "text/plain" {
		t.Fatalf("Stat: %+v, %v", info, err)
	}
	if u, _ := m.URL("a/b.txt"); u != "https://cdn.example/media/a/b.txt" {
		t.Errorf("URL = %q", u)
	}
	if err := m.Delete(ctx, "a/b.txt"); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(strings.TrimPrefix(endpoint, "http://"), "https://")
	client, err := minio.New(host, &minio.Options{Creds: credentials.NewStaticV4(cfg.Media.S3AccessKey, cfg.Media.S3SecretKey, ""),
		Secure: strings.HasPrefix(endpoint, "https://"), BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := client.RemoveBucket(ctx, cfg.Media.S3Bucket); err != nil {
		t.Errorf("remove bucket %s: %v", cfg.Media.S3Bucket, err)
	}
}
