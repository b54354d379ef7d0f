package api_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// attachmentEntity is Mastodon's MediaAttachment, as the tests read it.
type attachmentEntity struct {
	ID          string  `json:"id"`
	Type        string  `json:"type"`
	URL         *string `json:"url"`
	PreviewURL  *string `json:"preview_url"`
	Description *string `json:"description"`
	Blurhash    *string `json:"blurhash"`
	Meta        struct {
		Original struct{ Width, Height int } `json:"original"`
		Small    struct{ Width, Height int } `json:"small"`
		Focus    *struct{ X, Y float64 }     `json:"focus"`
	} `json:"meta"`
}

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../mediaproc/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func upload(c *testrig.Cluster, u *testrig.User, path, name string, file []byte, fields url.Values) *testrig.Response {
	return c.DoMultipart("POST", path, u.Token, fields, "file", name, file)
}

// processed waits until GET /api/v1/media/:id answers 200 (206 while processing).
// Transcoding is real work of ffmpeg's, queued behind the test's other uploads, so
// it is given six times the usual wait: a busy machine took over 10 s for a video.
func processed(t *testing.T, c *testrig.Cluster, u *testrig.User, id string) attachmentEntity {
	t.Helper()
	var a attachmentEntity
	testrig.EventuallyWithin(t, 6*testrig.Wait(), "attachment "+id+" processed", func() error {
		r := u.On(c.With(t)).Do("GET", "/api/v1/media/"+id, nil)
		if r.Code != 200 {
			return fmt.Errorf("GET answers %d: %s", r.Code, r.Body)
		}
		r.JSON(t, &a)
		return nil
	})
	return a
}

// fetch reads a media URL as a browser would, with an optional Range.
func fetch(t *testing.T, c *testrig.Cluster, rawURL, rng string) *testrig.Response {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("GET", c.URL()+u.Path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	return c.Send(req, "")
}

// TestMediaUploadAndPost: an image uploaded through /api/v2/media is processed off
// the request path, its GPS tags gone, described and focused, posted, rendered on
// the status and in timelines, and served by range.
func TestMediaUploadAndPost(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	bob.Follow(alice)
	r := upload(c, alice, "/api/v2/media", "holiday.jpg", testdata(t, "gps.jpg"),
		url.Values{"description": {"a beach"}, "focus": {"0.5,-0.25"}})
	if r.Code != 200 && r.Code != 202 {
		t.Fatalf("upload: %d %s", r.Code, r.Body)
	}
	var up attachmentEntity
	r.JSON(t, &up)
	a := processed(t, c, alice, up.ID)
	if a.Type != "image" || a.URL == nil || a.PreviewURL == nil || a.Blurhash == nil || *a.Description != "a beach" {
		t.Fatalf("attachment %+v", a)
	}
	if a.Meta.Original.Width == 0 || a.Meta.Small.Width == 0 || a.Meta.Focus == nil || a.Meta.Focus.X != 0.5 {
		t.Fatalf("meta %+v", a.Meta)
	}
	file := fetch(t, c, *a.URL, "")
	if file.Code != 200 || file.Header.Get("Content-Type") != "image/jpeg" || len(file.Body) == 0 {
		t.Fatalf("file: %d %s, %d bytes", file.Code, file.Header.Get("Content-Type"), len(file.Body))
	}
	if bytes.Contains(file.Body, []byte("Exif")) || bytes.Contains(file.Body, []byte("GPS")) {
		t.Fatal("the served file keeps its EXIF")
	}
	part := fetch(t, c, *a.URL, "bytes=0-9")
	if part.Code != 206 || !bytes.Equal(part.Body, file.Body[:10]) ||
		part.Header.Get("Content-Range") != fmt.Sprintf("bytes 0-9/%d", len(file.Body)) {
		t.Fatalf("range: %d %q %q", part.Code, part.Header.Get("Content-Range"), part.Body)
	}
	var changed attachmentEntity
	c.Must(alice.Do("PUT", "/api/v1/media/"+a.ID, url.Values{"description": {"a sunny beach"}}), 200).JSON(t, &changed)
	if *changed.Description != "a sunny beach" {
		t.Fatalf("description %q", *changed.Description)
	}
	c.Must(bob.Do("GET", "/api/v1/media/"+a.ID, nil), 404) // not bob's

	var st struct {
		ID               string             `json:"id"`
		MediaAttachments []attachmentEntity `json:"media_attachments"`
	}
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"media_ids[]": {a.ID}}), 200).JSON(t, &st)
	if len(st.MediaAttachments) != 1 || st.MediaAttachments[0].ID != a.ID {
		t.Fatalf("posted with %+v", st.MediaAttachments)
	}
	testrig.Eventually(t, "the attachment in bob's home", func() error {
		for _, s := range bob.Home(nil) {
			if s.ID == st.ID {
				return nil
			}
		}
		return fmt.Errorf("not yet")
	})
	var only []struct{ ID string }
	c.Must(c.Do("GET", "/api/v1/accounts/"+alice.ID+"/statuses", "", url.Values{"only_media": {"true"}}), 200).JSON(t, &only)
	if len(only) != 1 || only[0].ID != st.ID {
		t.Fatalf("only_media: %v", only)
	}
	// Attached, it cannot be deleted, nor posted again on another status.
	c.Must(alice.Do("DELETE", "/api/v1/media/"+a.ID, nil), 422)
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"media_ids[]": {a.ID}, "status": {"again"}}), 422)
	// Deleted, the status lets go of it: a redraft posts it again.
	c.Must(alice.Do("DELETE", "/api/v1/statuses/"+st.ID, nil), 200)
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"media_ids[]": {a.ID}, "status": {"redrafted"}}), 200)
}

func TestMediaRefusals(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"notes.txt", []byte("not an image at all"), "File content type is invalid, File is invalid"},
		{"bomb.png", testdata(t, "bomb.png"), "File could not be processed"},
		{"truncated.jpg", testdata(t, "truncated.jpg"), "File could not be processed"},
	} {
		r := c.Must(upload(c, alice, "/api/v1/media", tc.name, tc.file, nil), 422)
		if got := r.Object(t)["error"]; got != "Validation failed: "+tc.want {
			t.Errorf("%s: %v, want %q", tc.name, got, tc.want)
		}
	}
	c.Must(alice.Do("POST", "/api/v1/media", url.Values{"description": {"no file"}}), 422)
	long := strings.Repeat("é", 1501)
	c.Must(upload(c, alice, "/api/v1/media", "a.png", testdata(t, "alpha.png"), url.Values{"description": {long}}), 422)
	// Not processed, not attachable; not alice's, not attachable; a poll and media, no.
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"media_ids[]": {"12345"}, "status": {"x"}}), 422)
	var a attachmentEntity
	c.Must(upload(c, alice, "/api/v1/media", "a.png", testdata(t, "alpha.png"), nil), 200).JSON(t, &a)
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"media_ids[]": {a.ID}, "status": {"x"},
		"poll[options][]": {"a", "b"}, "poll[expires_in]": {"600"}}), 422)
	c.Must(alice.Do("DELETE", "/api/v1/media/"+a.ID, nil), 200)
	c.Must(alice.Do("GET", "/api/v1/media/"+a.ID, nil), 404)
	if r := fetch(t, c, c.URL()+"/system/media_attachments/files/../../etc/passwd", ""); r.Code != 404 {
		t.Fatalf("path out of the store: %d", r.Code)
	}
}

// TestAnimatedGIFBecomesGIFV: an animated GIF is served as an MP4, as Mastodon does.
func TestAnimatedGIFBecomesGIFV(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	var a attachmentEntity
	c.Must(upload(c, alice, "/api/v1/media", "anim.gif", testdata(t, "animated.gif"), nil), 200).JSON(t, &a)
	if a.Type != "gifv" || a.URL == nil || !strings.HasSuffix(*a.URL, ".mp4") {
		t.Fatalf("animated GIF: %+v", a)
	}
	if f := fetch(t, c, *a.URL, ""); f.Code != 200 || f.Header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("gifv file: %d %s", f.Code, f.Header.Get("Content-Type"))
	}
}

// TestLargeUpload: an upload may be larger than other requests' bodies (1 MiB).
func TestLargeUpload(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for i := range img.Pix {
		img.Pix[i] = byte(rand.N(256))
	}
	img.Set(0, 0, color.RGBA{A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 3<<20/2 {
		t.Fatalf("the noise compressed to %d bytes", buf.Len())
	}
	var a attachmentEntity
	c.Must(upload(c, alice, "/api/v1/media", "noise.png", buf.Bytes(), nil), 200).JSON(t, &a)
	if a.Meta.Original.Width != 800 {
		t.Fatalf("large upload: %+v", a)
	}
}

// TestAvatarAndHeader: pictures uploaded with a profile update are cut to Mastodon's
// sizes, served, shown on the account and in its actor document, and replaced.
func TestAvatarAndHeader(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	photo := testdata(t, "orient-6.jpg")
	r := c.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token,
		url.Values{"display_name": {"Alice"}}, "avatar", "me.jpg", photo)
	var me struct {
		DisplayName string `json:"display_name"`
		Avatar      string `json:"avatar"`
		Header      string `json:"header"`
	}
	c.Must(r, 200).JSON(t, &me)
	if me.DisplayName != "Alice" || !strings.Contains(me.Avatar, "/system/accounts/avatars/") {
		t.Fatalf("after the avatar: %+v", me)
	}
	size := func(u string) (int, int) {
		f := fetch(t, c, u, "")
		if f.Code != 200 {
			t.Fatalf("%s: %d", u, f.Code)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(f.Body))
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		return cfg.Width, cfg.Height
	}
	if w, h := size(me.Avatar); w != 400 || h != 400 {
		t.Fatalf("avatar %dx%d", w, h)
	}
	c.Must(c.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "header", "h.png",
		testdata(t, "alpha.png")), 200).JSON(t, &me)
	if w, h := size(me.Header); w != 1500 || h != 500 {
		t.Fatalf("header %dx%d", w, h)
	}
	first := me.Avatar
	c.Must(c.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "avatar", "again.png",
		testdata(t, "alpha.png")), 200).JSON(t, &me)
	if me.Avatar == first || fetch(t, c, first, "").Code != 404 {
		t.Fatalf("the replaced avatar %s is still served (now %s)", first, me.Avatar)
	}
	var actor struct {
		Icon struct{ URL, MediaType string } `json:"icon"`
	}
	c.Must(c.DoWithHeader("GET", "/users/alice", "", nil, "Accept", "application/activity+json"), 200).JSON(t, &actor)
	if actor.Icon.URL != me.Avatar || actor.Icon.MediaType != "image/png" {
		t.Fatalf("actor icon %+v, avatar %s", actor.Icon, me.Avatar)
	}
	r = c.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "avatar", "x.txt", []byte("text"))
	if got := c.Must(r, 422).Object(t)["error"]; got != "Validation failed: Avatar file content type is invalid, Avatar is invalid" {
		t.Fatalf("a text avatar: %v", got)
	}
}

// TestRemovePictures: DELETE /api/v1/profile/avatar and /header bring back the
// defaults, remove the files, send the actor without them, and answer the same when
// there is nothing to remove.
func TestRemovePictures(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	var me struct {
		Avatar string `json:"avatar"`
		Header string `json:"header"`
		Source struct {
			Privacy string `json:"privacy"`
		} `json:"source"`
	}
	c.Must(c.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "avatar", "a.png",
		testdata(t, "alpha.png")), 200)
	c.Must(c.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "header", "h.png",
		testdata(t, "alpha.png")), 200).JSON(t, &me)
	avatar, header := me.Avatar, me.Header

	c.Must(alice.Do("DELETE", "/api/v1/profile/avatar", nil), 200).JSON(t, &me)
	if me.Avatar == avatar || strings.Contains(me.Avatar, "/system/accounts/avatars/") || me.Header != header || me.Source.Privacy == "" {
		t.Fatalf("after removing the avatar: %+v (was %s)", me, avatar)
	}
	if code := fetch(t, c, avatar, "").Code; code != 404 {
		t.Errorf("the removed avatar is served: %d", code)
	}
	var actor map[string]any
	c.Must(c.DoWithHeader("GET", "/users/alice", "", nil, "Accept", "application/activity+json"), 200).JSON(t, &actor)
	if _, ok := actor["icon"]; ok {
		t.Errorf("the actor still has an icon: %v", actor["icon"])
	}
	if _, ok := actor["image"]; !ok {
		t.Errorf("the actor lost its header")
	}

	c.Must(alice.Do("DELETE", "/api/v1/profile/header", nil), 200).JSON(t, &me)
	if strings.Contains(me.Header, "/system/accounts/headers/") || fetch(t, c, header, "").Code != 404 {
		t.Fatalf("after removing the header: %+v", me)
	}
	again := me
	c.Must(alice.Do("DELETE", "/api/v1/profile/header", nil), 200).JSON(t, &me)
	if me != again {
		t.Errorf("removing nothing changed the account: %+v, then %+v", again, me)
	}
	c.Must(c.Do("DELETE", "/api/v1/profile/avatar", "", nil), 401)
}

// TestProfileAPI: GET and PATCH /api/v1/profile (Mastodon 4.6) read and set the
// profile's sources, the pictures' descriptions, the tabs and attribution domains,
// which update_credentials also sets and the actor publishes.
func TestProfileAPI(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	type profile struct {
		DisplayName        string   `json:"display_name"`
		Note               string   `json:"note"`
		Avatar             *string  `json:"avatar"`
		AvatarDescription  string   `json:"avatar_description"`
		ShowMedia          bool     `json:"show_media"`
		ShowMediaReplies   bool     `json:"show_media_replies"`
		ShowFeatured       bool     `json:"show_featured"`
		AttributionDomains []string `json:"attribution_domains"`
		FeaturedTags       []struct {
			Name string `json:"name"`
		} `json:"featured_tags"`
	}
	var p profile
	c.Must(alice.Do("GET", "/api/v1/profile", nil), 200).JSON(t, &p)
	if p.Avatar != nil || !p.ShowMedia || !p.ShowMediaReplies || !p.ShowFeatured || p.AttributionDomains == nil {
		t.Fatalf("a new profile: %+v", p)
	}

	c.Must(alice.Do("POST", "/api/v1/featured_tags", url.Values{"name": {"cats"}}), 200)
	c.Must(c.DoMultipart("PATCH", "/api/v1/profile", alice.Token, url.Values{"note": {"hello @nobody #cats"},
		"avatar_description": {"a cat"}, "show_media": {"false"},
		"attribution_domains[]": {"https://Blog.example.com", "*.news.example", "blog.example.com", " "}},
		"avatar", "a.png", testdata(t, "alpha.png")), 200).JSON(t, &p)
	if p.Note != "hello @nobody #cats" || p.Avatar == nil || p.AvatarDescription != "a cat" || p.ShowMedia || !p.ShowMediaReplies ||
		!slices.Equal(p.AttributionDomains, []string{"blog.example.com", "news.example"}) ||
		len(p.FeaturedTags) != 1 || p.FeaturedTags[0].Name != "cats" {
		t.Fatalf("after PATCH: %+v", p)
	}
	if again := c.Must(alice.Do("GET", "/api/v1/profile", nil), 200); !strings.Contains(string(again.Body), `"avatar_description":"a cat"`) {
		t.Errorf("GET after PATCH: %s", again.Body)
	}
	var acc struct {
		AvatarDescription string `json:"avatar_description"`
		ShowMedia         bool   `json:"show_media"`
		ShowFeatured      bool   `json:"show_featured"`
	}
	c.Must(c.Do("GET", "/api/v1/accounts/"+alice.ID, "", nil), 200).JSON(t, &acc)
	if acc.AvatarDescription != "a cat" || acc.ShowMedia || !acc.ShowFeatured {
		t.Errorf("the account entity: %+v", acc)
	}

	for _, bad := range []url.Values{{"attribution_domains[]": {"not a domain"}}, {"avatar_description": {strings.Repeat("x", 1501)}}} {
		c.Must(alice.Do("PATCH", "/api/v1/profile", bad), 422)
	}

	// update_credentials sets them too, and shows them in its source.
	var me struct {
		Source struct {
			AttributionDomains []string `json:"attribution_domains"`
		} `json:"source"`
	}
	c.Must(alice.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"attribution_domains[]": {"example.org"}}), 200).JSON(t, &me)
	if !slices.Equal(me.Source.AttributionDomains, []string{"example.org"}) {
		t.Errorf("update_credentials' source: %+v", me.Source)
	}
	var actor struct {
		AttributionDomains []string `json:"attributionDomains"`
		Icon               struct {
			Name string `json:"name"`
		} `json:"icon"`
	}
	c.Must(c.DoWithHeader("GET", "/users/alice", "", nil, "Accept", "application/activity+json"), 200).JSON(t, &actor)
	if !slices.Equal(actor.AttributionDomains, []string{"example.org"}) || actor.Icon.Name != "a cat" {
		t.Errorf("the actor: %+v", actor)
	}
	c.Must(c.Do("GET", "/api/v1/profile", "", nil), 401)
}
