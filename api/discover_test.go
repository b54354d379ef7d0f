package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/testrig"
)

func accountsAt(t *testing.T, u *testrig.User, path string, q url.Values) []string {
	t.Helper()
	var l []testrig.Account
	r := u.Do("GET", path, q)
	if r.Code != 200 {
		t.Fatalf("GET %s %v: %d %s", path, q, r.Code, r.Body)
	}
	r.JSON(t, &l)
	return testrig.AccountIDs(l)
}

// TestFamiliarFollowers: the accounts one follows that follow each account asked
// about, without those hiding their follows; unknown ids are left out.
func TestFamiliarFollowers(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol, dave, erin := c.Register("alice"), c.Register("bob"), c.Register("carol"), c.Register("dave"), c.Register("erin")
	frank := c.Register("frank")
	alice.Follow(bob)
	alice.Follow(carol)
	alice.Follow(frank)
	bob.Follow(dave)
	carol.Follow(dave)
	erin.Follow(dave)
	frank.Follow(dave)
	frank.UpdateCredentials("hide_collections", "true")
	var got []struct {
		ID       string            `json:"id"`
		Accounts []testrig.Account `json:"accounts"`
	}
	c.Must(alice.Do("GET", "/api/v1/accounts/familiar_followers", url.Values{"id[]": {dave.ID, bob.ID, "999999999"}}), 200).JSON(t, &got)
	if len(got) != 2 || got[0].ID != dave.ID || got[1].ID != bob.ID || len(got[1].Accounts) != 0 {
		t.Fatalf("familiar followers %+v", got)
	}
	if ids := testrig.AccountIDs(got[0].Accounts); !slices.Equal(ids, []string{carol.ID, bob.ID}) && !slices.Equal(ids, []string{bob.ID, carol.ID}) {
		t.Fatalf("familiar followers of dave %v, want bob and carol", ids)
	}
}

// TestAccountSearch: accounts whose username starts with q (or is a typo away), from
// the search engine (indexed off the request path), paged by offset and limit, the
// exact handle first, then followed ones, only followed ones with following, and
// never one that blocks the searcher.
func TestAccountSearch(t *testing.T) {
	c := testrig.New(t, testrig.SearchServer(t))
	alice, alfred, albert, bob := c.Register("alice"), c.Register("Alfred"), c.Register("albert"), c.Register("bob")
	search := func(u *testrig.User, pairs ...string) []string {
		q := url.Values{}
		for i := 0; i+1 < len(pairs); i += 2 {
			q.Set(pairs[i], pairs[i+1])
		}
		got := accountsAt(t, u, "/api/v1/accounts/search", q)
		slices.Sort(got)
		return got
	}
	sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
	testrig.Eventually(t, "the three accounts indexed", func() error {
		if got := search(bob, "q", "AL"); !slices.Equal(got, sorted(albert.ID, alfred.ID, alice.ID)) {
			return fmt.Errorf("al: %v", got)
		}
		return nil
	})
	first, rest := search(bob, "q", "@al", "limit", "2"), search(bob, "q", "al", "offset", "2")
	if len(first) != 2 || len(rest) != 1 || !slices.Equal(sorted(append(first, rest...)...), sorted(albert.ID, alfred.ID, alice.ID)) {
		t.Fatalf("al in pages of two: %v then %v", first, rest)
	}
	if got := accountsAt(t, bob, "/api/v1/accounts/search", url.Values{"q": {"alice"}}); len(got) == 0 || got[0] != alice.ID {
		t.Fatalf("alice: %v, want alice first", got)
	}
	bob.Follow(alfred)
	if got := search(bob, "q", "al", "following", "true"); !slices.Equal(got, []string{alfred.ID}) {
		t.Fatalf("al, following: %v", got)
	}
	if got := accountsAt(t, bob, "/api/v1/accounts/search", url.Values{"q": {"al"}}); len(got) != 3 || got[0] != alfred.ID {
		t.Fatalf("al: %v, want alfred, whom bob follows, first", got)
	}
	if got := accountsAt(t, bob, "/api/v1/accounts/search", url.Values{"q": {"albrt"}}); len(got) == 0 || got[0] != albert.ID {
		t.Fatalf("albrt (a typo): %v, want albert first", got)
	}
	alice.Relate(bob.ID, "block")
	if got := search(bob, "q", "al"); !slices.Equal(got, sorted(albert.ID, alfred.ID)) {
		t.Fatalf("al, blocked by alice: %v", got)
	}
	if r := bob.Do("GET", "/api/v1/accounts/search", nil); r.Code != 400 {
		t.Fatalf("no q: %d", r.Code)
	}
	if r := c.Do("GET", "/api/v1/accounts/search", "", url.Values{"q": {"al"}}); r.Code != 401 {
		t.Fatalf("anonymous: %d", r.Code)
	}
}

// TestDirectory: discoverable accounts, newest first or by latest post (accounts
// that never posted last), paged by offset; silenced accounts are not listed.
func TestDirectory(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	carol.UpdateCredentials("discoverable", "false")
	anon := c.Anonymous()
	if got := accountsAt(t, anon, "/api/v1/directory", url.Values{"order": {"new"}}); !slices.Equal(got, []string{bob.ID, alice.ID}) {
		t.Fatalf("new: %v", got)
	}
	if got := accountsAt(t, anon, "/api/v1/directory", url.Values{"order": {"new"}, "offset": {"1"}, "local": {"true"}}); !slices.Equal(got, []string{alice.ID}) {
		t.Fatalf("new after one: %v", got)
	}
	// Accounts that never posted come last, newest first (Mastodon: NULLS LAST).
	if got := accountsAt(t, anon, "/api/v1/directory", nil); !slices.Equal(got, []string{bob.ID, alice.ID}) {
		t.Fatalf("active before anyone posted: %v", got)
	}
	dave := c.Register("dave")
	dave.PostStatus("early")
	if got := accountsAt(t, anon, "/api/v1/directory", nil); !slices.Equal(got, []string{dave.ID, bob.ID, alice.ID}) {
		t.Fatalf("active after dave posted: %v", got)
	}
	alice.PostStatus("first")
	bob.PostStatus("second")
	carol.PostStatus("third")
	if got := accountsAt(t, anon, "/api/v1/directory", url.Values{"order": {"active"}}); !slices.Equal(got, []string{bob.ID, alice.ID, dave.ID}) {
		t.Fatalf("active: %v", got)
	}
	alice.PostStatus("again")
	if got := accountsAt(t, anon, "/api/v1/directory", url.Values{"limit": {"1"}}); !slices.Equal(got, []string{alice.ID}) {
		t.Fatalf("active, one: %v", got)
	}
	_, mod := c.RegisterModerator("mod")
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+alice.ID+"/action", mod, url.Values{"type": {"silence"}}), 200)
	if got := accountsAt(t, anon, "/api/v1/directory", nil); slices.Contains(got, alice.ID) || !slices.Contains(got, bob.ID) {
		t.Fatalf("alice silenced: %v", got)
	}
}
