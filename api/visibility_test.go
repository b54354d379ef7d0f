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
	pub := alice.Post("for everyone")["id"].(string)
	priv := alice.Post("followers only", "visibility", "private")["id"].(string)
	dm := alice.Post("@carol just you", "visibility", "direct")["id"].(string)
	byIDs := func(who *testrig.User) []string {
		token := ""
		if who != nil {
			token = who.Token
		}
		r := c.Must(c.Do("GET", "/api/v1/statuses", token, url.Values{"id[]": {pub, priv, dm}}), 200)
		return testrig.IDs(r.List(t))
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
	reply := alice.Post("a private reply", "visibility", "private", "in_reply_to_id", pub)["id"].(string)
	for _, tc := range []struct {
		who  *testrig.User
		want []string
	}{{bob, []string{reply}}, {eve, nil}} {
		ctx := c.Must(tc.who.Do("GET", "/api/v1/statuses/"+pub+"/context", nil), 200).Object(t)
		var got []string
		for _, d := range ctx["descendants"].([]any) {
			got = append(got, d.(map[string]any)["id"].(string))
		}
		if !slices.Equal(got, tc.want) {
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
	pub := alice.Post("for everyone")["id"].(string)
	boost := c.Must(carol.Do("POST", "/api/v1/statuses/"+pub+"/reblog", nil), 200).Object(t)["id"].(string)
	c.Must(eve.Do("POST", "/api/v1/accounts/"+alice.ID+"/block", nil), 200)
	for _, tc := range []struct {
		who  *testrig.User
		want []string
	}{{bob, []string{boost}}, {eve, nil}} {
		r := c.Must(tc.who.Do("GET", "/api/v1/statuses", url.Values{"id[]": {boost}}), 200)
		if got := testrig.IDs(r.List(t)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: boost by id %v, want %v", tc.who.Name, got, tc.want)
		}
		r = c.Must(tc.who.Do("GET", "/api/v1/accounts/"+carol.ID+"/statuses", nil), 200)
		if got := testrig.IDs(r.List(t)); !slices.Equal(got, tc.want) {
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
		st := alice.Post(tc.name, tc.extra...)
		if st["visibility"] != tc.visibility || st["language"] != tc.language || st["sensitive"] != tc.sensitive {
			t.Errorf("%s: visibility %v, language %v, sensitive %v; want %s, %s, %v", tc.name,
				st["visibility"], st["language"], st["sensitive"], tc.visibility, tc.language, tc.sensitive)
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
	fromBob := bob.Post("before the mute")["id"].(string)
	fromCarol := carol.Post("before the block")["id"].(string)
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
