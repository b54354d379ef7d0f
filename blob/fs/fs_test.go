package fs

import (
	"errors"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/blob"
	"github.com/herd-social/herd/blob/blobtest"
)

func open(t *testing.T, opts Options) *Store {
	t.Helper()
	s, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestConformance gives every case a store of its own.
func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store { return open(t, Options{Dir: t.TempDir()}) })
}

// TestConformanceShared runs every case on one store, as tests sharing an engine do.
func TestConformanceShared(t *testing.T) {
	s := open(t, Options{Dir: t.TempDir()})
	blobtest.Run(t, func(*testing.T) blob.Store { return s })
}

// TestDurable: a store opened again on the directory reads what was put before.
func TestDurable(t *testing.T) {
	dir := t.TempDir()
	s := open(t, Options{Dir: dir})
	if err := s.Put(t.Context(), "media/1.png", strings.NewReader("png"), 3, "image/png"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = open(t, Options{Dir: dir})
	info, err := s.Stat(t.Context(), "media/1.png")
	if err != nil || info.Size != 3 || info.ContentType != "image/png" {
		t.Fatalf("Stat after reopening: %+v, %v", info, err)
	}
}

// TestSymlinkInside: a symbolic link planted in the directory cannot take a read or a
// write outside it.
func TestSymlinkInside(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	s := open(t, Options{Dir: dir})
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte(strings.Repeat("s", 300)), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"objects/link": outside, "objects/file": secret} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	ctx := t.Context()
	if _, err := s.Stat(ctx, "file"); err == nil {
		t.Error("Stat through a link to a file outside succeeded")
	}
	if _, _, err := s.Open(ctx, "link/secret", blob.Range{}); err == nil {
		t.Error("Open through a link to a directory outside succeeded")
	}
	if err := s.Put(ctx, "link/new", strings.NewReader("x"), 1, ""); err == nil {
		t.Error("Put through a link to a directory outside succeeded")
	}
	if _, err := os.Stat(filepath.Join(outside, "new")); !errors.Is(err, iofs.ErrNotExist) {
		t.Errorf("a file was written outside the store: %v", err)
	}
	if b, _ := os.ReadFile(secret); len(b) != 300 {
		t.Error("the file outside changed")
	}
}

// TestLayout: objects are files under objects/, failed writes leave no temporary
// file, a delete removes the directories it empties, and open removes the temporary
// files of crashed writes but not young ones.
func TestLayout(t *testing.T) {
	dir := t.TempDir()
	s := open(t, Options{Dir: dir})
	ctx := t.Context()
	if err := s.Put(ctx, "a/b/c.jpg", strings.NewReader("jpeg"), 4, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "objects", "a", "b", "c.jpg"))
	if err != nil || fi.Size() != headerSize+4 {
		t.Fatalf("object file: %v, %v", fi, err)
	}
	if err := s.Put(ctx, "a/b/d", strings.NewReader("short"), 10, ""); !errors.Is(err, blob.ErrSize) {
		t.Fatalf("Put of a short reader: %v", err)
	}
	if err := s.Put(ctx, "a/b/c.jpg/d", strings.NewReader("x"), 1, ""); err == nil {
		t.Fatal("Put under a key's file succeeded")
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(entries) != 0 {
		t.Fatalf("failed puts left %d temporary files", len(entries))
	}
	if err := s.Delete(ctx, "a/b/c.jpg"); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "objects")); len(entries) != 0 {
		t.Fatalf("delete left %d entries in objects/", len(entries))
	}
	s.Close()

	old, young := filepath.Join(dir, "tmp", "old"), filepath.Join(dir, "tmp", "young")
	for _, f := range []string{old, young} {
		if err := os.WriteFile(f, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-2 * staleTemp)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	open(t, Options{Dir: dir})
	if _, err := os.Stat(old); !errors.Is(err, iofs.ErrNotExist) {
		t.Errorf("a stale temporary file survived Open: %v", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("a young temporary file was removed: %v", err)
	}
}

// TestNotAnObject: a file that is not an object file is refused, not misread.
func TestNotAnObject(t *testing.T) {
	dir := t.TempDir()
	s := open(t, Options{Dir: dir})
	if err := os.WriteFile(filepath.Join(dir, "objects", "stray"), []byte("stray"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(t.Context(), "stray"); err == nil || errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat of a stray file: %v", err)
	}
	if err := s.List(t.Context(), "", func(blob.Info) error { return nil }); err == nil {
		t.Error("List over a stray file succeeded")
	}
}

func TestURL(t *testing.T) {
	s := open(t, Options{Dir: t.TempDir()})
	if u, ok := s.URL("a/b.png"); ok {
		t.Errorf("URL without a public URL = %q", u)
	}
	s = open(t, Options{Dir: t.TempDir(), PublicURL: "https://cdn.example/media/"})
	if u, ok := s.URL("a/b c.png"); !ok || u != "https://cdn.example/media/a/b%20c.png" {
		t.Errorf("URL = %q, %v", u, ok)
	}
	if _, err := Open(Options{Dir: t.TempDir(), PublicURL: "ftp://x"}); err == nil {
		t.Error("Open with an ftp public URL succeeded")
	}
	if _, err := Open(Options{}); err == nil {
		t.Error("Open without a directory succeeded")
	}
}

// TestOpenReadsSection: a range is read from the file as it is, and Close closes it.
func TestOpenReadsSection(t *testing.T) {
	s := open(t, Options{Dir: t.TempDir(), NoSync: true})
	if err := s.Put(t.Context(), "k", strings.NewReader("0123456789"), 10, ""); err != nil {
		t.Fatal(err)
	}
	rc, _, err := s.Open(t.Context(), "k", blob.Range{Offset: 2, Length: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	if err := rc.Close(); err != nil || string(b) != "234" {
		t.Fatalf("read %q, close %v", b, err)
	}
}
