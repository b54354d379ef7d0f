package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// sorted is a sorted copy of l.
func sorted(l []string) []string {
	out := slices.Clone(l)
	slices.Sort(out)
	return out
}

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

// TestSuggestions: the admins' endorsements, friends of friends and the most
// followed recently active local accounts, shuffled (one order for 15 minutes, as
// Mastodon caches its shuffled list); without
// oneself, followed, muted, blocking or undiscoverable accounts; dismissals hold for
// the one who dismissed only.
func TestSuggestions(t *testing.T) {
	clk := &clock{at: time.Now().UTC()}
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.Clock = clk.Now }))
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
	slices.Sort(want)
	var got []string
	testrig.Eventually(t, "henry in the active directory", func() error {
		if got = suggestionsOf(t, alice, nil); !slices.Equal(sorted(got), want) {
			return fmt.Errorf("alice's suggestions %v, want %v in any order", got, want)
		}
		return nil
	})
	// Shuffled as Mastodon's, one order for 15 minutes: v1 and smaller limits read it.
	ids := make([]string, len(got))
	for i, g := range got {
		ids[i], _, _ = strings.Cut(g, ":")
	}
	if v1 := accountsAt(t, alice, "/api/v1/suggestions", nil); !slices.Equal(v1, ids) {
		t.Fatalf("v1 suggestions %v, want %v", v1, ids)
	}
	if one := suggestionsOf(t, alice, url.Values{"limit": {"1"}}); !slices.Equal(one, got[:1]) {
		t.Fatalf("limit 1: %v, want %v", one, got[:1])
	}
	// v1 takes limit too; a negative one counts by its size, as Mastodon's limit_param.
	if two := accountsAt(t, alice, "/api/v1/suggestions", url.Values{"limit": {"-2"}}); !slices.Equal(two, ids[:2]) {
		t.Fatalf("v1 limit -2: %v, want %v", two, ids[:2])
	}
	changed := false
	for range 20 {
		clk.Advance(15 * time.Minute)
		if again := suggestionsOf(t, alice, nil); !slices.Equal(sorted(again), want) {
			t.Fatalf("suggestions later: %v", again)
		} else if !slices.Equal(again, got) {
			changed = true
			break
		}
	}
	if !changed {
		t.Fatalf("the same order %v in 20 windows of 15 minutes", got)
	}

	c.Must(alice.Do("DELETE", "/api/v1/suggestions/"+dave.ID, nil), 200)
	if got := suggestionsOf(t, alice, nil); slices.ContainsFunc(got, func(s string) bool { return s[:len(dave.ID)] == dave.ID }) {
		t.Fatalf("dave dismissed but suggested: %v", got)
	}
	if got := accountsAt(t, frank, "/api/v1/suggestions", nil); !slices.Contains(got, dave.ID) {
		t.Fatalf("frank's suggestions %v lack dave, dismissed by alice only", got)
	}
	alice.Follow(erin)
	if got := accountsAt(t, alice, "/api/v1/suggestions", nil); !slices.Equal(sorted(got), sorted([]string{gina.ID, henry.ID})) {
		t.Fatalf("after following erin: %v", got)
	}

	for _, id := range []string{"999999999", "nope"} {
		c.Must(alice.Do("DELETE", "/api/v1/suggestions/"+id, nil), 404)
	}
	c.Must(c.Anonymous().Do("GET", "/api/v2/suggestions", nil), 401)
}
