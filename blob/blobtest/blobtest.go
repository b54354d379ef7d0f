// Package blobtest is the conformance suite of the blob contract: every engine runs
// Run from its own tests, so that media code can rely on the contract and not on an
// engine.
//
// It owns the meaning of the contract in executable form. It must not test anything an
// engine is free to choose (layouts on disk, error texts, the order of a listing,
// performance), and it must not import an engine.
package blobtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/blob"
)

// OpenFunc returns the store a case runs on. It may return the same store to every
// case, and one that other tests use: each case works under a key prefix of its own
// and deletes what it put there when it ends.
type OpenFunc func(t *testing.T) blob.Store

// test is one case of the suite, run under the key prefix ns of its own ("…/").
type test struct {
	name string
	run  func(t *testing.T, s blob.Store, ns string)
}

// Run runs the conformance suite, the cases in parallel.
func Run(t *testing.T, open OpenFunc) {
	t.Helper()
	for _, group := range [][]test{objectTests, rangeTests, listTests, refusalTests, concurrencyTests} {
		for _, tc := range group {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				s := open(t)
				ns := Namespace(t)
				t.Cleanup(func() { clean(t, s, ns) })
				tc.run(t, s, ns)
			})
		}
	}
}

// Namespace returns a key prefix unique to this run of t, ending with a slash, for
// tests that share a store.
func Namespace(t testing.TB) string {
	var rnd [6]byte
	rand.Read(rnd[:])
	return "blobtest/" + hex.EncodeToString(rnd[:]) + "/"
}

// clean deletes every object under ns.
func clean(t *testing.T, s blob.Store, ns string) {
	t.Helper()
	var keys []string
	// t's context is done when cleanups run.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.List(ctx, ns, func(i blob.Info) error { keys = append(keys, i.Key); return nil }); err != nil {
		t.Errorf("clean %s: List: %v", ns, err)
		return
	}
	for _, k := range keys {
		if err := s.Delete(ctx, k); err != nil {
			t.Errorf("clean %s: Delete(%q): %v", ns, k, err)
		}
	}
}

func put(t *testing.T, s blob.Store, key, content, contentType string) {
	t.Helper()
	if err := s.Put(t.Context(), key, strings.NewReader(content), int64(len(content)), contentType); err != nil {
		t.Fatalf("Put(%q, %d bytes, %q): %v", key, len(content), contentType, err)
	}
}

// read returns the bytes of key inside rng and the object's Info.
func read(t *testing.T, s blob.Store, key string, rng blob.Range) (string, blob.Info) {
	t.Helper()
	rc, info, err := s.Open(t.Context(), key, rng)
	if err != nil {
		t.Fatalf("Open(%q, %+v): %v", key, rng, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Open(%q, %+v): read: %v", key, rng, err)
	}
	return string(b), info
}

// wantObject checks that key holds content of that type, by Open and Stat, put
// between from and to (with a second's margin: S3 keeps seconds).
func wantObject(t *testing.T, s blob.Store, key, content, contentType string, from, to time.Time) {
	t.Helper()
	got, info := read(t, s, key, blob.Range{})
	if got != content {
		t.Fatalf("Open(%q) read %q, want %q", key, abbrev(got), abbrev(content))
	}
	st, err := s.Stat(t.Context(), key)
	if err != nil {
		t.Fatalf("Stat(%q): %v", key, err)
	}
	for _, i := range []struct {
		by   string
		info blob.Info
	}{{"Open", info}, {"Stat", st}} {
		if i.info.Key != key || i.info.Size != int64(len(content)) || i.info.ContentType != contentType {
			t.Fatalf("%s(%q) info %+v, want key %q, size %d, type %q", i.by, key, i.info, key, len(content), contentType)
		}
		wantTime(t, i.by+"("+key+")", i.info.ModTime, from, to)
	}
}

// wantTime checks that tm is between from and to, with a second's margin.
func wantTime(t *testing.T, what string, tm, from, to time.Time) {
	t.Helper()
	if tm.Before(from.Add(-time.Second)) || tm.After(to.Add(time.Second)) {
		t.Fatalf("%s modified at %v, want between %v and %v", what, tm, from, to)
	}
}

// wantMissing checks that Open and Stat find no object under key.
func wantMissing(t *testing.T, s blob.Store, key string) {
	t.Helper()
	if rc, info, err := s.Open(t.Context(), key, blob.Range{}); !errors.Is(err, blob.ErrNotFound) {
		if err == nil {
			rc.Close()
		}
		t.Fatalf("Open(%q) = %+v, %v, want ErrNotFound", key, info, err)
	}
	if info, err := s.Stat(t.Context(), key); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat(%q) = %+v, %v, want ErrNotFound", key, info, err)
	}
}

// list returns what List reports under prefix, sorted by key.
func list(t *testing.T, s blob.Store, prefix string) []blob.Info {
	t.Helper()
	var out []blob.Info
	if err := s.List(t.Context(), prefix, func(i blob.Info) error { out = append(out, i); return nil }); err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	slices.SortFunc(out, func(a, b blob.Info) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// keys returns the keys of infos with ns cut.
func keys(ns string, infos []blob.Info) []string {
	out := make([]string, len(infos))
	for i, info := range infos {
		out[i] = strings.TrimPrefix(info.Key, ns)
	}
	return out
}

// abbrev shortens long contents in messages.
func abbrev(s string) string {
	if len(s) <= 64 {
		return s
	}
	return s[:32] + "…" + s[len(s)-16:]
}

// pattern is a reader of n bytes of a pattern that does not repeat within a few
// MiB, made as it is read, so that large objects are streamed and not held.
type pattern struct {
	n, off int64
	seed   byte
}

func (p *pattern) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	if int64(len(b)) > p.n-p.off {
		b = b[:p.n-p.off]
	}
	for i := range b {
		o := p.off + int64(i)
		b[i] = byte(o) ^ byte(o>>8)*31 ^ byte(o>>16)*7 ^ p.seed
	}
	p.off += int64(len(b))
	return len(b), nil
}

// patternAt returns length bytes of the pattern of seed from offset.
func patternAt(seed byte, offset, length int64) []byte {
	p := &pattern{n: offset + length, off: offset, seed: seed}
	b := make([]byte, length)
	io.ReadFull(p, b)
	return b
}

// sameStream checks that r yields exactly the n bytes of the pattern of seed,
// comparing chunk by chunk.
func sameStream(r io.Reader, seed byte, n int64) error {
	want := &pattern{n: n, seed: seed}
	a, b := make([]byte, 64<<10), make([]byte, 64<<10)
	var off int64
	for {
		na, err := io.ReadFull(r, a)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("read at %d: %w", off, err)
		}
		if nb, _ := io.ReadFull(want, b[:na]); nb != na || !bytes.Equal(a[:na], b[:na]) {
			return fmt.Errorf("the %d bytes read at %d are not the content put", na, off)
		}
		off += int64(na)
		if na < len(a) {
			if off != n {
				return fmt.Errorf("read %d bytes, want %d", off, n)
			}
			return nil
		}
	}
}
