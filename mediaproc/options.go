package mediaproc

import (
	"errors"
	"fmt"
	"time"
)

// Mastodon's limits for images (app/models/media_attachment.rb), the defaults of Options.
const (
	// DefaultMaxBytes is Mastodon's IMAGE_LIMIT: 16 MiB.
	DefaultMaxBytes = 16 << 20
	// DefaultMaxPixels is Mastodon's MAX_IMAGE_PIXELS (7680x4320), the largest image
	// it accepts, which it reports as the instance's image_matrix_limit.
	DefaultMaxPixels = 33_177_600
	// DefaultOriginalPixels is the area of Mastodon's original style (3840x2160): a
	// larger image is scaled down to it.
	DefaultOriginalPixels = 8_294_400
	// DefaultSmallPixels is the area of Mastodon's small style (640x360).
	DefaultSmallPixels = 230_400
	// DefaultMaxAnimationPixels bounds the pixels of all the frames of an animated GIF
	// together, which the decoder holds at once (one byte each).
	DefaultMaxAnimationPixels = 100_000_000
	// DefaultMaxFrames is Mastodon's MAX_VIDEO_FRAMES: five minutes at 120 frames a
	// second.
	DefaultMaxFrames = 36_000
	// DefaultMaxJPEGScans is jpegtran's own limit on the scans of a progressive JPEG
	// (encoders write about 10).
	DefaultMaxJPEGScans = 100
	// DefaultJPEGQuality is the quality JPEG output is encoded with.
	DefaultJPEGQuality = 90
	// DefaultFFmpeg is the ffmpeg binary GIFV and Transcode run, looked up on PATH.
	DefaultFFmpeg = "ffmpeg"
	// DefaultHeifConvert is libheif's decoder of HEIC and AVIF, looked up on PATH.
	DefaultHeifConvert = "heif-convert"
	// DefaultFFprobe is the ffprobe binary Transcode runs first, looked up on PATH.
	DefaultFFprobe = "ffprobe"
	// DefaultMaxVideoBytes is Mastodon's VIDEO_LIMIT, for audio too: 99 MiB.
	DefaultMaxVideoBytes = 99 << 20
	// DefaultMaxVideoPixels is Mastodon's video_matrix_limit (3840x2160).
	DefaultMaxVideoPixels = 8_294_400
	// DefaultMaxVideoFrameRate is Mastodon's video_frame_rate_limit.
	DefaultMaxVideoFrameRate = 120
	// DefaultVideoPixels is the area of Mastodon's transcoded video (1920x1080): a
	// larger one is scaled down to it.
	DefaultVideoPixels = 2_073_600
	// DefaultMaxOutputFrameRate is the frame rate a faster video is brought down to.
	DefaultMaxOutputFrameRate = 60
	// DefaultFFmpegTimeout bounds one run of ffmpeg.
	DefaultFFmpegTimeout = time.Minute
)

// Options are the limits and settings of a Processor. A zero field takes its default.
type Options struct {
	// MaxBytes is the largest upload accepted, in bytes. Default DefaultMaxBytes (16 MiB).
	MaxBytes int
	// MaxPixels is the largest width×height accepted, read from the header before any
	// pixel is decoded (the guard against decompression bombs). Default
	// DefaultMaxPixels (33,177,600, 7680x4320).
	MaxPixels int
	// OriginalPixels is the area a larger original is scaled down to fit, keeping its
	// aspect ratio. Default DefaultOriginalPixels (8,294,400, 3840x2160).
	OriginalPixels int
	// SmallPixels is the area of the preview (never upscaled). Default
	// DefaultSmallPixels (230,400, 640x360).
	SmallPixels int
	// MaxAnimationPixels bounds the summed area of the frames of an animated GIF.
	// Default DefaultMaxAnimationPixels (100,000,000).
	MaxAnimationPixels int
	// MaxFrames bounds the frames of an animated GIF, each of which the decoder keeps
	// with its own bookkeeping however small. Default DefaultMaxFrames (36,000).
	MaxFrames int
	// MaxJPEGScans bounds the scans of a JPEG: each one walks every block of the image
	// again, so a small file of many scans is a bomb of decoding time. Default
	// DefaultMaxJPEGScans (100).
	MaxJPEGScans int
	// JPEGQuality is the quality of JPEG output, 1 to 100. Default 90.
	JPEGQuality int
	// FFmpeg is the ffmpeg binary that GIFV runs: a path, or a name looked up on PATH.
	// Default "ffmpeg".
	FFmpeg string
	// FFmpegTimeout bounds one run of ffmpeg or ffprobe; it is then killed. Default
	// one minute.
	FFmpegTimeout time.Duration
	// FFprobe is the ffprobe binary Transcode runs. Default "ffprobe".
	FFprobe string
	// HeifConvert is libheif's heif-convert, which decodes HEIC/HEIF and AVIF (run as
	// ffmpeg is, bounded by FFmpegTimeout): a path, or a name looked up on PATH when
	// the processor is made. Without it HEIC is refused (ErrHEIF) and AVIF is decoded
	// by ffmpeg. Default "heif-convert".
	HeifConvert string
	// MaxVideoBytes is the largest video or audio upload. Default DefaultMaxVideoBytes
	// (99 MiB).
	MaxVideoBytes int
	// MaxVideoPixels is the largest width×height of a video, as ffprobe reads it.
	// Default DefaultMaxVideoPixels (8,294,400).
	MaxVideoPixels int
	// MaxVideoFrameRate is the highest frame rate of a video. Default 120.
	MaxVideoFrameRate int
	// VideoPixels is the area a larger video is scaled down to. Default
	// DefaultVideoPixels (2,073,600, 1920x1080).
	VideoPixels int
	// MaxOutputFrameRate is the frame rate a faster video is brought down to. Default 60.
	MaxOutputFrameRate int
	// MaxDuration, if set, refuses a longer video or audio. Default none (as Mastodon;
	// FFmpegTimeout bounds the work).
	MaxDuration time.Duration
}

func (o Options) withDefaults() Options {
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxPixels == 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.OriginalPixels == 0 {
		o.OriginalPixels = DefaultOriginalPixels
	}
	if o.SmallPixels == 0 {
		o.SmallPixels = DefaultSmallPixels
	}
	if o.MaxAnimationPixels == 0 {
		o.MaxAnimationPixels = DefaultMaxAnimationPixels
	}
	if o.MaxFrames == 0 {
		o.MaxFrames = DefaultMaxFrames
	}
	if o.MaxJPEGScans == 0 {
		o.MaxJPEGScans = DefaultMaxJPEGScans
	}
	if o.JPEGQuality == 0 {
		o.JPEGQuality = DefaultJPEGQuality
	}
	if o.FFmpeg == "" {
		o.FFmpeg = DefaultFFmpeg
	}
	if o.FFmpegTimeout == 0 {
		o.FFmpegTimeout = DefaultFFmpegTimeout
	}
	return o.videoDefaults()
}

// ErrOptions is wrapped by Validate's errors.
var ErrOptions = errors.New("mediaproc: invalid options")

// Validate reports an option out of range (after defaults are applied).
func (o Options) Validate() error {
	o = o.withDefaults()
	switch {
	case o.MaxBytes < 0:
		return fmt.Errorf("%w: MaxBytes %d is negative", ErrOptions, o.MaxBytes)
	case o.MaxPixels < 0:
		return fmt.Errorf("%w: MaxPixels %d is negative", ErrOptions, o.MaxPixels)
	case o.OriginalPixels < 1 || o.OriginalPixels > o.MaxPixels:
		return fmt.Errorf("%w: OriginalPixels %d is not within 1 and MaxPixels %d", ErrOptions, o.OriginalPixels, o.MaxPixels)
	case o.SmallPixels < 1 || o.SmallPixels > o.OriginalPixels:
		return fmt.Errorf("%w: SmallPixels %d is not within 1 and OriginalPixels %d", ErrOptions, o.SmallPixels, o.OriginalPixels)
	case o.MaxAnimationPixels < 0:
		return fmt.Errorf("%w: MaxAnimationPixels %d is negative", ErrOptions, o.MaxAnimationPixels)
	case o.MaxFrames < 0:
		return fmt.Errorf("%w: MaxFrames %d is negative", ErrOptions, o.MaxFrames)
	case o.MaxJPEGScans < 0:
		return fmt.Errorf("%w: MaxJPEGScans %d is negative", ErrOptions, o.MaxJPEGScans)
	case o.JPEGQuality < 1 || o.JPEGQuality > 100:
		return fmt.Errorf("%w: JPEGQuality %d is not within 1 and 100", ErrOptions, o.JPEGQuality)
	case o.FFmpegTimeout < 0:
		return fmt.Errorf("%w: FFmpegTimeout %s is negative", ErrOptions, o.FFmpegTimeout)
	case o.MaxVideoBytes < 0, o.MaxVideoPixels < 0, o.MaxVideoFrameRate < 0, o.MaxDuration < 0:
		return fmt.Errorf("%w: a video limit is negative", ErrOptions)
	case o.VideoPixels < 4 || o.MaxOutputFrameRate < 1:
		return fmt.Errorf("%w: VideoPixels %d or MaxOutputFrameRate %d is too small", ErrOptions, o.VideoPixels, o.MaxOutputFrameRate)
	}
	return nil
}

// MaxPixels is the largest image the processor takes, in pixels.
func (p *Processor) MaxPixels() int { return p.opts.MaxPixels }

// MaxBytes is the largest image the processor takes.
func (p *Processor) MaxBytes() int64 { return int64(p.opts.MaxBytes) }

func (o Options) videoDefaults() Options {
	if o.FFprobe == "" {
		o.FFprobe = DefaultFFprobe
	}
	if o.HeifConvert == "" {
		o.HeifConvert = DefaultHeifConvert
	}
	if o.MaxVideoBytes == 0 {
		o.MaxVideoBytes = DefaultMaxVideoBytes
	}
	if o.MaxVideoPixels == 0 {
		o.MaxVideoPixels = DefaultMaxVideoPixels
	}
	if o.MaxVideoFrameRate == 0 {
		o.MaxVideoFrameRate = DefaultMaxVideoFrameRate
	}
	if o.VideoPixels == 0 {
		o.VideoPixels = DefaultVideoPixels
	}
	if o.MaxOutputFrameRate == 0 {
		o.MaxOutputFrameRate = DefaultMaxOutputFrameRate
	}
	return o
}

// VideoLimits are the limits of video and audio uploads: bytes, pixels, frame rate.
func (p *Processor) VideoLimits() (maxBytes int64, maxPixels, maxFrameRate int) {
	return int64(p.opts.MaxVideoBytes), p.opts.MaxVideoPixels, p.opts.MaxVideoFrameRate
}
