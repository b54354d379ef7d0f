package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestDomainBlocksList: domain blocks are kept normalised (lower case, punycode), once each, listed newest
// first as strings and paged by the Link header; a blank domain is refused and blocks
// nothing; removing one that is not there answers {}.
func TestDomainBlocksList(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	if r := alice.Do("POST", "/api/v1/domain_blocks", url.Values{"domain": {"  "}}); r.Code != 422 ||
		!strings.Contains(string(r.Body), `"error":"Validation failed: Domain can't be blank"`) {
		t.Fatalf("blank domain: %d %s", r.Code, r.Body)
	}
	if r := alice.Do("POST", "/api/v1/domain_blocks", url.Values{"domain": {"https://x.example/path"}}); r.Code != 422 {
		t.Fatalf("a URL as domain: %d %s", r.Code, r.Body)
	}
	for _, d := range []string{"one.example", "Two.Example", "three.example", "two.example"} {
		c.Must(alice.Do("POST", "/api/v1/domain_blocks", url.Values{"domain": {d}}), 200)
	}
	list := func(u *testrig.User, q url.Values) ([]string, *testrig.Response) {
		var l []string
		r := c.Must(u.Do("GET", "/api/v1/domain_blocks", q), 200)
		r.JSON(t, &l)
		return l, r
	}
	all, _ := list(alice, nil)
	if !slices.Equal(all, []string{"three.example", "two.example", "one.example"}) {
		t.Fatalf("domain blocks %v", all)
	}
	first, r := list(alice, url.Values{"limit": {"2"}})
	link := r.Header.Get("Link")
	if !slices.Equal(first, all[:2]) || !strings.Contains(link, `rel="next"`) {
		t.Fatalf("first page %v, link %q", first, link)
	}
	next, _ := url.Parse(strings.Trim(strings.Split(link, ";")[0], "<>"))
	rest, _ := list(alice, next.Query())
	if !slices.Equal(rest, all[2:]) {
		t.Fatalf("second page %v", rest)
	}
	if others, _ := list(bob, nil); len(others) != 0 {
		t.Fatalf("bob's domain blocks %v", others)
	}
	c.Must(alice.Do("DELETE", "/api/v1/domain_blocks", url.Values{"domain": {"TWO.example"}}), 200)
	c.Must(alice.Do("DELETE", "/api/v1/domain_blocks", url.Values{"domain": {"never.example"}}), 200)
	if left, _ := list(alice, nil); !slices.Equal(left, []string{"three.example", "one.example"}) {
		t.Fatalf("after the unblock %v", left)
	}
	// A domain outside ASCII is kept in punycode, as Mastodon's normalize_domain: its
	// Unicode and ASCII spellings are one block, lifted by either.
	for _, d := range []string{"Bücher.Example.", "xn--bcher-kva.example"} {
		c.Must(alice.Do("POST", "/api/v1/domain_blocks", url.Values{"domain": {d}}), 200)
	}
	if got, _ := list(alice, nil); !slices.Equal(got, []string{"xn--bcher-kva.example", "three.example", "one.example"}) {
		t.Fatalf("after blocking bücher.example %v", got)
	}
	c.Must(alice.Do("DELETE", "/api/v1/domain_blocks", url.Values{"domain": {"BÜCHER.example"}}), 200)
	if left, _ := list(alice, nil); !slices.Equal(left, []string{"three.example", "one.example"}) {
		t.Fatalf("after unblocking bücher.example %v", left)
	}
	if c.Do("GET", "/api/v1/domain_blocks", "", nil).Code != 401 {
		t.Fatal("anonymous domain blocks answered")
	}
}

// TestAccountNote: a private note is the writer's alone, at most 2,000 characters,
// and an empty comment removes it.
func TestAccountNote(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	if rel := alice.Relate(bob.ID, "note", "comment", "met at the café"); rel.Note != "met at the café" {
		t.Fatalf("note: %+v", rel)
	}
	if rel := alice.Relationship(bob.ID); rel.Note != "met at the café" {
		t.Fatalf("relationship: %+v", rel)
	}
	if rel := carol.Relationship(bob.ID); rel.Note != "" {
		t.Fatalf("carol sees alice's note: %+v", rel)
	}
	long := strings.Repeat("é", 2001)
	if r := alice.Do("POST", "/api/v1/accounts/"+bob.ID+"/note", url.Values{"comment": {long}}); r.Code != 422 ||
		!strings.Contains(string(r.Body), "Comment is too long (maximum is 2000 characters)") {
		t.Fatalf("long note: %d %s", r.Code, r.Body)
	}
	if rel := alice.Relate(bob.ID, "note", "comment", long[:4000]); len([]rune(rel.Note)) != 2000 {
		t.Fatalf("a note of 2,000 characters: %d", len([]rune(rel.Note)))
	}
	if rel := alice.Relate(bob.ID, "note", "comment", ""); rel.Note != "" {
		t.Fatalf("cleared note: %+v", rel)
	}
	if r := alice.Do("POST", "/api/v1/accounts/999999999/note", url.Values{"comment": {"x"}}); r.Code != 404 {
		t.Fatalf("note on no account: %d", r.Code)
	}
}

// TestEndorsements: only a followed account can be endorsed, eight at most; endorsements are listed
// newest first for the owner and for anyone on the owner's profile, and end with the
// follow.
func TestEndorsements(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	if r := alice.Do("POST", "/api/v1/accounts/"+bob.ID+"/endorse", nil); r.Code != 422 ||
		!strings.Contains(string(r.Body), "You must be already following the person you want to endorse") {
		t.Fatalf("endorse a stranger: %d %s", r.Code, r.Body)
	}
	alice.Follow(bob)
	alice.Follow(carol)
	if rel := alice.Relate(bob.ID, "endorse"); !rel.Endorsed {
		t.Fatalf("endorse: %+v", rel)
	}
	alice.Relate(carol.ID, "pin")
	alice.Relate(carol.ID, "endorse")
	var mine []testrig.Account
	c.Must(alice.Do("GET", "/api/v1/endorsements", nil), 200).JSON(t, &mine)
	if got := testrig.AccountIDs(mine); !slices.Equal(got, []string{carol.ID, bob.ID}) {
		t.Fatalf("endorsements %v", got)
	}
	var shown []testrig.Account
	c.Must(c.Do("GET", "/api/v1/accounts/"+alice.ID+"/endorsements", "", url.Values{"limit": {"1"}}), 200).JSON(t, &shown)
	if got := testrig.AccountIDs(shown); !slices.Equal(got, []string{carol.ID}) {
		t.Fatalf("alice's endorsements, one: %v", got)
	}
	if rel := alice.Relate(carol.ID, "unendorse"); rel.Endorsed || !rel.Following {
		t.Fatalf("unendorse: %+v", rel)
	}
	alice.Relate(bob.ID, "unfollow")
	if rel := alice.Relationship(bob.ID); rel.Endorsed {
		t.Fatalf("endorsed after the unfollow: %+v", rel)
	}
	c.Must(alice.Do("GET", "/api/v1/endorsements", nil), 200).JSON(t, &mine)
	if len(mine) != 0 {
		t.Fatalf("endorsements left: %v", testrig.AccountIDs(mine))
	}

	// Eight at most; endorsing one already endorsed is no ninth.
	var last *testrig.User
	for i := range 9 {
		last = c.Register(fmt.Sprintf("friend%d", i))
		alice.Follow(last)
		if i < 8 {
			alice.Relate(last.ID, "endorse")
		}
	}
	if r := alice.Do("POST", "/api/v1/accounts/"+last.ID+"/endorse", nil); r.Code != 422 {
		t.Fatalf("a ninth endorsement: %d %s", r.Code, r.Body)
	}
	if rel := alice.Relationship(last.ID); rel.Endorsed {
		t.Fatalf("refused endorsement kept: %+v", rel)
	}
	c.Must(alice.Do("GET", "/api/v1/endorsements", nil), 200).JSON(t, &mine)
	if rel := alice.Relate(mine[0].ID, "endorse"); !rel.Endorsed || len(mine) != 8 {
		t.Fatalf("endorse again: %+v, %d endorsed", rel, len(mine))
	}
}
