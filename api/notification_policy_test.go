package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// policy is NotificationPolicy as the tests read it.
type policy struct {
	ForNotFollowing    string `json:"for_not_following"`
	ForNotFollowers    string `json:"for_not_followers"`
	ForNewAccounts     string `json:"for_new_accounts"`
	ForPrivateMentions string `json:"for_private_mentions"`
	ForLimitedAccounts string `json:"for_limited_accounts"`
	Summary            struct {
		Requests      int `json:"pending_requests_count"`
		Notifications int `json:"pending_notifications_count"`
	} `json:"summary"`
}

func (p policy) String() string {
	return fmt.Sprintf("%s %s %s %s %s, %d/%d", p.ForNotFollowing, p.ForNotFollowers, p.ForNewAccounts,
		p.ForPrivateMentions, p.ForLimitedAccounts, p.Summary.Requests, p.Summary.Notifications)
}

// notificationRequest is NotificationRequest as the tests read it.
type notificationRequest struct {
	ID                 string          `json:"id"`
	NotificationsCount string          `json:"notifications_count"`
	Account            testrig.Account `json:"account"`
	LastStatus         *testrig.Status `json:"last_status"`
}

// requestsBy lists u's notification requests as "username:count", newest first, and
// the ids by username.
func requestsBy(t *testing.T, c *testrig.Cluster, u *testrig.User) ([]string, map[string]string) {
	t.Helper()
	rs := testrig.Decode[[]notificationRequest](t, c.Must(u.Do("GET", "/api/v1/notifications/requests", nil), 200))
	var out []string
	ids := map[string]string{}
	for _, r := range rs {
		out = append(out, r.Account.Username+":"+r.NotificationsCount)
		ids[r.Account.Username] = r.ID
	}
	return out, ids
}

// senders lists notifications as "type:username".
func senders(ns []testrig.Notification) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Type+":"+n.Account.Username)
	}
	return out
}

// TestNotificationPolicyAndRequests: the policy's defaults and validation; filtered
// notifications wait in a request per sender, out of the listings; accepting one
// moves its notifications in and lets the sender through, dismissing deletes them;
// dropped ones are not kept; mentions from followed accounts are never filtered.
func TestNotificationPolicyAndRequests(t *testing.T) {
	c := testrig.New(t)
	bob, alice, carol, dave, erin, frank := c.Register("bob"), c.Register("alice"), c.Register("carol"),
		c.Register("dave"), c.Register("erin"), c.Register("frank")
	bob.Follow(alice)
	getPolicy := func() policy {
		return testrig.Decode[policy](t, c.Must(bob.Do("GET", "/api/v2/notifications/policy", nil), 200))
	}
	if got := getPolicy().String(); got != "accept accept accept filter filter, 0/0" {
		t.Fatalf("default policy %s", got)
	}
	for _, bad := range []url.Values{{"for_not_following": {"maybe"}}, {"for_new_accounts": {""}}, {"for_private_mentions": {"Drop"}}} {
		r := c.Must(bob.Do("PATCH", "/api/v2/notifications/policy", bad), 422)
		if !strings.Contains(string(r.Body), "is not included in the list") {
			t.Errorf("PATCH %v: %s", bad, r.Body)
		}
	}
	r := c.Must(bob.Do("PATCH", "/api/v2/notifications/policy", url.Values{"for_not_following": {"filter"}}), 200)
	if got := testrig.Decode[policy](t, r).String(); got != "filter accept accept filter filter, 0/0" || getPolicy().String() != got {
		t.Fatalf("patched policy %s, then %s", got, getPolicy())
	}

	// Each notification lands before the next action, so that their order is the
	// order of the actions (they are made by workers on different partitions).
	post := bob.PostStatus("hello")
	landed := func(n int) {
		t.Helper()
		testrig.Eventually(t, fmt.Sprintf("notification %d", n), func() error {
			if got := bob.Notifications(url.Values{"include_filtered": {"true"}}); len(got) < n {
				return fmt.Errorf("%d notifications", len(got))
			}
			return nil
		})
	}
	carol.Act(post.ID, "favourite")
	landed(1)
	dave.Act(post.ID, "favourite")
	landed(2)
	frank.PostStatus("@bob psst", "visibility", "direct")
	landed(3)
	alice.PostStatus("@bob from a friend")
	testrig.Eventually(t, "the mentions", func() error {
		if got, _ := requestsBy(t, c, bob); !slices.Equal(got, []string{"frank:1", "dave:1", "carol:1"}) {
			return fmt.Errorf("requests %v", got)
		}
		if got := senders(bob.Notifications(nil)); !slices.Equal(got, []string{"mention:alice"}) {
			return fmt.Errorf("notifications %v", got)
		}
		return nil
	})
	all := senders(bob.Notifications(url.Values{"include_filtered": {"true"}}))
	if !slices.Equal(all, []string{"mention:alice", "mention:frank", "favourite:dave", "favourite:carol"}) {
		t.Errorf("include_filtered: %v", all)
	}
	if g, _ := groupsOf(t, bob, nil); !slices.Equal(g.shape(), []string{"mention:1"}) {
		t.Errorf("v2 groups %v", g.shape())
	}
	// account_id shows a sender's filtered notifications too, as Mastodon's browserable
	// (a request's view); unknown types are ignored, as Mastodon's intersection with its
	// types, so types[] of only unknown ones matches nothing.
	if got := senders(bob.Notifications(url.Values{"account_id": {frank.ID}})); !slices.Equal(got, []string{"mention:frank"}) {
		t.Errorf("frank's notifications %v", got)
	}
	if g, _ := groupsOf(t, bob, url.Values{"account_id": {dave.ID}}); !slices.Equal(g.shape(), []string{"favourite:1"}) {
		t.Errorf("v2 groups of dave %v", g.shape())
	}
	for q, want := range map[string][]string{
		"types[]=mention&types[]=emoji_reaction&include_filtered=true": {"mention:alice", "mention:frank"},
		"types[]=emoji_reaction":         nil,
		"exclude_types[]=emoji_reaction": {"mention:alice"},
	} {
		v, _ := url.ParseQuery(q)
		if got := senders(bob.Notifications(v)); !slices.Equal(got, want) {
			t.Errorf("%s: %v", q, got)
		}
		if g, _ := groupsOf(t, bob, v); len(g.shape()) != len(want) {
			t.Errorf("v2 %s: %v", q, g.shape())
		}
	}
	if got := getPolicy().Summary; got.Requests != 3 || got.Notifications != 3 {
		t.Errorf("summary %+v", got)
	}
	_, ids := requestsBy(t, c, bob)
	one := testrig.Decode[notificationRequest](t, c.Must(bob.Do("GET", "/api/v1/notifications/requests/"+ids["carol"], nil), 200))
	if one.Account.ID != carol.ID || one.LastStatus == nil || one.LastStatus.ID != post.ID {
		t.Errorf("carol's request %+v", one)
	}
	c.Must(bob.Do("GET", "/api/v1/notifications/requests/"+post.ID, nil), 404)
	c.Must(alice.Do("GET", "/api/v1/notifications/requests/"+ids["carol"], nil), 404)

	// Accepting carol's request moves her favourite in and lets her through.
	c.Must(bob.Do("POST", "/api/v1/notifications/requests/"+ids["carol"]+"/accept", nil), 200)
	c.Must(bob.Do("GET", "/api/v1/notifications/requests/"+ids["carol"], nil), 404)
	carol.Act(post.ID, "reblog")
	testrig.Eventually(t, "carol's boost", func() error {
		if got := senders(bob.Notifications(nil)); !slices.Equal(got, []string{"reblog:carol", "mention:alice", "favourite:carol"}) {
			return fmt.Errorf("notifications %v", got)
		}
		return nil
	})

	// Dismissing dave's (in bulk, with an unknown id) deletes his favourite.
	c.Must(bob.Do("POST", "/api/v1/notifications/requests/dismiss", url.Values{"id[]": {ids["dave"], post.ID}}), 200)
	c.Must(bob.Do("POST", "/api/v1/notifications/requests/dismiss", url.Values{"id[]": {"x"}}), 422)
	if got, _ := requestsBy(t, c, bob); !slices.Equal(got, []string{"frank:1"}) {
		t.Errorf("requests after dismissal %v", got)
	}
	if got := senders(bob.Notifications(url.Values{"include_filtered": {"true"}})); slices.Contains(got, "favourite:dave") {
		t.Errorf("dave's favourite stayed: %v", got)
	}

	// Dropped notifications are not kept; mentions of followed accounts still come.
	c.Must(bob.Do("PATCH", "/api/v2/notifications/policy", url.Values{"for_not_following": {"drop"}}), 200)
	erin.Act(post.ID, "favourite")
	alice.Act(post.ID, "favourite")
	testrig.Eventually(t, "alice's favourite", func() error {
		if got := senders(bob.Notifications(url.Values{"types[]": {"favourite"}})); !slices.Equal(got, []string{"favourite:alice", "favourite:carol"}) {
			return fmt.Errorf("favourites %v", got)
		}
		return nil
	})
	if got := senders(bob.Notifications(url.Values{"include_filtered": {"true"}})); slices.Contains(got, "favourite:erin") {
		t.Errorf("erin's favourite was kept: %v", got)
	}
	if got, _ := requestsBy(t, c, bob); !slices.Equal(got, []string{"frank:1"}) {
		t.Errorf("requests after a drop %v", got)
	}

	// Accepting in bulk; merged.
	c.Must(bob.Do("POST", "/api/v1/notifications/requests/accept", url.Values{"id[]": {ids["frank"]}}), 200)
	if got := senders(bob.Notifications(url.Values{"types[]": {"mention"}})); !slices.Equal(got, []string{"mention:alice", "mention:frank"}) {
		t.Errorf("mentions after accepting frank %v", got)
	}
	var merged struct {
		Merged bool `json:"merged"`
	}
	c.Must(bob.Do("GET", "/api/v1/notifications/requests/merged", nil), 200).JSON(t, &merged)
	if !merged.Merged || getPolicy().Summary.Requests != 0 {
		t.Errorf("merged %v, policy %s", merged.Merged, getPolicy())
	}
}

// TestNotificationPolicyRules: which condition of a policy catches which notification,
// and what a sender the recipient follows always gets through.
func TestNotificationPolicyRules(t *testing.T) {
	c := testrig.New(t)
	_, mod := c.RegisterModerator("mod")
	for i, tc := range []struct {
		name                string
		policy              url.Values
		follows, followedBy bool   // the recipient follows the sender; the sender follows the recipient
		silenced            bool   // a moderator silenced the sender
		act                 string // favourite, mention (public) or dm
		want                string // accept, filter or drop
	}{
		{"not followers: a follower's favourite", url.Values{"for_not_followers": {"filter"}}, false, true, false, "favourite", "accept"},
		{"not followers: a stranger's favourite", url.Values{"for_not_followers": {"filter"}}, false, false, false, "favourite", "filter"},
		{"not followers: a followed account's mention", url.Values{"for_not_followers": {"drop"}}, true, false, false, "mention", "accept"},
		{"new accounts: a stranger", url.Values{"for_new_accounts": {"filter"}}, false, false, false, "favourite", "filter"},
		{"new accounts: a followed account", url.Values{"for_new_accounts": {"drop"}}, true, false, false, "favourite", "accept"},
		{"private mentions: a stranger's public mention", nil, false, false, false, "mention", "accept"},
		{"private mentions: a stranger's direct mention", nil, false, false, false, "dm", "filter"},
		{"private mentions: a followed account's direct mention", nil, true, false, false, "dm", "accept"},
		{"private mentions dropped", url.Values{"for_private_mentions": {"drop"}}, false, false, false, "dm", "drop"},
		{"drop wins over filter", url.Values{"for_not_following": {"filter"}, "for_new_accounts": {"drop"}}, false, false, false, "favourite", "drop"},
		{"limited accounts: a silenced stranger's mention", url.Values{"for_limited_accounts": {"filter"}}, false, false, true, "mention", "filter"},
		{"limited accounts dropped", url.Values{"for_limited_accounts": {"drop"}}, false, false, true, "mention", "drop"},
		{"limited accounts accepted", url.Values{"for_limited_accounts": {"accept"}}, false, false, true, "mention", "accept"},
		{"limited accounts: a silenced follower's favourite", nil, false, true, true, "favourite", "filter"},
		{"limited accounts: a silenced followed account", url.Values{"for_limited_accounts": {"drop"}}, true, false, true, "mention", "accept"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			to, from := c.Register(fmt.Sprintf("to%d", i)), c.Register(fmt.Sprintf("from%d", i))
			if tc.follows {
				to.Follow(from)
			}
			if tc.followedBy {
				from.Follow(to)
			}
			if tc.silenced {
				c.Must(c.Do("POST", "/api/v1/admin/accounts/"+from.ID+"/action", mod, url.Values{"type": {"silence"}}), 200)
			}
			if tc.policy != nil {
				c.Must(to.Do("PATCH", "/api/v2/notifications/policy", tc.policy), 200)
			}
			post := to.PostStatus("hello")
			switch tc.act {
			case "favourite":
				from.Act(post.ID, "favourite")
			case "mention":
				from.PostStatus("@" + to.Name + " hi")
			case "dm":
				from.PostStatus("@"+to.Name+" psst", "visibility", "direct")
				// A public mention after it, from the same author, comes after it.
				from.PostStatus("@" + to.Name + " sentinel")
			}
			kind := map[string]string{"favourite": "favourite", "mention": "mention", "dm": "mention"}[tc.act]
			q := url.Values{"types[]": {kind}, "exclude_types[]": {"follow"}}
			testrig.Eventually(t, "the notification", func() error {
				shown := len(to.Notifications(q))
				if tc.act == "dm" {
					shown-- // the sentinel
				}
				all := len(to.Notifications(url.Values{"types[]": {kind}, "include_filtered": {"true"}}))
				if tc.act == "dm" {
					all--
				}
				got := map[[2]int]string{{1, 1}: "accept", {0, 1}: "filter", {0, 0}: "drop"}[[2]int{shown, all}]
				if tc.act == "dm" && len(to.Notifications(url.Values{"types[]": {"mention"}, "include_filtered": {"true"}})) == 0 {
					got = "" // the sentinel has not come yet
				}
				if got != tc.want {
					return fmt.Errorf("shown %d, with the filtered %d: %q, want %s", shown, all, got, tc.want)
				}
				return nil
			})
			if reqs, _ := requestsBy(t, c, to); (len(reqs) == 1) != (tc.want == "filter") {
				t.Errorf("requests %v", reqs)
			}
		})
	}
}
