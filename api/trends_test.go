package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// trendItem is what the trends' entities share that the tests read: tags (name,
// history), links (url), statuses (id) and the admin fields.
type trendItem struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	URL            string `json:"url"`
	Title          string `json:"title"`
	Domain         string `json:"domain"`
	RequiresReview bool   `json:"requires_review"`
	Trendable      bool   `json:"trendable"`
	History        []struct {
		Uses     string `json:"uses"`
		Accounts string `json:"accounts"`
	} `json:"history"`
}

// trendList reads a list of trends with the token given, failing on any other answer
// than 200.
func trendList(t *testing.T, c *testrig.Cluster, path, token string) ([]trendItem, error) {
	t.Helper()
	r := c.Do("GET", path, token, nil)
	if r.Code != 200 {
		return nil, fmt.Errorf("GET %s: %d %s", path, r.Code, r.Body)
	}
	var out []trendItem
	r.JSON(t, &out)
	return out, nil
}

// keysOf lists the names (tags), URLs (links) or ids (statuses) of items.
func keysOf(items []trendItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Name
		if it.Name == "" {
			out[i] = it.ID
		}
		if it.Title != "" {
			out[i] = it.URL
		}
		if it.Domain != "" {
			out[i] = it.Domain
		}
	}
	return out
}

// eventuallyTrends waits until path lists exactly want, in order.
func eventuallyTrends(t *testing.T, c *testrig.Cluster, path, token string, want ...string) []trendItem {
	t.Helper()
	var got []trendItem
	testrig.Eventually(t, path, func() error {
		var err error
		if got, err = trendList(t, c, path, token); err != nil {
			return err
		}
		if keys := keysOf(got); !slices.Equal(keys, want) {
			return fmt.Errorf("%s lists %q, want %q", path, keys, want)
		}
		return nil
	})
	return got
}

// TestTrends: tags and statuses that several accounts use trend, ordered by their
// distinct accounts, once moderators approve them; private posts and items below
// the threshold do not count; rejected items leave the public trends; the admin
// endpoints refuse other users. Links are tested with federation
// (activitypub/trends_test.go): local posts cannot link loopback pages.
func TestTrends(t *testing.T) {
	c := testrig.New(t)
	_, admin := c.RegisterModerator("mod")
	var users []*testrig.User
	for i := range 6 {
		users = append(users, c.Register(fmt.Sprintf("user%d", i)))
	}
	for i, u := range users {
		u.PostStatus("#hot news")
		u.PostStatus("#hot again, counted once for the account")
		u.PostStatus("#secret", "visibility", "private")
		if i < 5 {
			u.PostStatus("#warm")
		}
		if i < 2 {
			u.PostStatus("#cold")
		}
	}
	popular := users[0].PostStatus("worth a boost")
	for _, u := range users[1:] {
		u.Act(popular.ID, "reblog")
	}

	// The order can settle before the last accounts are counted: wait for all six.
	var tags []trendItem
	testrig.Eventually(t, "#hot counted for six accounts", func() error {
		tags = eventuallyTrends(t, c, "/api/v1/admin/trends/tags", admin, "hot", "warm")
		if tags[0].History[0].Accounts != "6" {
			return fmt.Errorf("#hot counted for %s accounts", tags[0].History[0].Accounts)
		}
		return nil
	})
	if !tags[0].RequiresReview || tags[0].Trendable {
		t.Fatalf("admin view of #hot: %+v", tags[0])
	}
	statuses := eventuallyTrends(t, c, "/api/v1/admin/trends/statuses", admin, popular.ID)
	if !statuses[0].RequiresReview {
		t.Fatalf("admin view of the status: %+v", statuses[0])
	}
	for _, path := range []string{"/api/v1/trends/tags", "/api/v1/trends", "/api/v1/trends/links", "/api/v1/trends/statuses"} {
		if got, err := trendList(t, c, path, ""); err != nil || len(got) != 0 {
			t.Fatalf("%s unreviewed: %v %v", path, keysOf(got), err)
		}
	}

	for _, who := range []string{users[0].Token, ""} {
		if r := c.Do("POST", "/api/v1/admin/trends/tags/"+tags[0].ID+"/approve", who, nil); r.Code != 403 && r.Code != 401 {
			t.Fatalf("approve by a user: %d %s", r.Code, r.Body)
		}
	}
	if r := c.Do("POST", "/api/v1/admin/trends/tags/"+popular.ID+"/approve", admin, nil); r.Code != 404 {
		t.Fatalf("approve a status's id as a tag: %d %s", r.Code, r.Body)
	}
	for _, tag := range tags {
		c.Must(c.Do("POST", "/api/v1/admin/trends/tags/"+tag.ID+"/approve", admin, nil), 200)
	}
	c.Must(c.Do("POST", "/api/v1/admin/trends/statuses/"+popular.ID+"/approve", admin, nil), 200)

	eventuallyTrends(t, c, "/api/v1/trends/tags", "", "hot", "warm")
	eventuallyTrends(t, c, "/api/v1/trends", users[0].Token, "hot", "warm")
	eventuallyTrends(t, c, "/api/v1/trends/tags?limit=1&offset=1", "", "warm")
	eventuallyTrends(t, c, "/api/v1/trends/statuses", "", popular.ID)

	c.Must(c.Do("POST", "/api/v1/admin/trends/tags/"+tags[1].ID+"/reject", admin, nil), 200)
	c.Must(c.Do("POST", "/api/v1/admin/trends/statuses/"+popular.ID+"/reject", admin, nil), 200)
	eventuallyTrends(t, c, "/api/v1/trends/tags", "", "hot")
	eventuallyTrends(t, c, "/api/v1/trends/statuses", "")
}

// TestTrendableByDefault: with trendable_by_default, items trend before any review;
// a tag used today still trends just after midnight, its score decaying, and is gone
// by the afternoon; a rejected one leaves at once.
func TestTrendableByDefault(t *testing.T) {
	clk := &clock{at: time.Now().UTC()} // the statuses' days are their ids' (real time)
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.TrendableByDefault, cfg.Clock = true, clk.Now }))
	_, admin := c.RegisterModerator("mod")
	for i := range 5 {
		u := c.Register(fmt.Sprintf("user%d", i))
		u.PostStatus("#everywhere")
		u.PostStatus("#fading")
	}
	// Equal scores: the newer tag first.
	tags := eventuallyTrends(t, c, "/api/v1/trends/tags", "", "fading", "everywhere")
	c.Must(c.Do("POST", "/api/v1/admin/trends/tags/"+tags[1].ID+"/reject", admin, nil), 200)
	eventuallyTrends(t, c, "/api/v1/trends/tags", "", "fading")

	midnight := clk.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	clk.Advance(midnight.Add(30 * time.Minute).Sub(clk.Now()))
	eventuallyTrends(t, c, "/api/v1/trends/tags", "", "fading")
	clk.Advance(12 * time.Hour)
	eventuallyTrends(t, c, "/api/v1/trends/tags", "")
}

// TestSearchExcludeUnreviewed: with exclude_unreviewed, hashtag search keeps the tags
// a moderator reviewed (approved or rejected) and the tag named exactly, as Mastodon.
func TestSearchExcludeUnreviewed(t *testing.T) {
	c := testrig.New(t, testrig.SearchServer(t))
	_, admin := c.RegisterModerator("mod")
	for i := range 5 {
		c.Register(fmt.Sprintf("user%d", i)).PostStatus("#hothouse #hotline")
	}
	reader := c.Register("reader")
	reader.PostStatus("#hot #hotel #hothouse") // hothouse trends first
	tags := eventuallyTrends(t, c, "/api/v1/admin/trends/tags", admin, "hothouse", "hotline")
	c.Must(c.Do("POST", "/api/v1/admin/trends/tags/"+tags[0].ID+"/approve", admin, nil), 200)
	c.Must(c.Do("POST", "/api/v1/admin/trends/tags/"+tags[1].ID+"/reject", admin, nil), 200)
	names := func(form url.Values) []string {
		var out []string
		for _, h := range searchAs(t, c, reader, form).Hashtags {
			out = append(out, h.Name)
		}
		slices.Sort(out)
		return out
	}
	testrig.Eventually(t, "the four tags indexed", func() error {
		if got := names(url.Values{"q": {"#hot"}, "type": {"hashtags"}}); len(got) != 4 {
			return fmt.Errorf("#hot found %q", got)
		}
		return nil
	})
	want := []string{"hot", "hothouse", "hotline"}
	if got := names(url.Values{"q": {"#hot"}, "type": {"hashtags"}, "exclude_unreviewed": {"true"}}); !slices.Equal(got, want) {
		t.Errorf("exclude_unreviewed found %q, want %q", got, want)
	}
	if got := names(url.Values{"q": {"hote"}, "type": {"hashtags"}, "exclude_unreviewed": {"true"}}); len(got) != 0 {
		t.Errorf("exclude_unreviewed found %q for an unreviewed tag's prefix", got)
	}
	if got := names(url.Values{"q": {"#hot"}, "type": {"hashtags"}, "exclude_unreviewed": {"true"}, "offset": {"2"}, "limit": {"2"}}); len(got) != 1 {
		t.Errorf("the second page of reviewed tags: %q", got)
	}
}

// TestTrendLanguages: trending statuses in the viewer's languages come first, the
// ranking kept within each part, as Mastodon's: the chosen languages of a signed-in
// user, else the `lang` parameter, the user's locale, Accept-Language, then English.
// With no_trends the public lists are empty while moderators still see the trends.
func TestTrendLanguages(t *testing.T) {
	for _, off := range []bool{false, true} {
		c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.TrendableByDefault, cfg.NoTrends = true, off }))
		_, admin := c.RegisterModerator("mod")
		var users []*testrig.User
		for i := range 6 {
			users = append(users, c.Register(fmt.Sprintf("user%d", i)))
		}
		en := users[0].PostStatus("in English", "language", "en")
		de := users[0].PostStatus("auf Deutsch", "language", "de")
		for i, u := range users[1:] {
			u.Act(de.ID, "reblog")
			u.Act(de.ID, "favourite")
			if i < 4 {
				u.Act(en.ID, "reblog")
				u.Act(en.ID, "favourite")
			}
		}
		eventuallyTrends(t, c, "/api/v1/admin/trends/statuses", admin, de.ID, en.ID) // by score
		if off {
			for _, path := range []string{"/api/v1/trends/statuses", "/api/v1/trends/links", "/api/v1/trends/tags", "/api/v1/trends"} {
				if got, err := trendList(t, c, path, users[0].Token); err != nil || len(got) != 0 {
					t.Fatalf("%s with no_trends: %v %v", path, keysOf(got), err)
				}
			}
			c.Must(c.Do("GET", "/api/v1/timelines/link?url="+url.QueryEscape("https://example.com/"), "", nil), 404)
			continue
		}
		eventuallyTrends(t, c, "/api/v1/trends/statuses", "", en.ID, de.ID) // English by default
		eventuallyTrends(t, c, "/api/v1/trends/statuses?lang=de-AT", "", de.ID, en.ID)
		r := c.DoWithHeaders("GET", "/api/v1/trends/statuses", "", nil, http.Header{"Accept-Language": {"de-DE, en;q=0.5"}})
		var got []trendItem
		r.JSON(t, &got)
		if keys := keysOf(got); !slices.Equal(keys, []string{de.ID, en.ID}) {
			t.Errorf("with Accept-Language de: %q", keys)
		}
		eventuallyTrends(t, c, "/api/v1/trends/statuses?limit=1&offset=1", "", de.ID)
		reader := users[5]
		c.Must(reader.Do("PATCH", "/api/v1/accounts/update_credentials",
			url.Values{"source[chosen_languages][]": {"fr", "de"}}), 200)
		eventuallyTrends(t, c, "/api/v1/trends/statuses?lang=en", reader.Token, de.ID, en.ID) // chosen languages win
	}
}
