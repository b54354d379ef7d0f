// Package mediaproc processes uploaded images as Mastodon does: it tells the real type
// from the content, refuses what is too large before decoding a pixel, turns the image
// upright by its EXIF orientation, re-encodes it from its pixels so that no metadata
// survives (EXIF, GPS, XMP, comments; an ICC profile too, whose colours are not
// converted to sRGB first), scales a larger original down, makes the small preview and
// its blurhash, and reports the dimensions as a MediaAttachment's meta. It is a pure
// library: bytes in, bytes and metadata out. It must not store, fetch or know HTTP; the
// media API and its storage are its callers.
//
// Limits: Process takes the upload whole, so its caller bounds what it reads to
// Options.MaxBytes; it then holds the decoded image, up to about 10 bytes a pixel of
// Options.MaxPixels while turning and scaling it.
//
// HEIC/HEIF and AVIF are decoded by libheif's heif-convert (decodeHEIF), which puts a
// grid's tiles together and applies irot and imir, after a bounded reader of their
// boxes (readHEIF) has checked the sizes they declare; then processed from their pixels
// as any other image. Without heif-convert, HEIC is refused (ErrHEIF) and an AVIF is
// decoded by ffmpeg (decodeAVIF: its size read by ffprobe first, the decoder's input
// held to the same rules as Transcode's below).
//
// An animated GIF is reported as such (Result.Animated) with its frames re-encoded as a
// GIF, which GIFV turns into the MP4 of a gifv by running ffmpeg, for a bounded time,
// on a GIF that Go's encoder wrote.
//
// Video and audio are Transcode's: with decodeAVIF, the parts that run programs on an
// upload's own bytes. ffprobe reads the file first, with the demuxer of the container its first
// bytes show (never one ffmpeg would guess) and from local files only, and anything
// over the limits (bytes, pixels, frame rate, duration) is refused before ffmpeg
// decodes a frame; ffmpeg then makes an H.264/AAC MP4 (and a JPEG of its first frame,
// read from that MP4) or an MP3, without metadata, and is killed at the timeout. These
// paths cannot be fuzzed in-process; the fuzz target covers their sniffing and sizes.
package mediaproc

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"os/exec"
	"time"

	"github.com/buckket/go-blurhash"
	"github.com/disintegration/imaging"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

var (
	// ErrTooLarge: the upload has more bytes or pixels than the options allow.
	ErrTooLarge = errors.New("mediaproc: image too large")
	// ErrCorrupt: the content claims a format but does not hold a whole image of it
	// (truncated, malformed, or one that made a decoder panic).
	ErrCorrupt = errors.New("mediaproc: corrupt or truncated image")
	// errPanicked is wrapped with ErrCorrupt when a decoder panicked: a bug of the
	// decoder, which the fuzz target reports.
	errPanicked = errors.New("the decoder panicked")
)

// Processor processes uploads within its options; it is safe for concurrent use.
type Processor struct {
	opts        Options
	heifConvert string // the path of heif-convert, or "" if there is none
}

// New returns a Processor with the options' defaults applied, or the options' error.
func New(opts Options) (*Processor, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	p := &Processor{opts: opts.withDefaults()}
	if path, err := exec.LookPath(p.opts.HeifConvert); err == nil {
		p.heifConvert = path
	}
	return p, nil
}

// File is one processed file: its bytes and what to store and serve it as.
type File struct {
	Data        []byte
	ContentType string // "image/jpeg", "image/png" or "image/gif"
	Extension   string // ".jpeg", ".png" or ".gif", with the dot
	Width       int
	Height      int
}

// Result is what Process makes of an upload.
type Result struct {
	// Format is the upload's format, as its content showed it.
	Format Format
	// Animated is set for a GIF of more than one frame, whose Original is still a GIF
	// (re-encoded, its frames unchanged) that the caller should make a gifv of.
	Animated bool
	// Frames is the number of frames: 1 but for an animated GIF.
	Frames int
	// Duration is an animation's, its frames' delays added up; 0 for a still image.
	Duration time.Duration
	// Original is the image upright, scaled down to Options.OriginalPixels if it was
	// larger, without metadata; Small is the preview, in the same format but for an
	// animation, whose preview is its first frame as PNG.
	Original, Small File
	// Meta is the MediaAttachment's meta: both sizes, and the focus if one was given.
	Meta Meta
	// Blurhash is the small image's blurhash with Mastodon's 4x4 components.
	Blurhash string
}

// Process checks an upload and makes its original and small files and their meta. The
// focus, if not nil, must be within -1 and 1 (ErrInvalidFocus) and is put in the meta.
// An animated WebP gives the still of its first frame, as Mastodon keeps it.
// Errors wrap ErrTooLarge, ErrUnsupported, ErrHEIF, ErrCorrupt or
// ErrInvalidFocus; a decoder's panic is returned as ErrCorrupt. A HEIF or AVIF is
// decoded by a program (decodeHEIF, decodeAVIF), which may also fail with ErrFFmpeg,
// the machine's trouble.
func (p *Processor) Process(data []byte, focus *Focus) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("%w: %w: %v", ErrCorrupt, errPanicked, r)
		}
	}()
	if focus != nil {
		if err := focus.Validate(); err != nil {
			return nil, err
		}
	}
	f, err := p.check(data)
	if err != nil {
		return nil, err
	}
	if f == FormatGIF {
		frames, area, err := gifFrames(data)
		if err != nil {
			return nil, err
		}
		if frames > 1 {
			return p.processAnimation(data, frames, area, focus)
		}
	}
	return p.processStill(f, data, focus)
}

// check refuses what no processing takes (too many bytes, an unknown or refused
// format, too many pixels) before anything is decoded, and returns the format.
func (p *Processor) check(data []byte) (Format, error) {
	if len(data) > p.opts.MaxBytes {
		return "", fmt.Errorf("%w: %d bytes, more than %d", ErrTooLarge, len(data), p.opts.MaxBytes)
	}
	f, err := Sniff(data)
	if err != nil {
		return "", err
	}
	if f == FormatHEIF && !p.HEIF() {
		return "", ErrHEIF
	}
	if f == FormatAVIF || f == FormatHEIF {
		if !p.HEIF() {
			return f, nil // decodeAVIF reads its size before decoding it
		}
		_, err := p.checkHEIF(data)
		return f, err
	}
	return f, p.checkSize(f, data)
}

// Picture makes an avatar or a header of an upload: upright, without metadata, cut to
// w:h about the centre and scaled to w×h, as Mastodon's "400x400#" and "1500x500#".
// An animated GIF gives its first frame. Errors are Process's.
func (p *Processor) Picture(data []byte, w, h int) (file File, err error) {
	defer func() {
		if r := recover(); r != nil {
			file, err = File{}, fmt.Errorf("%w: %w: %v", ErrCorrupt, errPanicked, r)
		}
	}()
	f, err := p.check(data)
	if err != nil {
		return File{}, err
	}
	img, err := p.decode(f, data)
	if err != nil {
		return File{}, err
	}
	img = imaging.Fill(readOrientation(f, data).apply(img), w, h, imaging.Center, imaging.Lanczos)
	return p.encode(img, outputFormat(f, img))
}

// checkSize reads the dimensions from the header and refuses an image with no pixel or
// more than MaxPixels, or a JPEG of more than MaxJPEGScans scans, before anything is
// decoded.
func (p *Processor) checkSize(f Format, data []byte) error {
	cfg, err := decodeConfig(f, bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: %s header: %v", ErrCorrupt, f, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return fmt.Errorf("%w: %s of %dx%d pixels", ErrCorrupt, f, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(p.opts.MaxPixels) {
		return fmt.Errorf("%w: %dx%d is more than %d pixels", ErrTooLarge, cfg.Width, cfg.Height, p.opts.MaxPixels)
	}
	if f == FormatJPEG {
		if n := jpegScans(data); n > p.opts.MaxJPEGScans {
			return fmt.Errorf("%w: %d scans, more than %d", ErrTooLarge, n, p.opts.MaxJPEGScans)
		}
	}
	return nil
}

func (p *Processor) processStill(f Format, data []byte, focus *Focus) (*Result, error) {
	img, err := p.decode(f, data)
	if err != nil {
		return nil, err
	}
	img = readOrientation(f, data).apply(img)
	img = fitArea(img, p.opts.OriginalPixels)
	out := outputFormat(f, img)
	original, err := p.encode(img, out)
	if err != nil {
		return nil, err
	}
	return p.finish(&Result{Format: f, Frames: 1, Original: original}, img, out, focus)
}

func (p *Processor) processAnimation(data []byte, frames, area int, focus *Focus) (*Result, error) {
	anim, err := p.decodeAnimation(data, frames, area)
	if err != nil {
		return nil, err
	}
	b := anim.first.Bounds()
	original := File{Data: anim.gif, ContentType: FormatGIF.ContentType(), Extension: FormatGIF.Extension(),
		Width: b.Dx(), Height: b.Dy()}
	res := &Result{Format: FormatGIF, Animated: true, Frames: frames, Duration: anim.duration, Original: original}
	return p.finish(res, anim.first, FormatPNG, focus)
}

// finish makes the small file from the original's pixels, its blurhash and the meta.
func (p *Processor) finish(res *Result, original image.Image, out Format, focus *Focus) (*Result, error) {
	small := fitArea(original, p.opts.SmallPixels)
	var err error
	if res.Small, err = p.encode(small, out); err != nil {
		return nil, err
	}
	if res.Blurhash, err = blurhashOf(small); err != nil {
		return nil, err
	}
	res.Meta = Meta{Original: dimensions(res.Original), Small: dimensions(res.Small)}
	if focus != nil {
		fc := *focus
		res.Meta.Focus = &fc
	}
	return res, nil
}

func decodeConfig(f Format, r io.Reader) (image.Config, error) {
	switch f {
	case FormatJPEG:
		return jpeg.DecodeConfig(r)
	case FormatPNG:
		return png.DecodeConfig(r)
	case FormatGIF:
		return gif.DecodeConfig(r)
	case FormatWebP:
		return webp.DecodeConfig(r)
	case FormatBMP:
		return bmp.DecodeConfig(r)
	case FormatTIFF:
		return tiff.DecodeConfig(r)
	}
	return image.Config{}, ErrUnsupported
}

// decode decodes a still image that check took: HEIF and AVIF by heif-convert (AVIF
// by ffmpeg without it), the rest in Go (of an animated WebP, its first frame).
func (p *Processor) decode(f Format, data []byte) (image.Image, error) {
	if f == FormatAVIF || f == FormatHEIF {
		if !p.HEIF() {
			return p.decodeAVIF(data)
		}
		l, err := p.checkHEIF(data)
		if err != nil {
			return nil, err
		}
		return p.decodeHEIF(data, l)
	}
	if f == FormatWebP && isAnimatedWebP(data) {
		return decodeWebPFirstFrame(data)
	}
	img, err := decode(f, bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, f, err)
	}
	return img, nil
}

func decode(f Format, r io.Reader) (image.Image, error) {
	switch f {
	case FormatJPEG:
		return jpeg.Decode(r)
	case FormatPNG:
		return png.Decode(r)
	case FormatGIF:
		return gif.Decode(r)
	case FormatWebP:
		return webp.Decode(r)
	case FormatBMP:
		return bmp.Decode(r)
	case FormatTIFF:
		return tiff.Decode(r)
	}
	return nil, ErrUnsupported
}

// outputFormat is what an upload is stored as: JPEG stays JPEG, PNG stays PNG, a GIF
// becomes PNG, and the rest (WebP, BMP, TIFF, AVIF, HEIF) PNG if any pixel is transparent,
// JPEG if none is.
func outputFormat(f Format, img image.Image) Format {
	switch f {
	case FormatJPEG:
		return FormatJPEG
	case FormatPNG, FormatGIF:
		return FormatPNG
	}
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return FormatJPEG
	}
	return FormatPNG
}

// fitArea scales img down, keeping its aspect ratio, to have at most pixels pixels; a
// smaller image is returned as it is (never upscaled).
func fitArea(img image.Image, pixels int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w*h <= pixels {
		return img
	}
	scale := math.Sqrt(float64(pixels) / (float64(w) * float64(h)))
	nw := max(1, int(float64(w)*scale))
	nh := max(1, int(float64(h)*scale))
	// Catmull-Rom (bicubic) rather than Lanczos: as sharp to the eye, and a third fewer
	// taps on the original's reduction, which dominates the time of a large photo. As in
	// libvips' thumbnail, a cheap box filter first brings a large reduction to within
	// twice the size, since the filter's taps grow with the reduction.
	if nw*2 < w && nh*2 < h {
		img = imaging.Resize(img, nw*2, nh*2, imaging.Box)
	}
	return imaging.Resize(img, nw, nh, imaging.CatmullRom)
}

// encode writes img in the output format f, which carries no metadata at all.
func (p *Processor) encode(img image.Image, f Format) (File, error) {
	var buf bytes.Buffer
	var err error
	switch f {
	case FormatJPEG:
		err = jpeg.Encode(&buf, jpegFast(img), &jpeg.Options{Quality: p.opts.JPEGQuality})
	case FormatPNG:
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, img)
	default:
		err = fmt.Errorf("no encoder for %s", f)
	}
	if err != nil {
		return File{}, fmt.Errorf("mediaproc: encode %s: %w", f, err)
	}
	b := img.Bounds()
	return File{Data: buf.Bytes(), ContentType: f.ContentType(), Extension: f.Extension(),
		Width: b.Dx(), Height: b.Dy()}, nil
}

// jpegFast gives the JPEG encoder an opaque NRGBA image as the RGBA image it is (the
// two agree where alpha is full), which it encodes without a call per pixel.
func jpegFast(img image.Image) image.Image {
	if n, ok := img.(*image.NRGBA); ok && n.Opaque() {
		return &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
	}
	return img
}

// blurhashOf computes the blurhash of img as Mastodon does: 4x4 components, over a
// copy at most 100 pixels wide and high, alpha ignored.
func blurhashOf(img image.Image) (string, error) {
	thumb := imaging.Fit(img, 100, 100, imaging.Box)
	for i := 3; i < len(thumb.Pix); i += 4 {
		thumb.Pix[i] = 0xff
	}
	h, err := blurhash.Encode(4, 4, thumb)
	if err != nil {
		return "", fmt.Errorf("mediaproc: blurhash: %w", err)
	}
	return h, nil
}
