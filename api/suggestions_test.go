package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// suggestionsOf reads the v2 suggestions of u as "id:source,source" strings.
func suggestionsOf(t *testing.T, u *testrig.User, q url.Values) []string {
	t.Helper()
	var l []struct {
		Source  string          `json:"source"`
		Sources []string        `json:"sources"`
		Account testrig.Account `json:"account"`
	}
	r := u.Do("GET", "/api/v2/suggestions", q)
	if r.Code != 200 {
		t.Fatalf("GET /api/v2/suggestions: %d %s", r.Code, r.Body)
	}
	r.JSON(t, &l)
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = fmt.Sprintf("%s:%s:%v", s.Account.ID, s.Source, s.Sources)
	}
	return out
}

// TestSuggestions: the admins' endorsements first, then friends of friends (most
// shared first), then the most followed recently active local accounts; without
// oneself, followed, muted, blocking or undiscoverable accounts; dismissals hold for
// the one who dismissed only.
func TestSuggestions(t *testing.T) {
	c := testrig.New(t)
	staff, _ := c.RegisterModerator("staff")
	alice, bob, carol, dave, erin := c.Register("alice"), c.Register("bob"), c.Register("carol"), c.Register("dave"), c.Register("erin")
	frank, gina, henry, ivan, jack := c.Register("frank"), c.Register("gina"), c.Register("henry"), c.Register("ivan"), c.Register("jack")
	kate := c.Register("kate")
	staff.Follow(gina)
	c.Must(staff.Do("POST", "/api/v1/accounts/"+gina.ID+"/pin", nil), 200)
	alice.Follow(bob)
	alice.Follow(carol)
	bob.Follow(dave)
	carol.Follow(dave)
	bob.Follow(erin)
	bob.Follow(alice)
	carol.Follow(ivan)
	alice.Relate(ivan.ID, "mute")
	bob.Follow(jack)
	jack.UpdateCredentials("discoverable", "false")
	carol.Follow(kate)
	kate.Relate(alice.ID, "block")
	erin.Follow(henry)
	gina.Follow(henry)
	henry.PostStatus("hello")
	frank.Follow(bob)

	want := []string{gina.ID + ":staff:[featured]", dave.ID + ":past_interactions:[friends_of_friends]",
		erin.ID + ":past_interactions:[friends_of_friends]", henry.ID + ":global:[most_followed]"}
	testrig.Eventually(t, "henry in the active directory", func() error {
		if got := suggestionsOf(t, alice, nil); !slices.Equal(got, want) {
			return fmt.Errorf("alice's suggestions %v, want %v", got, want)
		}
		return nil
	})
	if got := accountsAt(t, alice, "/api/v1/suggestions", nil); !slices.Equal(got, []string{gina.ID, dave.ID, erin.ID, henry.ID}) {
		t.Fatalf("v1 suggestions %v", got)
	}
	if got := suggestionsOf(t, alice, url.Values{"limit": {"1"}}); !slices.Equal(got, want[:1]) {
		t.Fatalf("limit 1: %v", got)
	}
	// v1 takes limit too; a negative one counts by its size, as Mastodon's limit_param.
	if got := accountsAt(t, alice, "/api/v1/suggestions", url.Values{"limit": {"-2"}}); !slices.Equal(got, []string{gina.ID, dave.ID}) {
		t.Fatalf("v1 limit -2: %v", got)
	}

	c.Must(alice.Do("DELETE", "/api/v1/suggestions/"+dave.ID, nil), 200)
	if got := suggestionsOf(t, alice, nil); slices.ContainsFunc(got, func(s string) bool { return s[:len(dave.ID)] == dave.ID }) {
		t.Fatalf("dave dismissed but suggested: %v", got)
	}
	if got := accountsAt(t, frank, "/api/v1/suggestions", nil); !slices.Contains(got, dave.ID) {
		t.Fatalf("frank's suggestions %v lack dave, dismissed by alice only", got)
	}
	alice.Follow(erin)
	if got := accountsAt(t, alice, "/api/v1/suggestions", nil); !slices.Equal(got, []string{gina.ID, henry.ID}) {
		t.Fatalf("after following erin: %v", got)
	}

	for _, id := range []string{"999999999", "nope"} {
		c.Must(alice.Do("DELETE", "/api/v1/suggestions/"+id, nil), 404)
	}
	c.Must(c.Anonymous().Do("GET", "/api/v2/suggestions", nil), 401)
}
