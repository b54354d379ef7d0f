package mediaproc

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// heifPixelsFactor bounds the pixels of all the image items of a HEIF file together,
// as a multiple of MaxPixels: the primary picture at its largest, as many again in the
// tiles of its grid, and its thumbnail, alpha and depth pictures.
const heifPixelsFactor = 3

// HEIF reports whether HEIC and HEIF images are taken: whether libheif's heif-convert
// was found when the processor was made. AVIF is taken either way (decoded by ffmpeg
// without it).
func (p *Processor) HEIF() bool { return p.heifConvert != "" }

// checkHEIF reads the boxes of a HEIC or AVIF and refuses, before any decoder runs, a
// primary picture of no pixel or of more than MaxPixels, or image items of more than
// heifPixelsFactor times MaxPixels together (every top-level picture is decoded, with
// the tiles of a grid).
func (p *Processor) checkHEIF(data []byte) (heifLayout, error) {
	l, err := readHEIF(data)
	if err != nil {
		return l, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	switch max := int64(p.opts.MaxPixels); {
	case l.Width <= 0 || l.Height <= 0:
		return l, fmt.Errorf("%w: picture of %dx%d pixels", ErrCorrupt, l.Width, l.Height)
	case int64(l.Width)*int64(l.Height) > max:
		return l, fmt.Errorf("%w: %dx%d is more than %d pixels", ErrTooLarge, l.Width, l.Height, max)
	case l.Pixels > heifPixelsFactor*max:
		return l, fmt.Errorf("%w: image items of %d pixels together", ErrTooLarge, l.Pixels)
	}
	return l, nil
}

// decodeHEIF decodes the primary picture of a HEIC or AVIF that checkHEIF measured
// with libheif's heif-convert, run as ffmpeg is: on a temporary copy, writing a PNG in
// the same directory, killed after FFmpegTimeout. libheif puts a grid's tiles together
// and applies the picture's rotation and mirroring (irot, imir); the EXIF orientation a
// HEIF file may carry is not applied again (HEIF says the boxes rule, as libvips reads
// them). heif-convert writes each top-level picture (name-1.png, name-2.png, … when
// there are several); the primary one is read back.
func (p *Processor) decodeHEIF(data []byte, l heifLayout) (image.Image, error) {
	dir, in, err := uploadCopy("mediaproc-heif-", data)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), p.opts.FFmpegTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.heifConvert, "--quiet", in, filepath.Join(dir, "picture.png"))
	cmd.WaitDelay = time.Second
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return nil, ffmpegError(ctx, err, stderr.Bytes())
	}
	out := filepath.Join(dir, "picture.png")
	if l.TopLevel > 1 {
		out = filepath.Join(dir, fmt.Sprintf("picture-%d.png", l.Primary+1))
	}
	return p.readPNG(out)
}

// uploadCopy writes data to a file named upload in a new temporary directory, for an
// external decoder to read; the caller removes dir.
func uploadCopy(prefix string, data []byte) (dir, in string, err error) {
	dir, err = os.MkdirTemp("", prefix)
	if err != nil {
		return "", "", fmt.Errorf("%w: %v", ErrFFmpeg, err)
	}
	in = filepath.Join(dir, "upload")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", "", fmt.Errorf("%w: %v", ErrFFmpeg, err)
	}
	return dir, in, nil
}

// readPNG reads back the PNG a decoder wrote, its size checked before its pixels.
func (p *Processor) readPNG(path string) (image.Image, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: the decoder wrote no picture: %v", ErrCorrupt, err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: the decoded picture: %v", ErrCorrupt, err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(p.opts.MaxPixels) {
		return nil, fmt.Errorf("%w: a picture decoded as %dx%d", ErrTooLarge, cfg.Width, cfg.Height)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: the decoded picture: %v", ErrCorrupt, err)
	}
	return img, nil
}
