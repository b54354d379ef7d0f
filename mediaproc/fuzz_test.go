package mediaproc

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzProcess feeds uploads to Process, seeded with every test file: nothing may make
// a decoder panic, and what is accepted is within the limits and decodes as what it
// says it is.
func FuzzProcess(f *testing.F) {
	files, err := filepath.Glob("testdata/*.*")
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
	f.Add(heif)
	// Small limits keep each run fast; they are what is under test as much as the rest.
	opts := Options{MaxBytes: 1 << 20, MaxPixels: 1 << 20, OriginalPixels: 1 << 16, SmallPixels: 1 << 12,
		MaxAnimationPixels: 1 << 22}
	p, err := New(opts)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSniffAV(t, data)
		if f, _ := Sniff(data); f == FormatAVIF || f == FormatHEIF {
			return // decoded by heif-convert or ffmpeg, which cannot be fuzzed here (FuzzReadHEIF reads their boxes)
		}
		res, err := p.Process(data, nil)
		if errors.Is(err, errPanicked) {
			t.Fatal(err)
		}
		if err != nil {
			return
		}
		checkResult(t, res, p.opts)
	})
}

// checkResult checks what Process accepted: both files within their limits, decoding
// to the dimensions they and the meta state. An animation's original is not scaled:
// only MaxPixels bounds it, and its frames are not checked here.
func checkResult(t *testing.T, res *Result, opts Options) {
	t.Helper()
	originalLimit := opts.OriginalPixels
	if res.Animated {
		originalLimit = opts.MaxPixels
	}
	for _, c := range []struct {
		f     File
		m     Dimensions
		limit int
	}{{res.Original, res.Meta.Original, originalLimit}, {res.Small, res.Meta.Small, opts.SmallPixels}} {
		if c.f.Width < 1 || c.f.Height < 1 || c.m.Width != c.f.Width || c.m.Height != c.f.Height {
			t.Fatalf("file %dx%d, meta %+v", c.f.Width, c.f.Height, c.m)
		}
		if c.f.Width*c.f.Height > c.limit {
			t.Fatalf("%dx%d is more than %d pixels", c.f.Width, c.f.Height, c.limit)
		}
		if c.f.ContentType != "image/gif" {
			decodeFile(t, c.f)
		}
	}
}

// checkSniffAV checks the in-process part of Transcode (what runs ffprobe and ffmpeg
// cannot be fuzzed here): no content is taken both for an image and for a video or
// audio, and the size a video is scaled to, of two numbers of the data, is even, at
// least 2x2, and within the area (or the video's own size).
func checkSniffAV(t *testing.T, data []byte) {
	t.Helper()
	if c, err := SniffAV(data); err == nil {
		if f, err := Sniff(data); err == nil && f != FormatHEIF {
			t.Fatalf("taken for both %s and %s", f, c)
		}
	}
	if len(data) < 4 {
		return
	}
	w, h := int(binary.BigEndian.Uint16(data))+1, int(binary.BigEndian.Uint16(data[2:]))+1
	ow, oh := outputSize(w, h, DefaultVideoPixels)
	if ow%2 != 0 || oh%2 != 0 || ow < 2 || oh < 2 || ow > max(2, w) || oh > max(2, h) ||
		(ow*oh > DefaultVideoPixels && w*h > DefaultVideoPixels) {
		t.Fatalf("%dx%d is made %dx%d", w, h, ow, oh)
	}
}
