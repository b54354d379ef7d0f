package api_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

// followIn follows an account with languages[] (none given: the field sent blank,
// which clears them) and returns the relationship.
func followIn(t *testing.T, c *testrig.Cluster, u *testrig.User, id string, langs ...string) testrig.Relationship {
	t.Helper()
	if len(langs) == 0 {
		langs = []string{""}
	}
	r := u.Do("POST", "/api/v1/accounts/"+id+"/follow", url.Values{"languages[]": langs})
	return testrig.Decode[testrig.Relationship](t, c.Must(r, 200))
}

// A follow's languages keep the followed account's statuses in other languages out
// of the follower's home, its user stream and its lists, as Mastodon's FeedManager
// does; boosts (which have none of their own) pass, and a post naming no language
// is in its author's posting language.
// Following again changes the languages for the statuses that come next.
func TestFollowLanguagesHome(t *testing.T) {
	c := testrig.New(t)
	alice, bob, dave := c.Register("alice"), c.Register("bob"), c.Register("dave")
	if rel := followIn(t, c, bob, alice.ID, "DE", "de"); !rel.Following || !slices.Equal(rel.Languages, []string{"de"}) {
		t.Fatalf("follow with languages: %+v", rel)
	}
	l := bob.CreateList("friends")
	bob.AddToList(l.ID, alice.ID)
	ws := dialWS(t, c, bob.Token, "stream=user")
	waitSubscribers(t, c, stream.User(id(t, bob.ID)), 1)

	postIn(t, alice, "de")
	en := alice.PostStatus("in english", "language", "en").ID
	de := alice.PostStatus("auf deutsch", "language", "de").ID
	none := alice.PostStatus("ohne Angabe der Sprache").ID
	foreign := dave.PostStatus("dave in english", "language", "en").ID
	boost := alice.Act(foreign, "reblog").ID
	home := func(in, out []string) {
		t.Helper()
		testrig.Eventually(t, "bob's home", func() error {
			return want(testrig.StatusIDs(bob.Home(nil)), in, out)
		})
	}
	home([]string{de, none, boost}, []string{en})
	if err := want(testrig.StatusIDs(bob.ListTimeline(l.ID, nil)), []string{de, none, boost}, []string{en}); err != nil {
		t.Fatalf("bob's list: %v", err)
	}
	for _, id := range []string{de, none, boost} {
		if got := ws.expect("user", "update").status(t).ID; got != id {
			t.Fatalf("user stream: %s, want %s (en was %s)", got, id, en)
		}
	}

	// Following again with other languages: the next statuses are judged by them.
	if rel := followIn(t, c, bob, alice.ID, "en"); !slices.Equal(rel.Languages, []string{"en"}) {
		t.Fatalf("follow again with en: %+v", rel)
	}
	de2 := alice.PostStatus("noch einmal", "language", "de").ID
	en2 := alice.PostStatus("once more", "language", "en").ID
	home([]string{en2}, []string{de2})
	// A blank list lets every language in again.
	if rel := followIn(t, c, bob, alice.ID); len(rel.Languages) != 0 {
		t.Fatalf("follow again without languages: %+v", rel)
	}
	de3 := alice.PostStatus("zum dritten", "language", "de").ID
	home([]string{de3, en2}, []string{de2})

	// A bad list is refused and changes nothing.
	r := bob.Do("POST", "/api/v1/accounts/"+alice.ID+"/follow", url.Values{"languages[]": {"not-a-language-code"}})
	if r.Code != 422 {
		t.Fatalf("bad languages: %d %s", r.Code, r.Body)
	}
	if rel := bob.Relationship(alice.ID); !rel.Following || len(rel.Languages) != 0 {
		t.Fatalf("after a refused follow: %+v", rel)
	}
}

// A new follow with languages merges only the followed account's recent statuses
// in those languages into the follower's home.
func TestFollowLanguagesMerge(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	postIn(t, alice, "de")
	en := alice.PostStatus("in english", "language", "en").ID
	de := alice.PostStatus("auf deutsch", "language", "de").ID
	none := alice.PostStatus("ohne Angabe der Sprache").ID
	testrig.Eventually(t, "alice's posts in her home", func() error {
		return want(testrig.StatusIDs(alice.Home(nil)), []string{en, de, none}, nil)
	})
	followIn(t, c, bob, alice.ID, "de")
	testrig.Eventually(t, "bob's home after the follow", func() error {
		return want(testrig.StatusIDs(bob.Home(nil)), []string{de, none}, nil)
	})
	if err := want(testrig.StatusIDs(bob.Home(nil)), nil, []string{en}); err != nil {
		t.Fatalf("merged a status in another language: %v", err)
	}
}

// A follow's languages apply to a hot author's statuses too, which homes merge at
// read time instead of taking them at fan-out.
func TestFollowLanguagesHotAuthor(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.HotFollowers = 2 }))
	star, bob := c.Register("star"), c.Register("bob")
	c.Register("fan1").Follow(star)
	c.Register("fan2").Follow(star)
	followIn(t, c, bob, star.ID, "de") // the third follower takes star past the threshold
	postIn(t, star, "de")
	first := star.PostStatus("der Wechsel").ID
	en := star.PostStatus("in english", "language", "en").ID
	de := star.PostStatus("auf deutsch", "language", "de").ID
	testrig.Eventually(t, "bob's home", func() error {
		return want(testrig.StatusIDs(bob.Home(nil)), []string{first, de}, nil)
	})
	if err := want(testrig.StatusIDs(bob.Home(nil)), nil, []string{en}); err != nil {
		t.Fatalf("merged a status in another language: %v", err)
	}
}

// postIn makes lang the user's default posting language (source[language]), which
// a post naming no language takes, as Mastodon's preferred_posting_language.
func postIn(t *testing.T, u *testrig.User, lang string) {
	t.Helper()
	if got := testrig.Decode[testrig.Account](t, u.Do("PATCH", "/api/v1/accounts/update_credentials",
		url.Values{"source[language]": {lang}})); got.Source == nil || got.Source.Language != lang {
		t.Fatalf("default posting language: %+v", got.Source)
	}
}
