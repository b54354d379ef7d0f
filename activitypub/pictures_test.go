package activitypub_test

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestRemotePicturesCached: beta keeps copies of alice's avatar and header and
// serves them from its own URLs (the static one beside the animated avatar); when she
// changes her avatar, beta fetches the new one and deletes the copy it replaces.
func TestRemotePicturesCached(t *testing.T) {
	a, b, alice, bob := pair(t)
	read := func(name string) []byte {
		data, err := os.ReadFile("../mediaproc/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	a.Must(a.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "avatar", "a.gif", read("animated.gif")), 200)
	a.Must(a.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "header", "h.png", read("alpha.png")), 200)

	aliceOnB := resolve(t, b, bob, "@alice@"+a.Nodes[0].Config().Domain)
	followRemote(t, b, bob, aliceOnB)
	type pictures struct {
		Avatar       string `json:"avatar"`
		AvatarStatic string `json:"avatar_static"`
		Header       string `json:"header"`
	}
	betaFile := func(u, prefix string) error {
		p, err := url.Parse(u)
		if err != nil || p.Host != b.Nodes[0].Config().Domain || !strings.HasPrefix(p.Path, "/system/cache/accounts/"+prefix) {
			return fmt.Errorf("%s is not a copy on beta", u)
		}
		if f := b.Do("GET", p.Path, "", nil); f.Code != 200 || !strings.HasPrefix(f.Header.Get("Content-Type"), "image/") {
			return fmt.Errorf("%s answers %d %s", u, f.Code, f.Header.Get("Content-Type"))
		}
		return nil
	}
	var first pictures
	testrig.Eventually(t, "alice's pictures kept on beta", func() error {
		b.Must(bob.Do("GET", "/api/v1/accounts/"+aliceOnB, nil), 200).JSON(t, &first)
		if err := betaFile(first.Avatar, "avatars/"); err != nil {
			return err
		}
		if !strings.HasSuffix(first.Avatar, ".gif") || !strings.HasSuffix(first.AvatarStatic, ".png") {
			return fmt.Errorf("avatar %s, static %s", first.Avatar, first.AvatarStatic)
		}
		if err := betaFile(first.AvatarStatic, "avatars/"); err != nil {
			return err
		}
		return betaFile(first.Header, "headers/")
	})

	a.Must(a.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "avatar", "a.jpg", read("gps.jpg")), 200)
	testrig.Eventually(t, "alice's new avatar kept on beta", func() error {
		var now pictures
		b.Must(bob.Do("GET", "/api/v1/accounts/"+aliceOnB, nil), 200).JSON(t, &now)
		if now.Avatar == first.Avatar || now.Header != first.Header {
			return fmt.Errorf("avatar %s, header %s", now.Avatar, now.Header)
		}
		return betaFile(now.Avatar, "avatars/")
	})
	// The copies replaced are deleted just after the new one is recorded.
	testrig.Eventually(t, "the replaced copies deleted on beta", func() error {
		for _, old := range []string{first.Avatar, first.AvatarStatic} {
			p, _ := url.Parse(old)
			if f := b.Do("GET", p.Path, "", nil); f.Code != 404 {
				return fmt.Errorf("the replaced copy %s answers %d", old, f.Code)
			}
		}
		return nil
	})
}
