package mediaproc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/buckket/go-blurhash"
)

// generate makes a small file with ffmpeg: lavfi sources in, the arguments, out as
// name (its extension chooses the container).
func generate(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("ffmpeg", append(append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...), out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v: %s", args, err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testVideo is a second of a w×h test pattern at rate frames a second, with a tone.
func testVideo(t testing.TB, name, size, rate string, extra ...string) []byte {
	t.Helper()
	args := []string{"-f", "lavfi", "-i", "testsrc=duration=1:size=" + size + ":rate=" + rate,
		"-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-shortest"}
	return generate(t, name, append(args, extra...)...)
}

// testAudio is a second of a tone.
func testAudio(t testing.TB, name string, extra ...string) []byte {
	t.Helper()
	return generate(t, name, append([]string{"-f", "lavfi", "-i", "sine=frequency=440:duration=1"}, extra...)...)
}

// rotated is a 64x48 video shown turned a quarter, as a phone held upright records.
func rotated(t testing.TB) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plain.mp4")
	if err := os.WriteFile(path, generate(t, "plain.mp4", "-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=25"), 0o600); err != nil {
		t.Fatal(err)
	}
	return generate(t, "rotated.mp4", "-i", path, "-c", "copy", "-metadata:s:v:0", "rotate=90")
}

// avProbe is what ffprobe says of a whole output file.
type avProbe struct {
	Streams []struct {
		CodecType string            `json:"codec_type"`
		CodecName string            `json:"codec_name"`
		Width     int               `json:"width"`
		Height    int               `json:"height"`
		PixFmt    string            `json:"pix_fmt"`
		Tags      map[string]string `json:"tags"`
	} `json:"streams"`
	Format struct {
		FormatName string            `json:"format_name"`
		Tags       map[string]string `json:"tags"`
	} `json:"format"`
}

func probeAll(t *testing.T, data []byte) avProbe {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var p avProbe
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTranscodeVideo: MP4, WebM and QuickTime videos become H.264/AAC MP4 with even
// sides, at most 1920x1080's area and 60 frames a second, a JPEG preview of the first frame with its blurhash, and the meta; tags such
// as a location are gone.
func TestTranscodeVideo(t *testing.T) {
	needFFmpeg(t)
	p := newProcessor(t, Options{})
	// use_metadata_tags has the MP4 muxer write the location as a phone does (QuickTime
	// keys); the MOV muxer writes it by default.
	tagged := []string{"-metadata", "location=+48.8584+002.2945/", "-metadata", "title=secret place", "-movflags", "use_metadata_tags"}
	for _, tt := range []struct {
		name  string
		data  []byte
		w, h  int
		audio bool
		dur   float64
		fr    string
	}{
		{"tagged.mp4", testVideo(t, "tagged.mp4", "320x240", "25", tagged...), 320, 240, true, 1, "25/1"},
		{"odd.webm", testVideo(t, "odd.webm", "321x241", "25", "-c:v", "libvpx", "-c:a", "libopus", "-deadline", "realtime"), 320, 240, true, 1, "25/1"},
		{"mute.mov", generate(t, "mute.mov", append([]string{"-f", "lavfi", "-i", "testsrc=duration=1:size=160x120:rate=25",
			"-c:v", "mpeg4"}, tagged...)...), 160, 120, false, 1, "25/1"},
		{"large.mp4", generate(t, "large.mp4", "-f", "lavfi", "-i", "testsrc=duration=0.2:size=2560x1440:rate=25"), 1920, 1080, false, 0.2, "25/1"},
		{"rotated.mp4", rotated(t), 48, 64, false, 1, "25/1"},
		{"fast.mp4", generate(t, "fast.mp4", "-f", "lavfi", "-i", "testsrc=duration=0.5:size=64x48:rate=100"), 64, 48, false, 0.5, "60/1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if (tt.name == "tagged.mp4" || tt.name == "mute.mov") && !bytes.Contains(tt.data, []byte("+48.8584")) {
				t.Fatal("the upload has no location to drop")
			}
			res, err := p.Transcode(context.Background(), tt.data, &Focus{X: 0.5, Y: 0})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Video || res.Original.ContentType != "video/mp4" || res.Original.Extension != ".mp4" ||
				res.Original.Width != tt.w || res.Original.Height != tt.h {
				t.Fatalf("result %v %s %s %dx%d, want video/mp4 %dx%d", res.Video, res.Original.ContentType,
					res.Original.Extension, res.Original.Width, res.Original.Height, tt.w, tt.h)
			}
			got := probeAll(t, res.Original.Data)
			if !strings.Contains(got.Format.FormatName, "mp4") || len(got.Streams) != map[bool]int{true: 2, false: 1}[tt.audio] {
				t.Fatalf("output %+v", got)
			}
			for _, s := range got.Streams {
				if s.CodecType == "video" && (s.CodecName != "h264" || s.PixFmt != "yuv420p" || s.Width != tt.w || s.Height != tt.h) {
					t.Errorf("video stream %+v", s)
				}
				if s.CodecType == "audio" && s.CodecName != "aac" {
					t.Errorf("audio stream %+v", s)
				}
			}
			for k := range got.Format.Tags {
				if k == "location" || k == "title" || strings.Contains(k, "location") {
					t.Errorf("the output keeps the tag %s", k)
				}
			}
			if bytes.Contains(res.Original.Data, []byte("+48.8584")) || bytes.Contains(res.Original.Data, []byte("secret place")) {
				t.Error("the output keeps the location")
			}
			// faststart: the index (moov) comes before the media (mdat).
			if m, d := bytes.Index(res.Original.Data, []byte("moov")), bytes.Index(res.Original.Data, []byte("mdat")); m < 0 || m > d {
				t.Errorf("moov at %d, mdat at %d", m, d)
			}
			img := decodeFile(t, res.Small)
			if res.Small.ContentType != "image/jpeg" || res.Small.Width*res.Small.Height > DefaultSmallPixels {
				t.Errorf("preview %s %dx%d", res.Small.ContentType, res.Small.Width, res.Small.Height)
			}
			if x, y, err := blurhash.Components(res.Blurhash); err != nil || x != 4 || y != 4 || img == nil {
				t.Errorf("blurhash %q: %v", res.Blurhash, err)
			}
			m := res.Meta
			if m.Original.Width != tt.w || m.Original.Height != tt.h || m.Original.FrameRate != tt.fr ||
				math.Abs(m.Original.Duration-tt.dur) > 0.1 ||
				m.Original.Bitrate <= 0 || m.Small == nil || m.Small.Width != res.Small.Width || m.Focus == nil {
				t.Errorf("meta %+v small %+v", m, m.Small)
			}
		})
	}
}

// TestTranscodeAudio: MP3, Ogg Opus, WAV, FLAC, M4A and WMA (ASF) become MP3 with the meta,
// without their tags.
func TestTranscodeAudio(t *testing.T) {
	needFFmpeg(t)
	p := newProcessor(t, Options{})
	tagged := []string{"-metadata", "artist=someone", "-metadata", "location=+48.8584+002.2945/"}
	for _, name := range []string{"tone.mp3", "tone.ogg", "tone.wav", "tone.flac", "tone.m4a", "tone.wma"} {
		t.Run(name, func(t *testing.T) {
			extra := tagged
			if name == "tone.ogg" {
				extra = append([]string{"-c:a", "libopus"}, tagged...)
			}
			data := testAudio(t, name, extra...)
			someone := []byte("someone")
			if name == "tone.wma" { // ASF writes its tags in UTF-16
				someone = []byte("s\x00o\x00m\x00e\x00o\x00n\x00e\x00")
			}
			if !bytes.Contains(data, someone) {
				t.Fatal("the upload has no tag to drop")
			}
			res, err := p.Transcode(context.Background(), data, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Video || res.Original.ContentType != "audio/mpeg" || res.Original.Extension != ".mp3" || res.Small.Data != nil {
				t.Fatalf("result %+v", res.Original.ContentType)
			}
			got := probeAll(t, res.Original.Data)
			if got.Format.FormatName != "mp3" || len(got.Streams) != 1 || got.Streams[0].CodecName != "mp3" {
				t.Fatalf("output %+v", got)
			}
			if bytes.Contains(res.Original.Data, someone) || len(got.Format.Tags) > 0 {
				t.Errorf("the output keeps tags %v", got.Format.Tags)
			}
			if math.Abs(res.Meta.Original.Duration-1) > 0.1 || res.Meta.Original.Bitrate <= 0 || res.Meta.Length == "" {
				t.Errorf("meta %+v", res.Meta)
			}
		})
	}
}

// TestAudioCover: the cover picture of an audio file (an MP3's ID3 picture, an M4A's)
// is its preview, as Mastodon's image extractor makes it, with its blurhash and the
// player's colours; the MP3 keeps no picture. A cover of more pixels than MaxPixels is left out.
func TestAudioCover(t *testing.T) {
	needFFmpeg(t)
	cover := []string{"-f", "lavfi", "-i", "color=red:s=64x48:d=1", "-map", "0:a", "-map", "1:v", "-frames:v", "1",
		"-disposition:v", "attached_pic"}
	for _, tt := range []struct{ name, codec string }{{"cover.mp3", "mjpeg"}, {"cover.m4a", "png"}} {
		t.Run(tt.name, func(t *testing.T) {
			data := testAudio(t, tt.name, append(cover, "-c:v", tt.codec)...)
			res, err := newProcessor(t, Options{}).Transcode(context.Background(), data, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Video || res.Small.ContentType != "image/jpeg" || res.Small.Width != 64 || res.Small.Height != 48 || res.Blurhash == "" {
				t.Fatalf("video %v, preview %s %dx%d, blurhash %q", res.Video, res.Small.ContentType, res.Small.Width, res.Small.Height, res.Blurhash)
			}
			if c := decodeFile(t, res.Small).At(32, 24); !near(c, 255, 0, 0) {
				t.Errorf("the preview is %v, not the red cover", c)
			}
			if res.Meta.Small == nil || res.Meta.Small.Width != 64 {
				t.Errorf("meta.small %+v", res.Meta.Small)
			}
			// A red cover alone: red, and the two made from it (TestColorsOf).
			if want := (Colors{Background: "#f30c0c", Foreground: "#000000", Accent: "#490303"}); res.Meta.Colors == nil || *res.Meta.Colors != want {
				t.Errorf("meta.colors %+v, want %+v", res.Meta.Colors, want)
			}
			if got := probeAll(t, res.Original.Data); len(got.Streams) != 1 {
				t.Errorf("the MP3 keeps %d streams", len(got.Streams))
			}
			res, err = newProcessor(t, Options{MaxPixels: 64*48 - 1, OriginalPixels: 1000, SmallPixels: 1000}).Transcode(context.Background(), data, nil)
			if err != nil {
				t.Fatalf("a cover over the limit: %v", err)
			}
			if res.Small.Data != nil || res.Original.Data == nil {
				t.Fatalf("a cover over the limit: preview of %d bytes", len(res.Small.Data))
			}
		})
	}
}

// TestTranscodeRefuses: what is over the limits is refused with Mastodon's message
// before it is transcoded; what ffmpeg cannot read, or reads too long, is corrupt.
func TestTranscodeRefuses(t *testing.T) {
	needFFmpeg(t)
	video := testVideo(t, "v.mp4", "64x48", "25")
	huge := generate(t, "huge.mp4", "-f", "lavfi", "-i", "color=size=3840x2400:rate=1:duration=1", "-frames:v", "1")
	fast := generate(t, "fast.mp4", "-f", "lavfi", "-i", "testsrc=duration=0.1:size=64x48:rate=150")
	long := generate(t, "long.mp4", "-f", "lavfi", "-i", "testsrc=duration=3:size=64x48:rate=5")
	srt := filepath.Join(t.TempDir(), "s.srt")
	if err := os.WriteFile(srt, []byte("1\n00:00:00,000 --> 00:00:01,000\nhello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	subtitles := generate(t, "subtitles.mkv", "-i", srt)
	broken := append([]byte(nil), video[:len(video)/3]...)
	for _, tt := range []struct {
		name string
		opts Options
		data []byte
		want error
		msg  string
	}{
		{"bytes", Options{MaxVideoBytes: 1000}, video, ErrTooLarge, ""},
		{"pixels", Options{}, huge, ErrVideoPixels, "3840x2400 videos are not supported"},
		{"frame rate", Options{}, fast, ErrFrameRate, "150fps videos are not supported"},
		{"duration", Options{MaxDuration: 2 * time.Second}, long, ErrDuration, "Files longer than 2 seconds are not supported"},
		{"subtitles only", Options{}, subtitles, ErrNoStream, "Validation failed: File content type is invalid, File is invalid"},
		{"text", Options{}, []byte("not a video at all"), ErrUnsupported, ""},
		{"an image", Options{}, testdata(t, "alpha.png"), ErrUnsupported, ""},
		{"truncated", Options{}, broken, ErrCorrupt, ""},
		{"garbage", Options{}, append([]byte("\x00\x00\x00\x18ftypmp42"), bytes.Repeat([]byte{7}, 500)...), ErrCorrupt, ""},
		{"out of time", Options{FFmpegTimeout: time.Millisecond}, video, ErrCorrupt, ""},
		{"no ffprobe", Options{FFprobe: "/nonexistent/ffprobe"}, video, ErrFFmpeg, ""},
		{"no ffmpeg", Options{FFmpeg: "/nonexistent/ffmpeg"}, video, ErrFFmpeg, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newProcessor(t, tt.opts).Transcode(context.Background(), tt.data, nil)
			if !errors.Is(err, tt.want) || Refusal(err) != tt.msg {
				t.Fatalf("got %v (%q), want %v (%q)", err, Refusal(err), tt.want, tt.msg)
			}
		})
	}
}

func TestSniffAV(t *testing.T) {
	for _, tt := range []struct {
		data string
		want Container
	}{
		{"\x00\x00\x00\x18ftypisom", ContainerMP4}, {"\x00\x00\x00\x08wide", ContainerMP4},
		{"\x1a\x45\xdf\xa3\x01", ContainerMatroska}, {"OggS\x00", ContainerOgg}, {"RIFF\x00\x00\x00\x00WAVEfmt ", ContainerWAV},
		{"fLaC\x00", ContainerFLAC}, {"ID3\x04", ContainerMP3}, {"\xff\xfb\x90", ContainerMP3}, {"\xff\xf1\x50", ContainerAAC},
		{asfHeader + "\xee\x01", ContainerASF}, {"\x30\x26\xb2\x75", ""},
		{"\x00\x00\x00\x1cftypavif", ""},
		{"\x00\x00\x00\x18ftypheic", ""}, {"RIFF\x00\x00\x00\x00WEBPVP8 ", ""}, {"\x89PNG\r\n\x1a\n", ""},
	} {
		got, err := SniffAV([]byte(tt.data))
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("SniffAV(%q) = %q, %v; want %q", tt.data, got, err, tt.want)
		}
	}
}
