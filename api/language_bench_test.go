package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// BenchmarkPublicRead measures GET /api/v1/timelines/public (limit 20) over real
// HTTP on loopback, with parallel clients, on 200 public posts by 5 authors, half
// in English and half in German: anonymously, signed in without chosen languages,
// and signed in with German chosen (half of each page left out).
func BenchmarkPublicRead(b *testing.B) {
	c := testrig.New(b)
	plain, chooser := c.Register("plain"), c.Register("chooser")
	for a := 0; a < 5; a++ {
		author := c.Register(fmt.Sprintf("author%d", a))
		for i := 0; i < 40; i++ {
			lang := []string{"en", "de"}[i%2]
			author.Post(fmt.Sprintf("post %d by %d with a #tag and https://example.com/link", i, a), "language", lang)
		}
	}
	c.Must(chooser.Do("PATCH", "/api/v1/accounts/update_credentials",
		url.Values{"source[chosen_languages][]": {"de"}}), 200)
	testrig.Eventually(b, "fan-out", func() error {
		if n := len(c.Anonymous().Do("GET", "/api/v1/timelines/public?limit=20", nil).List(b)); n != 20 {
			return fmt.Errorf("public holds %d posts, want 20", n)
		}
		return nil
	})
	for _, who := range []struct {
		name, token string
	}{{"anonymous", ""}, {"signed-in", plain.Token}, {"chosen-languages", chooser.Token}} {
		b.Run(who.name, func(b *testing.B) { benchRead(b, c.URL()+"/api/v1/timelines/public?limit=20", who.token) })
	}
}

// benchRead sends GETs of target with parallel clients and reports reads per second.
func benchRead(b *testing.B, target, token string) {
	b.RunParallel(func(pb *testing.PB) {
		client := &http.Client{}
		for pb.Next() {
			req, _ := http.NewRequest("GET", target, nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			if !sendOK(b, client, req) {
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
}
