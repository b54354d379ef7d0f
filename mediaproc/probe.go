package mediaproc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Refusals of a video or audio upload, with Mastodon's messages (its transcoder's
// stream validation), which Refusal returns.
var (
	// ErrVideoPixels: a video of more pixels than Options.MaxVideoPixels.
	ErrVideoPixels = errors.New("mediaproc: video of too many pixels")
	// ErrFrameRate: a video of a higher frame rate than Options.MaxVideoFrameRate.
	ErrFrameRate = errors.New("mediaproc: video frame rate too high")
	// ErrDuration: a video or audio longer than Options.MaxDuration.
	ErrDuration = errors.New("mediaproc: too long")
	// ErrNoStream: the file decodes to no video and no audio stream.
	ErrNoStream = errors.New("mediaproc: no video or audio stream")
)

// refusal is an error with the message its uploader is shown.
type refusal struct {
	err error
	msg string
}

func (r *refusal) Error() string { return r.err.Error() + ": " + r.msg }
func (r *refusal) Unwrap() error { return r.err }

// Refusal returns the message Mastodon shows for a refused video or audio (such as
// "3840x2160 videos are not supported"), or "" for another error.
func Refusal(err error) string {
	var r *refusal
	if errors.As(err, &r) {
		return r.msg
	}
	return ""
}

// probeResult is what ffprobe says of a file (-show_streams -show_format, JSON).
type probeResult struct {
	Streams []probeStream `json:"streams"`
	Format  struct {
		Duration string `json:"duration"`
		BitRate  string `json:"bit_rate"`
	} `json:"format"`
}

type probeStream struct {
	CodecType    string `json:"codec_type"`
	CodecName    string `json:"codec_name"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	RFrameRate   string `json:"r_frame_rate"`
	AvgFrameRate string `json:"avg_frame_rate"`
	SampleRate   string `json:"sample_rate"`
	Channels     int    `json:"channels"`
	Disposition  struct {
		AttachedPic int `json:"attached_pic"`
	} `json:"disposition"`
	SideDataList []struct {
		Rotation float64 `json:"rotation"`
	} `json:"side_data_list"`
}

// video is the first video stream that is not a cover picture, or nil.
func (r *probeResult) video() *probeStream {
	for i := range r.Streams {
		if s := &r.Streams[i]; s.CodecType == "video" && s.Disposition.AttachedPic == 0 {
			return s
		}
	}
	return nil
}

// cover is the first cover picture (a video stream marked as an attached picture), or
// nil.
func (r *probeResult) cover() *probeStream {
	for i := range r.Streams {
		if s := &r.Streams[i]; s.CodecType == "video" && s.Disposition.AttachedPic != 0 {
			return s
		}
	}
	return nil
}

// audio is the first audio stream, or nil.
func (r *probeResult) audio() *probeStream {
	for i := range r.Streams {
		if s := &r.Streams[i]; s.CodecType == "audio" {
			return s
		}
	}
	return nil
}

func (r *probeResult) duration() float64 {
	d, err := strconv.ParseFloat(r.Format.Duration, 64)
	if err != nil || math.IsNaN(d) || d < 0 {
		return 0
	}
	return d
}

func (r *probeResult) bitrate() int64 {
	b, _ := strconv.ParseInt(r.Format.BitRate, 10, 64)
	return b
}

// frameRate is the stream's average frame rate as ffprobe writes it ("30/1"), or its
// base rate when the average is unknown ("0/0"), and its value.
func (s *probeStream) frameRate() (string, float64) {
	for _, fr := range []string{s.AvgFrameRate, s.RFrameRate} {
		num, den, ok := strings.Cut(fr, "/")
		n, err1 := strconv.ParseFloat(num, 64)
		d, err2 := strconv.ParseFloat(den, 64)
		if ok && err1 == nil && err2 == nil && n > 0 && d > 0 {
			return fr, n / d
		}
	}
	return "", 0
}

// upright reports the dimensions the video is shown at: a rotation by a quarter turn
// (which ffmpeg applies when it transcodes) swaps them.
func (s *probeStream) upright() (int, int) {
	for _, sd := range s.SideDataList {
		if r := math.Mod(math.Abs(sd.Rotation), 180); r > 45 && r < 135 {
			return s.Height, s.Width
		}
	}
	return s.Width, s.Height
}

// probe runs ffprobe on the file at path, read with the demuxer named (never one
// ffprobe would guess), within the ffmpeg timeout. An unreadable file is ErrCorrupt.
func (p *Processor) probe(ctx context.Context, path, demuxer string) (*probeResult, error) {
	ctx, cancel := context.WithTimeout(ctx, p.opts.FFmpegTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.opts.FFprobe, "-hide_banner", "-v", "error", "-f", demuxer,
		"-show_streams", "-show_format", "-of", "json", "-i", "file:"+path)
	cmd.WaitDelay = time.Second // once killed, its output is not waited for long
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, ffmpegError(ctx, err, stderr.Bytes())
	}
	var r probeResult
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("%w: ffprobe said %.200q: %v", ErrCorrupt, out, err)
	}
	return &r, nil
}

// ffmpegError tells a missing binary (ErrFFmpeg: the machine's trouble) from a file
// that ffmpeg or ffprobe failed on or ran out of time with (ErrCorrupt: the file's).
func ffmpegError(ctx context.Context, err error, stderr []byte) error {
	var exit *exec.ExitError
	if !errors.As(err, &exit) && ctx.Err() == nil {
		return fmt.Errorf("%w: %v", ErrFFmpeg, err)
	}
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	if len(stderr) > 500 {
		stderr = stderr[len(stderr)-500:]
	}
	return fmt.Errorf("%w: %w: %s", ErrCorrupt, err, bytes.TrimSpace(stderr))
}

// checkProbe refuses a file over the limits, before any of it is decoded: a video of
// more pixels or a higher frame rate than allowed, anything longer than allowed, or a
// file of neither video nor audio.
func (p *Processor) checkProbe(r *probeResult) error {
	if r.video() == nil && r.audio() == nil {
		return &refusal{ErrNoStream, "Validation failed: File content type is invalid, File is invalid"}
	}
	if p.opts.MaxDuration > 0 && r.duration() > p.opts.MaxDuration.Seconds() {
		return &refusal{ErrDuration, fmt.Sprintf("Files longer than %d seconds are not supported", int(p.opts.MaxDuration.Seconds()))}
	}
	v := r.video()
	if v == nil {
		return nil
	}
	if v.Width <= 0 || v.Height <= 0 {
		return fmt.Errorf("%w: video of %dx%d pixels", ErrCorrupt, v.Width, v.Height)
	}
	if int64(v.Width)*int64(v.Height) > int64(p.opts.MaxVideoPixels) {
		return &refusal{ErrVideoPixels, fmt.Sprintf("%dx%d videos are not supported", v.Width, v.Height)}
	}
	if _, fps := v.frameRate(); fps > float64(p.opts.MaxVideoFrameRate) {
		return &refusal{ErrFrameRate, fmt.Sprintf("%dfps videos are not supported", int(fps))}
	}
	return nil
}
