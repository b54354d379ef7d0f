package blob

import (
	"errors"
	"io"
	"path"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheckKey: a key CheckKey accepts is a clean relative path of valid UTF-8 without
// NUL or backslash, so that joined to a directory it names something inside it.
func FuzzCheckKey(f *testing.F) {
	for _, k := range []string{"a", "a/b.jpg", "../a", "a/../b", "/a", "a//b", "a/", ".", "a/.", "a\\..\\b", "a\x00b", "..."} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if CheckKey(key) != nil {
			return
		}
		if path.Clean(key) != key || path.IsAbs(key) || key == ".." || strings.HasPrefix(key, "../") ||
			strings.ContainsAny(key, "\x00\\") || !utf8.ValidString(key) || len(key) > MaxKeyLen {
			t.Fatalf("CheckKey accepted %q", key)
		}
		if !strings.HasPrefix(path.Join("root", key), "root/") {
			t.Fatalf("key %q leaves its directory", key)
		}
	})
}

func TestCheckKey(t *testing.T) {
	for _, k := range []string{"a", "media/original/117/file.jpg", "x.y/.hidden", "a/...", "ümlaut/日本語 (1).png",
		strings.Repeat("s", MaxSegmentLen) + "/x", strings.Repeat("a/", MaxKeyLen/2-1) + "ab"} {
		if err := CheckKey(k); err != nil {
			t.Errorf("CheckKey(%q) = %v", k, err)
		}
	}
	for _, k := range []string{"", "/a", "a/", "a//b", ".", "..", "a/../b", "a/.", "nul\x00", "tab\t", "\x7f", "a\\b",
		"\xc3", "\u0080", strings.Repeat("s", MaxSegmentLen+1), strings.Repeat("a/", MaxKeyLen/2) + "a"} {
		if err := CheckKey(k); !errors.Is(err, ErrBadKey) {
			t.Errorf("CheckKey(%q) = %v, want ErrBadKey", k, err)
		}
	}
	for _, p := range []string{"", "a", "a/", "a/.", "a/..", "a/b"} {
		if err := CheckPrefix(p); err != nil {
			t.Errorf("CheckPrefix(%q) = %v", p, err)
		}
	}
	for _, p := range []string{"/", "/a", "a//", "../", "a/../", "a\x00"} {
		if err := CheckPrefix(p); !errors.Is(err, ErrBadKey) {
			t.Errorf("CheckPrefix(%q) = %v, want ErrBadKey", p, err)
		}
	}
}

func TestRangeClip(t *testing.T) {
	for _, tc := range []struct {
		r             Range
		size, off, n  int64
		unsatisfiable bool
	}{
		{Range{}, 10, 0, 10, false},
		{Range{}, 0, 0, 0, false},
		{Range{Offset: 3}, 10, 3, 7, false},
		{Range{Offset: 3, Length: 4}, 10, 3, 4, false},
		{Range{Offset: 3, Length: 40}, 10, 3, 7, false},
		{Range{Offset: 10}, 10, 0, 0, true},
		{Range{Length: 1}, 0, 0, 0, true},
		{Range{Offset: -1}, 10, 0, 0, true},
		{Range{Length: -1}, 10, 0, 0, true},
	} {
		off, n, err := tc.r.Clip(tc.size)
		if tc.unsatisfiable != errors.Is(err, ErrBadRange) || (err == nil && (off != tc.off || n != tc.n)) {
			t.Errorf("%+v.Clip(%d) = %d, %d, %v", tc.r, tc.size, off, n, err)
		}
	}
}

func TestContentType(t *testing.T) {
	if ct, err := ContentType(""); ct != DefaultContentType || err != nil {
		t.Errorf("ContentType(\"\") = %q, %v", ct, err)
	}
	if ct, err := ContentType("text/plain; charset=utf-8"); ct != "text/plain; charset=utf-8" || err != nil {
		t.Errorf("ContentType(text/plain; charset=utf-8) = %q, %v", ct, err)
	}
	for _, ct := range []string{"a\nb", "é", strings.Repeat("x", MaxContentTypeLen+1)} {
		if _, err := ContentType(ct); !errors.Is(err, ErrBadContentType) {
			t.Errorf("ContentType(%q) = %v, want ErrBadContentType", ct, err)
		}
	}
}

func TestPublicURL(t *testing.T) {
	for _, tc := range []struct{ base, key, want string }{
		{"", "a", ""},
		{"https://cdn.example", "media/a b.png", "https://cdn.example/media/a%20b.png"},
		{"https://cdn.example/files/", "x/ü?#%.jpg", "https://cdn.example/files/x/%C3%BC%3F%23%25.jpg"},
	} {
		if got := PublicURL(tc.base, tc.key); got != tc.want {
			t.Errorf("PublicURL(%q, %q) = %q, want %q", tc.base, tc.key, got, tc.want)
		}
	}
	for _, base := range []string{"https://cdn.example", "http://127.0.0.1:9000/bucket/"} {
		if err := CheckPublicURL(base); err != nil {
			t.Errorf("CheckPublicURL(%q) = %v", base, err)
		}
	}
	for _, base := range []string{"cdn.example", "ftp://cdn.example", "https://", "https://cdn.example/?a=b", "https://c/#f"} {
		if err := CheckPublicURL(base); err == nil {
			t.Errorf("CheckPublicURL(%q) accepted", base)
		}
	}
}

// oneByte yields one byte per Read, as a slow network does.
type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) { return o.r.Read(p[:min(len(p), 1)]) }

func TestExactReader(t *testing.T) {
	for _, tc := range []struct {
		content string
		size    int64
		ok      bool
	}{
		{"abc", 3, true}, {"", 0, true}, {"abc", -1, true},
		{"abc", 4, false}, {"abc", 2, false}, {"", 1, false}, {"a", 0, false},
	} {
		for _, slow := range []bool{false, true} {
			var r io.Reader = strings.NewReader(tc.content)
			if slow {
				r = oneByte{r}
			}
			got, err := io.ReadAll(ExactReader(r, tc.size))
			if tc.ok != (err == nil) || (tc.ok && string(got) != tc.content) || (!tc.ok && !errors.Is(err, ErrSize)) {
				t.Errorf("ExactReader(%q, %d) (slow %v) read %q, %v", tc.content, tc.size, slow, got, err)
			}
		}
	}
	// The Read that ends the size sees the excess, and every Read after it.
	r := ExactReader(strings.NewReader("abcd"), 3)
	for i := range 3 {
		if n, err := r.Read(make([]byte, 3)); !errors.Is(err, ErrSize) || n != 3*(1-min(i, 1)) {
			t.Errorf("Read %d of 4 bytes with size 3: %d, %v, want ErrSize", i, n, err)
		}
	}
}
