package mediaproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/gif"
	"os"
	"os/exec"
	"path/filepath"
)

// ErrFFmpeg: ffmpeg could not make the gifv (missing, failed, or out of time).
var ErrFFmpeg = errors.New("mediaproc: ffmpeg")

// gifvFilter is Mastodon's: transparency on white, and the even dimensions that H.264
// in yuv420p needs.
const gifvFilter = "drawbox=t=fill:c=white[bg];[bg][0]overlay,crop=trunc(iw/2)*2:trunc(ih/2)*2"

// GIFV makes the MP4 that Mastodon serves for an animated GIF (a gifv): H.264 in
// yuv420p, transparency on white, the width and height cut to even numbers, no audio,
// no metadata, the index first (faststart). Pass it the Original of an animated Result:
// ffmpeg (Options.FFmpeg, killed after Options.FFmpegTimeout) then reads only a GIF that
// Go's encoder wrote, never an upload's own bytes. Errors wrap ErrFFmpeg, or
// ErrUnsupported for what is not a GIF of at least 2x2 pixels.
func (p *Processor) GIFV(ctx context.Context, gifData []byte) (File, error) {
	cfg, err := gif.DecodeConfig(bytes.NewReader(gifData))
	if err != nil || cfg.Width < 2 || cfg.Height < 2 {
		return File{}, fmt.Errorf("%w: a gifv is made of a GIF of at least 2x2 pixels", ErrUnsupported)
	}
	dir, err := os.MkdirTemp("", "mediaproc-gifv-")
	if err != nil {
		return File{}, fmt.Errorf("%w: %v", ErrFFmpeg, err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "gifv.mp4")
	if err := p.runFFmpeg(ctx, gifData, out); err != nil {
		return File{}, err
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return File{}, fmt.Errorf("%w: read its output: %v", ErrFFmpeg, err)
	}
	return File{Data: data, ContentType: "video/mp4", Extension: ".mp4",
		Width: cfg.Width &^ 1, Height: cfg.Height &^ 1}, nil
}

// runFFmpeg converts the GIF on its standard input to the MP4 file out.
func (p *Processor) runFFmpeg(ctx context.Context, gifData []byte, out string) error {
	ctx, cancel := context.WithTimeout(ctx, p.opts.FFmpegTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.opts.FFmpeg, "-hide_banner", "-loglevel", "error",
		"-f", "gif", "-i", "pipe:0",
		"-filter_complex", gifvFilter, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
		"-fps_mode", "vfr", "-movflags", "+faststart", "-map_metadata", "-1", "-an", "-frames:v", fmt.Sprint(p.opts.MaxFrames),
		"-f", "mp4", "-y", out)
	cmd.Stdin = bytes.NewReader(gifData)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		msg := stderr.Bytes()
		if len(msg) > 500 {
			msg = msg[len(msg)-500:]
		}
		return fmt.Errorf("%w: %w: %s", ErrFFmpeg, err, bytes.TrimSpace(msg))
	}
	return nil
}
