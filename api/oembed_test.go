package api_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestOEmbed: a public or unlisted local status, by its web URL or its ActivityPub id,
// is a rich embed whose iframe shows its embed page; private ones, remote URLs and
// nonsense are 404.
func TestOEmbed(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	alice.UpdateCredentials("display_name", "Alice A.")
	pub := alice.PostStatus("hello <b>embed</b>")
	unlisted := alice.PostStatus("quiet one", "visibility", "unlisted")
	priv := alice.PostStatus("only followers", "visibility", "private")

	var o struct {
		Type, Version, Title, HTML string
		AuthorName                 string `json:"author_name"`
		AuthorURL                  string `json:"author_url"`
		ProviderName               string `json:"provider_name"`
		ProviderURL                string `json:"provider_url"`
		Width                      int
		Height                     *int
	}
	c.Must(c.Do("GET", "/api/oembed", "", url.Values{"url": {*pub.URL}}), 200).JSON(t, &o)
	embed := *pub.URL + "/embed"
	base := strings.TrimSuffix(pub.Account.URL, "/@alice")
	if o.Type != "rich" || o.Version != "1.0" || o.Title != "New status by alice" || o.AuthorName != "Alice A." ||
		o.AuthorURL != pub.Account.URL || o.Width != 400 || o.Height != nil || o.ProviderURL != base+"/" ||
		!strings.Contains(o.HTML, `<iframe src="`+embed+`"`) || !strings.Contains(o.HTML, `width="400"`) {
		t.Fatalf("oembed of %s: %+v", *pub.URL, o)
	}
	c.Must(c.Do("GET", "/api/oembed", "", url.Values{"url": {unlisted.URI}, "maxwidth": {"300"}}), 200).JSON(t, &o)
	if o.Width != 300 || !strings.Contains(o.HTML, "/"+unlisted.ID+`/embed"`) || !strings.Contains(o.HTML, `width="300"`) {
		t.Fatalf("oembed of %s: %+v", unlisted.URI, o)
	}
	for _, u := range []string{*priv.URL, "https://elsewhere.example/@bob/1", base + "/@alice/nonsense", ""} {
		if r := c.Do("GET", "/api/oembed", "", url.Values{"url": {u}}); r.Code != 404 {
			t.Errorf("oembed of %q: %d %s", u, r.Code, r.Body)
		}
	}

	page := func(path string) (*http.Response, string) {
		resp, err := http.Get(c.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		if _, err := io.Copy(&b, resp.Body); err != nil {
			t.Fatal(err)
		}
		return resp, b.String()
	}
	resp, body := page(strings.TrimPrefix(embed, base))
	if resp.StatusCode != 200 || !strings.Contains(body, "hello &lt;b&gt;embed&lt;/b&gt;") || !strings.Contains(body, "Alice A.") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors *") {
		t.Fatalf("embed page: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	if resp, _ := page("/@alice/" + priv.ID + "/embed"); resp.StatusCode != 404 {
		t.Fatalf("embed page of a private status: %d", resp.StatusCode)
	}
}
