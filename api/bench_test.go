package api_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

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
