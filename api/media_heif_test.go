package api_test

import (
	"bytes"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// instanceTypes is configuration.media_attachments.supported_mime_types of the v2
// instance document.
func instanceTypes(t *testing.T, c *testrig.Cluster) []string {
	t.Helper()
	var got instanceClaims
	c.Must(c.Do("GET", "/api/v2/instance", "", nil), 200).JSON(t, &got)
	return got.Configuration.MediaAttachments.SupportedMimeTypes
}

// TestHEIFUpload: with libheif's heif-convert on the machine, HEIC and HEIF are
// advertised and taken: a phone's HEIC (pixels turned, irot, EXIF with GPS), an AVIF
// turned and mirrored, and an AVIF tiled in a grid come out of upload → processing →
// GET /system/… as upright JPEGs with their colours and no EXIF; a HEIC declaring
// 10000x10000 pixels is refused.
func TestHEIFUpload(t *testing.T) {
	if _, err := exec.LookPath("heif-convert"); err != nil {
		t.Skip("no heif-convert (apt-get install libheif-examples)")
	}
	c := testrig.New(t)
	alice := c.Register("alice")
	if types := instanceTypes(t, c); !slices.Contains(types, "image/heic") || !slices.Contains(types, "image/heif") {
		t.Fatalf("supported_mime_types %v lacks HEIC and HEIF", types)
	}
	for i, name := range []string{"gps-irot.heic", "irot-imir.avif", "grid.avif"} {
		path := []string{"/api/v2/media", "/api/v1/media"}[i%2]
		r := upload(c, alice, path, name, testdata(t, name), nil)
		if r.Code != 200 && r.Code != 202 {
			t.Fatalf("%s: %d %s", name, r.Code, r.Body)
		}
		var a attachmentEntity
		r.JSON(t, &a)
		a = processed(t, c, alice, a.ID)
		if a.Type != "image" || a.URL == nil || a.PreviewURL == nil || a.Blurhash == nil ||
			a.Meta.Original.Width != 96 || a.Meta.Original.Height != 64 {
			t.Fatalf("%s: %+v", name, a)
		}
		for _, u := range []string{*a.URL, *a.PreviewURL} {
			f := fetch(t, c, u, "")
			if f.Code != 200 || f.Header.Get("Content-Type") != "image/jpeg" {
				t.Fatalf("%s: %s answers %d %s", name, u, f.Code, f.Header.Get("Content-Type"))
			}
			checkUprightJPEG(t, name, f.Body)
		}
	}
	r := c.Must(upload(c, alice, "/api/v1/media", "bomb.heic", testdata(t, "bomb.heic"), nil), 422)
	if got := r.Object(t)["error"]; got != "Validation failed: File could not be processed" {
		t.Fatalf("bomb.heic: %v", got)
	}
}

// checkUprightJPEG checks a served file: a JPEG of the upright test picture (96x64,
// quadrants red, lime / blue, yellow, within a lossy coder's error) without EXIF or
// the GPS directory's tag.
func checkUprightJPEG(t *testing.T, name string, data []byte) {
	t.Helper()
	for _, s := range []string{"Exif", "\x88\x25\x00\x04", "\x25\x88\x04\x00"} {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("%s: the served file holds %q", name, s)
		}
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if b := img.Bounds(); b.Dx() != 96 || b.Dy() != 64 {
		t.Fatalf("%s: %dx%d", name, b.Dx(), b.Dy())
	}
	for _, q := range []struct {
		x, y    int
		r, g, b uint8
	}{{24, 16, 255, 0, 0}, {72, 16, 0, 255, 0}, {24, 48, 0, 0, 255}, {72, 48, 255, 255, 0}} {
		c := color.NRGBAModel.Convert(img.At(q.x, q.y)).(color.NRGBA)
		near := func(a, b uint8) bool { return max(int(a)-int(b), int(b)-int(a)) <= 40 }
		if !near(c.R, q.r) || !near(c.G, q.g) || !near(c.B, q.b) {
			t.Errorf("%s: pixel %d,%d is %v, want %d,%d,%d", name, q.x, q.y, c, q.r, q.g, q.b)
		}
	}
}

// TestHEICWithoutDecoder: on a machine without heif-convert (a PATH holding ffmpeg
// and ffprobe alone), HEIC and HEIF are not advertised and a HEIC upload is refused
// with Mastodon's error; AVIF is still taken (ffmpeg decodes it).
func TestHEICWithoutDecoder(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"ffmpeg", "ffprobe"} {
		path, err := exec.LookPath(name)
		if err != nil {
			t.Skipf("no %s", name)
		}
		if err := os.Symlink(path, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
	c := testrig.New(t)
	alice := c.Register("alice")
	if types := instanceTypes(t, c); slices.Contains(types, "image/heic") || slices.Contains(types, "image/heif") ||
		!slices.Contains(types, "image/avif") {
		t.Fatalf("supported_mime_types %v", types)
	}
	r := c.Must(upload(c, alice, "/api/v2/media", "photo.heic", testdata(t, "gps-irot.heic"), nil), 422)
	if got := r.Object(t)["error"]; got != "Validation failed: File content type is invalid, File is invalid" {
		t.Fatalf("heic: %v", got)
	}
	r = upload(c, alice, "/api/v2/media", "photo.avif", testdata(t, "photo.avif"), nil)
	if r.Code != 200 && r.Code != 202 {
		t.Fatalf("avif: %d %s", r.Code, r.Body)
	}
	var a attachmentEntity
	r.JSON(t, &a)
	if a = processed(t, c, alice, a.ID); a.URL == nil || a.Meta.Original.Width != 96 {
		t.Fatalf("avif: %+v", a)
	}
}
