package mediaproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Container is the container of a video or audio upload, as its first bytes show it.
type Container string

// The containers SniffAV recognises, each read by ffmpeg's demuxer of its name.
const (
	ContainerMP4      Container = "mov"      // MP4, QuickTime, M4A, 3GP
	ContainerMatroska Container = "matroska" // WebM, Matroska
	ContainerOgg      Container = "ogg"      // Ogg: Opus, Vorbis, Theora
	ContainerMP3      Container = "mp3"
	ContainerWAV      Container = "wav"
	ContainerFLAC     Container = "flac"
	ContainerAAC      Container = "aac" // raw AAC in ADTS frames
	ContainerASF      Container = "asf" // Windows Media: WMA, WMV
)

// asfHeader is the GUID of an ASF file's header object, its first 16 bytes.
const asfHeader = "\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c"

// SniffAV tells the container of a video or audio file from its first bytes, or
// ErrUnsupported. HEIF images, ISO files too, are not taken for MP4.
func SniffAV(data []byte) (Container, error) {
	switch {
	case len(data) >= 12 && string(data[4:8]) == "ftyp" && !isHEIF(data):
		return ContainerMP4, nil
	case len(data) >= 8 && (string(data[4:8]) == "moov" || string(data[4:8]) == "mdat" ||
		string(data[4:8]) == "wide" || string(data[4:8]) == "free"):
		return ContainerMP4, nil // QuickTime files of before ftyp
	case bytes.HasPrefix(data, []byte("\x1a\x45\xdf\xa3")):
		return ContainerMatroska, nil
	case bytes.HasPrefix(data, []byte("OggS")):
		return ContainerOgg, nil
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WAVE":
		return ContainerWAV, nil
	case bytes.HasPrefix(data, []byte("fLaC")):
		return ContainerFLAC, nil
	case bytes.HasPrefix(data, []byte(asfHeader)):
		return ContainerASF, nil
	case bytes.HasPrefix(data, []byte("ID3")):
		return ContainerMP3, nil
	case len(data) >= 2 && data[0] == 0xff && data[1]&0xf6 == 0xf0:
		return ContainerAAC, nil // ADTS: sync word, layer 0
	case len(data) >= 2 && data[0] == 0xff && data[1]&0xe0 == 0xe0:
		return ContainerMP3, nil // an MPEG audio frame's sync word
	}
	return "", ErrUnsupported
}

// AVResult is what Transcode makes of a video or audio upload.
type AVResult struct {
	// Video is set for a video, which has a preview; audio has none.
	Video bool
	// Original is the transcoded file: H.264/AAC MP4 for a video, MP3 for audio.
	Original File
	// Small is a video's preview, a JPEG of its first frame; of audio, its cover
	// picture if it has one (else no file).
	Small File
	// Meta is the MediaAttachment's meta.
	Meta AVMeta
	// Blurhash is the preview's, for a video.
	Blurhash string
}

// AVMeta is the meta of a video or audio, in Mastodon's shape.
type AVMeta struct {
	Length   string      `json:"length"`
	Duration float64     `json:"duration"`
	FPS      int         `json:"fps,omitempty"`
	Size     string      `json:"size,omitempty"`
	Width    int         `json:"width,omitempty"`
	Height   int         `json:"height,omitempty"`
	Aspect   float64     `json:"aspect,omitempty"`
	Original AVDetails   `json:"original"`
	Small    *Dimensions `json:"small,omitempty"`
	Focus    *Focus      `json:"focus,omitempty"`
	// Colors are an audio's player colours, from its cover picture (ColorsOf).
	Colors *Colors `json:"colors,omitempty"`
}

// AVDetails is meta.original of a video or audio.
type AVDetails struct {
	Width     int     `json:"width,omitempty"`
	Height    int     `json:"height,omitempty"`
	FrameRate string  `json:"frame_rate,omitempty"`
	Duration  float64 `json:"duration"`
	Bitrate   int64   `json:"bitrate"`
}

// Transcode makes a video or audio upload into what Mastodon serves: a video as an
// H.264 (yuv420p, even sides, at most Options.VideoPixels, at most
// Options.MaxOutputFrameRate) and AAC MP4 with its index first, and a JPEG of its first
// frame as the preview; audio as MP3. No metadata is kept. ffprobe reads the file first
// (with the demuxer its container names) and anything over the limits is refused
// before it is decoded. ffmpeg and ffprobe are killed after Options.FFmpegTimeout.
// Errors wrap ErrTooLarge, ErrVideoPixels, ErrFrameRate, ErrDuration, ErrNoStream
// (those with a message for Refusal), ErrUnsupported, ErrCorrupt (what ffmpeg failed
// on or ran out of time with), ErrInvalidFocus, or ErrFFmpeg (no ffmpeg to run).
func (p *Processor) Transcode(ctx context.Context, data []byte, focus *Focus) (*AVResult, error) {
	if len(data) > p.opts.MaxVideoBytes {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrTooLarge, len(data), p.opts.MaxVideoBytes)
	}
	if focus != nil {
		if err := focus.Validate(); err != nil {
			return nil, err
		}
	}
	c, err := SniffAV(data)
	if err != nil {
		return nil, err
	}
	dir, in, err := uploadCopy("mediaproc-av-", data)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	info, err := p.probe(ctx, in, string(c))
	if err != nil {
		return nil, err
	}
	if err := p.checkProbe(info); err != nil {
		return nil, err
	}
	if v := info.video(); v != nil {
		return p.transcodeVideo(ctx, dir, in, c, v, focus)
	}
	return p.transcodeAudio(ctx, dir, in, c, info.cover())
}

// outputSize is the size a video of w×h is made: scaled down to area pixels if larger,
// keeping its aspect ratio, each side even and at least 2.
func outputSize(w, h, area int) (int, int) {
	scale := math.Min(1, math.Sqrt(float64(area)/(float64(w)*float64(h))))
	return max(2, int(float64(w)*scale)&^1), max(2, int(float64(h)*scale)&^1)
}

func (p *Processor) transcodeVideo(ctx context.Context, dir, in string, c Container, v *probeStream, focus *Focus) (*AVResult, error) {
	vw, vh := v.upright()
	w, h := outputSize(vw, vh, p.opts.VideoPixels)
	out, preview := filepath.Join(dir, "original.mp4"), filepath.Join(dir, "preview.jpeg")
	if err := p.ffmpeg(ctx, "-f", string(c), "-i", "file:"+in, "-map", "0:V:0", "-map", "0:a:0?",
		"-vf", fmt.Sprintf("scale=%d:%d,setsar=1", w, h), "-fpsmax", fmt.Sprint(p.opts.MaxOutputFrameRate),
		"-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-b:a", "192k", "-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn",
		"-movflags", "+faststart", "-f", "mp4", "file:"+out); err != nil {
		return nil, err
	}
	// The preview is read from the file just made, never from the upload.
	if err := p.ffmpeg(ctx, "-f", "mp4", "-i", "file:"+out, "-map", "0:v:0", "-frames:v", "1",
		"-map_metadata", "-1", "-f", "image2", "-c:v", "mjpeg", "-q:v", "2", "file:"+preview); err != nil {
		return nil, err
	}
	res := &AVResult{Video: true}
	var err error
	if res.Original, err = readFile(out, "video/mp4", ".mp4"); err != nil {
		return nil, err
	}
	res.Original.Width, res.Original.Height = w, h
	frame, err := os.ReadFile(preview)
	if err != nil {
		return nil, fmt.Errorf("%w: read the preview: %v", ErrFFmpeg, err)
	}
	img, err := jpeg.Decode(bytes.NewReader(frame))
	if err != nil {
		return nil, fmt.Errorf("%w: the preview frame: %v", ErrCorrupt, err)
	}
	small := fitArea(img, p.opts.SmallPixels)
	if res.Small, err = p.encode(small, FormatJPEG); err != nil {
		return nil, err
	}
	if res.Blurhash, err = blurhashOf(small); err != nil {
		return nil, err
	}
	if res.Meta, err = p.avMeta(ctx, out); err != nil {
		return nil, err
	}
	sd := dimensions(res.Small)
	res.Meta.Small = &sd
	if focus != nil {
		fc := *focus
		res.Meta.Focus = &fc
	}
	return res, nil
}

// transcodeAudio makes an MP3 of the audio, and of its cover picture, if it has one,
// a preview, as Mastodon's image extractor does; a cover that cannot be read is left
// out (as Mastodon's).
func (p *Processor) transcodeAudio(ctx context.Context, dir, in string, c Container, cover *probeStream) (*AVResult, error) {
	out := filepath.Join(dir, "original.mp3")
	if err := p.ffmpeg(ctx, "-f", string(c), "-i", "file:"+in, "-map", "0:a:0", "-vn", "-sn", "-dn",
		"-c:a", "libmp3lame", "-q:a", "2", "-map_metadata", "-1", "-map_chapters", "-1",
		"-id3v2_version", "0", "-write_xing", "1", "-f", "mp3", "file:"+out); err != nil {
		return nil, err
	}
	f, err := readFile(out, "audio/mpeg", ".mp3")
	if err != nil {
		return nil, err
	}
	meta, err := p.avMeta(ctx, out)
	if err != nil {
		return nil, err
	}
	res := &AVResult{Original: f, Meta: meta}
	if cover == nil {
		return res, nil
	}
	img, err := p.picture(ctx, string(c), in, filepath.Join(dir, "cover.png"), cover)
	if errors.Is(err, ErrFFmpeg) {
		return nil, err
	}
	if err != nil {
		return res, nil
	}
	small, format := fitArea(img, p.opts.SmallPixels), FormatPNG
	if o, ok := small.(interface{ Opaque() bool }); ok && o.Opaque() {
		format = FormatJPEG
	}
	if res.Small, err = p.encode(small, format); err != nil {
		return nil, err
	}
	if res.Blurhash, err = blurhashOf(small); err != nil {
		return nil, err
	}
	sd := dimensions(res.Small)
	res.Meta.Small, res.Meta.Colors = &sd, ColorsOf(img)
	return res, nil
}

// avMeta reads the meta of a transcoded file (ours, so any failure is ffmpeg's).
func (p *Processor) avMeta(ctx context.Context, path string) (AVMeta, error) {
	demuxer := "mp3"
	if filepath.Ext(path) == ".mp4" {
		demuxer = "mov"
	}
	info, err := p.probe(ctx, path, demuxer)
	if err != nil {
		return AVMeta{}, fmt.Errorf("%w: probe the output: %w", ErrFFmpeg, err)
	}
	d := info.duration()
	m := AVMeta{Length: length(d), Duration: d, Original: AVDetails{Duration: d, Bitrate: info.bitrate()}}
	if v := info.video(); v != nil {
		fr, fps := v.frameRate()
		m.FPS, m.Width, m.Height = int(math.Round(fps)), v.Width, v.Height
		m.Size, m.Aspect = fmt.Sprintf("%dx%d", v.Width, v.Height), float64(v.Width)/float64(max(1, v.Height))
		m.Original.Width, m.Original.Height, m.Original.FrameRate = v.Width, v.Height, fr
	}
	return m, nil
}

// length writes seconds as Mastodon's meta.length: "0:00:05.03".
func length(seconds float64) string {
	d := time.Duration(seconds * float64(time.Second)).Round(10 * time.Millisecond)
	h, m := int(d.Hours()), int(d.Minutes())%60
	s := (d - time.Duration(h)*time.Hour - time.Duration(m)*time.Minute).Seconds()
	return fmt.Sprintf("%d:%02d:%05.2f", h, m, s)
}

func readFile(path, contentType, ext string) (File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return File{}, fmt.Errorf("%w: read its output: %v", ErrFFmpeg, err)
	}
	return File{Data: data, ContentType: contentType, Extension: ext}, nil
}

// ffmpeg runs ffmpeg with args within the timeout, on files only (no network, no
// device), and kills it when the time is out.
func (p *Processor) ffmpeg(ctx context.Context, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, p.opts.FFmpegTimeout)
	defer cancel()
	args = append([]string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-protocol_whitelist", "file",
		"-threads", "2"}, args...)
	cmd := exec.CommandContext(ctx, p.opts.FFmpeg, args...)
	cmd.WaitDelay = time.Second // once killed, its output is not waited for long
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return ffmpegError(ctx, err, stderr.Bytes())
	}
	return nil
}
