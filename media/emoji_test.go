package media_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/herd-social/herd/media"
)

// TestStoreEmoji: a custom emoji's picture is a PNG, GIF or WebP of less than 256 KB,
// as Mastodon's; anything else is refused with Mastodon's message and nothing stored.
func TestStoreEmoji(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	read := func(name string) []byte {
		b, err := os.ReadFile("../mediaproc/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string // the refusal; "" for a stored picture
	}{
		{"png", read("alpha.png"), ""},
		{"gif", read("animated.gif"), ""},
		{"webp", read("alpha.webp"), ""},
		{"jpeg", read("gps.jpg"), "Validation failed: Image content type is invalid"},
		{"text", []byte("not a picture"), "Validation failed: Image content type is invalid"},
		{"256 KB", append(read("alpha.png"), make([]byte, 256<<10)...), "Validation failed: Image file size must be less than 256 KB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key, typ, err := r.svc.StoreEmoji(ctx, "blob", tc.data)
			if tc.want != "" {
				var v *media.Validation
				if !errors.As(err, &v) || err.Error() != tc.want || key != "" {
					t.Fatalf("stored %q, %v; want %q", key, err, tc.want)
				}
				return
			}
			if err != nil || key == "" || typ == "" {
				t.Fatalf("stored %q (%s), %v", key, typ, err)
			}
			if _, err := r.files.Stat(ctx, key); err != nil {
				t.Fatalf("file %s: %v", key, err)
			}
		})
	}
}

// TestFetchEmoji: a remote emoji's picture is fetched and stored as an upload would
// be, under the same rules; one of a server whose media are rejected is not fetched.
func TestFetchEmoji(t *testing.T) {
	ctx := context.Background()
	png, err := os.ReadFile("../mediaproc/testdata/alpha.png")
	if err != nil {
		t.Fatal(err)
	}
	fetched := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		fetched++
		switch req.URL.Path {
		case "/blob.png":
			w.Write(png)
		case "/photo.jpg":
			w.Write(bytes.Repeat([]byte{0xff, 0xd8, 0xff}, 10))
		default:
			http.NotFound(w, req)
		}
	}))
	t.Cleanup(srv.Close)
	r := newRigWith(t, media.Options{HTTP: srv.Client(), RemoteMaxBytes: 1 << 20})
	key, typ, err := r.svc.FetchEmoji(ctx, "blob", srv.URL+"/blob.png")
	if err != nil || typ != "image/png" {
		t.Fatalf("fetched %q (%s), %v", key, typ, err)
	}
	if _, err := r.files.Stat(ctx, key); err != nil {
		t.Fatalf("file %s: %v", key, err)
	}
	if _, _, err := r.svc.FetchEmoji(ctx, "photo", srv.URL+"/photo.jpg"); err == nil || err.Error() != "Validation failed: Image content type is invalid" {
		t.Fatalf("a JPEG: %v", err)
	}
	if _, _, err := r.svc.FetchEmoji(ctx, "gone", srv.URL+"/gone.png"); err == nil {
		t.Fatal("a 404 was stored")
	}
	rejecting := newRigWith(t, media.Options{HTTP: srv.Client(), RejectMedia: func(context.Context, string) (bool, error) {
		return true, nil
	}})
	before := fetched
	if _, _, err := rejecting.svc.FetchEmoji(ctx, "blob", srv.URL+"/blob.png"); !errors.Is(err, media.ErrRejected) || fetched != before {
		t.Fatalf("rejected media: %v, fetched %d times", err, fetched-before)
	}
}
