package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/testrig"
)

// tagEntity is Mastodon's Tag entity as these tests read it.
type tagEntity struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	Following *bool  `json:"following"`
	History   []struct {
		Day      string `json:"day"`
		Uses     string `json:"uses"`
		Accounts string `json:"accounts"`
	} `json:"history"`
}

// waitHome waits until u's home holds status id.
func waitHome(t *testing.T, u *testrig.User, id string) {
	t.Helper()
	testrig.Eventually(t, "home of "+u.Name, func() error { return homeHas(t, u, id) })
}

// TestFollowedTags: a followed hashtag brings public posts of accounts the follower
// does not follow into its home, until it is unfollowed; the tag shows following and
// its history; followed_tags lists it.
func TestFollowedTags(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")

	var tag tagEntity
	c.Must(alice.Do("POST", "/api/v1/tags/Herding/follow", nil), 200).JSON(t, &tag)
	if tag.Name != "Herding" || tag.Following == nil || !*tag.Following || tag.ID == "" || len(tag.History) != 7 {
		t.Fatalf("followed tag %+v", tag)
	}
	var followed []tagEntity
	c.Must(alice.Do("GET", "/api/v1/followed_tags", nil), 200).JSON(t, &followed)
	if len(followed) != 1 || followed[0].Name != "Herding" || followed[0].ID != tag.ID {
		t.Fatalf("followed tags %+v", followed)
	}

	post := bob.PostStatus("sheep #herding").ID
	waitHome(t, alice, post)
	unlisted := bob.PostStatus("quiet #herding", "visibility", "unlisted").ID
	other := bob.PostStatus("no tag here").ID
	// A post alice hides stays out.
	alice.Relate(carol.ID, "mute")
	muted := carol.PostStatus("muted #herding").ID
	// A reply to another account comes too, as in Mastodon.
	dave := c.Register("dave")
	parent := dave.PostStatus("a question").ID
	last := bob.PostStatus("@dave an answer #herding", "in_reply_to_id", parent).ID
	waitHome(t, alice, last)
	for _, id := range []string{unlisted, other, muted} {
		if slices.Contains(testrig.StatusIDs(alice.Home(nil)), id) {
			t.Fatalf("status %s in alice's home", id)
		}
	}

	// The history counts today's uses (public and unlisted) and accounts, as anyone
	// sees them.
	testrig.Eventually(t, "the history of #herding", func() error {
		var anon tagEntity
		c.Must(c.Do("GET", "/api/v1/tags/herding", "", nil), 200).JSON(t, &anon)
		today := strconv.FormatInt(time.Now().UTC().Truncate(24*time.Hour).Unix(), 10)
		if anon.Following != nil || anon.ID != tag.ID || anon.History[0].Day != today ||
			anon.History[0].Uses != "4" || anon.History[0].Accounts != "2" {
			return fmt.Errorf("tag for anyone %+v (today %s)", anon, today)
		}
		return nil
	})

	c.Must(alice.Do("POST", "/api/v1/tags/herding/unfollow", nil), 200).JSON(t, &tag)
	if tag.Following == nil || *tag.Following {
		t.Fatalf("unfollowed tag %+v", tag)
	}
	c.Must(alice.Do("GET", "/api/v1/tags/herding", nil), 200).JSON(t, &tag)
	if tag.Following == nil || *tag.Following {
		t.Fatalf("tag after unfollow %+v", tag)
	}
	after := bob.PostStatus("after #herding").ID
	alice.Relate(carol.ID, "unmute")
	alice.Follow(carol)
	mark := carol.PostStatus("now followed").ID
	waitHome(t, alice, mark)
	if slices.Contains(testrig.StatusIDs(alice.Home(nil)), after) {
		t.Fatal("a post with an unfollowed tag reached home")
	}
	c.Must(alice.Do("GET", "/api/v1/followed_tags", nil), 200).JSON(t, &followed)
	if len(followed) != 0 {
		t.Fatalf("followed tags after unfollow %+v", followed)
	}
	wantError(t, alice.Do("GET", "/api/v1/tags/-", nil), 404, "Record not found")
	// A name outside ASCII comes percent-encoded in the path; it is folded in the
	// identity (the url), as Mastodon folds it, and kept as spelt in the name.
	c.Must(alice.Do("POST", "/api/v1/tags/Caf%C3%A9/follow", nil), 200).JSON(t, &tag)
	if tag.Name != "Café" || !strings.HasSuffix(tag.URL, "/tags/cafe") || tag.Following == nil || !*tag.Following {
		t.Fatalf("followed café: %+v", tag)
	}
}

// TestTagDisplayName: a tag keeps the case of its first use (a status, a follow, a
// featuring) as its name wherever the Tag entity shows it, whatever the case it is
// looked up with; statuses' tags[] show the normalised name, as Mastodon's; a tag no
// one used shows the route's spelling without keeping it.
func TestTagDisplayName(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	first := alice.PostStatus("sheep #HerdLife")
	tagAs := func(u *testrig.User, route string) tagEntity {
		var e tagEntity
		c.Must(c.Do("GET", "/api/v1/tags/"+route, u.Token, nil), 200).JSON(t, &e)
		return e
	}
	testrig.Eventually(t, "the tag of the first use", func() error {
		if e := tagAs(bob, "HERDLIFE"); e.Name != "HerdLife" {
			return fmt.Errorf("tag %+v", e)
		}
		return nil
	})
	second := bob.PostStatus("more #herdLIFE")
	for _, id := range []string{first.ID, second.ID} {
		if st := bob.Status(id); len(st.Tags) != 1 || st.Tags[0].Name != "herdlife" {
			t.Errorf("status %s tags %+v", id, st.Tags)
		}
	}
	var followed tagEntity
	c.Must(bob.Do("POST", "/api/v1/tags/herdlife/follow", nil), 200).JSON(t, &followed)
	var list []tagEntity
	c.Must(bob.Do("GET", "/api/v1/followed_tags", nil), 200).JSON(t, &list)
	if followed.Name != "HerdLife" || len(list) != 1 || list[0].Name != "HerdLife" {
		t.Errorf("followed %+v, followed_tags %+v", followed, list)
	}
	var featured struct {
		Name string `json:"name"`
	}
	c.Must(bob.Do("POST", "/api/v1/featured_tags", url.Values{"name": {"herdlife"}}), 200).JSON(t, &featured)
	if featured.Name != "HerdLife" {
		t.Errorf("featured %+v", featured)
	}

	// Made by a follow, as the route spells it; shown as spelt when unused.
	c.Must(alice.Do("POST", "/api/v1/tags/FreshFlock/follow", nil), 200)
	if e := tagAs(bob, "freshflock"); e.Name != "FreshFlock" {
		t.Errorf("a tag made by a follow %+v", e)
	}
	if a, b := tagAs(bob, "NeverUsed"), tagAs(bob, "neverused"); a.Name != "NeverUsed" || b.Name != "neverused" {
		t.Errorf("an unused tag %+v, then %+v", a, b)
	}
	// A private status spells a tag first too, as Mastodon makes tags from every status.
	alice.PostStatus("#QuietFlock at home", "visibility", "private")
	testrig.Eventually(t, "the spelling of a private status", func() error {
		if e := tagAs(bob, "quietflock"); e.Name != "QuietFlock" {
			return fmt.Errorf("tag %+v", e)
		}
		return nil
	})
}
