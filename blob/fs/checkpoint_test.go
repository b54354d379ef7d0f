package fs

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herd-social/herd/blob"
)

// TestCheckpoint: a checkpoint opens as a store holding the objects as they were when
// it was taken, whatever the live store does afterwards, on the same file system
// (links) and on another (copies, when /dev/shm is a separate one).
func TestCheckpoint(t *testing.T) {
	elsewhere := ""
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		d, err := os.MkdirTemp("/dev/shm", "herd-checkpoint-")
		if err == nil {
			t.Cleanup(func() { os.RemoveAll(d) })
			elsewhere = d
		}
	}
	for name, base := range map[string]string{"same file system": t.TempDir(), "another file system": elsewhere} {
		if base == "" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			s := open(t, Options{Dir: t.TempDir()})
			put := func(key, body string) {
				if err := s.Put(ctx, key, strings.NewReader(body), int64(len(body)), "image/png"); err != nil {
					t.Fatal(err)
				}
			}
			put("media/a/1.png", "one")
			put("media/b/2.png", "two")
			put("cache/3.png", "three")
			dir := filepath.Join(base, "media")
			if err := s.Checkpoint(ctx, dir); err != nil {
				t.Fatal(err)
			}
			if err := s.Checkpoint(ctx, dir); err == nil {
				t.Fatal("a checkpoint over an existing directory was written")
			}
			put("media/a/1.png", "ONE, rewritten")
			if err := s.Delete(ctx, "media/b/2.png"); err != nil {
				t.Fatal(err)
			}
			put("media/4.png", "four")

			cp := open(t, Options{Dir: dir})
			for key, want := range map[string]string{"media/a/1.png": "one", "media/b/2.png": "two", "cache/3.png": "three"} {
				r, info, err := cp.Open(ctx, key, blob.Range{})
				if err != nil {
					t.Fatalf("%s: %v", key, err)
				}
				got, _ := io.ReadAll(r)
				r.Close()
				if string(got) != want || info.ContentType != "image/png" {
					t.Errorf("%s: %q (%s), want %q", key, got, info.ContentType, want)
				}
			}
			if _, err := cp.Stat(ctx, "media/4.png"); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("an object put after the checkpoint is in it: %v", err)
			}
		})
	}
}
