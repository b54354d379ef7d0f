package mediaproc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"os/exec"
	"testing"
	"time"
)

// needFFmpeg fails, rather than skips, without ffmpeg and ffprobe: .ci/run installs
// them, and a gifv test that skips would hide that they are gone.
func needFFmpeg(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (apt-get install -y ffmpeg, as .ci/run does): %v", tool, err)
		}
	}
}

// probe is what ffprobe says of a video's first stream.
type probe struct {
	Streams []struct {
		CodecName    string `json:"codec_name"`
		Width        int    `json:"width"`
		Height       int    `json:"height"`
		PixFmt       string `json:"pix_fmt"`
		NbReadFrames string `json:"nb_read_frames"`
	} `json:"streams"`
	Format struct {
		Tags map[string]string `json:"tags"`
	} `json:"format"`
}

func ffprobe(t *testing.T, video []byte) probe {
	t.Helper()
	cmd := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,width,height,pix_fmt,nb_read_frames:format_tags", "-of", "json", "-i", "pipe:0")
	cmd.Stdin = bytes.NewReader(video)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var p probe
	if err := json.Unmarshal(out, &p); err != nil || len(p.Streams) != 1 {
		t.Fatalf("ffprobe said %s (%v)", out, err)
	}
	return p
}

// oddGIF is a 61x41 animation of two frames, the second transparent.
func oddGIF(t *testing.T) []byte {
	t.Helper()
	palette := color.Palette{color.RGBA{200, 0, 0, 255}, color.Transparent}
	g := &gif.GIF{LoopCount: 0}
	for i := range 2 {
		frame := image.NewPaletted(image.Rect(0, 0, 61, 41), palette)
		for j := range frame.Pix {
			frame.Pix[j] = uint8(i)
		}
		g.Image, g.Delay = append(g.Image, frame), append(g.Delay, 50)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGIFV: an animated upload becomes an H.264 MP4 of its frames, with even sides.
func TestGIFV(t *testing.T) {
	needFFmpeg(t)
	p := newProcessor(t, Options{})
	for _, tt := range []struct {
		name         string
		gif          []byte
		w, h, frames int
	}{{"animated.gif", testdata(t, "animated.gif"), 60, 40, 3}, {"61x41", oddGIF(t), 60, 40, 2}} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := p.Process(tt.gif, nil)
			if err != nil || !res.Animated {
				t.Fatalf("Process: %v (animated %v)", err, res != nil && res.Animated)
			}
			mp4, err := p.GIFV(context.Background(), res.Original.Data)
			if err != nil {
				t.Fatal(err)
			}
			if mp4.ContentType != "video/mp4" || mp4.Extension != ".mp4" || string(mp4.Data[4:8]) != "ftyp" {
				t.Errorf("%s %s starting %q", mp4.ContentType, mp4.Extension, mp4.Data[:12])
			}
			if mp4.Width != tt.w || mp4.Height != tt.h {
				t.Errorf("file says %dx%d, want %dx%d", mp4.Width, mp4.Height, tt.w, tt.h)
			}
			got := ffprobe(t, mp4.Data)
			s := got.Streams[0]
			if s.CodecName != "h264" || s.PixFmt != "yuv420p" || s.Width != tt.w || s.Height != tt.h ||
				s.NbReadFrames != fmt.Sprint(tt.frames) {
				t.Errorf("ffprobe: %+v, want h264 yuv420p %dx%d of %d frames", s, tt.w, tt.h, tt.frames)
			}
		})
	}
}

func TestGIFVRefuses(t *testing.T) {
	gifData := testdata(t, "animated.gif")
	tests := []struct {
		name string
		opts Options
		data []byte
		want error
	}{
		{"not a GIF", Options{}, testdata(t, "gps.jpg"), ErrUnsupported},
		{"no such ffmpeg", Options{FFmpeg: "/nonexistent/ffmpeg"}, gifData, ErrFFmpeg},
		{"out of time", Options{FFmpegTimeout: time.Nanosecond}, gifData, ErrFFmpeg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := newProcessor(t, tt.opts).GIFV(context.Background(), tt.data); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}
