package blobtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/blob"
)

var objectTests = []test{
	{"PutOpenStat", func(t *testing.T, s blob.Store, ns string) {
		from := time.Now()
		put(t, s, ns+"media/original/1/file.jpg", "a picture", "image/jpeg")
		wantObject(t, s, ns+"media/original/1/file.jpg", "a picture", "image/jpeg", from, time.Now())
	}},
	{"EmptyObject", func(t *testing.T, s blob.Store, ns string) {
		from := time.Now()
		put(t, s, ns+"empty", "", "text/plain")
		wantObject(t, s, ns+"empty", "", "text/plain", from, time.Now())
	}},
	{"DefaultContentType", func(t *testing.T, s blob.Store, ns string) {
		from := time.Now()
		put(t, s, ns+"untyped", "bytes", "")
		wantObject(t, s, ns+"untyped", "bytes", blob.DefaultContentType, from, time.Now())
	}},
	{"ContentTypeWithParameters", func(t *testing.T, s blob.Store, ns string) {
		from := time.Now()
		put(t, s, ns+"note.txt", "hi", "text/plain; charset=utf-8")
		wantObject(t, s, ns+"note.txt", "hi", "text/plain; charset=utf-8", from, time.Now())
	}},
	{"UnusualKeys", func(t *testing.T, s blob.Store, ns string) {
		from := time.Now()
		for _, k := range []string{"with space (1).png", "ümlaut/日本語.jpg", "a+b=c&d?e#f%20g.bin", "x.y/.hidden", "~tilde/...three"} {
			put(t, s, ns+k, k, "application/x-test")
			wantObject(t, s, ns+k, k, "application/x-test", from, time.Now())
		}
		got := keys(ns, list(t, s, ns))
		want := []string{"a+b=c&d?e#f%20g.bin", "with space (1).png", "x.y/.hidden", "~tilde/...three", "ümlaut/日本語.jpg"}
		if !slices.Equal(got, want) {
			t.Fatalf("List = %q, want %q", got, want)
		}
	}},
	{"Overwrite", func(t *testing.T, s blob.Store, ns string) {
		put(t, s, ns+"k", "the first content, longer", "image/png")
		from := time.Now()
		put(t, s, ns+"k", "second", "image/webp")
		wantObject(t, s, ns+"k", "second", "image/webp", from, time.Now())
		if got := keys(ns, list(t, s, ns)); !slices.Equal(got, []string{"k"}) {
			t.Fatalf("List after an overwrite = %q", got)
		}
	}},
	{"Delete", func(t *testing.T, s blob.Store, ns string) {
		put(t, s, ns+"a/b/c", "x", "")
		put(t, s, ns+"a/b/d", "y", "")
		if err := s.Delete(t.Context(), ns+"a/b/c"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		wantMissing(t, s, ns+"a/b/c")
		if got, _ := read(t, s, ns+"a/b/d", blob.Range{}); got != "y" {
			t.Fatalf("the neighbour of a deleted object reads %q", got)
		}
		if err := s.Delete(t.Context(), ns+"a/b/c"); err != nil {
			t.Fatalf("Delete again: %v, want nil", err)
		}
		if err := s.Delete(t.Context(), ns+"never/was"); err != nil {
			t.Fatalf("Delete of a key never put: %v, want nil", err)
		}
		if err := s.Delete(t.Context(), ns+"a/b/d"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if got := list(t, s, ns); len(got) != 0 {
			t.Fatalf("List after deleting everything = %+v", got)
		}
		// A key can be put again after its delete, where its directories were.
		put(t, s, ns+"a/b/c", "again", "")
		if got, _ := read(t, s, ns+"a/b/c", blob.Range{}); got != "again" {
			t.Fatalf("put after delete reads %q", got)
		}
	}},
	{"NotFound", func(t *testing.T, s blob.Store, ns string) {
		wantMissing(t, s, ns+"missing")
		put(t, s, ns+"dir/file", "x", "")
		// A prefix of a key is no object, on a file system neither.
		wantMissing(t, s, ns+"dir")
		wantMissing(t, s, ns+"di")
		wantMissing(t, s, ns+"dir/file/more")
	}},
	{"UnknownSize", func(t *testing.T, s blob.Store, ns string) {
		from := time.Now()
		content := strings.Repeat("unknown size ", 1000)
		if err := s.Put(t.Context(), ns+"k", io.MultiReader(strings.NewReader(content)), -1, "text/plain"); err != nil {
			t.Fatalf("Put with size -1: %v", err)
		}
		wantObject(t, s, ns+"k", content, "text/plain", from, time.Now())
	}},
	{"LargeObjectStreamed", func(t *testing.T, s blob.Store, ns string) {
		const n = 9<<20 + 12345 // over one 8 MiB part of S3 clients
		if err := s.Put(t.Context(), ns+"large.mp4", &pattern{n: n, seed: 7}, n, "video/mp4"); err != nil {
			t.Fatalf("Put %d bytes: %v", n, err)
		}
		rc, info, err := s.Open(t.Context(), ns+"large.mp4", blob.Range{})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer rc.Close()
		if info.Size != n || info.ContentType != "video/mp4" {
			t.Fatalf("Open info %+v, want size %d", info, n)
		}
		if err := sameStream(rc, 7, n); err != nil {
			t.Fatalf("large object: %v", err)
		}
		// A range in the middle, across the first 8 MiB.
		off, length := int64(8<<20-100), int64(300)
		got, _ := read(t, s, ns+"large.mp4", blob.Range{Offset: off, Length: length})
		if got != string(patternAt(7, off, length)) {
			t.Fatalf("range %d+%d of the large object differs", off, length)
		}
	}},
}

var rangeTests = []test{
	{"Ranges", func(t *testing.T, s blob.Store, ns string) {
		const content = "0123456789abcdef"
		put(t, s, ns+"k", content, "text/plain")
		for _, tc := range []struct {
			rng  blob.Range
			want string
		}{
			{blob.Range{}, content},
			{blob.Range{Offset: 0, Length: 4}, "0123"},
			{blob.Range{Offset: 3}, content[3:]},
			{blob.Range{Offset: 10, Length: 3}, "abc"},
			{blob.Range{Offset: 10, Length: 100}, "abcdef"},
			{blob.Range{Offset: 15, Length: 1}, "f"},
			{blob.Range{Offset: 15}, "f"},
			{blob.Range{Offset: 0, Length: 16}, content},
		} {
			got, info := read(t, s, ns+"k", tc.rng)
			if got != tc.want {
				t.Errorf("Open(%+v) read %q, want %q", tc.rng, got, tc.want)
			}
			if info.Size != int64(len(content)) || info.ContentType != "text/plain" {
				t.Errorf("Open(%+v) info %+v: want the whole object's", tc.rng, info)
			}
		}
	}},
	{"RangesRefused", func(t *testing.T, s blob.Store, ns string) {
		put(t, s, ns+"k", "0123456789", "")
		put(t, s, ns+"empty", "", "")
		for _, tc := range []struct {
			key string
			rng blob.Range
		}{
			{"k", blob.Range{Offset: 10}},
			{"k", blob.Range{Offset: 10, Length: 1}},
			{"k", blob.Range{Offset: 1000, Length: 1}},
			{"k", blob.Range{Offset: -1}},
			{"k", blob.Range{Offset: 0, Length: -1}},
			{"empty", blob.Range{Offset: 0, Length: 1}},
		} {
			rc, _, err := s.Open(t.Context(), ns+tc.key, tc.rng)
			if err == nil {
				rc.Close()
			}
			if !errors.Is(err, blob.ErrBadRange) {
				t.Errorf("Open(%s, %+v): %v, want ErrBadRange", tc.key, tc.rng, err)
			}
		}
		// A range of a missing object is not found.
		if _, _, err := s.Open(t.Context(), ns+"missing", blob.Range{Offset: 5, Length: 1}); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open(missing, range): %v, want ErrNotFound", err)
		}
	}},
}

var listTests = []test{
	{"ListByPrefix", func(t *testing.T, s blob.Store, ns string) {
		from := time.Now()
		for _, k := range []string{"a/1", "a/2", "a/b/3", "ab/4", "b/5", "a.x"} {
			put(t, s, ns+k, "content of "+k, "text/plain")
		}
		to := time.Now()
		for _, tc := range []struct {
			prefix string
			want   []string
		}{
			{"", []string{"a.x", "a/1", "a/2", "a/b/3", "ab/4", "b/5"}},
			{"a/", []string{"a/1", "a/2", "a/b/3"}},
			{"a", []string{"a.x", "a/1", "a/2", "a/b/3", "ab/4"}},
			{"a/b", []string{"a/b/3"}},
			{"a/b/", []string{"a/b/3"}},
			{"a/1", []string{"a/1"}},
			{"b/5/", nil},
			{"c", nil},
			{"c/d/", nil},
		} {
			got := list(t, s, ns+tc.prefix)
			if k := keys(ns, got); !slices.Equal(k, tc.want) {
				t.Errorf("List(%q) = %q, want %q", tc.prefix, k, tc.want)
				continue
			}
			for _, info := range got {
				if want := int64(len("content of ") + len(info.Key) - len(ns)); info.Size != want {
					t.Errorf("List(%q): %s has size %d, want %d", tc.prefix, info.Key, info.Size, want)
				}
				wantTime(t, "List: "+info.Key, info.ModTime, from, to)
			}
		}
	}},
	{"ListStopsAtError", func(t *testing.T, s blob.Store, ns string) {
		for i := range 5 {
			put(t, s, fmt.Sprintf("%sk%d", ns, i), "x", "")
		}
		stop := errors.New("enough")
		calls := 0
		err := s.List(t.Context(), ns, func(blob.Info) error {
			calls++
			if calls == 2 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || calls != 2 {
			t.Fatalf("List with fn failing at the second object: %v after %d calls, want the error after 2", err, calls)
		}
	}},
	{"ListCancelled", func(t *testing.T, s blob.Store, ns string) {
		put(t, s, ns+"k", "x", "")
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		err := s.List(ctx, ns, func(blob.Info) error { return nil })
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("List with a cancelled context: %v, want context.Canceled", err)
		}
	}},
}

// badKeys are refused by every method.
var badKeys = []string{
	"", "/abs", "trailing/", "a//b", "./a", "a/./b", "../a", "a/../b", "a/..", "..",
	"nul\x00", "ctl\x01", "del\x7f", "back\\slash", "\xff\xfe", "c1\u0085",
	strings.Repeat("k", blob.MaxKeyLen+1), strings.Repeat("s", blob.MaxSegmentLen+1) + "/x",
}

var refusalTests = []test{
	{"BadKeys", func(t *testing.T, s blob.Store, ns string) {
		ctx := t.Context()
		put(t, s, ns+"a/b", "x", "") // so that "a/b/.." would name something
		for _, k := range badKeys {
			key := k
			if k != "" && k[0] != '/' && k != ".." && !strings.HasPrefix(k, "../") {
				key = ns + k // refused inside the namespace too
			}
			if err := s.Put(ctx, key, strings.NewReader("x"), 1, ""); !errors.Is(err, blob.ErrBadKey) {
				t.Errorf("Put(%q): %v, want ErrBadKey", key, err)
			}
			if _, _, err := s.Open(ctx, key, blob.Range{}); !errors.Is(err, blob.ErrBadKey) {
				t.Errorf("Open(%q): %v, want ErrBadKey", key, err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrBadKey) {
				t.Errorf("Stat(%q): %v, want ErrBadKey", key, err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, blob.ErrBadKey) {
				t.Errorf("Delete(%q): %v, want ErrBadKey", key, err)
			}
		}
		for _, p := range []string{"/abs", "../", ns + "a/../", ns + "a//", "nul\x00"} {
			if err := s.List(ctx, p, func(blob.Info) error { return nil }); !errors.Is(err, blob.ErrBadKey) {
				t.Errorf("List(%q): %v, want ErrBadKey", p, err)
			}
		}
		// The longest key is taken.
		long := ns + strings.Repeat(strings.Repeat("k", 199)+"/", 2)
		long += strings.Repeat("l", blob.MaxKeyLen-len(long))
		put(t, s, long, "long", "")
		if got, _ := read(t, s, long, blob.Range{}); got != "long" {
			t.Fatalf("the longest key reads %q", got)
		}
	}},
	{"BadContentType", func(t *testing.T, s blob.Store, ns string) {
		for _, ct := range []string{"text/plain\n", "image/\x00png", "tëxt/plain", strings.Repeat("x", blob.MaxContentTypeLen+1)} {
			if err := s.Put(t.Context(), ns+"k", strings.NewReader("x"), 1, ct); !errors.Is(err, blob.ErrBadContentType) {
				t.Errorf("Put with content type %q: %v, want ErrBadContentType", ct, err)
			}
		}
		wantMissing(t, s, ns+"k")
	}},
	{"WrongSize", func(t *testing.T, s blob.Store, ns string) {
		ctx := t.Context()
		put(t, s, ns+"kept", "the old content", "text/plain")
		for _, tc := range []struct {
			content string
			size    int64
		}{{"short", 6}, {"long!!", 5}, {"", 1}, {"x", 0}, {strings.Repeat("p", 1<<20), 1<<20 - 1}} {
			for _, key := range []string{"new", "kept"} {
				err := s.Put(ctx, ns+key, strings.NewReader(tc.content), tc.size, "image/gif")
				if !errors.Is(err, blob.ErrSize) {
					t.Errorf("Put(%s) of %d bytes with size %d: %v, want ErrSize", key, len(tc.content), tc.size, err)
				}
			}
		}
		wantMissing(t, s, ns+"new")
		if got, info := read(t, s, ns+"kept", blob.Range{}); got != "the old content" || info.ContentType != "text/plain" {
			t.Fatalf("a failed overwrite left %q (%+v)", got, info)
		}
		if got := keys(ns, list(t, s, ns)); !slices.Equal(got, []string{"kept"}) {
			t.Fatalf("List after failed puts = %q", got)
		}
	}},
	{"ReaderError", func(t *testing.T, s blob.Store, ns string) {
		boom := errors.New("the upload broke")
		r := io.MultiReader(strings.NewReader("half of it"), &failing{err: boom})
		if err := s.Put(t.Context(), ns+"k", r, 100, ""); !errors.Is(err, boom) {
			t.Errorf("Put from a failing reader: %v, want its error", err)
		}
		wantMissing(t, s, ns+"k")
	}},
}

// failing is a reader that fails.
type failing struct{ err error }

func (f *failing) Read([]byte) (int, error) { return 0, f.err }

var concurrencyTests = []test{
	{"ConcurrentPuts", func(t *testing.T, s blob.Store, ns string) {
		const writers = 12
		const size = 256 << 10
		var wg sync.WaitGroup
		errs := make(chan error, 2*writers)
		for i := range writers {
			wg.Go(func() {
				key := fmt.Sprintf("%sown/%d", ns, i)
				errs <- s.Put(t.Context(), key, &pattern{n: size, seed: byte(i)}, size, "application/x-own")
			})
			wg.Go(func() {
				errs <- s.Put(t.Context(), ns+"shared/k", &pattern{n: size, seed: byte(100 + i)}, size, "application/x-shared")
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent Put: %v", err)
			}
		}
		for i := range writers {
			rc, _, err := s.Open(t.Context(), fmt.Sprintf("%sown/%d", ns, i), blob.Range{})
			if err != nil {
				t.Fatalf("Open own/%d: %v", i, err)
			}
			err = sameStream(rc, byte(i), size)
			rc.Close()
			if err != nil {
				t.Fatalf("own/%d: %v", i, err)
			}
		}
		// The shared key holds one writer's whole content.
		got, _ := read(t, s, ns+"shared/k", blob.Range{})
		if len(got) != size {
			t.Fatalf("shared key holds %d bytes, want %d", len(got), size)
		}
		seed := got[0] // the pattern's first byte is its seed
		if got != string(patternAt(seed, 0, size)) {
			t.Fatalf("shared key holds a mix of writers' contents")
		}
		if n := len(list(t, s, ns)); n != writers+1 {
			t.Fatalf("List found %d objects, want %d", n, writers+1)
		}
	}},
	{"ReadWhileOverwritten", func(t *testing.T, s blob.Store, ns string) {
		const size = 128 << 10
		put(t, s, ns+"k", string(patternAt(1, 0, size)), "")
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := byte(2); ctx.Err() == nil; i++ {
				if err := s.Put(ctx, ns+"k", &pattern{n: size, seed: i}, size, ""); err != nil && ctx.Err() == nil {
					t.Errorf("Put: %v", err)
					return
				}
			}
		})
		for range 20 {
			got, _ := read(t, s, ns+"k", blob.Range{})
			if len(got) != size || got != string(patternAt(got[0], 0, size)) {
				cancel()
				wg.Wait()
				t.Fatalf("a read during overwrites saw %d bytes that are no one writer's whole content", len(got))
			}
		}
		cancel()
		wg.Wait()
	}},
}
