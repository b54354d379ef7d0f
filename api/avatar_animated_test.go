package api_test

import (
	"bytes"
	"image"
	"image/gif"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestAnimatedAvatarAndHeader: an animated GIF uploaded as avatar or header stays
// animated at Mastodon's size (avatar, header), its first frame a still PNG
// (avatar_static, header_static), on the account, the profile and the actor; a
// replaced animated avatar leaves with its still picture.
func TestAnimatedAvatarAndHeader(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	anim := testdata(t, "animated.gif")
	type pictures struct {
		Avatar       string `json:"avatar"`
		AvatarStatic string `json:"avatar_static"`
		Header       string `json:"header"`
		HeaderStatic string `json:"header_static"`
	}
	var me pictures
	c.Must(c.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "avatar", "a.gif", anim), 200)
	c.Must(c.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "header", "h.gif", anim),
		200).JSON(t, &me)
	frames := func(u string, w, h int) int {
		t.Helper()
		f := fetch(t, c, u, "")
		if f.Code != 200 {
			t.Fatalf("%s: %d", u, f.Code)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(f.Body))
		if err != nil || cfg.Width != w || cfg.Height != h {
			t.Fatalf("%s: %s %dx%d, %v", u, format, cfg.Width, cfg.Height, err)
		}
		if format != "gif" {
			return 1
		}
		g, err := gif.DecodeAll(bytes.NewReader(f.Body))
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		return len(g.Image)
	}
	for _, p := range []struct {
		what, animated, still string
		w, h                  int
	}{{"avatar", me.Avatar, me.AvatarStatic, 400, 400}, {"header", me.Header, me.HeaderStatic, 1500, 500}} {
		if n := frames(p.animated, p.w, p.h); n != 3 {
			t.Errorf("%s %s has %d frames, want 3", p.what, p.animated, n)
		}
		if n := frames(p.still, p.w, p.h); n != 1 || !strings.HasSuffix(p.still, ".png") || p.still == p.animated {
			t.Errorf("%s static %s has %d frames", p.what, p.still, n)
		}
	}
	var profile, account pictures
	c.Must(alice.Do("GET", "/api/v1/profile", nil), 200).JSON(t, &profile)
	c.Must(c.Do("GET", "/api/v1/accounts/"+alice.ID, "", nil), 200).JSON(t, &account)
	if profile != me || account != me {
		t.Fatalf("pictures: update %+v, profile %+v, account %+v", me, profile, account)
	}
	var actor struct {
		Icon struct{ URL, MediaType string } `json:"icon"`
	}
	c.Must(c.DoWithHeader("GET", "/users/alice", "", nil, "Accept", "application/activity+json"), 200).JSON(t, &actor)
	if actor.Icon.URL != me.Avatar || actor.Icon.MediaType != "image/gif" {
		t.Fatalf("actor icon %+v, avatar %s", actor.Icon, me.Avatar)
	}

	var now pictures
	c.Must(c.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "avatar", "still.gif",
		testdata(t, "static.gif")), 200).JSON(t, &now)
	if now.Avatar != now.AvatarStatic || !strings.HasSuffix(now.Avatar, ".png") {
		t.Fatalf("a still GIF avatar: %+v", now)
	}
	for _, u := range []string{me.Avatar, me.AvatarStatic} {
		if code := fetch(t, c, u, "").Code; code != 404 {
			t.Errorf("the replaced %s is served: %d", u, code)
		}
	}
}
