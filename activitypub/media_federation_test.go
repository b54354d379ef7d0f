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

// TestMediaFederates: a post with an image reaches the other server as a Note with a
// Document attachment, which it records by URL with its description, blurhash, focus
// and size; the URL serves the file.
func TestMediaFederates(t *testing.T) {
	a, b, alice, bob := pair(t)
	followRemote(t, b, bob, resolve(t, b, bob, "@alice@"+a.Nodes[0].Config().Domain))
	img, err := os.ReadFile("../mediaproc/testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	var up struct{ ID string }
	a.Must(a.DoMultipart("POST", "/api/v1/media", alice.Token, url.Values{"description": {"a beach"},
		"focus": {"0.5,0.5"}}, "file", "beach.jpg", img), 200).JSON(t, &up)
	var posted struct{ URI string }
	a.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"look"}, "media_ids[]": {up.ID}}), 200).JSON(t, &posted)

	type attachment struct {
		Type        string  `json:"type"`
		URL         *string `json:"url"`
		RemoteURL   *string `json:"remote_url"`
		Description *string `json:"description"`
		Blurhash    *string `json:"blurhash"`
		Meta        struct {
			Original struct{ Width, Height int } `json:"original"`
			Focus    *struct{ X, Y float64 }     `json:"focus"`
		} `json:"meta"`
	}
	var got attachment
	testrig.Eventually(t, "alice's image on beta", func() error {
		var home []struct {
			URI              string       `json:"uri"`
			MediaAttachments []attachment `json:"media_attachments"`
		}
		b.Must(bob.Do("GET", "/api/v1/timelines/home", nil), 200).JSON(t, &home)
		for _, st := range home {
			if st.URI == posted.URI && len(st.MediaAttachments) == 1 {
				got = st.MediaAttachments[0]
				return nil
			}
		}
		return fmt.Errorf("home %+v", home)
	})
	if got.Type != "image" || got.RemoteURL == nil || got.Description == nil || *got.Description != "a beach" ||
		got.Blurhash == nil || got.Meta.Original.Width == 0 || got.Meta.Focus == nil || got.Meta.Focus.X != 0.5 {
		t.Fatalf("attachment on beta %+v", got)
	}
	u, err := url.Parse(*got.RemoteURL)
	if err != nil {
		t.Fatal(err)
	}
	if f := a.Do("GET", u.Path, "", nil); f.Code != 200 || f.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("the remote URL serves %d %s", f.Code, f.Header.Get("Content-Type"))
	}
}

// TestEmojiFederates: a local custom emoji a post uses goes with it as an Emoji tag;
// the other server records it as the author's server's and names it in the post's
// `emojis`, pointing at the picture where its server serves it.
func TestEmojiFederates(t *testing.T) {
	a, b, alice, bob := pair(t)
	followRemote(t, b, bob, resolve(t, b, bob, "@alice@"+a.Nodes[0].Config().Domain))
	if err := a.Nodes[0].AdminAddEmoji(t.Context(), "blobcat", "../mediaproc/testdata/alpha.png", ""); err != nil {
		t.Fatal(err)
	}
	var local struct {
		URI    string
		Emojis []struct{ Shortcode, URL string } `json:"emojis"`
	}
	a.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"meow :blobcat:"}}), 200).JSON(t, &local)
	if len(local.Emojis) != 1 {
		t.Fatalf("local emojis %+v", local.Emojis)
	}
	testrig.Eventually(t, "the emoji on beta", func() error {
		var home []struct {
			URI    string                            `json:"uri"`
			Emojis []struct{ Shortcode, URL string } `json:"emojis"`
		}
		b.Must(bob.Do("GET", "/api/v1/timelines/home", nil), 200).JSON(t, &home)
		for _, st := range home {
			if st.URI == local.URI && len(st.Emojis) == 1 && st.Emojis[0].URL == local.Emojis[0].URL {
				return nil
			}
		}
		return fmt.Errorf("home %+v", home)
	})
}

// TestActorEmoji: the Emoji tags of a remote actor's document are recorded as its
// server's emoji, so that its display name shows them.
func TestActorEmoji(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	remote := newFakeRemote(t, "remote")
	remote.actor["name"] = "Mallory :party_parrot:"
	remote.actor["tag"] = []any{map[string]any{"id": "http://" + remote.domain + "/emojis/1", "type": "Emoji",
		"name": ":party_parrot:", "icon": map[string]any{"type": "Image", "mediaType": "image/gif",
			"url": "http://" + remote.domain + "/emoji/party.gif"}}}
	alice := c.Register("alice")
	var found struct {
		Accounts []struct {
			DisplayName string                            `json:"display_name"`
			Emojis      []struct{ Shortcode, URL string } `json:"emojis"`
		} `json:"accounts"`
	}
	c.Must(alice.Do("GET", "/api/v2/search", url.Values{"q": {remote.actorID()}, "resolve": {"true"}}), 200).JSON(t, &found)
	if len(found.Accounts) != 1 || len(found.Accounts[0].Emojis) != 1 ||
		found.Accounts[0].Emojis[0].URL != "http://"+remote.domain+"/emoji/party.gif" {
		t.Fatalf("mallory: %+v", found.Accounts)
	}
}

// TestRemoteMediaCached: the image of a post from another server, and its custom
// preview (the Document's icon), are fetched and kept off the request path: its url
// and preview_url become this server's, served without EXIF, and remote_url stays
// where its server serves it.
func TestRemoteMediaCached(t *testing.T) {
	a, b, alice, bob := pair(t)
	followRemote(t, b, bob, resolve(t, b, bob, "@alice@"+a.Nodes[0].Config().Domain))
	img, err := os.ReadFile("../mediaproc/testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	var up struct {
		ID  string
		URL string
	}
	cover, err := os.ReadFile("../mediaproc/testdata/gps.png")
	if err != nil {
		t.Fatal(err)
	}
	a.Must(a.DoMultipartFiles("POST", "/api/v1/media", alice.Token, url.Values{"description": {"a beach"}},
		testrig.File{Field: "file", Name: "beach.jpg", Data: img}, testrig.File{Field: "thumbnail", Name: "cover.png", Data: cover}),
		200).JSON(t, &up)
	var posted struct{ ID, URI string }
	a.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"look"}, "media_ids[]": {up.ID}}), 200).JSON(t, &posted)
	// The custom preview goes with it as the Document's icon.
	var note map[string]any
	a.Must(a.DoWithHeader("GET", strings.TrimPrefix(posted.URI, "http://"+a.Nodes[0].Config().Domain), "", nil,
		"Accept", "application/activity+json"), 200).JSON(t, &note)
	if icon := testrig.At[string](t, note, "attachment", 0, "icon", "url"); !strings.Contains(icon, "/thumbnail/") {
		t.Fatalf("the Document's icon is %s", icon)
	}

	type attachment struct {
		URL, PreviewURL, RemoteURL *string
		Description                *string
	}
	beta := "http://" + b.Nodes[0].Config().Domain + "/system/cache/"
	var got attachment
	testrig.Eventually(t, "alice's image cached on beta", func() error {
		var home []struct {
			URI              string `json:"uri"`
			MediaAttachments []struct {
				URL         *string `json:"url"`
				PreviewURL  *string `json:"preview_url"`
				RemoteURL   *string `json:"remote_url"`
				Description *string `json:"description"`
			} `json:"media_attachments"`
		}
		b.Must(bob.Do("GET", "/api/v1/timelines/home", nil), 200).JSON(t, &home)
		for _, st := range home {
			if st.URI == posted.URI && len(st.MediaAttachments) == 1 {
				m := st.MediaAttachments[0]
				got = attachment{URL: m.URL, PreviewURL: m.PreviewURL, RemoteURL: m.RemoteURL, Description: m.Description}
				if m.URL != nil && strings.HasPrefix(*m.URL, beta) {
					return nil
				}
			}
		}
		return fmt.Errorf("home %+v", home)
	})
	if got.RemoteURL == nil || *got.RemoteURL != up.URL || got.PreviewURL == nil || !strings.HasPrefix(*got.PreviewURL, beta) ||
		got.Description == nil || *got.Description != "a beach" {
		t.Fatalf("cached attachment on beta %+v (alice's file %s)", got, up.URL)
	}
	if !strings.Contains(*got.PreviewURL, "/thumbnail/") {
		t.Fatalf("the preview on beta is not alice's custom one: %s", *got.PreviewURL)
	}
	for u, typ := range map[string]string{*got.URL: "image/jpeg", *got.PreviewURL: "image/png"} {
		p, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		f := b.Do("GET", p.Path, "", nil)
		if f.Code != 200 || f.Header.Get("Content-Type") != typ || bytes.Contains(f.Body, []byte("Exif")) {
			t.Fatalf("beta serves %s: %d %s", p.Path, f.Code, f.Header.Get("Content-Type"))
		}
	}

	// An edit that describes it anew reaches beta, which keeps the files it cached.
	var edited struct{ ID string }
	a.Must(alice.Do("PUT", "/api/v1/statuses/"+posted.ID, url.Values{"status": {"look again"},
		"media_ids[]": {up.ID}, "media_attributes[][id]": {up.ID}, "media_attributes[][description]": {"a beach at noon"}}),
		200).JSON(t, &edited)
	testrig.Eventually(t, "the new description on beta", func() error {
		var st []struct {
			URI              string `json:"uri"`
			MediaAttachments []struct {
				URL         *string `json:"url"`
				Description *string `json:"description"`
			} `json:"media_attachments"`
		}
		b.Must(bob.Do("GET", "/api/v1/timelines/home", nil), 200).JSON(t, &st)
		for _, s := range st {
			if s.URI == posted.URI && len(s.MediaAttachments) == 1 && s.MediaAttachments[0].Description != nil &&
				*s.MediaAttachments[0].Description == "a beach at noon" {
				if u := s.MediaAttachments[0].URL; u == nil || *u != *got.URL {
					return fmt.Errorf("the edited attachment is at %v, was %s", u, *got.URL)
				}
				return nil
			}
		}
		return fmt.Errorf("home %+v", st)
	})
}
