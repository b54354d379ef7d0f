package api_test

import (
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// adminEmojiView is the admin API's custom emoji as the tests read it.
type adminEmojiView struct {
	ID              string  `json:"id"`
	Shortcode       string  `json:"shortcode"`
	Domain          *string `json:"domain"`
	URL             string  `json:"url"`
	VisibleInPicker bool    `json:"visible_in_picker"`
	Category        *string `json:"category"`
	Disabled        bool    `json:"disabled"`
}

func testPicture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../mediaproc/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func emojiIDs(l []adminEmojiView) []string {
	out := make([]string, len(l))
	for i, e := range l {
		out[i] = e.ID
	}
	return out
}

func publicEmoji(t *testing.T, c *testrig.Cluster) []string {
	t.Helper()
	var l []struct{ Shortcode string }
	c.Must(c.Do("GET", "/api/v1/custom_emojis", "", nil), 200).JSON(t, &l)
	var out []string
	for _, e := range l {
		out = append(out, e.Shortcode)
	}
	return out
}

// TestAdminCustomEmojiUpload: a moderator who may manage custom emoji uploads one with
// Mastodon's rules and messages (shortcode, PNG, GIF or WebP under 256 KB, not taken;
// a refused one changes nothing), changes its category, listing and state, and
// deletes it with its picture; each change is audited.
func TestAdminCustomEmojiUpload(t *testing.T) {
	c := testrig.New(t)
	_, modTok := c.RegisterModerator("mod")
	_, juniorTok := c.RegisterWithRole("junior", "Moderator") // may not manage custom emoji
	png := testPicture(t, "alpha.png")
	upload := func(tok string, fields url.Values, picture []byte) *testrig.Response {
		t.Helper()
		if picture == nil {
			return c.Do("POST", "/api/v1/admin/custom_emojis", tok, fields)
		}
		return c.DoMultipart("POST", "/api/v1/admin/custom_emojis", tok, fields, "image", "emoji", picture)
	}
	c.Must(upload(juniorTok, url.Values{"shortcode": {"blobcat"}}, png), 403)
	for _, tc := range []struct {
		name      string
		shortcode string
		picture   []byte
		want      string
	}{
		{"nothing", "x", nil, "Validation failed: Image can't be blank, Shortcode is invalid, Shortcode is too short (minimum is 2 characters)"},
		{"bad shortcode", "blob-cat", png, "Validation failed: Shortcode is invalid"},
		{"jpeg", "blobcat", testPicture(t, "gps.jpg"), "Validation failed: Image content type is invalid"},
		{"too large", "blobcat", append(slices.Clone(png), make([]byte, 256<<10)...), "Validation failed: Image file size must be less than 256 KB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, upload(modTok, url.Values{"shortcode": {tc.shortcode}}, tc.picture), 422, tc.want)
		})
	}
	list := func(q url.Values) []adminEmojiView {
		t.Helper()
		return testrig.Decode[[]adminEmojiView](t, c.Must(c.Do("GET", "/api/v1/admin/custom_emojis", modTok, q), 200))
	}
	if got := list(nil); len(got) != 0 {
		t.Fatalf("refused emoji were kept: %+v", got)
	}

	blob := testrig.Decode[adminEmojiView](t, c.Must(upload(modTok, url.Values{"shortcode": {"blobcat"}, "category": {"cats"}}, png), 200))
	if blob.ID != "blobcat" || blob.Domain != nil || blob.Category == nil || *blob.Category != "cats" || !blob.VisibleInPicker || blob.Disabled {
		t.Fatalf("uploaded %+v", blob)
	}
	if f := fetch(t, c, blob.URL, ""); f.Code != 200 || f.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("the picture: %d %s", f.Code, f.Header.Get("Content-Type"))
	}
	wantError(t, upload(modTok, url.Values{"shortcode": {"blobcat"}}, testPicture(t, "static.gif")), 422,
		"Validation failed: Shortcode has already been taken")
	c.Must(upload(modTok, url.Values{"shortcode": {"party"}}, testPicture(t, "animated.gif")), 200)
	c.Must(upload(modTok, url.Values{"shortcode": {"wave"}}, testPicture(t, "alpha.webp")), 200)
	if got := emojiIDs(list(nil)); !slices.Equal(got, []string{"blobcat", "party", "wave"}) {
		t.Fatalf("listed %v", got)
	}
	if got := list(nil)[0]; got.URL != blob.URL || *got.Category != "cats" {
		t.Fatalf("the taken shortcode's emoji changed: %+v", got)
	}
	if got := emojiIDs(list(url.Values{"shortcode": {" AR"}})); !slices.Equal(got, []string{"party"}) {
		t.Fatalf("shortcode ar: %v", got)
	}
	page := c.Must(c.Do("GET", "/api/v1/admin/custom_emojis", modTok, url.Values{"limit": {"2"}, "local": {"true"}}), 200)
	if got := emojiIDs(testrig.Decode[[]adminEmojiView](t, page)); !slices.Equal(got, []string{"blobcat", "party"}) ||
		!strings.Contains(page.Header.Get("Link"), "local=true") || !strings.Contains(page.Header.Get("Link"), "offset=2") {
		t.Fatalf("first page %v, Link %s", got, page.Header.Get("Link"))
	}
	if got := emojiIDs(list(url.Values{"limit": {"2"}, "offset": {"2"}})); !slices.Equal(got, []string{"wave"}) {
		t.Fatalf("second page %v", got)
	}

	patch := func(id string, form url.Values) adminEmojiView {
		t.Helper()
		return testrig.Decode[adminEmojiView](t, c.Must(c.Do("PATCH", "/api/v1/admin/custom_emojis/"+id, modTok, form), 200))
	}
	if got := patch("party", url.Values{"category": {""}, "visible_in_picker": {"false"}}); got.Category != nil || got.VisibleInPicker {
		t.Fatalf("changed %+v", got)
	}
	if got := patch("wave", url.Values{"disabled": {"true"}}); !got.Disabled {
		t.Fatalf("disabled %+v", got)
	}
	if got := publicEmoji(t, c); !slices.Equal(got, []string{"blobcat"}) { // neither hidden nor disabled ones
		t.Fatalf("users see %v", got)
	}
	patch("wave", url.Values{"disabled": {"false"}})
	c.Must(c.Do("PATCH", "/api/v1/admin/custom_emojis/nope", modTok, url.Values{"disabled": {"true"}}), 404)

	c.Must(c.Do("DELETE", "/api/v1/admin/custom_emojis/party", modTok, nil), 200)
	c.Must(c.Do("GET", "/api/v1/admin/custom_emojis/party", modTok, nil), 404)
	c.Must(c.Do("DELETE", "/api/v1/admin/custom_emojis/party", modTok, nil), 404)
	if got := publicEmoji(t, c); !slices.Equal(got, []string{"blobcat", "wave"}) {
		t.Fatalf("users see %v", got)
	}
	c.Must(c.Do("POST", "/api/v1/admin/custom_emojis/blobcat/copy", modTok, nil), 403)

	want := []string{"create_custom_emoji blobcat", "create_custom_emoji party", "create_custom_emoji wave",
		"update_custom_emoji party", "disable_custom_emoji wave", "enable_custom_emoji wave", "destroy_custom_emoji party"}
	if got := auditActions(t, c.Nodes[0], "CustomEmoji"); !slices.Equal(got, want) {
		t.Fatalf("audit log %q, want %q", got, want)
	}
}

// TestAdminRemoteCustomEmoji: the emoji of other servers are listed with the local
// ones, filtered by local, remote and by_domain; they may be disabled but not deleted,
// also as their server names them again, and copied here, their picture fetched from
// their server.
func TestAdminRemoteCustomEmoji(t *testing.T) {
	beta := testrig.New(t, testrig.Host(t, "beta"))
	_, betaMod := beta.RegisterModerator("betamod")
	bob := beta.Register("bob")
	beta.Must(beta.DoMultipart("POST", "/api/v1/admin/custom_emojis", betaMod, url.Values{"shortcode": {"blobcat"}},
		"image", "blobcat.png", testPicture(t, "alpha.png")), 200)
	beta.Must(bob.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"display_name": {"Bob :blobcat:"}}), 200)

	alpha := testrig.New(t, testrig.Host(t, "alpha"))
	alice := alpha.Register("alice")
	_, modTok := alpha.RegisterModerator("mod")
	alpha.Must(alpha.DoMultipart("POST", "/api/v1/admin/custom_emojis", modTok, url.Values{"shortcode": {"zebra"}},
		"image", "zebra.png", testPicture(t, "alpha.png")), 200)
	betaDomain := beta.Nodes[0].Config().Domain
	if got := alice.Search("@bob@"+betaDomain, "resolve", "true").Accounts; len(got) != 1 {
		t.Fatalf("resolving bob: %+v", got)
	}
	remoteID := "blobcat@" + betaDomain
	list := func(q url.Values) []string {
		t.Helper()
		return emojiIDs(testrig.Decode[[]adminEmojiView](t, alpha.Must(alpha.Do("GET", "/api/v1/admin/custom_emojis", modTok, q), 200)))
	}
	for q, want := range map[string][]string{
		"":                            {"zebra", remoteID},
		"local=true":                  {"zebra"},
		"remote=true":                 {remoteID},
		"by_domain=" + betaDomain:     {remoteID},
		"by_domain=elsewhere.example": {},
		"local=true&remote=true":      {},
	} {
		v, _ := url.ParseQuery(q)
		if got := list(v); !slices.Equal(got, want) {
			t.Errorf("%s: listed %v, want %v", q, got, want)
		}
	}
	path := "/api/v1/admin/custom_emojis/" + url.PathEscape(remoteID)
	remote := testrig.Decode[adminEmojiView](t, alpha.Must(alpha.Do("GET", path, modTok, nil), 200))
	if remote.Domain == nil || *remote.Domain != betaDomain || remote.Shortcode != "blobcat" {
		t.Fatalf("remote emoji %+v", remote)
	}
	alpha.Must(alpha.Do("DELETE", path, modTok, nil), 403)
	if got := testrig.Decode[adminEmojiView](t, alpha.Must(alpha.Do("PATCH", path, modTok, url.Values{"disabled": {"true"}}), 200)); !got.Disabled {
		t.Fatalf("disabled %+v", got)
	}
	// seen again in a post of bob's, it stays disabled
	post := bob.PostStatus("hello :blobcat:")
	if got := alice.Search(post.URI, "resolve", "true").Statuses; len(got) != 1 {
		t.Fatalf("resolving bob's post: %+v", got)
	}
	if got := testrig.Decode[adminEmojiView](t, alpha.Must(alpha.Do("GET", path, modTok, nil), 200)); !got.Disabled {
		t.Fatalf("seen again: %+v", got)
	}
	copied := testrig.Decode[adminEmojiView](t, alpha.Must(alpha.Do("POST", path+"/copy", modTok, nil), 200))
	if copied.ID != "blobcat" || copied.Domain != nil || copied.URL == remote.URL {
		t.Fatalf("copied %+v", copied)
	}
	if f := fetch(t, alpha, copied.URL, ""); f.Code != 200 || f.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("the copy's picture: %d %s", f.Code, f.Header.Get("Content-Type"))
	}
	if got := publicEmoji(t, alpha); !slices.Equal(got, []string{"blobcat", "zebra"}) {
		t.Fatalf("users see %v", got)
	}
	if got := auditActions(t, alpha.Nodes[0], "CustomEmoji"); !slices.Equal(got, []string{"create_custom_emoji zebra",
		"disable_custom_emoji " + remoteID, "create_custom_emoji blobcat"}) {
		t.Fatalf("audit log %q", got)
	}
}
