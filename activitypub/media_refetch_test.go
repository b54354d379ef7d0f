package activitypub_test

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestRemoteMediaRefetched: once the cached files of a remote post's images are
// pruned, its url and preview_url point at /media_proxy/, which fetches the file again
// from its server, keeps it as before and redirects to it (the same bytes as the first
// cache served); the url is then this server's file again. A file its server no longer
// has answers 404 and the attachment is shown at its server (remote_url).
func TestRemoteMediaRefetched(t *testing.T) {
	a, b, alice, bob := pair(t)
	followRemote(t, b, bob, resolve(t, b, bob, "@alice@"+a.Nodes[0].Config().Domain))
	var ups [2]struct{ ID, URL string }
	for i, name := range []string{"gps.jpg", "alpha.png"} {
		img, err := os.ReadFile("../mediaproc/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		a.Must(a.DoMultipart("POST", "/api/v1/media", alice.Token, url.Values{}, "file", name, img), 200).JSON(t, &ups[i])
	}
	var posted struct{ URI string }
	a.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"two"}, "media_ids[]": {ups[0].ID, ups[1].ID}}),
		200).JSON(t, &posted)

	type attachment struct {
		ID         string  `json:"id"`
		URL        *string `json:"url"`
		PreviewURL *string `json:"preview_url"`
		RemoteURL  *string `json:"remote_url"`
	}
	beta := "http://" + b.Nodes[0].Config().Domain
	var statusID string
	var cached []attachment
	testrig.Eventually(t, "alice's images cached on beta", func() error {
		var home []struct {
			ID, URI          string
			MediaAttachments []attachment `json:"media_attachments"`
		}
		b.Must(bob.Do("GET", "/api/v1/timelines/home", nil), 200).JSON(t, &home)
		for _, st := range home {
			if st.URI == posted.URI && len(st.MediaAttachments) == 2 {
				statusID, cached = st.ID, st.MediaAttachments
				for _, m := range cached {
					if m.URL == nil || !strings.HasPrefix(*m.URL, beta+"/system/cache/") {
						return fmt.Errorf("not cached yet: %+v", m)
					}
				}
				return nil
			}
		}
		return fmt.Errorf("home %+v", home)
	})
	first := b.Must(b.Do("GET", strings.TrimPrefix(*cached[0].URL, beta), "", nil), 200).Body

	if n, err := b.Nodes[0].Media.PruneCache(t.Context(), 0); err != nil || n != 2 {
		t.Fatalf("prune: %d, %v", n, err)
	}
	// Alice's server no longer has the second file.
	if err := a.Nodes[0].MediaFiles().Delete(t.Context(), strings.TrimPrefix(ups[1].URL,
		"http://"+a.Nodes[0].Config().Domain+"/system/")); err != nil {
		t.Fatal(err)
	}
	shown := func() []attachment {
		var st struct {
			MediaAttachments []attachment `json:"media_attachments"`
		}
		b.Must(b.Do("GET", "/api/v1/statuses/"+statusID, "", nil), 200).JSON(t, &st)
		return st.MediaAttachments
	}
	pruned := shown()
	for _, m := range pruned {
		proxy := beta + "/media_proxy/" + m.ID
		if m.URL == nil || *m.URL != proxy+"/original" || m.PreviewURL == nil || *m.PreviewURL != proxy+"/small" ||
			m.RemoteURL == nil || !strings.HasPrefix(*m.RemoteURL, "http://"+a.Nodes[0].Config().Domain+"/system/") {
			t.Fatalf("pruned attachment %+v", m)
		}
	}

	for _, style := range []string{"original", "small"} {
		r := b.Do("GET", strings.TrimPrefix(beta+"/media_proxy/"+pruned[0].ID+"/"+style, beta), "", nil)
		loc := r.Header.Get("Location")
		if r.Code != 302 || !strings.HasPrefix(loc, beta+"/system/cache/") {
			t.Fatalf("media proxy %s: %d, Location %q: %s", style, r.Code, loc, r.Body)
		}
		f := b.Must(b.Do("GET", strings.TrimPrefix(loc, beta), "", nil), 200)
		if style == "original" && !bytes.Equal(f.Body, first) {
			t.Fatalf("the file fetched again is %d bytes, was %d", len(f.Body), len(first))
		}
	}
	if r := b.Do("GET", "/media_proxy/"+pruned[1].ID+"/original", "", nil); r.Code != 404 {
		t.Fatalf("media proxy of a file gone: %d %s", r.Code, r.Body)
	}
	again := shown()
	if u := again[0].URL; u == nil || *u != *cached[0].URL {
		t.Fatalf("the refetched attachment is shown at %v, was %s", u, *cached[0].URL)
	}
	if m := again[1]; m.URL == nil || m.RemoteURL == nil || *m.URL != *m.RemoteURL || *m.URL != ups[1].URL {
		t.Fatalf("the attachment whose file is gone: %+v (alice's %s)", m, ups[1].URL)
	}
	if r := b.Do("GET", "/media_proxy/"+cached[0].ID+"x/original", "", nil); r.Code != 404 {
		t.Fatalf("media proxy of no attachment: %d", r.Code)
	}
}
