package api_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/herd-social/herd/testrig"
)

// BenchmarkUploadToReady measures an upload from POST /api/v2/media to the moment GET
// /api/v1/media/:id answers 200 (processed by the media worker off the request path),
// over real HTTP on loopback, one upload at a time, polling every 5 ms. It reports
// ms-to-ready (the mean) and the CPU time per upload of the whole process (server and
// client) with the ffmpeg and ffprobe it ran, which a busy machine disturbs less than
// the wall clock.
//
//   - jpeg: a camera-sized JPEG, 4000x3000 of noisy gradients, about 4 MB: decoded,
//     scaled to 3840x2160's area, re-encoded, previewed, blurhashed, stored.
//   - video: 10 s of 1920x1080 at 30 frames a second with a tone, H.264/AAC MP4 as a
//     phone records it, made by ffmpeg from lavfi sources (a moving test pattern, which
//     compresses far better than a filmed scene: about 1 MB): probed, transcoded to
//     H.264/AAC MP4, a preview frame taken.
func BenchmarkUploadToReady(b *testing.B) {
	b.Run("jpeg", func(b *testing.B) { uploadToReady(b, "photo.jpg", noisyPhoto(b, 4000, 3000)) })
	b.Run("video", func(b *testing.B) {
		video := generate(b, "clip.mp4", "-f", "lavfi", "-i", "testsrc2=duration=10:size=1920x1080:rate=30",
			"-f", "lavfi", "-i", "sine=frequency=440:duration=10", "-shortest",
			"-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac")
		uploadToReady(b, "clip.mp4", video)
	})
}

// uploadToReady uploads file as name b.N times, each waited for until processed.
func uploadToReady(b *testing.B, name string, file []byte) {
	c := testrig.New(b)
	u := c.Register("uploader")
	b.Logf("%s: %d bytes", name, len(file))
	b.SetBytes(int64(len(file)))
	before := cpuTime()
	for b.Loop() {
		r := c.DoMultipart("POST", "/api/v2/media", u.Token, nil, "file", name, file)
		var a struct{ ID string }
		r.JSON(b, &a)
		for r.Code != 200 {
			if r.Code != 202 && r.Code != 206 {
				b.Fatalf("attachment %s: %d %s", a.ID, r.Code, r.Body)
			}
			time.Sleep(5 * time.Millisecond)
			r = u.Do("GET", "/api/v1/media/"+a.ID, nil)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms-to-ready")
	b.ReportMetric(float64((cpuTime()-before).Milliseconds())/float64(b.N), "cpu-ms/upload")
}

// cpuTime is the CPU time used so far by the process and by the children it waited
// for (ffmpeg and ffprobe).
func cpuTime() time.Duration {
	var self, children syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	return time.Duration(self.Utime.Nano() + self.Stime.Nano() + children.Utime.Nano() + children.Stime.Nano())
}

// noisyPhoto is a w×h JPEG at quality 92 whose gradients carry noise, as a camera's
// sensor does, so that it is as large as a photo of that size (about 4 MB for
// 4000x3000).
func noisyPhoto(b *testing.B, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = byte(x/16+rand.IntN(48)), byte(y/12), byte((x+y)/28), 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		b.Fatal(err)
	}
	if buf.Len() < 3<<20 {
		b.Fatalf("the photo is %d bytes, not a photo's 4 MB", buf.Len())
	}
	return buf.Bytes()
}
