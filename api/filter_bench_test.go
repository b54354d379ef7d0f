package api_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// BenchmarkHomeReadFilters measures GET /api/v1/timelines/home (limit 20) over real
// HTTP on loopback, one read at a time, on a home of 200 posts by 5 authors, for a
// reader without filters and for one with 100 active keyword filters (one keyword
// each, the last of which warns on every post), in one run so that the two figures
// compare: the filters cost one scan of the reader's filters, one regexp compile of
// their keywords, and one match per status shown.
func BenchmarkHomeReadFilters(b *testing.B) {
	c := testrig.New(b)
	plain, filtered := c.Register("plain"), c.Register("filtered")
	for a := 0; a < 5; a++ {
		author := c.Register(fmt.Sprintf("author%d", a))
		plain.Follow(author)
		filtered.Follow(author)
		for i := 0; i < 40; i++ {
			author.Post(fmt.Sprintf("post %d by %d with a #tag and https://example.com/link", i, a))
		}
	}
	for i := 0; i < 99; i++ {
		filtered.CreateFilter(fmt.Sprintf("filter %d", i), "hide", []string{"home"}, []string{fmt.Sprintf("keyword%d", i)})
	}
	filtered.CreateFilter("links", "warn", []string{"home"}, []string{"example"})
	for _, u := range []*testrig.User{plain, filtered} {
		testrig.Eventually(b, "fan-out", func() error {
			if n := len(u.Do("GET", "/api/v1/timelines/home", nil).List(b)); n != 20 {
				return fmt.Errorf("home of %s holds %d posts, want 20", u.Name, n)
			}
			return nil
		})
	}
	url := c.URL() + "/api/v1/timelines/home?limit=20"
	for _, tc := range []struct {
		name string
		u    *testrig.User
	}{{"none", plain}, {"100-keywords", filtered}} {
		b.Run(tc.name, func(b *testing.B) {
			client := &http.Client{}
			for b.Loop() {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "Bearer "+tc.u.Token)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
		})
	}
}
