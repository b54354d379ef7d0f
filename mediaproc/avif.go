package mediaproc

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
)

// decodeAVIF decodes an AVIF image (its primary picture, or an animation's first
// frame) with ffmpeg, as Transcode runs it: ffprobe reads its size first with the mov
// demuxer (never one it would guess), and one of more than MaxPixels is refused before
// a pixel is decoded; ffmpeg then writes the picture as a PNG, which is read back. An
// image ffmpeg cannot read, or in no time, is ErrCorrupt; no ffmpeg is ErrFFmpeg.
//
// Limits: ffmpeg 5 reads an AVIF of one coded picture, not one tiled in a grid (it
// gives the first tile), and leaves its rotation and mirroring (irot, imir) unapplied.
func (p *Processor) decodeAVIF(data []byte) (image.Image, error) {
	ctx := context.Background() // each run is bounded by FFmpegTimeout
	dir, in, err := uploadCopy("mediaproc-avif-", data)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "picture.png")
	info, err := p.probe(ctx, in, "mov")
	if err != nil {
		return nil, err
	}
	v := info.video()
	if v == nil {
		return nil, fmt.Errorf("%w: avif without a picture", ErrCorrupt)
	}
	return p.picture(ctx, "mov", in, out, v)
}

// picture decodes the picture of stream v (the first video stream) of the file at in,
// read with demuxer, by ffmpeg: refused over MaxPixels by the size ffprobe read, before
// decoding, then written as a PNG at out and read back.
func (p *Processor) picture(ctx context.Context, demuxer, in, out string, v *probeStream) (image.Image, error) {
	switch {
	case v.Width <= 0, v.Height <= 0:
		return nil, fmt.Errorf("%w: picture of %dx%d pixels", ErrCorrupt, v.Width, v.Height)
	case int64(v.Width)*int64(v.Height) > int64(p.opts.MaxPixels):
		return nil, fmt.Errorf("%w: %dx%d is more than %d pixels", ErrTooLarge, v.Width, v.Height, p.opts.MaxPixels)
	}
	if err := p.ffmpeg(ctx, "-f", demuxer, "-i", "file:"+in, "-map", "0:v:0", "-frames:v", "1",
		"-map_metadata", "-1", "-f", "image2", "-c:v", "png", "file:"+out); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("%w: ffmpeg wrote no picture: %v", ErrCorrupt, err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: the decoded picture: %v", ErrCorrupt, err)
	}
	if b := img.Bounds(); int64(b.Dx())*int64(b.Dy()) > int64(p.opts.MaxPixels) {
		return nil, fmt.Errorf("%w: a picture decoded as %dx%d", ErrTooLarge, b.Dx(), b.Dy())
	}
	return img, nil
}
