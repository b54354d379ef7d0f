package api_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/testrig"
)

// searchResult is Mastodon's Search entity as these tests read it.
type searchResult struct {
	Accounts []struct {
		ID   string `json:"id"`
		Acct string `json:"acct"`
	} `json:"accounts"`
	Statuses []struct {
		ID string `json:"id"`
	} `json:"statuses"`
	Hashtags []struct {
		Name string `json:"name"`
	} `json:"hashtags"`
}

func searchAs(t *testing.T, c *testrig.Cluster, u *testrig.User, form url.Values) searchResult {
	t.Helper()
	var res searchResult
	token := ""
	if u != nil {
		token = u.Token
	}
	c.Must(c.Do("GET", "/api/v2/search", token, form), 200).JSON(t, &res)
	return res
}

func statusIDs(r searchResult) []string {
	var ids []string
	for _, s := range r.Statuses {
		ids = append(ids, s.ID)
	}
	return ids
}

// waitFound waits until u's status search for q finds exactly want (in any order).
func waitFound(t *testing.T, c *testrig.Cluster, u *testrig.User, q string, want ...string) {
	t.Helper()
	testrig.Eventually(t, fmt.Sprintf("%s finding %v by %q", u.Name, want, q), func() error {
		got := statusIDs(searchAs(t, c, u, url.Values{"q": {q}, "type": {"statuses"}}))
		slices.Sort(got)
		w := slices.Clone(want)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			return fmt.Errorf("found %v", got)
		}
		return nil
	})
}

// TestSearchStatuses: a public post is found by full text in its language (stemmed),
// with operators, by strangers; a followers-only post by its author, and by a follower
// only once they bookmarked it (Mastodon's rule), never by a stranger; a post of an
// account that is not indexable by its author only (and one who boosted it), until it
// opts in; a deleted post
// disappears and an edit is found by its new text only.
func TestSearchStatuses(t *testing.T) {
	c := testrig.New(t, testrig.SearchServer(t))
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")

	public := alice.PostStatus("The shepherds were running across the hills", "language", "en").ID
	private := alice.PostStatus("running secretly to the barn", "visibility", "private", "language", "en").ID
	german := alice.PostStatus("Die Häuser der Hirten", "language", "de").ID
	waitFound(t, c, bob, "run", public)
	waitFound(t, c, alice, "run", public, private)
	waitFound(t, c, bob, "Haus", german)
	waitFound(t, c, bob, "from:alice hills", public)
	waitFound(t, c, bob, "from:carol hills")
	waitFound(t, c, bob, "hills language:de")

	// Anonymous searches find no statuses, and may not page.
	if got := statusIDs(searchAs(t, c, nil, url.Values{"q": {"hills"}})); len(got) != 0 {
		t.Errorf("anonymous search found statuses %v", got)
	}
	c.Must(c.Do("GET", "/api/v2/search", "", url.Values{"q": {"hills"}, "offset": {"1"}}), 401)

	// A follower sees the private post, but search does not find it for them unless
	// they interacted with it: Mastodon's rule.
	bob.Follow(alice)
	waitFound(t, c, bob, "barn")
	c.Must(bob.Do("POST", "/api/v1/statuses/"+private+"/bookmark", nil), 200)
	waitFound(t, c, bob, "barn", private)
	waitFound(t, c, carol, "barn")

	// An account that is not indexable is found by its author only.
	c.Must(carol.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"indexable": {"false"}}), 200)
	hidden := carol.PostStatus("meadow lambs everywhere").ID
	waitFound(t, c, carol, "meadow", hidden)
	waitFound(t, c, bob, "meadow")
	// Boosting it makes it findable by the booster, until the boost is undone.
	c.Must(bob.Do("POST", "/api/v1/statuses/"+hidden+"/reblog", nil), 200)
	waitFound(t, c, bob, "meadow", hidden)
	waitFound(t, c, alice, "meadow")
	c.Must(bob.Do("POST", "/api/v1/statuses/"+hidden+"/unreblog", nil), 200)
	waitFound(t, c, bob, "meadow")
	// Opting in makes the earlier posts findable too.
	c.Must(carol.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"indexable": {"true"}}), 200)
	waitFound(t, c, bob, "meadow", hidden)

	// A delete and an edit leave and update the index.
	c.Must(alice.Do("DELETE", "/api/v1/statuses/"+german, nil), 200)
	waitFound(t, c, bob, "Haus")
	c.Must(alice.Do("PUT", "/api/v1/statuses/"+public, url.Values{"status": {"Shepherds resting by the river"}, "language": {"en"}}), 200)
	waitFound(t, c, bob, "river", public)
	waitFound(t, c, bob, "hills")
}

// TestSearchAccountsAndTags: accounts by prefix of their username or display name,
// hashtags by prefix, most used first, each paged.
func TestSearchAccountsAndTags(t *testing.T) {
	c := testrig.New(t, testrig.SearchServer(t))
	alice, bob := c.Register("alice"), c.Register("shepherdess")
	c.Must(bob.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"display_name": {"Bo Peep"}}), 200)
	alice.PostStatus("#sheepdog #sheep")
	alice.PostStatus("more #sheep")
	testrig.Eventually(t, "accounts and tags indexed", func() error {
		r := searchAs(t, c, alice, url.Values{"q": {"peep"}, "type": {"accounts"}})
		if len(r.Accounts) != 1 || r.Accounts[0].ID != bob.ID {
			return fmt.Errorf("peep found accounts %+v", r.Accounts)
		}
		r = searchAs(t, c, alice, url.Values{"q": {"#shee"}, "type": {"hashtags"}})
		if len(r.Hashtags) != 2 || r.Hashtags[0].Name != "sheep" || r.Hashtags[1].Name != "sheepdog" {
			return fmt.Errorf("#shee found tags %+v", r.Hashtags)
		}
		return nil
	})
	r := searchAs(t, c, alice, url.Values{"q": {"shee"}, "type": {"hashtags"}, "offset": {"1"}, "limit": {"1"}})
	if len(r.Hashtags) != 1 || r.Hashtags[0].Name != "sheepdog" {
		t.Errorf("second page of tags %+v", r.Hashtags)
	}
	r = searchAs(t, c, alice, url.Values{"q": {"shep"}, "type": {"accounts"}, "following": {"true"}})
	if len(r.Accounts) != 0 {
		t.Errorf("following=true found accounts alice does not follow: %+v", r.Accounts)
	}
	alice.Follow(bob)
	r = searchAs(t, c, alice, url.Values{"q": {"shep"}, "type": {"accounts"}, "following": {"true"}})
	if len(r.Accounts) != 1 || r.Accounts[0].ID != bob.ID {
		t.Errorf("following=true after a follow found %+v", r.Accounts)
	}
}

// TestSearchMedia: a status is found by its media's description, and has:media finds
// only statuses with attachments.
func TestSearchMedia(t *testing.T) {
	c := testrig.New(t, testrig.SearchServer(t))
	alice := c.Register("alice")
	r := upload(c, alice, "/api/v2/media", "coast.jpg", testdata(t, "gps.jpg"),
		url.Values{"description": {"a lighthouse at dusk"}})
	if r.Code != 200 && r.Code != 202 {
		t.Fatalf("upload: %d %s", r.Code, r.Body)
	}
	var up attachmentEntity
	r.JSON(t, &up)
	processed(t, c, alice, up.ID)
	withMedia := alice.PostStatus("evening walk", "media_ids[]", up.ID).ID
	without := alice.PostStatus("evening tea").ID
	waitFound(t, c, alice, "lighthouse", withMedia)
	waitFound(t, c, alice, "evening", withMedia, without)
	waitFound(t, c, alice, "evening has:media", withMedia)
	waitFound(t, c, alice, "evening -has:media", without)
}

// TestSearchPhrasesAndNegation: a quoted phrase finds its words in order only, and a
// negated word, phrase, author or language drops what it finds.
func TestSearchPhrasesAndNegation(t *testing.T) {
	c := testrig.New(t, testrig.SearchServer(t))
	alice, bob := c.Register("alice"), c.Register("bob")
	inOrder := alice.PostStatus("the quick brown fox jumps").ID
	reversed := alice.PostStatus("a brown quick fox naps").ID
	bobs := bob.PostStatus("one more fox story", "language", "en").ID
	german := alice.PostStatus("ein Fuchs und ein fox", "language", "de").ID
	waitFound(t, c, alice, "fox", inOrder, reversed, bobs, german)
	waitFound(t, c, alice, `"quick brown"`, inOrder)
	waitFound(t, c, alice, `fox -"quick brown"`, reversed, bobs, german)
	waitFound(t, c, alice, "fox -naps -story", inOrder, german)
	waitFound(t, c, alice, "fox -from:bob -language:de", inOrder, reversed)
	linked := alice.PostStatus("a fox on https://example.com/fox and @bob").ID
	waitFound(t, c, alice, "fox has:link", linked)
	waitFound(t, c, alice, "fox -has:link -from:bob", inOrder, reversed, german)
	got := statusIDs(searchAs(t, c, alice, url.Values{"q": {"fox"}, "type": {"statuses"}, "min_id": {reversed}, "max_id": {linked}}))
	slices.Sort(got)
	if want := []string{bobs, german}; !slices.Equal(got, want) {
		t.Errorf("min_id and max_id found %v, want %v", got, want)
	}
}

// TestSearchDetectsLanguage: a status that names no language (a remote one: a local
// post takes its author's posting language) is stemmed in the one detected from its
// text.
func TestSearchDetectsLanguage(t *testing.T) {
	c := testrig.New(t, testrig.SearchServer(t))
	alice := c.Register("alice")
	n, ctx := c.Nodes[0], context.Background()
	uri := "https://remote.example/users/rita"
	rita, err := n.Accounts.UpsertRemote(ctx, &account.Account{Username: "rita", Domain: "remote.example",
		URI: uri, InboxURL: uri + "/inbox", Discoverable: true, Indexable: true})
	if err != nil {
		t.Fatal(err)
	}
	remote := func(i int, text string) string {
		st, _, err := n.Statuses.CreateRemote(ctx, &status.Status{URI: fmt.Sprintf("%s/statuses/%d", uri, i),
			AccountID: rita.ID, Visibility: status.Public, Content: "<p>" + text + "</p>"})
		if err != nil {
			t.Fatal(err)
		}
		return st.ID.String()
	}
	german := remote(1, "Die Häuser stehen seit hundert Jahren am Ufer des Flusses")
	english := remote(2, "We were running along the river when the rain started")
	waitFound(t, c, alice, "Haus", german)
	waitFound(t, c, alice, "run", english)
	waitFound(t, c, alice, "Fluss language:de", german)
}

// TestSearchBlocksAndMutes: statuses of an account the viewer blocks or mutes, or that
// blocks the viewer, are not found by that viewer, and are again once the block or
// mute is undone; others still find them.
func TestSearchBlocksAndMutes(t *testing.T) {
	c := testrig.New(t, testrig.SearchServer(t))
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	post := alice.PostStatus("otters holding hands", "language", "en").ID
	waitFound(t, c, bob, "otters", post)
	for _, step := range []struct {
		who          *testrig.User
		on           string
		do, undo     string
		blind, other *testrig.User
	}{
		{bob, alice.ID, "block", "unblock", bob, carol},
		{bob, alice.ID, "mute", "unmute", bob, carol},
		{alice, carol.ID, "block", "unblock", carol, bob},
	} {
		step.who.Relate(step.on, step.do)
		waitFound(t, c, step.blind, "otters")
		waitFound(t, c, step.other, "otters", post)
		step.who.Relate(step.on, step.undo)
		waitFound(t, c, step.blind, "otters", post)
	}
}

// TestSearchLeavesOutMovedAccounts: an account that moved is no longer found, as
// Mastodon's searchable scope.
func TestSearchLeavesOutMovedAccounts(t *testing.T) {
	c := testrig.New(t, testrig.SearchServer(t))
	alice, bob := c.Register("alice"), c.Register("bob")
	finds := func(want bool) func() error {
		return func() error {
			r := searchAs(t, c, bob, url.Values{"q": {"alic"}, "type": {"accounts"}})
			if got := len(r.Accounts) == 1 && r.Accounts[0].ID == alice.ID; got != want {
				return fmt.Errorf("alice found %v, want %v: %+v", got, want, r.Accounts)
			}
			return nil
		}
	}
	testrig.Eventually(t, "alice found", finds(true))
	ctx := context.Background()
	n := c.Nodes[0]
	a, err := n.Accounts.Lookup(ctx, "alice", "")
	if err != nil {
		t.Fatal(err)
	}
	a.MovedToURI = "https://elsewhere.example/users/alice"
	if err := n.Accounts.Save(ctx, a); err != nil {
		t.Fatal(err)
	}
	testrig.Eventually(t, "alice gone once moved", finds(false))
}
