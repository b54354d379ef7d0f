package node_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// TestBackupAndRestore: a backup taken through the ops endpoint while the node serves
// holds what was posted before it and nothing after; restored into a new data
// directory, it serves the same accounts, tokens and posts.
func TestBackupAndRestore(t *testing.T) {
	if testrig.Clustered() {
		t.Skip("the cluster shape is backed up with its engines' own tools")
	}
	c := testrig.New(t, testrig.Config(func(c *node.Config) { c.Ops = "127.0.0.1:0" }))
	alice := c.Register("alice")
	before := alice.Post("before the backup")["id"].(string)
	var me struct {
		Avatar string `json:"avatar"`
	}
	c.Must(c.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "avatar", "a.png", pngOf(t)), 200).JSON(t, &me)
	avatar, err := url.Parse(me.Avatar)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backup")
	m, err := node.RequestBackup(context.Background(), http.DefaultClient, c.Nodes[0].OpsAddr(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Domain != c.Nodes[0].Config().Domain || m.Taken.IsZero() || !m.Media {
		t.Fatalf("manifest %+v", m)
	}
	after := alice.Post("after the backup")["id"].(string)
	if _, err := node.RequestBackup(context.Background(), http.DefaultClient, c.Nodes[0].OpsAddr(), dir); err == nil ||
		!strings.Contains(err.Error(), "exists") {
		t.Fatalf("a second backup into the same directory: %v", err)
	}

	data := t.TempDir()
	media := filepath.Join(data, "media")
	if _, err := node.Restore(dir, data, ""); err == nil || !strings.Contains(err.Error(), "bucket") {
		t.Fatalf("a restore of media files with nowhere to put them: %v", err)
	}
	if _, err := node.Restore(dir, data, media); err != nil {
		t.Fatal(err)
	}
	if _, err := node.Restore(dir, data, media); err == nil {
		t.Fatal("a restore over restored data was accepted")
	}
	r := testrig.New(t, testrig.Config(func(c *node.Config) { c.Data = data }))
	restored := alice.On(r)
	r.Must(restored.Do("GET", "/api/v1/accounts/verify_credentials", nil), 200) // the token came back too
	r.Must(restored.Do("GET", "/api/v1/statuses/"+before, nil), 200)
	r.Must(restored.Do("GET", "/api/v1/statuses/"+after, nil), 404)
	if got := r.Do("GET", avatar.Path, "", nil); got.Code != 200 || !bytes.Equal(got.Body, c.Do("GET", avatar.Path, "", nil).Body) {
		t.Errorf("the avatar after restore: %d", got.Code)
	}
	home := r.Must(restored.Do("GET", "/api/v1/timelines/home", url.Values{}), 200).List(t)
	if len(home) != 1 || home[0]["id"] != before {
		t.Fatalf("home after restore: %v", testrig.IDs(home))
	}
}

// pngOf is a small PNG picture.
func pngOf(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(1, 1, color.White)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
