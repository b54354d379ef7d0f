package activitypub_test

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestRejectMediaDomain: beta blocks alpha with reject_media only; alice's avatar is
// not linked on beta, her custom emoji not recorded, and her image post reaches
// bob's home with its attachment kept as a link of unknown type (URL and
// description, no preview, blurhash or size), while her text arrives as usual.
func TestRejectMediaDomain(t *testing.T) {
	a, b, alice, bob := pair(t)
	_, tok := b.RegisterModerator("mod")
	b.Must(b.Do("POST", "/api/v1/admin/domain_blocks", tok, url.Values{"domain": {"alpha.localhost"},
		"severity": {"noop"}, "reject_media": {"true"}}), 200)
	img, err := os.ReadFile("../mediaproc/testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	a.Must(a.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "avatar", "me.jpg", img), 200)
	if err := a.Nodes[0].AdminAddEmoji(t.Context(), "blobcat", "../mediaproc/testdata/alpha.png", ""); err != nil {
		t.Fatal(err)
	}
	aliceOnB := resolve(t, b, bob, "@alice@"+a.Nodes[0].Config().Domain)
	if avatar, _ := bob.Do("GET", "/api/v1/accounts/"+aliceOnB, nil).Object(t)["avatar"].(string); !strings.HasSuffix(avatar, "/missing.png") {
		t.Fatalf("alice's avatar on beta: %s", avatar)
	}
	followRemote(t, b, bob, aliceOnB)
	var up struct{ ID string }
	a.Must(a.DoMultipart("POST", "/api/v1/media", alice.Token, url.Values{"description": {"a beach"}}, "file", "beach.jpg", img), 200).JSON(t, &up)
	var posted struct{ URI string }
	a.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"look :blobcat:"}, "media_ids[]": {up.ID}}), 200).JSON(t, &posted)

	var got, post map[string]any
	testrig.Eventually(t, "alice's post on beta", func() error {
		for _, st := range b.Must(bob.Do("GET", "/api/v1/timelines/home", nil), 200).List(t) {
			if list, _ := st["media_attachments"].([]any); st["uri"] == posted.URI && len(list) == 1 {
				got, post = list[0].(map[string]any), st
				return nil
			}
		}
		return fmt.Errorf("not in bob's home yet")
	})
	if emojis, _ := post["emojis"].([]any); len(emojis) != 0 {
		t.Fatalf("emojis on beta: %v", emojis)
	}
	remote, _ := got["remote_url"].(string)
	if got["type"] != "unknown" || remote == "" || got["url"] != remote || got["preview_url"] != nil ||
		got["blurhash"] != nil || got["description"] != "a beach" {
		t.Fatalf("attachment on beta: %v", got)
	}
	if meta, _ := got["meta"].(map[string]any); meta["original"] != nil {
		t.Fatalf("attachment meta on beta: %v", meta)
	}
}
