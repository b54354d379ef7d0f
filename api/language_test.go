package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

// chooseLanguages sets the user's chosen languages through update_credentials
// (source[chosen_languages][], Herd's own) and returns what the account says.
func chooseLanguages(t *testing.T, c *testrig.Cluster, u *testrig.User, langs ...string) []string {
	t.Helper()
	form := url.Values{"source[chosen_languages][]": langs}
	a := testrig.Decode[testrig.Account](t, c.Must(u.Do("PATCH", "/api/v1/accounts/update_credentials", form), 200))
	if a.Source == nil {
		t.Fatal("update_credentials: no source")
	}
	return a.Source.ChosenLanguages
}

// timelineIDs reads a timeline as the user (nil: anonymously).
func timelineIDs(t *testing.T, c *testrig.Cluster, u *testrig.User, path string) []string {
	t.Helper()
	token := ""
	if u != nil {
		token = u.Token
	}
	return testrig.StatusIDs(testrig.Decode[[]testrig.Status](t, c.Must(c.Do("GET", path, token, nil), 200)))
}

// want checks that ids hold every id of in and none of out.
func want(ids []string, in, out []string) error {
	for _, id := range in {
		if !slices.Contains(ids, id) {
			return fmt.Errorf("%v lacks %s", ids, id)
		}
	}
	for _, id := range out {
		if slices.Contains(ids, id) {
			return fmt.Errorf("%v holds %s", ids, id)
		}
	}
	return nil
}

// A user's chosen languages filter the public and hashtag timelines: a status in
// another language is left out, a post naming none is in its author's posting
// language (the one of a remote status that names none passes: see the remote
// test below); an empty list shows
// every language again, and a bad list changes nothing.
func TestChosenLanguagesPublicTimelines(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	if got := chooseLanguages(t, c, bob, "de", "FR", "", "de"); !slices.Equal(got, []string{"de", "fr"}) {
		t.Fatalf("chosen languages %v, want [de fr]", got)
	}
	if got := bob.VerifyCredentials().Source.ChosenLanguages; !slices.Equal(got, []string{"de", "fr"}) {
		t.Fatalf("verify_credentials: chosen languages %v", got)
	}
	postIn(t, alice, "de")
	en := alice.PostStatus("#news in english", "language", "en").ID
	de := alice.PostStatus("#news auf deutsch", "language", "de").ID
	none := alice.PostStatus("#news ohne Angabe der Sprache").ID
	paths := []string{"/api/v1/timelines/public", "/api/v1/timelines/public?local=true",
		"/api/v1/timelines/tag/news", "/api/v1/timelines/tag/news?local=true"}
	for _, path := range paths {
		testrig.Eventually(t, "anonymous "+path, func() error {
			return want(timelineIDs(t, c, nil, path), []string{en, de, none}, nil)
		})
		if err := want(timelineIDs(t, c, bob, path), []string{de, none}, []string{en}); err != nil {
			t.Fatalf("bob's %s: %v", path, err)
		}
		if err := want(timelineIDs(t, c, alice, path), []string{en, de, none}, nil); err != nil {
			t.Fatalf("alice's %s (no chosen languages): %v", path, err)
		}
	}
	if ids := timelineIDs(t, c, bob, "/api/v1/timelines/public?remote=true"); len(ids) != 0 {
		t.Fatalf("bob's remote timeline: %v", ids)
	}

	// A code longer than a language code is refused, and the choice stands.
	r := bob.Do("PATCH", "/api/v1/accounts/update_credentials",
		url.Values{"source[chosen_languages][]": {"en", "not-a-language-code"}})
	if r.Code != 422 {
		t.Fatalf("bad chosen languages: %d %s", r.Code, r.Body)
	}
	if got := bob.VerifyCredentials().Source.ChosenLanguages; !slices.Equal(got, []string{"de", "fr"}) {
		t.Fatalf("after a refused change: %v", got)
	}
	// Other changes leave the choice alone; a blank list clears it.
	bob.UpdateCredentials("display_name", "Bob")
	if got := chooseLanguages(t, c, bob, ""); got != nil {
		t.Fatalf("cleared chosen languages: %v", got)
	}
	if err := want(timelineIDs(t, c, bob, "/api/v1/timelines/tag/news"), []string{en, de, none}, nil); err != nil {
		t.Fatalf("bob's tag timeline after clearing: %v", err)
	}
}

// The public and hashtag streams apply the chosen languages set through the API.
func TestChosenLanguagesStreams(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	chooseLanguages(t, c, bob, "de")
	streams := []struct {
		name, query string
		key         stream.Key
	}{
		{"public", "stream=public", stream.Public(stream.Everywhere, false)},
		{"public:local", "stream=public:local", stream.Public(stream.Local, false)},
		{"hashtag", "stream=hashtag&tag=news", stream.Hashtag("news", false)},
		{"hashtag:local", "stream=hashtag:local&tag=news", stream.Hashtag("news", true)},
	}
	watch := map[string][2]*wsClient{}
	for _, s := range streams {
		watch[s.name] = [2]*wsClient{dialWS(t, c, bob.Token, s.query), dialWS(t, c, carol.Token, s.query)}
		waitSubscribers(t, c, s.key, 2)
	}
	postIn(t, alice, "de")
	en := alice.PostStatus("#news in english", "language", "en").ID
	de := alice.PostStatus("#news auf deutsch", "language", "de").ID
	none := alice.PostStatus("#news ohne Angabe der Sprache").ID
	for _, s := range streams {
		// carol chose nothing: she gets all three, in order.
		for _, id := range []string{en, de, none} {
			if got := watch[s.name][1].expect(s.name, "update").status(t).ID; got != id {
				t.Fatalf("carol on %s: %s, want %s", s.name, got, id)
			}
		}
		// bob's connection saw the English post go by before the German one.
		for _, id := range []string{de, none} {
			if got := watch[s.name][0].expect(s.name, "update").status(t).ID; got != id {
				t.Fatalf("bob on %s: %s, want %s (en was %s)", s.name, got, id, en)
			}
		}
	}
}

// Remote statuses are judged by the language their server gave them, on the remote
// timeline and the public:remote stream.
func TestChosenLanguagesRemote(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"))
	carol, dave, bob := a.Register("carol"), a.Register("dave"), b.Register("bob")
	found := carol.Search("@bob@"+b.Nodes[0].Config().Domain, "resolve", "true")
	if len(found.Accounts) != 1 {
		t.Fatalf("search: %+v", found)
	}
	carol.Relate(found.Accounts[0].ID, "follow")
	testrig.Eventually(t, "carol follows bob", func() error {
		if rel := carol.Relationship(found.Accounts[0].ID); !rel.Following {
			return fmt.Errorf("relationship %+v", rel)
		}
		return nil
	})
	chooseLanguages(t, a, dave, "de")
	key := stream.Public(stream.Remote, false)
	chooser, control := dialWS(t, a, dave.Token, "stream=public:remote"), dialWS(t, a, carol.Token, "stream=public:remote")
	waitSubscribers(t, a, key, 2)

	// Each post is awaited on carol's stream before the next: deliveries may
	// arrive in any order, but an event reaches both connections together.
	en := bob.PostStatus("from beta in english", "language", "en").URI
	if got := control.expect("public:remote", "update").status(t); got.URI != en {
		t.Fatalf("carol's stream: %s, want %s", got.URI, en)
	}
	de := bob.PostStatus("von beta auf deutsch", "language", "de").URI
	if got := control.expect("public:remote", "update").status(t); got.URI != de {
		t.Fatalf("carol's stream: %s, want %s", got.URI, de)
	}
	if got := chooser.expect("public:remote", "update").status(t); got.URI != de {
		t.Fatalf("dave's stream: %s, want the German post %s", got.URI, de)
	}
	uris := func(u *testrig.User) []string {
		var l []testrig.Status
		a.Must(u.Do("GET", "/api/v1/timelines/public?remote=true", nil), 200).JSON(t, &l)
		return testrig.StatusURIs(l)
	}
	// The stream's event may come before the timeline's row is written.
	testrig.Eventually(t, "carol's remote timeline", func() error { return want(uris(carol), []string{en, de}, nil) })
	if err := want(uris(dave), []string{de}, []string{en}); err != nil {
		t.Fatalf("dave's remote timeline: %v", err)
	}
}
