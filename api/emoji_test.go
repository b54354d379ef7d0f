package api_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestCustomEmoji: an emoji the administrator adds is listed, served, and named in
// the `emojis` of the statuses and accounts whose texts use it; a disabled one is not.
func TestCustomEmoji(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	n := c.Nodes[0]
	ctx := context.Background()
	if err := n.AdminAddEmoji(ctx, "blobcat", "../mediaproc/testdata/alpha.png", "cats"); err != nil {
		t.Fatal(err)
	}
	if err := n.AdminAddEmoji(ctx, "x", "../mediaproc/testdata/alpha.png", ""); err == nil {
		t.Fatal("a one-letter shortcode was taken")
	}
	type custom struct {
		Shortcode, URL string
		Category       *string `json:"category"`
	}
	var list []custom
	c.Must(c.Do("GET", "/api/v1/custom_emojis", "", nil), 200).JSON(t, &list)
	if len(list) != 1 || list[0].Shortcode != "blobcat" || *list[0].Category != "cats" {
		t.Fatalf("custom emojis %+v", list)
	}
	if f := fetch(t, c, list[0].URL, ""); f.Code != 200 || f.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("the emoji's picture: %d %s", f.Code, f.Header.Get("Content-Type"))
	}
	var st struct {
		Emojis []custom `json:"emojis"`
	}
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"hello :blobcat: and :nope: and a:blobcat:b"}}), 200).JSON(t, &st)
	if len(st.Emojis) != 1 || st.Emojis[0].Shortcode != "blobcat" {
		t.Fatalf("status emojis %+v", st.Emojis)
	}
	var me struct {
		Emojis []custom `json:"emojis"`
	}
	c.Must(alice.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"display_name": {"Alice :blobcat:"}}), 200).JSON(t, &me)
	if len(me.Emojis) != 1 {
		t.Fatalf("account emojis %+v", me.Emojis)
	}
	if err := n.AdminSetEmoji(ctx, "blobcat", false, false); err != nil {
		t.Fatal(err)
	}
	c.Must(c.Do("GET", "/api/v1/custom_emojis", "", nil), 200).JSON(t, &list)
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"again :blobcat:"}}), 200).JSON(t, &st)
	if len(list) != 0 || len(st.Emojis) != 0 {
		t.Fatalf("disabled: listed %+v, on a status %+v", list, st.Emojis)
	}
}
