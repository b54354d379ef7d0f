package api_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/testrig"
)

// BenchmarkHomeRead measures GET /api/v1/timelines/home (limit 20: scan, multi-get,
// hydration of statuses and accounts, rendering) over real HTTP on loopback, with
// parallel clients, on a home of 200 posts by 5 authors.
func BenchmarkHomeRead(b *testing.B) {
	c := testrig.New(b)
	reader := c.Register("reader")
	for a := 0; a < 5; a++ {
		author := c.Register(fmt.Sprintf("author%d", a))
		reader.Follow(author)
		for i := 0; i < 40; i++ {
			author.Post(fmt.Sprintf("post %d by %d with a #tag and https://example.com/link", i, a))
		}
	}
	testrig.Eventually(b, "fan-out", func() error {
		if n := len(reader.Do("GET", "/api/v1/timelines/home", nil).List(b)); n != 20 {
			return fmt.Errorf("home holds %d posts, want 20", n)
		}
		return nil
	})
	url := c.URL() + "/api/v1/timelines/home?limit=20"
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		client := &http.Client{}
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", "Bearer "+reader.Token)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
}

// BenchmarkUploadToReady measures a camera-sized JPEG (4000x3000, about 4 MB) from
// POST /api/v2/media to the moment GET /api/v1/media/:id answers 200 (processed by
// the media worker: decoded, scaled to 3840x2160's area, re-encoded, previewed,
// blurhashed, stored), over real HTTP on loopback, one upload at a time.
func BenchmarkUploadToReady(b *testing.B) {
	c := testrig.New(b)
	u := c.Register("photographer")
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	for y := range 3000 {
		for x := range 4000 {
			n := byte(rand.N(48))
			img.Set(x, y, color.RGBA{byte(x / 16), byte(y / 12), byte((x + y) / 28), 255})
			img.Pix[img.PixOffset(x, y)] += n
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		r := c.DoMultipart("POST", "/api/v2/media", u.Token, nil, "file", "photo.jpg", buf.Bytes())
		var a struct{ ID string }
		r.JSON(b, &a)
		for r.Code != 200 {
			time.Sleep(5 * time.Millisecond)
			r = u.Do("GET", "/api/v1/media/"+a.ID, nil)
		}
	}
}

// BenchmarkCompressPage measures what compress.go costs on a home page of 20 statuses
// (the page BenchmarkHomeRead reads): each encoding at the level compress.go uses, its
// time per page and the share of the bytes it leaves.
func BenchmarkCompressPage(b *testing.B) {
	c := testrig.New(b)
	reader := c.Register("reader")
	author := c.Register("author")
	reader.Follow(author)
	for i := range 20 {
		author.Post(fmt.Sprintf("post %d with a #tag and https://example.com/link", i))
	}
	var page []byte
	testrig.Eventually(b, "fan-out", func() error {
		r := reader.Do("GET", "/api/v1/timelines/home?limit=20", nil)
		if n := len(r.List(b)); n != 20 {
			return fmt.Errorf("home holds %d posts, want 20", n)
		}
		page = r.Body
		return nil
	})
	for _, enc := range []struct {
		name string
		fn   func(dst, src []byte) []byte
	}{
		{"br", func(dst, src []byte) []byte { return fasthttp.AppendBrotliBytesLevel(dst, src, 1) }},
		{"gzip", func(dst, src []byte) []byte {
			return fasthttp.AppendGzipBytesLevel(dst, src, fasthttp.CompressBestSpeed)
		}},
		{"zstd", func(dst, src []byte) []byte {
			return fasthttp.AppendZstdBytesLevel(dst, src, fasthttp.CompressBestSpeed)
		}},
	} {
		b.Run(enc.name, func(b *testing.B) {
			var out []byte
			for b.Loop() {
				out = enc.fn(out[:0], page)
			}
			b.ReportMetric(float64(len(out))/float64(len(page)), "ratio")
			b.SetBytes(int64(len(page)))
		})
	}
}
