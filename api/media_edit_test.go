package api_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// mediaStatus is a status with its attachments, as these tests read it.
type mediaStatus struct {
	ID               string             `json:"id"`
	MediaAttachments []attachmentEntity `json:"media_attachments"`
}

// uploaded uploads a file through /api/v1/media (processed when it answers).
func uploaded(t *testing.T, c *testrig.Cluster, u *testrig.User, name string, file []byte, fields url.Values) attachmentEntity {
	t.Helper()
	var a attachmentEntity
	c.Must(upload(c, u, "/api/v1/media", name, file, fields), 200).JSON(t, &a)
	return a
}

// TestEditMediaAttributes: an edit changes the description and focus of the
// attachments the status keeps (media_attributes[], as a form's parallel lists, as
// indexed fields and as JSON); attributes of an attachment it does not carry are
// ignored, and a description too long refuses the edit.
func TestEditMediaAttributes(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	one := uploaded(t, c, alice, "one.jpg", testdata(t, "gps.jpg"), url.Values{"description": {"first"}})
	two := uploaded(t, c, alice, "two.png", testdata(t, "gps.png"), url.Values{"description": {"second"}})
	var st mediaStatus
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"pictures"}, "media_ids[]": {one.ID, two.ID}}), 200).JSON(t, &st)

	c.Must(alice.Do("PUT", "/api/v1/statuses/"+st.ID, url.Values{"status": {"pictures, described"},
		"media_ids[]": {one.ID, two.ID}, "media_attributes[][id]": {two.ID}, "media_attributes[][description]": {"second, better"},
		"media_attributes[][focus]": {"0.5,-0.5"}}), 200).JSON(t, &st)
	if len(st.MediaAttachments) != 2 || *st.MediaAttachments[0].Description != "first" ||
		*st.MediaAttachments[1].Description != "second, better" || st.MediaAttachments[1].Meta.Focus == nil ||
		st.MediaAttachments[1].Meta.Focus.Y != -0.5 {
		t.Fatalf("after the form edit: %+v", st.MediaAttachments)
	}
	c.Must(alice.Do("PUT", "/api/v1/statuses/"+st.ID, url.Values{"status": {"pictures"}, "media_ids[]": {one.ID, two.ID},
		"media_attributes[0][id]": {one.ID}, "media_attributes[0][description]": {"first, indexed"}}), 200).JSON(t, &st)
	if *st.MediaAttachments[0].Description != "first, indexed" || *st.MediaAttachments[1].Description != "second, better" {
		t.Fatalf("after the indexed edit: %+v", st.MediaAttachments)
	}

	// JSON: two is dropped, so what is asked of it is ignored; one is described again.
	c.Must(c.DoJSON("PUT", "/api/v1/statuses/"+st.ID, alice.Token, map[string]any{"status": "one picture",
		"media_ids": []string{one.ID}, "media_attributes": []map[string]string{
			{"id": one.ID, "description": "only one"}, {"id": two.ID, "description": "ignored"}}}), 200).JSON(t, &st)
	if len(st.MediaAttachments) != 1 || *st.MediaAttachments[0].Description != "only one" {
		t.Fatalf("after the JSON edit: %+v", st.MediaAttachments)
	}
	if a := processed(t, c, alice, two.ID); *a.Description != "second, better" {
		t.Fatalf("a dropped attachment was changed: %q", *a.Description)
	}

	long := strings.Repeat("x", 1501)
	c.Must(alice.Do("PUT", "/api/v1/statuses/"+st.ID, url.Values{"status": {"too long"},
		"media_attributes[][id]": {one.ID}, "media_attributes[][description]": {long}}), 422)
	c.Must(alice.Do("GET", "/api/v1/statuses/"+st.ID, nil), 200).JSON(t, &st)
	if *st.MediaAttachments[0].Description != "only one" {
		t.Fatalf("a refused edit changed the attachment: %+v", st.MediaAttachments)
	}

	// The history shows each version's attachments as they were described then.
	var history []struct {
		MediaAttachments []attachmentEntity `json:"media_attachments"`
	}
	c.Must(alice.Do("GET", "/api/v1/statuses/"+st.ID+"/history", nil), 200).JSON(t, &history)
	var got [][]string
	for _, v := range history {
		var descs []string
		for _, a := range v.MediaAttachments {
			descs = append(descs, *a.Description)
		}
		got = append(got, descs)
	}
	want := [][]string{{"first", "second"}, {"first", "second, better"}, {"first, indexed", "second, better"}, {"only one"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("history of the attachments: %q, want %q", got, want)
	}

	// An empty list in JSON is a list given: the edit removes every attachment.
	c.Must(c.DoJSON("PUT", "/api/v1/statuses/"+st.ID, alice.Token, map[string]any{"status": "no pictures",
		"media_ids": []string{}}), 200).JSON(t, &st)
	if len(st.MediaAttachments) != 0 {
		t.Fatalf("media_ids [] kept %+v", st.MediaAttachments)
	}
}

// colorRE is a colour of meta.colors.
var colorRE = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// TestMediaThumbnail: a custom preview given with an upload (an image here, and audio,
// which has none of its own) or later through PUT /api/v1/media/:id is the
// attachment's preview_url and blurhash (and an audio's player colours, meta.colors),
// served without its metadata; the one it replaces is gone; a thumbnail that is no
// image is refused.
func TestMediaThumbnail(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	audio := sampleAudio(t, "tone.ogg", "-c:a", "libvorbis")
	r := c.DoMultipartFiles("POST", "/api/v2/media", alice.Token, url.Values{"description": {"a tone"}},
		testrig.File{Field: "file", Name: "tone.ogg", Data: audio},
		testrig.File{Field: "thumbnail", Name: "cover.jpg", Data: testdata(t, "gps.jpg")})
	if r.Code != 200 && r.Code != 202 {
		t.Fatalf("upload: %d %s", r.Code, r.Body)
	}
	var up attachmentEntity
	r.JSON(t, &up)
	a, meta := processedAV(t, c, alice, up.ID)
	if a.Type != "audio" || a.PreviewURL == nil || a.Blurhash == nil || meta.Small == nil || meta.Small.Width == 0 ||
		meta.Original.Duration == 0 || meta.Colors == nil || !colorRE.MatchString(meta.Colors.Background) ||
		!colorRE.MatchString(meta.Colors.Foreground) || !colorRE.MatchString(meta.Colors.Accent) {
		t.Fatalf("audio with a thumbnail: %+v %+v", a, meta)
	}
	cover := fetch(t, c, *a.PreviewURL, "")
	if cover.Code != 200 || cover.Header.Get("Content-Type") != "image/jpeg" || strings.Contains(string(cover.Body), "GPS") {
		t.Fatalf("thumbnail: %d %s", cover.Code, cover.Header.Get("Content-Type"))
	}

	var changed attachmentEntity
	c.Must(c.DoMultipart("PUT", "/api/v1/media/"+a.ID, alice.Token, url.Values{"description": {"a tone, new cover"}},
		"thumbnail", "cover.png", testdata(t, "gps.png")), 200).JSON(t, &changed)
	if changed.PreviewURL == nil || *changed.PreviewURL == *a.PreviewURL || *changed.Description != "a tone, new cover" {
		t.Fatalf("after a new thumbnail: %+v", changed)
	}
	if r := fetch(t, c, *changed.PreviewURL, ""); r.Code != 200 || r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("new thumbnail: %d %s", r.Code, r.Header.Get("Content-Type"))
	}
	if r := fetch(t, c, *a.PreviewURL, ""); r.Code != 404 {
		t.Fatalf("replaced thumbnail: %d", r.Code)
	}
	c.Must(c.DoMultipart("PUT", "/api/v1/media/"+a.ID, alice.Token, nil, "thumbnail", "t.txt", []byte("not a picture")), 422)

	img := uploaded(t, c, alice, "photo.jpg", testdata(t, "gps.jpg"), nil)
	withThumb := processed(t, c, alice, img.ID)
	c.Must(c.DoMultipart("PUT", "/api/v1/media/"+img.ID, alice.Token, nil, "thumbnail", "cover.png", testdata(t, "gps.png")), 200).JSON(t, &changed)
	if *changed.PreviewURL == *withThumb.PreviewURL || *changed.URL != *withThumb.URL {
		t.Fatalf("image with a thumbnail: %+v, was %+v", changed, withThumb)
	}
}
