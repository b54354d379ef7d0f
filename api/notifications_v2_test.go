package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// group is a NotificationGroup as the tests read it.
type group struct {
	GroupKey                 string   `json:"group_key"`
	NotificationsCount       int      `json:"notifications_count"`
	Type                     string   `json:"type"`
	MostRecentNotificationID uint64   `json:"most_recent_notification_id"`
	PageMinID                *string  `json:"page_min_id"`
	PageMaxID                *string  `json:"page_max_id"`
	SampleAccountIDs         []string `json:"sample_account_ids"`
	StatusID                 *string  `json:"status_id"`
}

// grouped is GroupedNotificationsResults as the tests read it.
type grouped struct {
	Accounts           []testrig.Account `json:"accounts"`
	PartialAccounts    []testrig.Account `json:"partial_accounts"`
	Statuses           []testrig.Status  `json:"statuses"`
	NotificationGroups []group           `json:"notification_groups"`
}

// shape is the groups as "type:count", newest first.
func (g grouped) shape() []string {
	var out []string
	for _, e := range g.NotificationGroups {
		out = append(out, e.Type+":"+strconv.Itoa(e.NotificationsCount))
	}
	return out
}

func groupsOf(t *testing.T, u *testrig.User, q url.Values) (grouped, *testrig.Response) {
	t.Helper()
	r := u.Do("GET", "/api/v2/notifications", q)
	if r.Code != 200 {
		t.Fatalf("GET /api/v2/notifications: %d %s", r.Code, r.Body)
	}
	return testrig.Decode[grouped](t, r), r
}

func unread(t *testing.T, c *testrig.Cluster, u *testrig.User, path string) int {
	t.Helper()
	var got struct {
		Count int `json:"count"`
	}
	c.Must(u.Do("GET", path, nil), 200).JSON(t, &got)
	return got.Count
}

// TestGroupedNotifications: favourites of one status from several accounts make one
// group with its count and sample accounts, follows group, mentions do not; grouped
// pages, the group endpoints and the v2 unread count.
func TestGroupedNotifications(t *testing.T) {
	c := testrig.New(t)
	bob := c.Register("bob")
	fans := []*testrig.User{c.Register("alice"), c.Register("carol"), c.Register("dave")}
	post := bob.PostStatus("hello")
	for _, f := range fans {
		f.Follow(bob)
	}
	for _, f := range fans {
		f.Act(post.ID, "favourite")
	}
	fans[0].PostStatus("@bob hi")
	var g grouped
	testrig.Eventually(t, "the mention", func() error {
		if g, _ = groupsOf(t, bob, nil); !slices.Equal(g.shape(), []string{"mention:1", "favourite:3", "follow:3"}) {
			return fmt.Errorf("groups %v", g.shape())
		}
		return nil
	})
	fav, follow, mention := g.NotificationGroups[1], g.NotificationGroups[2], g.NotificationGroups[0]
	want := []string{fans[2].ID, fans[1].ID, fans[0].ID}
	if !slices.Equal(fav.SampleAccountIDs, want) || fav.StatusID == nil || *fav.StatusID != post.ID ||
		!strings.HasPrefix(fav.GroupKey, "favourite-"+post.ID+"-") {
		t.Errorf("favourite group %+v, want accounts %v", fav, want)
	}
	if !slices.Equal(follow.SampleAccountIDs, want) || follow.StatusID != nil || !strings.HasPrefix(follow.GroupKey, "follow-") {
		t.Errorf("follow group %+v", follow)
	}
	if mention.GroupKey != "ungrouped-"+strconv.FormatUint(mention.MostRecentNotificationID, 10) || mention.PageMinID == nil {
		t.Errorf("mention group %+v", mention)
	}
	if len(g.Accounts) != 3 || len(g.Statuses) != 2 {
		t.Errorf("%d accounts, %d statuses", len(g.Accounts), len(g.Statuses))
	}

	// Partial accounts: each group's latest sender whole, the other samples partial.
	partial, _ := groupsOf(t, bob, url.Values{"expand_accounts": {"partial_avatars"}})
	if a, p := testrig.AccountIDs(partial.Accounts), testrig.AccountIDs(partial.PartialAccounts); !slices.Equal(a, []string{fans[0].ID, fans[2].ID}) ||
		!slices.Equal(p, []string{fans[1].ID}) {
		t.Errorf("partial_avatars: accounts %v, partial accounts %v", a, p)
	}

	// Filters and grouped_types.
	if got, _ := groupsOf(t, bob, url.Values{"types[]": {"follow"}}); !slices.Equal(got.shape(), []string{"follow:3"}) {
		t.Errorf("types[]=follow: %v", got.shape())
	}
	if got, _ := groupsOf(t, bob, url.Values{"exclude_types[]": {"follow", "mention"}}); !slices.Equal(got.shape(), []string{"favourite:3"}) {
		t.Errorf("exclude_types[]: %v", got.shape())
	}
	got, _ := groupsOf(t, bob, url.Values{"grouped_types[]": {"favourite"}})
	if !slices.Equal(got.shape(), []string{"mention:1", "favourite:3", "follow:1", "follow:1", "follow:1"}) {
		t.Errorf("grouped_types[]=favourite: %v", got.shape())
	}

	// Paging: two groups a page, the next page by the Link header. As Mastodon's, a
	// full page counts the notifications down to its last group's newest one, so the
	// favourites' group shows again on the next page with the older ones.
	first, r := groupsOf(t, bob, url.Values{"limit": {"2"}})
	m := nextLinkRE.FindStringSubmatch(r.Header.Get("Link"))
	if !slices.Equal(first.shape(), []string{"mention:1", "favourite:1"}) || m == nil {
		t.Fatalf("first page %v, Link %q", first.shape(), r.Header.Get("Link"))
	}
	next, _ := url.Parse(m[1])
	second := testrig.Decode[grouped](t, c.Must(bob.Do("GET", next.RequestURI(), nil), 200))
	if !slices.Equal(second.shape(), []string{"favourite:2", "follow:1"}) {
		t.Errorf("second page %v", second.shape())
	}
	older := testrig.Decode[grouped](t, c.Must(bob.Do("GET", "/api/v2/notifications", url.Values{"max_id": {*fav.PageMinID}}), 200))
	if !slices.Equal(older.shape(), []string{"follow:3"}) {
		t.Errorf("max_id page %v", older.shape())
	}
	// Toward newer ones, as Mastodon's paginate_groups_by_min_id: oldest first from
	// the cursor, the notification starting the page's last group ends a full page
	// (one favourite of three here); a page that ends short reaches the newest.
	for limit, want := range map[string][]string{"1": {"favourite:1"}, "2": {"mention:1", "favourite:3"}, "5": {"mention:1", "favourite:3"}} {
		newer := testrig.Decode[grouped](t, c.Must(bob.Do("GET", "/api/v2/notifications", url.Values{"min_id": {*follow.PageMaxID}, "limit": {limit}}), 200))
		if !slices.Equal(newer.shape(), want) {
			t.Errorf("min_id page of %s: %v, want %v", limit, newer.shape(), want)
		}
	}

	// One group, its accounts, unread counts against the marker, dismissal.
	one := testrig.Decode[grouped](t, c.Must(bob.Do("GET", "/api/v2/notifications/"+fav.GroupKey, nil), 200))
	if !slices.Equal(one.shape(), []string{"favourite:3"}) || one.NotificationGroups[0].PageMinID != nil {
		t.Errorf("GET the group: %+v", one.NotificationGroups)
	}
	accs := testrig.Decode[[]testrig.Account](t, c.Must(bob.Do("GET", "/api/v2/notifications/"+fav.GroupKey+"/accounts", nil), 200))
	if got := testrig.AccountIDs(accs); !slices.Equal(got, want) {
		t.Errorf("group accounts %v, want %v", got, want)
	}
	if n := unread(t, c, bob, "/api/v2/notifications/unread_count"); n != 3 {
		t.Errorf("v2 unread count %d, want 3 groups", n)
	}
	if n := unread(t, c, bob, "/api/v1/notifications/unread_count"); n != 7 {
		t.Errorf("v1 unread count %d, want 7 notifications", n)
	}
	c.Must(bob.Do("POST", "/api/v1/markers", url.Values{"notifications[last_read_id]": {*follow.PageMaxID}}), 200)
	if n := unread(t, c, bob, "/api/v2/notifications/unread_count"); n != 2 {
		t.Errorf("v2 unread count after the marker %d, want 2", n)
	}
	if n := unread(t, c, bob, "/api/v2/notifications/unread_count?types[]=mention"); n != 1 {
		t.Errorf("v2 unread mentions %d, want 1", n)
	}
	c.Must(bob.Do("POST", "/api/v2/notifications/"+fav.GroupKey+"/dismiss", nil), 200)
	c.Must(bob.Do("GET", "/api/v2/notifications/"+fav.GroupKey, nil), 404)
	c.Must(bob.Do("GET", "/api/v2/notifications/favourite-1-2", nil), 404)
	c.Must(bob.Do("POST", "/api/v2/notifications/ungrouped-x/dismiss", nil), 404)
	if got, _ := groupsOf(t, bob, nil); !slices.Equal(got.shape(), []string{"mention:1", "follow:3"}) {
		t.Errorf("after dismissal: %v", got.shape())
	}
	if len(testrig.Types(bob.Notifications(nil))) != 4 {
		t.Errorf("v1 after dismissal: %v", testrig.Types(bob.Notifications(nil)))
	}
}
