package api_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/testrig"
)

// adminTagPages pages through the admin list of tags from path, returning the names.
func adminTagPages(t *testing.T, c *testrig.Cluster, path, token string) []string {
	t.Helper()
	var names []string
	for path != "" {
		r := c.Must(c.Do("GET", path, token, nil), 200)
		var page []trendItem
		r.JSON(t, &page)
		names = append(names, keysOf(page)...)
		path = ""
		if m := nextLinkRE.FindStringSubmatch(r.Header.Get("Link")); m != nil && len(page) > 0 {
			u, err := url.Parse(m[1])
			if err != nil {
				t.Fatal(err)
			}
			path = u.RequestURI()
		}
	}
	return names
}

// hashtagsFound lists the hashtags a search for q finds.
func hashtagsFound(t *testing.T, c *testrig.Cluster, u *testrig.User, q string) []string {
	t.Helper()
	var out []string
	for _, h := range searchAs(t, c, u, url.Values{"q": {q}, "type": {"hashtags"}}).Hashtags {
		out = append(out, h.Name)
	}
	return out
}

// TestAdminTags: the admin tags list every tag newest first, paged by id, trend
// candidates or not; trendable approves and rejects a tag's trend; listable hides a tag from
// search; the display name may only change the case; other users are refused.
func TestAdminTags(t *testing.T) {
	c := testrig.New(t, testrig.SearchServer(t))
	_, admin := c.RegisterModerator("mod")
	var users []*testrig.User
	for i := range 6 {
		users = append(users, c.Register(fmt.Sprintf("user%d", i)))
	}
	for _, u := range users {
		u.PostStatus("#hot news")
	}
	for _, u := range users {
		u.PostStatus("#warm too")
	}
	users[0].PostStatus("#lonely me")

	eventuallyTrends(t, c, "/api/v1/admin/tags", admin, "lonely", "warm", "hot")
	testrig.Eventually(t, "paging the admin tags one at a time", func() error {
		if got := adminTagPages(t, c, "/api/v1/admin/tags?limit=1", admin); !slices.Equal(got, []string{"lonely", "warm", "hot"}) {
			return fmt.Errorf("pages list %q", got)
		}
		return nil
	})
	var hot trendItem
	c.Must(c.Do("GET", "/api/v1/tags/hot", admin, nil), 200).JSON(t, &hot)
	var shown struct {
		trendItem
		Usable   bool `json:"usable"`
		Listable bool `json:"listable"`
	}
	c.Must(c.Do("GET", "/api/v1/admin/tags/"+hot.ID, admin, nil), 200).JSON(t, &shown)
	if shown.Name != "hot" || !shown.RequiresReview || shown.Trendable || !shown.Usable || !shown.Listable {
		t.Fatalf("admin view of #hot: %+v", shown)
	}

	// trendable approves the tag's trend, and rejects it.
	c.Must(c.Do("PUT", "/api/v1/admin/tags/"+hot.ID, admin, url.Values{"trendable": {"true"}}), 200).JSON(t, &shown)
	if !shown.Trendable || shown.RequiresReview {
		t.Fatalf("#hot approved: %+v", shown)
	}
	eventuallyTrends(t, c, "/api/v1/trends/tags", "", "hot")
	c.Must(c.Do("PUT", "/api/v1/admin/tags/"+hot.ID, admin, url.Values{"trendable": {"false"}}), 200).JSON(t, &shown)
	if shown.Trendable || shown.RequiresReview {
		t.Fatalf("#hot rejected: %+v", shown)
	}
	eventuallyTrends(t, c, "/api/v1/trends/tags", "")

	// A tag never a candidate: shown, hidden from search and back.
	var lonely trendItem
	c.Must(c.Do("GET", "/api/v1/tags/lonely", admin, nil), 200).JSON(t, &lonely)
	testrig.Eventually(t, "search finding #lonely", func() error {
		if got := hashtagsFound(t, c, users[1], "#lonely"); !slices.Equal(got, []string{"lonely"}) {
			return fmt.Errorf("search finds %q", got)
		}
		return nil
	})
	c.Must(c.Do("PUT", "/api/v1/admin/tags/"+lonely.ID, admin, url.Values{"listable": {"false"}}), 200).JSON(t, &shown)
	if shown.Listable || !shown.Usable || shown.Trendable || shown.RequiresReview {
		t.Fatalf("#lonely unlisted: %+v", shown)
	}
	if got := hashtagsFound(t, c, users[1], "#lonely"); len(got) != 0 {
		t.Fatalf("search finds the unlisted %q", got)
	}
	c.Must(c.Do("PUT", "/api/v1/admin/tags/"+lonely.ID, admin, url.Values{"listable": {"true"}, "display_name": {"Lonely"}}), 200).JSON(t, &shown)
	if !shown.Listable || shown.Name != "Lonely" {
		t.Fatalf("#lonely listed again: %+v", shown)
	}
	if got := hashtagsFound(t, c, users[1], "#lonely"); !slices.Equal(got, []string{"Lonely"}) {
		t.Fatalf("search finds %q", got)
	}

	// Any update reviews the tag, as Mastodon's: #warm awaited review; it stays out
	// of the trends (they need approval here).
	var warm trendItem
	c.Must(c.Do("GET", "/api/v1/tags/warm", admin, nil), 200).JSON(t, &warm)
	c.Must(c.Do("GET", "/api/v1/admin/tags/"+warm.ID, admin, nil), 200).JSON(t, &shown)
	if !shown.RequiresReview {
		t.Fatalf("#warm before its update: %+v", shown)
	}
	c.Must(c.Do("PUT", "/api/v1/admin/tags/"+warm.ID, admin, url.Values{"listable": {"true"}}), 200).JSON(t, &shown)
	if shown.RequiresReview || shown.Trendable || !shown.Listable {
		t.Fatalf("#warm updated: %+v", shown)
	}

	// Bad input changes nothing; others are refused; unknown tags are not found.
	c.Must(c.Do("PUT", "/api/v1/admin/tags/"+lonely.ID, admin, url.Values{"display_name": {"other"}, "listable": {"false"}}), 422)
	if got := hashtagsFound(t, c, users[1], "#lonely"); len(got) != 1 {
		t.Fatalf("a refused update unlisted the tag: search finds %q", got)
	}
	c.Must(c.Do("PUT", "/api/v1/admin/tags/"+lonely.ID, users[0].Token, url.Values{"listable": {"false"}}), 403)
	c.Must(c.Do("GET", "/api/v1/admin/tags/"+users[0].ID, admin, nil), 404)
	want := []string{"update_tag hot", "update_tag hot", "update_tag lonely", "update_tag Lonely", "update_tag warm"}
	if got := auditActions(t, c.Nodes[0], "Tag"); !slices.Equal(got, want) {
		t.Errorf("audit log %q, want %q", got, want)
	}
}

// TestAdminTagUnusable: a tag a moderator made unusable refuses local posts and edits
// that use it (422, Mastodon's message, nothing changed), one or several; its
// timeline still lists the statuses that had it, as Mastodon's API does; usable
// again, it may be posted.
func TestAdminTagUnusable(t *testing.T) {
	c := testrig.New(t)
	_, admin := c.RegisterModerator("mod")
	u := c.Register("user")
	first := u.PostStatus("#Banned first, #other too")
	fine := u.PostStatus("#fine")
	ban := func(name, usable string) {
		var tag trendItem
		c.Must(c.Do("GET", "/api/v1/tags/"+name, admin, nil), 200).JSON(t, &tag)
		var shown struct {
			Usable bool `json:"usable"`
		}
		c.Must(c.Do("PUT", "/api/v1/admin/tags/"+tag.ID, admin, url.Values{"usable": {usable}}), 200).JSON(t, &shown)
		if shown.Usable != (usable == "true") {
			t.Fatalf("#%s usable=%s: %+v", name, usable, shown)
		}
	}
	refused := func(r *testrig.Response, want string) {
		t.Helper()
		var e struct {
			Error string `json:"error"`
		}
		c.Must(r, 422).JSON(t, &e)
		if e.Error != want {
			t.Errorf("error %q, want %q", e.Error, want)
		}
	}
	ban("banned", "false")
	refused(c.Do("POST", "/api/v1/statuses", u.Token, url.Values{"status": {"again #BANNED"}}),
		"Validation failed: Text contained a disallowed hashtag: banned")
	ban("other", "false")
	refused(c.Do("POST", "/api/v1/statuses", u.Token, url.Values{"status": {"#banned and #other"}}),
		"Validation failed: Text contained the disallowed hashtags: banned, other")
	refused(c.Do("PUT", "/api/v1/statuses/"+fine.ID, u.Token, url.Values{"status": {"#fine #banned"}}),
		"Validation failed: Text contained a disallowed hashtag: banned")
	if got := u.Status(fine.ID); got.Content != fine.Content {
		t.Errorf("a refused edit changed the status: %q", got.Content)
	}
	u.PostStatus("no tag here, and #fine")
	testrig.Eventually(t, "the timeline of #banned", func() error {
		var l []testrig.Status
		c.Must(c.Do("GET", "/api/v1/timelines/tag/banned", u.Token, nil), 200).JSON(t, &l)
		if ids := testrig.StatusIDs(l); !slices.Equal(ids, []string{first.ID}) {
			return fmt.Errorf("the timeline lists %v", ids)
		}
		return nil
	})
	ban("banned", "true")
	u.PostStatus("#banned no more")
}

// TestAdminTagUnusableNotTrending: the statuses that reach the server with a tag made
// unusable (remote ones, which keep it) do not count toward its trend, as Mastodon's.
func TestAdminTagUnusableNotTrending(t *testing.T) {
	c := testrig.New(t)
	_, admin := c.RegisterModerator("mod")
	n := c.Nodes[0]
	ctx := context.Background()
	spam, err := n.Hashtags.Ensure(ctx, "spam")
	if err != nil {
		t.Fatal(err)
	}
	c.Must(c.Do("PUT", "/api/v1/admin/tags/"+spam.ID.String(), admin, url.Values{"usable": {"false"}}), 200)
	for i := range 6 {
		uri := fmt.Sprintf("https://remote.example/users/r%d", i)
		a, err := n.Accounts.UpsertRemote(ctx, &account.Account{Username: fmt.Sprintf("r%d", i), Domain: "remote.example",
			URI: uri, InboxURL: uri + "/inbox", Discoverable: true})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = n.Statuses.CreateRemote(ctx, &status.Status{URI: uri + "/statuses/1", AccountID: a.ID,
			Visibility: status.Public, Content: "<p>#spam #ok</p>", Tags: []string{"spam", "ok"}})
		if err != nil {
			t.Fatal(err)
		}
	}
	eventuallyTrends(t, c, "/api/v1/admin/trends/tags", admin, "ok")
}
