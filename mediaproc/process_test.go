package mediaproc

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/buckket/go-blurhash"
)

func newProcessor(t testing.TB, opts Options) *Processor {
	t.Helper()
	p, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func process(t *testing.T, name string) *Result {
	t.Helper()
	res, err := newProcessor(t, Options{}).Process(testdata(t, name), nil)
	if err != nil {
		t.Fatalf("Process(%s): %v", name, err)
	}
	return res
}

// decodeFile decodes a processed file by its content type, which must match its bytes.
func decodeFile(t *testing.T, f File) image.Image {
	t.Helper()
	format, err := Sniff(f.Data)
	if err != nil || format.ContentType() != f.ContentType || format.Extension() != f.Extension {
		t.Fatalf("file says %s %s, its bytes are %q (%v)", f.ContentType, f.Extension, format, err)
	}
	img, err := decode(format, bytes.NewReader(f.Data))
	if err != nil {
		t.Fatalf("decode the %s output: %v", format, err)
	}
	if b := img.Bounds(); b.Dx() != f.Width || b.Dy() != f.Height {
		t.Fatalf("file says %dx%d, its pixels are %dx%d", f.Width, f.Height, b.Dx(), b.Dy())
	}
	return img
}

// near reports whether two colours are within a JPEG's error of each other.
func near(c color.Color, r, g, b uint8) bool {
	cr, cg, cb, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { return max(int(x>>8)-int(y), int(y)-int(x>>8)) <= 40 }
	return d(cr, r) && d(cg, g) && d(cb, b)
}

// TestOrientation: each file stores the picture turned another way and says by its
// EXIF orientation how to show it upright (quadrants red, lime / blue, yellow, 96x64);
// the output is upright in its pixels.
func TestOrientation(t *testing.T) {
	for _, name := range []string{"orient-2.jpg", "orient-3.jpg", "orient-4.jpg", "orient-5.jpg",
		"orient-6.jpg", "orient-7.jpg", "orient-8.jpg", "orient-6.tiff", "orient-6.png", "orient-6.webp"} {
		t.Run(name, func(t *testing.T) {
			res := process(t, name)
			for _, f := range []File{res.Original, res.Small} {
				img := decodeFile(t, f)
				if f.Width != 96 || f.Height != 64 {
					t.Fatalf("%s is %dx%d, want 96x64", f.ContentType, f.Width, f.Height)
				}
				quadrants := []struct {
					x, y    int
					r, g, b uint8
				}{{24, 16, 255, 0, 0}, {72, 16, 0, 255, 0}, {24, 48, 0, 0, 255}, {72, 48, 255, 255, 0}}
				for _, q := range quadrants {
					if c := img.At(q.x, q.y); !near(c, q.r, q.g, q.b) {
						t.Errorf("pixel %d,%d is %v, want %d,%d,%d", q.x, q.y, c, q.r, q.g, q.b)
					}
				}
			}
		})
	}
}

// TestNoMetadataSurvives: a phone's photo with its place in EXIF GPS, XMP and a comment
// comes out with none of it, nor any segment or chunk that could hold it.
func TestNoMetadataSurvives(t *testing.T) {
	secrets := []string{"Exif", "GPS", "ns.adobe.com", "taken at home", "Phone", "eXIf", "tEXt", "zTXt", "iTXt",
		"\x88\x25\x00\x04", "\x25\x88\x04\x00"} // the GPS directory's tag (0x8825, LONG) in either byte order
	for _, name := range []string{"gps.jpg", "gps.png"} {
		t.Run(name, func(t *testing.T) {
			in := testdata(t, name)
			hasGPS := bytes.Contains(in, []byte("\x88\x25\x00\x04")) || bytes.Contains(in, []byte("\x25\x88\x04\x00"))
			if !hasGPS || !bytes.Contains(in, []byte("taken at home")) {
				t.Fatalf("%s lacks the metadata the test needs: regenerate testdata", name)
			}
			res := process(t, name)
			for _, f := range []File{res.Original, res.Small} {
				for _, s := range secrets {
					if bytes.Contains(f.Data, []byte(s)) {
						t.Errorf("%s output holds %q", f.ContentType, s)
					}
				}
				if f.ContentType == "image/jpeg" {
					checkJPEGSegments(t, f.Data)
				}
				decodeFile(t, f)
			}
		})
	}
}

// checkJPEGSegments walks a JPEG's segments up to its scan and fails on any that holds
// metadata: APP0 to APP15 (JFIF, Exif, XMP, ICC) and comments.
func checkJPEGSegments(t *testing.T, data []byte) {
	t.Helper()
	for i := 2; i+4 <= len(data) && data[i] == 0xff; {
		marker := data[i+1]
		if marker == 0xda {
			return
		}
		if marker >= 0xe0 && marker <= 0xef || marker == 0xfe {
			t.Errorf("output has a metadata segment 0xff%02x", marker)
		}
		i += 2 + int(binary.BigEndian.Uint16(data[i+2:]))
	}
	t.Errorf("output has no scan")
}

// TestFormats: what each kind of upload becomes.
func TestFormats(t *testing.T) {
	tests := []struct {
		file      string
		format    Format
		original  string // content type
		small     string
		w, h      int
		animated  bool
		frames    int
		transpare bool // the output keeps transparent pixels
	}{
		{"gps.jpg", FormatJPEG, "image/jpeg", "image/jpeg", 320, 240, false, 1, false},
		{"progressive.jpg", FormatJPEG, "image/jpeg", "image/jpeg", 320, 240, false, 1, false},
		{"gps.png", FormatPNG, "image/png", "image/png", 160, 120, false, 1, false},
		{"alpha.png", FormatPNG, "image/png", "image/png", 120, 80, false, 1, true},
		{"photo.webp", FormatWebP, "image/jpeg", "image/jpeg", 200, 150, false, 1, false},
		{"alpha.webp", FormatWebP, "image/png", "image/png", 120, 80, false, 1, true},
		{"static.gif", FormatGIF, "image/png", "image/png", 60, 40, false, 1, false},
		{"animated.gif", FormatGIF, "image/gif", "image/png", 60, 40, true, 3, false},
		{"plain.bmp", FormatBMP, "image/jpeg", "image/jpeg", 96, 64, false, 1, false},
		{"orient-6.tiff", FormatTIFF, "image/jpeg", "image/jpeg", 96, 64, false, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := process(t, tt.file)
			if res.Format != tt.format || res.Animated != tt.animated || res.Frames != tt.frames {
				t.Errorf("format %s animated %v frames %d, want %s %v %d",
					res.Format, res.Animated, res.Frames, tt.format, tt.animated, tt.frames)
			}
			if res.Original.ContentType != tt.original || res.Small.ContentType != tt.small {
				t.Errorf("original %s small %s, want %s %s", res.Original.ContentType, res.Small.ContentType, tt.original, tt.small)
			}
			if res.Original.Width != tt.w || res.Original.Height != tt.h {
				t.Errorf("original %dx%d, want %dx%d", res.Original.Width, res.Original.Height, tt.w, tt.h)
			}
			small := decodeFile(t, res.Small)
			if got := transparent(small); got != tt.transpare {
				t.Errorf("small has transparent pixels: %v, want %v", got, tt.transpare)
			}
			if x, y, err := blurhash.Components(res.Blurhash); err != nil || x != 4 || y != 4 {
				t.Errorf("blurhash %q has %dx%d components (%v), want 4x4", res.Blurhash, x, y, err)
			}
		})
	}
}

func transparent(img image.Image) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a < 0xffff {
				return true
			}
		}
	}
	return false
}

// TestAnimationKeepsFrames: the animated GIF's original is a GIF of the same frames,
// looping, and its small file is the first frame.
func TestAnimationKeepsFrames(t *testing.T) {
	res := process(t, "animated.gif")
	g, err := gif.DecodeAll(bytes.NewReader(res.Original.Data))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 3 || g.LoopCount != 0 || g.Delay[1] != 20 || res.Duration != 600*time.Millisecond {
		t.Errorf("%d frames, loop count %d, delays %v, duration %s; want 3, 0, 20, 600ms", len(g.Image), g.LoopCount, g.Delay, res.Duration)
	}
	if c := decodeFile(t, res.Small).At(30, 20); !near(c, 255, 0, 0) {
		t.Errorf("small is %v, want the first frame's red", c)
	}
}

// photo makes a JPEG of w×h smooth colours with some noise, as a camera's might be.
func photo(t testing.TB, w, h, quality int) []byte {
	t.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed := uint32(1)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			seed = seed*1664525 + 1013904223
			noise := int(seed>>28) - 8 // ±8 levels of sensor noise
			img.Y[y*img.YStride+x] = uint8(min(255, max(0, (x*3+y*2)%256+noise)))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(i/7), uint8(i/13)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestScalesDown: an original larger than OriginalPixels is scaled to fit it, and the
// small file to fit SmallPixels (Mastodon's 640x360 area), both keeping the aspect.
func TestScalesDown(t *testing.T) {
	p := newProcessor(t, Options{OriginalPixels: 1_000_000})
	res, err := p.Process(photo(t, 1600, 1200, 80), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		f    File
		area int
		w, h int
	}{{res.Original, 1_000_000, 1154, 866}, {res.Small, DefaultSmallPixels, 554, 415}} {
		if tt.f.Width != tt.w || tt.f.Height != tt.h || tt.f.Width*tt.f.Height > tt.area {
			t.Errorf("%dx%d, want %dx%d within %d pixels", tt.f.Width, tt.f.Height, tt.w, tt.h, tt.area)
		}
		decodeFile(t, tt.f)
	}
	if m := res.Meta.Small; m.Size != "554x415" || m.Aspect != 554.0/415 {
		t.Errorf("small meta %+v", m)
	}
}

// TestMeta: the meta as Mastodon renders it, with the focus passed through.
func TestMeta(t *testing.T) {
	res, err := newProcessor(t, Options{}).Process(testdata(t, "orient-3.jpg"), &Focus{X: -0.5, Y: 0.25})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(res.Meta)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"original":{"width":96,"height":64,"size":"96x64","aspect":1.5},` +
		`"small":{"width":96,"height":64,"size":"96x64","aspect":1.5},"focus":{"x":-0.5,"y":0.25}}`
	if string(got) != want {
		t.Errorf("meta\n got %s\nwant %s", got, want)
	}
	if res.Original.Extension != ".jpeg" || res.Small.Extension != ".jpeg" {
		t.Errorf("extensions %s %s", res.Original.Extension, res.Small.Extension)
	}
}

// heif is the start of an HEIC file: its ftyp box.
var heif = []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")

// TestRefuses: what is too large, not an image, or broken is refused with its error.
func TestRefuses(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		opts Options
		want error
	}{
		{"bomb.png declares 100000x100000", testdata(t, "bomb.png"), Options{}, ErrTooLarge},
		{"bomb.gif has 40 frames of 2000x2000", testdata(t, "bomb.gif"), Options{}, ErrTooLarge},
		{"bomb-scans.jpg has 2,100 scans", testdata(t, "bomb-scans.jpg"), Options{}, ErrTooLarge},
		{"more frames than MaxFrames", testdata(t, "animated.gif"), Options{MaxFrames: 2}, ErrTooLarge},
		{"more pixels than MaxPixels", testdata(t, "gps.jpg"), Options{MaxPixels: 320*240 - 1, OriginalPixels: 1000, SmallPixels: 1000}, ErrTooLarge},
		{"more bytes than MaxBytes", testdata(t, "gps.jpg"), Options{MaxBytes: 1000}, ErrTooLarge},
		{"truncated.jpg", testdata(t, "truncated.jpg"), Options{}, ErrCorrupt},
		{"text", []byte("hello, this is not an image"), Options{}, ErrUnsupported},
		{"empty", nil, Options{}, ErrUnsupported},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), Options{}, ErrUnsupported},
		{"heic without heif-convert", heif, Options{HeifConvert: "/nonexistent/heif-convert"}, ErrHEIF},
		{"PNG signature alone", []byte("\x89PNG\r\n\x1a\n"), Options{}, ErrCorrupt},
		{"GIF of zero pixels", []byte("GIF89a\x00\x00\x00\x00\x00\x00\x00\x3b"), Options{}, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := newProcessor(t, tt.opts).Process(tt.data, nil)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "mediaproc: ") {
				t.Errorf("error %q does not name the package", err)
			}
			// Refused before decoding: far less memory than the declared pixels need.
			if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20 {
				t.Errorf("allocated %d bytes before refusing", n)
			}
		})
	}
}

// TestTruncated: every test file cut inside its image data is refused with an error,
// never a panic. The cuts fall in the first 3/8 of each file, where every file here
// still has pixels to come; a cut that loses only trailing metadata (a WebP's EXIF
// chunk after its image) loses nothing of the image, and may be accepted.
func TestTruncated(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil {
		t.Fatal(err)
	}
	p := newProcessor(t, Options{})
	for _, file := range files {
		if strings.HasSuffix(file, ".sh") || strings.HasSuffix(file, ".md") || strings.Contains(file, "bomb") {
			continue
		}
		data := testdata(t, filepath.Base(file))
		for _, n := range []int{len(data) / 8, len(data) / 4, len(data) * 3 / 8} {
			if _, err := p.Process(data[:n], nil); err == nil {
				t.Errorf("%s cut to %d of %d bytes was accepted", file, n, len(data))
			} else if errors.Is(err, errPanicked) {
				t.Errorf("%s cut to %d bytes: %v", file, n, err)
			}
		}
	}
}

func TestInvalidFocusRefused(t *testing.T) {
	_, err := newProcessor(t, Options{}).Process(testdata(t, "orient-3.jpg"), &Focus{X: 1.5})
	if !errors.Is(err, ErrInvalidFocus) {
		t.Fatalf("got %v, want ErrInvalidFocus", err)
	}
}

func TestSmallNeverUpscaled(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	res, err := newProcessor(t, Options{}).Process(buf.Bytes(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Small.Width != 3 || res.Small.Height != 2 {
		t.Errorf("small is %dx%d, want 3x2", res.Small.Width, res.Small.Height)
	}
}
