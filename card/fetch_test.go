package card_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/card"
	"github.com/herd-social/herd/testrig"
)

// TestReuse: a URL's card is fetched once and reused for two weeks, then fetched
// again; a page that gives no card is remembered as none for as long.
func TestReuse(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		if r.URL.Path == "/none" {
			w.Header().Set("Content-Type", "image/png")
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<meta property="og:title" content="Version %d">`, n)
	}))
	t.Cleanup(srv.Close)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := card.New(testrig.Store(t, card.Schema()...), nil, nil, card.Options{HTTP: srv.Client(),
		Now: func() time.Time { return now }})
	ctx := context.Background()
	get := func(path string) *card.Card {
		t.Helper()
		c, err := s.ForURL(ctx, srv.URL+path)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := get("/page"); c.Title != "Version 1" || c.None {
		t.Fatalf("first fetch %+v", c)
	}
	now = now.Add(13 * 24 * time.Hour)
	if c := get("/page"); c.Title != "Version 1" || hits.Load() != 1 {
		t.Fatalf("within two weeks: %+v after %d fetches", c, hits.Load())
	}
	now = now.Add(2 * 24 * time.Hour)
	if c := get("/page"); c.Title != "Version 2" {
		t.Fatalf("after two weeks: %+v", c)
	}
	if c := get("/none"); !c.None {
		t.Fatalf("an image gave a card: %+v", c)
	}
	before := hits.Load()
	if c := get("/none"); !c.None || hits.Load() != before {
		t.Fatalf("none not remembered: %+v, %d fetches", c, hits.Load()-before)
	}
}
