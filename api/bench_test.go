package api_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/bench"
	"github.com/herd-social/herd/testrig"
)

// BenchmarkHomeRead measures GET /api/v1/timelines/home (limit 20: scan, multi-get,
// hydration of statuses and accounts, rendering) over real HTTP on loopback, with
// parallel clients, on a home of 200 posts by 5 authors: reads/s and the p99 latency.
func BenchmarkHomeRead(b *testing.B) {
	url, token := homeOf200(b)
	b.ResetTimer()
	readParallel(b, url, token)
}

// BenchmarkLimitBareHome is BenchmarkHomeRead's ceiling on this machine, measured in
// the same run: a bare fasthttp server (bench.ServeBare, the HTTP limit of `herd
// bench`) answering the very bytes of that home page as the node sent them (the same
// length, type and compression), read by the same clients at the same concurrency.
func BenchmarkLimitBareHome(b *testing.B) {
	url, token := homeOf200(b)
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	// Asked for explicitly, so that the transport hands over the bytes as they came.
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("home: status %d, %v", resp.StatusCode, err)
	}
	srv, err := bench.ServeBare(page, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	b.ResetTimer()
	readParallel(b, srv.URL+"/api/v1/timelines/home?limit=20", token)
}

// homeOf200 makes a reader whose home holds 200 posts by 5 authors and returns the URL
// of its first page of 20 and its token.
func homeOf200(b *testing.B) (url, token string) {
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
	return c.URL() + "/api/v1/timelines/home?limit=20", reader.Token
}

// readParallel GETs url b.N times from GOMAXPROCS parallel clients (net/http, which
// asks for gzip and decompresses) and reports reads/s, the p99 latency in ms, and the
// CPU time of the whole process (server and clients) per read, which a busy machine
// disturbs less than the wall clock.
func readParallel(b *testing.B, url, token string) {
	var before syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	var mu sync.Mutex
	var took []time.Duration
	b.RunParallel(func(pb *testing.PB) {
		client := &http.Client{}
		var mine []time.Duration
		defer func() {
			mu.Lock()
			took = append(took, mine...)
			mu.Unlock()
		}()
		for pb.Next() {
			t0 := time.Now()
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			if !sendOK(b, client, req) {
				return
			}
			mine = append(mine, time.Since(t0))
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
	var after syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &after) == nil {
		cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/read")
	}
	if len(took) > 0 {
		slices.Sort(took)
		p99 := took[min(len(took)-1, len(took)*99/100)]
		b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
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

// sendOK sends req, reads the answer to its end and reports whether it was a 200; a
// failure fails the benchmark.
func sendOK(b *testing.B, client *http.Client, req *http.Request) bool {
	resp, err := client.Do(req)
	if err != nil {
		b.Error(err)
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Errorf("status %d", resp.StatusCode)
		return false
	}
	return true
}
