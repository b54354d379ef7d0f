package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestStatusReadersAskThePolicy checks, through the readers that judge statuses in a
// batch (lists by id, threads), the rules that the visibility package's table holds:
// private to followers and the mentioned, direct to the mentioned, nothing but public
// and unlisted to strangers and anonymous readers.
func TestStatusReadersAskThePolicy(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol, eve := c.Register("alice"), c.Register("bob"), c.Register("carol"), c.Register("eve")
	bob.Follow(alice)
	pub := alice.PostStatus("for everyone").ID
	priv := alice.PostStatus("followers only", "visibility", "private").ID
	dm := alice.PostStatus("@carol just you", "visibility", "direct").ID
	byIDs := func(who *testrig.User) []string {
		if who == nil {
			who = c.Anonymous()
		}
		return testrig.StatusIDs(who.Statuses(pub, priv, dm))
	}
	for _, tc := range []struct {
		name string
		who  *testrig.User
		want []string
	}{
		{"author", alice, []string{pub, priv, dm}},
		{"follower", bob, []string{pub, priv}},
		{"mentioned", carol, []string{pub, dm}},
		{"stranger", eve, []string{pub}},
		{"anonymous", nil, []string{pub}},
	} {
		if got := byIDs(tc.who); !slices.Equal(got, tc.want) {
			t.Errorf("%s: GET /statuses gives %v, want %v", tc.name, got, tc.want)
		}
	}

	// Threads: a follower sees the private reply, a stranger only the public root.
	reply := alice.PostStatus("a private reply", "visibility", "private", "in_reply_to_id", pub).ID
	for _, tc := range []struct {
		who  *testrig.User
		want []string
	}{{bob, []string{reply}}, {eve, nil}} {
		if got := testrig.StatusIDs(tc.who.Context(pub).Descendants); !slices.Equal(got, tc.want) {
			t.Errorf("%s: descendants %v, want %v", tc.who.Name, got, tc.want)
		}
	}

}

// TestBoostHiddenWithItsOriginal: a boost is hidden from whoever blocks (or is blocked
// by) the original's author, in a list by id, in the booster's statuses and by its own
// id alike.
func TestBoostHiddenWithItsOriginal(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol, eve := c.Register("alice"), c.Register("bob"), c.Register("carol"), c.Register("eve")
	pub := alice.PostStatus("for everyone").ID
	boost := carol.Act(pub, "reblog").ID
	c.Must(eve.Do("POST", "/api/v1/accounts/"+alice.ID+"/block", nil), 200)
	for _, tc := range []struct {
		who  *testrig.User
		want []string
	}{{bob, []string{boost}}, {eve, nil}} {
		if got := testrig.StatusIDs(tc.who.Statuses(boost)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: boost by id %v, want %v", tc.who.Name, got, tc.want)
		}
		if got := testrig.StatusIDs(tc.who.AccountStatuses(carol.ID, nil)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: carol's statuses %v, want %v", tc.who.Name, got, tc.want)
		}
	}
	// So is it by its own id, and nothing can be done to the original through it.
	c.Must(bob.Do("GET", "/api/v1/statuses/"+boost, nil), 200)
	c.Must(eve.Do("GET", "/api/v1/statuses/"+boost, nil), 404)
	c.Must(eve.Do("POST", "/api/v1/statuses/"+boost+"/favourite", nil), 404)
}

// TestPostingDefaults: a status posted without visibility, language or sensitive takes
// the author's preferences, each on its own, and what the request gives wins.
func TestPostingDefaults(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	c.Must(alice.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{
		"source[privacy]": {"private"}, "source[language]": {"de"}, "source[sensitive]": {"true"}}), 200)
	for _, tc := range []struct {
		name       string
		extra      []string
		visibility string
		language   string
		sensitive  bool
	}{
		{"nothing given", nil, "private", "de", true},
		{"language given", []string{"language", "fr"}, "private", "fr", true},
		{"visibility and language given", []string{"visibility", "unlisted", "language", "fr"}, "unlisted", "fr", true},
		{"sensitive given", []string{"sensitive", "false"}, "private", "de", false},
	} {
		st := alice.PostStatus(tc.name, tc.extra...)
		language := "<null>"
		if st.Language != nil {
			language = *st.Language
		}
		if st.Visibility != tc.visibility || language != tc.language || st.Sensitive != tc.sensitive {
			t.Errorf("%s: visibility %v, language %v, sensitive %v; want %s, %s, %v", tc.name,
				st.Visibility, language, st.Sensitive, tc.visibility, tc.language, tc.sensitive)
		}
	}
}

// TestHomeHidesAuthorsMutedAfterFanOut: entries already in a home are dropped on read,
// by the author they carry, once the viewer mutes or blocks that author, and come
// back on unmute.
func TestHomeHidesAuthorsMutedAfterFanOut(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	alice.Follow(bob)
	alice.Follow(carol)
	fromBob := bob.PostStatus("before the mute").ID
	fromCarol := carol.PostStatus("before the block").ID
	testrig.Eventually(t, "both posts in alice's home", func() error {
		if home := homeIDs(t, alice, nil); !slices.Contains(home, fromBob) || !slices.Contains(home, fromCarol) {
			return fmt.Errorf("home %v", home)
		}
		return nil
	})
	c.Must(alice.Do("POST", "/api/v1/accounts/"+bob.ID+"/mute", nil), 200)
	c.Must(carol.Do("POST", "/api/v1/accounts/"+alice.ID+"/block", nil), 200)
	if got := homeIDs(t, alice, nil); slices.Contains(got, fromBob) || slices.Contains(got, fromCarol) {
		t.Fatalf("home %v holds a post of a muted or blocking author", got)
	}
	c.Must(alice.Do("POST", "/api/v1/accounts/"+bob.ID+"/unmute", nil), 200)
	if got := homeIDs(t, alice, nil); !slices.Contains(got, fromBob) {
		t.Fatalf("home %v lacks %s after the unmute", got, fromBob)
	}
}
