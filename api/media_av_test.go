package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// generate makes a small file with ffmpeg of lavfi sources; the name's extension
// chooses the container.
func generate(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("ffmpeg", append(append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...), out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v (apt-get install -y ffmpeg, as .ci/run does): %v: %s", args, err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

const (
	testPattern = "testsrc=duration=0.5:size=64x48:rate=25"
	tone        = "sine=frequency=440:duration=0.5"
)

func sampleVideo(t *testing.T, name string, codecs ...string) []byte {
	return generate(t, name, append([]string{"-f", "lavfi", "-i", testPattern, "-f", "lavfi", "-i", tone, "-shortest"}, codecs...)...)
}

func sampleAudio(t *testing.T, name string, codecs ...string) []byte {
	return generate(t, name, append([]string{"-f", "lavfi", "-i", tone}, codecs...)...)
}

// mediaMeta is the meta of a video or audio, as the tests read it.
type mediaMeta struct {
	Original struct {
		Width, Height int
		FrameRate     string  `json:"frame_rate"`
		Duration      float64 `json:"duration"`
		Bitrate       int     `json:"bitrate"`
	} `json:"original"`
	Small  *struct{ Width, Height int }                     `json:"small"`
	Colors *struct{ Background, Foreground, Accent string } `json:"colors"`
}

// processedAV waits for an attachment processed and returns it with its meta.
func processedAV(t *testing.T, c *testrig.Cluster, u *testrig.User, id string) (attachmentEntity, mediaMeta) {
	t.Helper()
	a := processed(t, c, u, id)
	var raw struct {
		Meta mediaMeta `json:"meta"`
	}
	c.Must(u.Do("GET", "/api/v1/media/"+id, nil), 200).JSON(t, &raw)
	return a, raw.Meta
}

// TestVideoAndAudioUpload: a video and an audio uploaded through /api/v2/media are
// transcoded off the request path (H.264 MP4 with a JPEG preview; MP3 without one),
// their location tags gone, and posted together on a status.
func TestVideoAndAudioUpload(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	video := sampleVideo(t, "clip.mov", "-c:v", "mpeg4", "-metadata", "location=+48.8584+002.2945/")
	if !bytes.Contains(video, []byte("+48.8584")) {
		t.Fatal("the video has no location to drop")
	}
	var ids []string
	for _, up := range []struct {
		name string
		data []byte
	}{{"clip.mov", video}, {"tone.flac", sampleAudio(t, "tone.flac")}} {
		r := upload(c, alice, "/api/v2/media", up.name, up.data, url.Values{"description": {up.name}})
		if r.Code != 200 && r.Code != 202 {
			t.Fatalf("upload %s: %d %s", up.name, r.Code, r.Body)
		}
		var a attachmentEntity
		r.JSON(t, &a)
		ids = append(ids, a.ID)
	}
	v, vm := processedAV(t, c, alice, ids[0])
	if v.Type != "video" || v.URL == nil || !strings.HasSuffix(*v.URL, ".mp4") || v.PreviewURL == nil ||
		!strings.HasSuffix(*v.PreviewURL, ".jpeg") || v.Blurhash == nil {
		t.Fatalf("video %+v", v)
	}
	if vm.Original.Width != 64 || vm.Original.Height != 48 || vm.Original.FrameRate != "25/1" ||
		vm.Original.Duration <= 0 || vm.Original.Bitrate <= 0 || vm.Small == nil || vm.Small.Width != 64 {
		t.Fatalf("video meta %+v", vm)
	}
	file := fetch(t, c, *v.URL, "")
	if file.Code != 200 || file.Header.Get("Content-Type") != "video/mp4" || bytes.Contains(file.Body, []byte("+48.8584")) {
		t.Fatalf("video file: %d %s, location kept %v", file.Code, file.Header.Get("Content-Type"), bytes.Contains(file.Body, []byte("+48.8584")))
	}
	if p := fetch(t, c, *v.PreviewURL, ""); p.Code != 200 || p.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("preview: %d %s", p.Code, p.Header.Get("Content-Type"))
	}
	a, am := processedAV(t, c, alice, ids[1])
	if a.Type != "audio" || a.URL == nil || !strings.HasSuffix(*a.URL, ".mp3") || a.PreviewURL != nil || a.Blurhash != nil {
		t.Fatalf("audio %+v", a)
	}
	if am.Original.Duration < 0.4 || am.Original.Bitrate <= 0 || am.Small != nil {
		t.Fatalf("audio meta %+v", am)
	}
	if f := fetch(t, c, *a.URL, ""); f.Code != 200 || f.Header.Get("Content-Type") != "audio/mpeg" {
		t.Fatalf("audio file: %d %s", f.Code, f.Header.Get("Content-Type"))
	}
	var st struct {
		MediaAttachments []attachmentEntity `json:"media_attachments"`
	}
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"media_ids[]": ids, "status": {"listen"}}), 200).JSON(t, &st)
	if len(st.MediaAttachments) != 2 || st.MediaAttachments[0].Type != "video" || st.MediaAttachments[1].Type != "audio" {
		t.Fatalf("posted with %+v", st.MediaAttachments)
	}
}

// TestVideoRefusals: a video over the limits is refused with Mastodon's message, at
// once through v1, and on GET /api/v1/media/:id after a 202 of v2.
func TestVideoRefusals(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	huge := generate(t, "huge.mp4", "-f", "lavfi", "-i", "color=size=3840x2400:rate=1:duration=1", "-frames:v", "1")
	const want = "3840x2400 videos are not supported"
	if got := c.Must(upload(c, alice, "/api/v1/media", "huge.mp4", huge, nil), 422).Object(t)["error"]; got != want {
		t.Fatalf("v1: %v, want %q", got, want)
	}
	r := upload(c, alice, "/api/v2/media", "huge.mp4", huge, nil)
	if r.Code == 202 {
		var a attachmentEntity
		r.JSON(t, &a)
		testrig.Eventually(t, "the refusal", func() error {
			g := alice.On(c.With(t)).Do("GET", "/api/v1/media/"+a.ID, nil)
			if g.Code != 422 {
				return fmt.Errorf("GET answers %d: %s", g.Code, g.Body)
			}
			var e map[string]any
			if err := json.Unmarshal(g.Body, &e); err != nil || e["error"] != want {
				t.Fatalf("GET: %s (%v)", g.Body, err)
			}
			return nil
		})
	} else if got := c.Must(r, 422).Object(t)["error"]; got != want {
		t.Fatalf("v2: %v, want %q", got, want)
	}
	broken := sampleVideo(t, "b.mp4")
	r = c.Must(upload(c, alice, "/api/v1/media", "b.mp4", broken[:len(broken)/3], nil), 422)
	if got := r.Object(t)["error"]; got != "Validation failed: File could not be processed" {
		t.Fatalf("a truncated video: %v", got)
	}
}

// mediaSamples makes a file of each media type the instance may advertise.
func mediaSamples(t *testing.T) map[string][]byte {
	wav, ogg, mp3, m4a := sampleAudio(t, "a.wav"), sampleAudio(t, "a.ogg", "-c:a", "libvorbis"), sampleAudio(t, "a.mp3"), sampleAudio(t, "a.m4a")
	return map[string][]byte{
		"image/jpeg": testdata(t, "gps.jpg"), "image/png": testdata(t, "alpha.png"), "image/gif": testdata(t, "static.gif"),
		"image/webp": testdata(t, "photo.webp"), "image/avif": testdata(t, "photo.avif"), "image/heic": testdata(t, "gps-irot.heic"),
		"image/heif": testdata(t, "two.heic"), "image/bmp": testdata(t, "plain.bmp"), "image/tiff": testdata(t, "orient-6.tiff"),
		"video/webm": sampleVideo(t, "v.webm", "-c:v", "libvpx", "-deadline", "realtime"), "video/mp4": sampleVideo(t, "v.mp4"),
		"video/quicktime": sampleVideo(t, "v.mov"), "video/ogg": sampleVideo(t, "v.ogv"),
		"audio/wave": wav, "audio/wav": wav, "audio/x-wav": wav, "audio/x-pn-wave": wav, "audio/vnd.wave": wav,
		"audio/ogg": ogg, "audio/vorbis": ogg, "audio/mpeg": mp3, "audio/mp3": mp3, "audio/webm": sampleAudio(t, "a.webm"),
		"audio/flac": sampleAudio(t, "a.flac"), "audio/aac": sampleAudio(t, "a.aac"), "audio/m4a": m4a, "audio/x-m4a": m4a,
		"audio/mp4": m4a, "audio/3gpp": sampleAudio(t, "a.3gp", "-c:a", "aac"), "video/x-ms-asf": sampleAudio(t, "a.wma"),
	}
}

// checkMediaTypes: a file of each advertised type is taken and processed; a video
// size limit is advertised only with video types.
func checkMediaTypes(t *testing.T, c *testrig.Cluster, u *testrig.User, types []string, videoLimit int) {
	t.Helper()
	samples, ids, video := mediaSamples(t), map[string]string{}, false
	seen := map[string]bool{} // a file of several types is uploaded once
	for _, typ := range types {
		data, ok := samples[typ]
		if !ok {
			t.Errorf("the instance advertises %s, which the test has no file of", typ)
			continue
		}
		video = video || strings.HasPrefix(typ, "video/")
		if seen[string(data)] {
			continue
		}
		seen[string(data)] = true
		var a attachmentEntity
		r := upload(c, u, "/api/v2/media", "file", data, nil)
		if r.Code != 200 && r.Code != 202 {
			t.Errorf("the instance advertises %s, but refuses one: %d %s", typ, r.Code, r.Body)
			continue
		}
		r.JSON(t, &a)
		ids[typ] = a.ID
	}
	for typ, id := range ids {
		if a := processed(t, c, u, id); a.URL == nil {
			t.Errorf("%s: not processed: %+v", typ, a)
		}
	}
	if videoLimit > 0 && !video {
		t.Errorf("video_size_limit %d, but no video type is advertised", videoLimit)
	}
}

// TestAVIFAndAudioCover: an AVIF upload is decoded and served as a JPEG, its size in
// meta; an MP3 with a cover picture gets it as its preview, with a blurhash.
func TestAVIFAndAudioCover(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	withCover := sampleAudio(t, "cover.mp3", "-f", "lavfi", "-i", "color=red:s=64x48:d=1", "-map", "0:a", "-map", "1:v",
		"-frames:v", "1", "-c:v", "mjpeg", "-disposition:v", "attached_pic")
	var ids []string
	for _, up := range []struct {
		name string
		data []byte
	}{{"photo.avif", testdata(t, "photo.avif")}, {"cover.mp3", withCover}} {
		r := upload(c, alice, "/api/v2/media", up.name, up.data, nil)
		if r.Code != 200 && r.Code != 202 {
			t.Fatalf("upload %s: %d %s", up.name, r.Code, r.Body)
		}
		var a attachmentEntity
		r.JSON(t, &a)
		ids = append(ids, a.ID)
	}
	img := processed(t, c, alice, ids[0])
	if img.Type != "image" || img.URL == nil || !strings.HasSuffix(*img.URL, ".jpeg") || img.Blurhash == nil ||
		img.Meta.Original.Width != 96 || img.Meta.Original.Height != 64 {
		t.Fatalf("avif %+v", img)
	}
	if f := fetch(t, c, *img.URL, ""); f.Code != 200 || f.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("avif file: %d %s", f.Code, f.Header.Get("Content-Type"))
	}
	a, am := processedAV(t, c, alice, ids[1])
	if a.Type != "audio" || a.URL == nil || !strings.HasSuffix(*a.URL, ".mp3") || a.PreviewURL == nil || a.Blurhash == nil {
		t.Fatalf("audio %+v", a)
	}
	if am.Small == nil || am.Small.Width != 64 || am.Small.Height != 48 {
		t.Fatalf("audio meta %+v", am)
	}
	if p := fetch(t, c, *a.PreviewURL, ""); p.Code != 200 || p.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("cover: %d %s", p.Code, p.Header.Get("Content-Type"))
	}
}
