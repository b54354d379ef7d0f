package mediaproc

import (
	"errors"
	"testing"
)

// TestAVIF: an AVIF (the upright picture of TestOrientation, made by ffmpeg with
// libaom) is decoded by ffmpeg and stored as a JPEG with its pixels, its preview and
// meta as any image's; it makes an avatar too.
func TestAVIF(t *testing.T) {
	res := process(t, "photo.avif")
	if res.Format != FormatAVIF || res.Animated || res.Blurhash == "" {
		t.Fatalf("format %s, animated %v, blurhash %q", res.Format, res.Animated, res.Blurhash)
	}
	for _, f := range []File{res.Original, res.Small} {
		if f.ContentType != "image/jpeg" || f.Width != 96 || f.Height != 64 {
			t.Fatalf("%s of %dx%d, want image/jpeg of 96x64", f.ContentType, f.Width, f.Height)
		}
		img := decodeFile(t, f)
		for _, q := range []struct {
			x, y    int
			r, g, b uint8
		}{{24, 16, 255, 0, 0}, {72, 16, 0, 255, 0}, {24, 48, 0, 0, 255}, {72, 48, 255, 255, 0}} {
			if c := img.At(q.x, q.y); !near(c, q.r, q.g, q.b) {
				t.Errorf("pixel %d,%d is %v, want %d,%d,%d", q.x, q.y, c, q.r, q.g, q.b)
			}
		}
	}
	if res.Meta.Original.Width != 96 || res.Meta.Small.Height != 64 {
		t.Errorf("meta %+v", res.Meta)
	}
	avatar, static, err := newProcessor(t, Options{}).PictureFiles(testdata(t, "photo.avif"), 40, 40)
	if err != nil || avatar.Width != 40 || avatar.ContentType != "image/jpeg" || static.Data != nil {
		t.Fatalf("avatar %s %dx%d, static %d bytes, %v", avatar.ContentType, avatar.Width, avatar.Height, len(static.Data), err)
	}
}

// TestAVIFRefused: an AVIF of more pixels than allowed is refused from what ffprobe
// reads, before it is decoded; a broken one is corrupt; without ffmpeg, the machine's
// trouble is told apart (ErrFFmpeg), for the upload to be tried again.
func TestAVIFRefused(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
		opts Options
		want error
	}{
		{"more pixels than MaxPixels", testdata(t, "photo.avif"), Options{MaxPixels: 96*64 - 1, OriginalPixels: 1000, SmallPixels: 1000}, ErrTooLarge},
		{"truncated", testdata(t, "truncated.avif"), Options{}, ErrCorrupt},
		{"ftyp alone", []byte("\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif"), Options{}, ErrCorrupt},
		{"no ffmpeg", testdata(t, "photo.avif"), Options{FFprobe: "/nonexistent/ffprobe", HeifConvert: "/nonexistent/heif-convert"}, ErrFFmpeg},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := newProcessor(t, tt.opts).Process(tt.data, nil); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}
