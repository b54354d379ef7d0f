package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestSuggestionSources: Mastodon 4.3's most_interactions (statuses of the last 30
// days boosted and favourited 5 times or more, locked accounts left out) and
// similar_to_recently_followed (a profile like those of the viewer's newest
// follows, found in the search index: grower posted nothing, so no other source
// gathers it; bots left out), in any order (suggestions are shuffled). The liked
// bios use greenhouse and tomatoes twice or more, and five bios have them, as
// more_like_this's defaults want.
func TestSuggestionSources(t *testing.T) {
	c := testrig.New(t)
	alice, star, shy := c.Register("alice"), c.Register("star"), c.Register("shy")
	gardener, grower, robot, quiet := c.Register("gardener"), c.Register("grower"), c.Register("robot"), c.Register("quiet")
	keeper, keeper2 := c.Register("keeper"), c.Register("keeper2")
	shy.UpdateCredentials("locked", "true")
	gardener.UpdateCredentials("note", "Tomatoes, compost and seedlings in my greenhouse")
	keeper.UpdateCredentials("note", "<p>Greenhouse tomatoes</p>")
	keeper2.UpdateCredentials("note", "Tomatoes from a greenhouse")
	grower.UpdateCredentials("note", "Every summer: tomatoes in the greenhouse")
	robot.UpdateCredentials("note", "Greenhouse tomatoes, hourly", "bot", "true")
	quiet.UpdateCredentials("note", "Trains and timetables")
	for _, u := range []*testrig.User{robot, quiet} {
		u.PostStatus("hello")
	}
	popular, hidden := star.PostStatus("worth a favourite"), shy.PostStatus("worth a favourite too")
	for i := range 5 {
		fan := c.Register(fmt.Sprintf("fan%d", i))
		fan.Act(popular.ID, "favourite")
		fan.Act(hidden.ID, "reblog")
	}
	alice.Follow(keeper)
	alice.Follow(keeper2)
	alice.Follow(gardener)

	want := sorted([]string{grower.ID + ":past_interactions:[similar_to_recently_followed]", star.ID + ":global:[most_interactions]"})
	testrig.Eventually(t, "alice's suggestions", func() error {
		if got := suggestionsOf(t, alice, nil); !slices.Equal(sorted(got), want) {
			return fmt.Errorf("alice's suggestions %v, want %v", got, want)
		}
		return nil
	})

	// Following someone else's newest: quiet's profile shares nothing with grower's,
	// but gardener is still among the five newest follows.
	alice.Follow(star)
	similar := grower.ID + ":past_interactions:[similar_to_recently_followed]"
	if got := suggestionsOf(t, alice, nil); !slices.Equal(got, []string{similar}) {
		t.Fatalf("after following star: %v", got)
	}
	// Unlocked, shy's boosted status makes it one of the most interacted with.
	shy.UpdateCredentials("locked", "false")
	want = sorted([]string{similar, shy.ID + ":global:[most_interactions]"})
	if got := suggestionsOf(t, alice, nil); !slices.Equal(sorted(got), want) {
		t.Fatalf("shy unlocked: %v, want %v", got, want)
	}
	// Without follows nothing is similar.
	if got := suggestionsOf(t, quiet, nil); slices.ContainsFunc(got, func(s string) bool { return s[:len(grower.ID)] == grower.ID }) {
		t.Fatalf("quiet follows no one but is offered grower: %v", got)
	}
}

// TestSuggestionsLeaveOutSilenced: a friend of a friend who is silenced is not
// suggested, as Mastodon's sources' base scope leaves silenced accounts out.
func TestSuggestionsLeaveOutSilenced(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol, dave := c.Register("alice"), c.Register("bob"), c.Register("carol"), c.Register("dave")
	alice.Follow(bob)
	bob.Follow(carol)
	bob.Follow(dave)
	want := []string{carol.ID + ":past_interactions:[friends_of_friends]", dave.ID + ":past_interactions:[friends_of_friends]"}
	if got := suggestionsOf(t, alice, nil); !slices.Equal(sorted(got), sorted(want)) {
		t.Fatalf("before: %v, want %v", got, want)
	}
	_, mod := c.RegisterModerator("mod")
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+dave.ID+"/action", mod, url.Values{"type": {"silence"}}), 200)
	if got := suggestionsOf(t, alice, nil); !slices.Equal(got, want[:1]) {
		t.Fatalf("dave silenced: %v, want %v", got, want[:1])
	}
}
