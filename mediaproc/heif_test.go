package mediaproc

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// needHEIF skips a test of libheif's decoder where heif-convert is missing (CI
// installs it).
func needHEIF(t *testing.T) {
	t.Helper()
	if !newProcessor(t, Options{}).HEIF() {
		t.Skip("no heif-convert (apt-get install libheif-examples)")
	}
}

// checkUpright checks that a processed file is the upright test picture (96x64,
// quadrants red, lime / blue, yellow) within a lossy coder's error.
func checkUpright(t *testing.T, f File) {
	t.Helper()
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

// TestHEIF: HEIC and AVIF decoded by libheif come out upright with their colours: a
// phone's HEIC (pixels turned, irot to show them, EXIF Orientation 6 saying the same
// and a GPS position) has its rotation applied once and no metadata left; an AVIF
// turned and mirrored (irot, imir); an AVIF tiled in a 2x2 grid (ffmpeg 5 gives no
// picture of it); a HEIC of two pictures whose second is the primary one.
func TestHEIF(t *testing.T) {
	needHEIF(t)
	for _, tt := range []struct {
		name   string
		format Format
	}{{"gps-irot.heic", FormatHEIF}, {"irot-imir.avif", FormatAVIF}, {"grid.avif", FormatAVIF},
		{"two.heic", FormatHEIF}, {"photo.avif", FormatAVIF}} {
		t.Run(tt.name, func(t *testing.T) {
			res := process(t, tt.name)
			if res.Format != tt.format || res.Animated || res.Blurhash == "" {
				t.Fatalf("format %s, animated %v, blurhash %q", res.Format, res.Animated, res.Blurhash)
			}
			for _, f := range []File{res.Original, res.Small} {
				checkUpright(t, f)
				checkJPEGSegments(t, f.Data)
				for _, s := range []string{"Exif", "\x88\x25\x00\x04", "\x25\x88\x04\x00"} {
					if bytes.Contains(f.Data, []byte(s)) {
						t.Errorf("output holds %q", s)
					}
				}
			}
			if m := res.Meta; m.Original.Width != 96 || m.Original.Height != 64 || m.Small.Width != 96 {
				t.Errorf("meta %+v", m)
			}
		})
	}
	if in := testdata(t, "gps-irot.heic"); !bytes.Contains(in, []byte("\x88\x25\x00\x04")) {
		t.Fatal("gps-irot.heic lacks the GPS directory the test needs: regenerate testdata")
	}
	avatar, _, err := newProcessor(t, Options{}).PictureFiles(testdata(t, "gps-irot.heic"), 40, 40)
	if err != nil || avatar.Width != 40 || avatar.ContentType != "image/jpeg" {
		t.Fatalf("avatar %s %dx%d, %v", avatar.ContentType, avatar.Width, avatar.Height, err)
	}
}

// TestHEIFRefused: a HEIC or AVIF over the limits is refused from its boxes before
// any decoder runs (a stand-in heif-convert that would leave a mark is never run); a
// broken one is corrupt; without heif-convert, HEIC is refused as unsupported
// (ErrHEIF) and AVIF is still decoded, by ffmpeg.
func TestHEIFRefused(t *testing.T) {
	dir := t.TempDir()
	mark, fake := filepath.Join(dir, "ran"), filepath.Join(dir, "heif-convert")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\ntouch "+mark+"\nexit 1\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	tight := Options{MaxPixels: 96*64 - 1, OriginalPixels: 1000, SmallPixels: 1000, HeifConvert: fake}
	for _, tt := range []struct {
		name string
		data []byte
		opts Options
		want error
	}{
		{"bomb.heic declares 10000x10000", testdata(t, "bomb.heic"), Options{HeifConvert: fake}, ErrTooLarge},
		{"heic of more pixels than MaxPixels", testdata(t, "gps-irot.heic"), tight, ErrTooLarge},
		{"grid of more pixels than MaxPixels", testdata(t, "grid.avif"), tight, ErrTooLarge},
		{"a grid at MaxPixels, its tiles as many again", testdata(t, "grid.avif"),
			Options{MaxPixels: 96 * 64, OriginalPixels: 1000, SmallPixels: 1000, HeifConvert: fake}, nil},
		{"ftyp alone", heif, Options{HeifConvert: fake}, ErrCorrupt},
		{"truncated.avif", testdata(t, "truncated.avif"), Options{HeifConvert: fake}, ErrCorrupt},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newProcessor(t, tt.opts).Process(tt.data, nil)
			if tt.want == nil {
				// 96x64 and 4 tiles of 48x32: twice MaxPixels, within thrice: decoded.
				if _, statErr := os.Stat(mark); statErr != nil {
					t.Fatalf("heif-convert did not run (%v): %v", statErr, err)
				}
				os.Remove(mark)
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if _, statErr := os.Stat(mark); statErr == nil {
				t.Fatal("heif-convert ran")
			}
		})
	}
	none := Options{HeifConvert: "/nonexistent/heif-convert"}
	p := newProcessor(t, none)
	if p.HEIF() {
		t.Fatal("HEIF() without heif-convert")
	}
	if _, err := p.Process(testdata(t, "gps-irot.heic"), nil); !errors.Is(err, ErrHEIF) {
		t.Fatalf("heic without heif-convert: %v, want ErrHEIF", err)
	}
	res, err := p.Process(testdata(t, "photo.avif"), nil)
	if err != nil {
		t.Fatalf("avif by ffmpeg: %v", err)
	}
	checkUpright(t, res.Original)
}

// TestReadHEIF reads the layout of the test files' boxes.
func TestReadHEIF(t *testing.T) {
	for _, tt := range []struct {
		name string
		want heifLayout
	}{
		{"gps-irot.heic", heifLayout{Width: 64, Height: 96, Pixels: 64 * 96, TopLevel: 1, Primary: 0}},
		{"irot-imir.avif", heifLayout{Width: 64, Height: 96, Pixels: 64 * 96, TopLevel: 1, Primary: 0}},
		{"grid.avif", heifLayout{Width: 96, Height: 64, Pixels: 2 * 96 * 64, TopLevel: 1, Primary: 0}},
		// heif-enc made the 40x30 picture a grid of one 64x64 tile.
		{"two.heic", heifLayout{Width: 96, Height: 64, Pixels: 96*64 + 40*30 + 64*64, TopLevel: 2, Primary: 1}},
		{"bomb.heic", heifLayout{Width: 10000, Height: 10000, Pixels: 1e8, TopLevel: 1, Primary: 0}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readHEIF(testdata(t, tt.name))
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	for _, bad := range [][]byte{nil, heif, testdata(t, "truncated.avif"), []byte("\x00\x00\x00\x09meta\x00")} {
		if l, err := readHEIF(bad); !errors.Is(err, errBox) {
			t.Errorf("%q: %+v, %v; want errBox", bad, l, err)
		}
	}
}

// FuzzReadHEIF feeds the box reader that measures a HEIC or AVIF before a decoder
// runs, seeded with the HEIF test files: it must not panic, and a layout it accepts is
// consistent (the primary among the top-level images, its pixels among all).
func FuzzReadHEIF(f *testing.F) {
	for _, pattern := range []string{"testdata/*.heic", "testdata/*.avif"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := readHEIF(data)
		if err != nil {
			if !errors.Is(err, errBox) {
				t.Fatalf("error %v is not errBox", err)
			}
			return
		}
		if l.Primary < 0 || l.Primary >= l.TopLevel || int64(l.Width)*int64(l.Height) > l.Pixels || l.Width < 0 || l.Height < 0 {
			t.Fatalf("inconsistent layout %+v", l)
		}
	})
}

// TestAnimatedWebPFirstFrame: an animated WebP (a red frame, then a blue one) is kept
// as the still of its first frame, as Mastodon keeps it; a frame outside its canvas is
// corrupt.
func TestAnimatedWebPFirstFrame(t *testing.T) {
	res := process(t, "animated.webp")
	if res.Format != FormatWebP || res.Animated || res.Frames != 1 || res.Original.Width != 40 || res.Original.Height != 30 {
		t.Fatalf("format %s, animated %v, %d frames, %dx%d", res.Format, res.Animated, res.Frames, res.Original.Width, res.Original.Height)
	}
	if c := decodeFile(t, res.Original).At(20, 15); !near(c, 255, 0, 0) {
		t.Fatalf("pixel 20,15 is %v, want red", c)
	}
	bad := bytes.Clone(testdata(t, "animated.webp"))
	i := bytes.Index(bad, []byte("ANMF"))
	bad[i+8] = 0x7f // the first frame's x, halved: far to the right
	if _, err := newProcessor(t, Options{}).Process(bad, nil); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("a frame outside the canvas: %v", err)
	}
}
