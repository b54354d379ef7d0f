package api_test

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

var nextLinkRE = regexp.MustCompile(`<([^>]+)>; rel="next"`)

// walk follows the Link header's next pages from path and returns every page's items.
func walk[T any](t *testing.T, u *testrig.User, path string, ids func([]T) []string) []string {
	t.Helper()
	var seen []string
	for next := path; next != ""; {
		r := testrigMust(t, u, next)
		page := testrig.Decode[[]T](t, r)
		seen = append(seen, ids(page)...)
		next = ""
		if m := nextLinkRE.FindStringSubmatch(r.Header.Get("Link")); m != nil && len(page) > 0 {
			pu, _ := url.Parse(m[1])
			next = pu.RequestURI()
		}
	}
	return seen
}

func testrigMust(t *testing.T, u *testrig.User, path string) *testrig.Response {
	t.Helper()
	r := u.Do("GET", path, nil)
	if r.Code != 200 {
		t.Fatalf("GET %s: %d %s", path, r.Code, r.Body)
	}
	return r
}

// wantError checks an error answer's code and Mastodon message.
func wantError(t *testing.T, r *testrig.Response, code int, msg string) {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	r.JSON(t, &e)
	if r.Code != code || e.Error != msg {
		t.Fatalf("got %d %q, want %d %q", r.Code, e.Error, code, msg)
	}
}

// listHolds waits until a list's timeline is exactly want (newest first).
func listHolds(t *testing.T, u *testrig.User, list string, want []string) {
	t.Helper()
	testrig.Eventually(t, "list "+list+" of "+u.Name, func() error {
		if got := testrig.StatusIDs(u.ListTimeline(list, url.Values{"limit": {"40"}})); !slices.Equal(got, want) {
			return fmt.Errorf("list holds %v, want %v", got, want)
		}
		return nil
	})
}

func TestListCRUD(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	l := alice.CreateList("Friends")
	if l.Title != "Friends" || l.RepliesPolicy != "list" || l.Exclusive || l.ID == "" {
		t.Fatalf("new list %+v", l)
	}
	other := alice.CreateList("Work", "replies_policy", "none", "exclusive", "true")
	if other.RepliesPolicy != "none" || !other.Exclusive {
		t.Fatalf("new list with options %+v", other)
	}
	var all []testrig.List
	c.Must(alice.Do("GET", "/api/v1/lists", nil), 200).JSON(t, &all)
	if len(all) != 2 || all[0].ID != l.ID || all[1].ID != other.ID {
		t.Fatalf("lists %+v", all)
	}
	got := testrig.Decode[testrig.List](t, c.Must(alice.Do("GET", "/api/v1/lists/"+l.ID, nil), 200))
	if got != l {
		t.Fatalf("GET list %+v, want %+v", got, l)
	}
	upd := testrig.Decode[testrig.List](t, c.Must(alice.Do("PUT", "/api/v1/lists/"+l.ID,
		url.Values{"title": {"Close friends"}, "replies_policy": {"followed"}, "exclusive": {"true"}}), 200))
	if upd.Title != "Close friends" || upd.RepliesPolicy != "followed" || !upd.Exclusive || upd.ID != l.ID {
		t.Fatalf("updated %+v", upd)
	}
	// A partial update keeps the other fields.
	upd = testrig.Decode[testrig.List](t, c.Must(alice.Do("PUT", "/api/v1/lists/"+l.ID, url.Values{"exclusive": {"false"}}), 200))
	if upd.Title != "Close friends" || upd.RepliesPolicy != "followed" || upd.Exclusive {
		t.Fatalf("partly updated %+v", upd)
	}

	wantError(t, alice.Do("POST", "/api/v1/lists", url.Values{"title": {""}}), 422, "Validation failed: Title can't be blank")
	wantError(t, alice.Do("POST", "/api/v1/lists", url.Values{"title": {"x"}, "replies_policy": {"everyone"}}), 422,
		"Validation failed: Replies policy is not included in the list")
	wantError(t, alice.Do("PUT", "/api/v1/lists/"+l.ID, url.Values{"title": {" "}}), 422, "Validation failed: Title can't be blank")

	// Another account's list is not found, whatever the verb.
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		wantError(t, bob.Do(m, "/api/v1/lists/"+l.ID, url.Values{"title": {"mine"}}), 404, "Record not found")
	}
	wantError(t, bob.Do("GET", "/api/v1/timelines/list/"+l.ID, nil), 404, "Record not found")
	wantError(t, bob.Do("GET", "/api/v1/lists/"+l.ID+"/accounts", nil), 404, "Record not found")
	wantError(t, bob.Do("POST", "/api/v1/lists/"+l.ID+"/accounts", url.Values{"account_ids[]": {alice.ID}}), 404, "Record not found")
	if r := c.Do("GET", "/api/v1/lists", "", nil); r.Code != 401 {
		t.Fatalf("anonymous lists: %d", r.Code)
	}

	// Scopes: read:lists reads, write:lists writes.
	read := scopedToken(t, c, "alice", "read:lists")
	c.Must(c.Do("GET", "/api/v1/lists", read, nil), 200)
	c.Must(c.Do("GET", "/api/v1/timelines/list/"+l.ID, read, nil), 200)
	wantError(t, c.Do("POST", "/api/v1/lists", read, url.Values{"title": {"no"}}), 403, "This action is outside the authorized scopes")
	statuses := scopedToken(t, c, "alice", "read:statuses")
	wantError(t, c.Do("GET", "/api/v1/lists", statuses, nil), 403, "This action is outside the authorized scopes")

	var empty map[string]any
	c.Must(alice.Do("DELETE", "/api/v1/lists/"+other.ID, nil), 200).JSON(t, &empty)
	if len(empty) != 0 {
		t.Fatalf("DELETE answered %v", empty)
	}
	wantError(t, alice.Do("GET", "/api/v1/lists/"+other.ID, nil), 404, "Record not found")

	// At most 50 lists.
	for i := 1; i < 50; i++ {
		alice.CreateList(fmt.Sprintf("list %d", i))
	}
	wantError(t, alice.Do("POST", "/api/v1/lists", url.Values{"title": {"one too many"}}), 422,
		"Validation failed: You have reached the maximum number of lists")
}

func TestListMembers(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol, dave := c.Register("alice"), c.Register("bob"), c.Register("carol"), c.Register("dave")
	alice.Follow(bob)
	alice.Follow(dave)
	l := alice.CreateList("Friends")
	path := "/api/v1/lists/" + l.ID + "/accounts"

	wantError(t, alice.Do("POST", path, url.Values{"account_ids[]": {carol.ID}}), 422,
		"Validation failed: Account must be a followed account")
	// All or none: bob does not slip in with carol.
	wantError(t, alice.Do("POST", path, url.Values{"account_ids[]": {bob.ID, carol.ID}}), 422,
		"Validation failed: Account must be a followed account")
	if got := alice.ListAccounts(l.ID, nil); len(got) != 0 {
		t.Fatalf("members after a refused add: %v", testrig.AccountIDs(got))
	}
	wantError(t, alice.Do("POST", path, url.Values{"account_ids[]": {"123456789"}}), 404, "Record not found")
	wantError(t, alice.Do("POST", path, url.Values{"account_ids[]": {"nope"}}), 404, "Record not found")
	alice.AddToList(l.ID, bob.ID, alice.ID) // the owner may list itself, as in Mastodon
	wantError(t, alice.Do("POST", path, url.Values{"account_ids[]": {bob.ID}}), 422,
		"Validation failed: Account has already been taken")
	alice.AddToList(l.ID, dave.ID)
	if got := testrig.AccountIDs(alice.ListAccounts(l.ID, nil)); len(got) != 3 ||
		!slices.Contains(got, bob.ID) || !slices.Contains(got, dave.ID) || !slices.Contains(got, alice.ID) {
		t.Fatalf("members %v", got)
	}
	var ls []testrig.List
	c.Must(alice.Do("GET", "/api/v1/accounts/"+bob.ID+"/lists", nil), 200).JSON(t, &ls)
	if len(ls) != 1 || ls[0].ID != l.ID {
		t.Fatalf("alice's lists holding bob: %+v", ls)
	}
	c.Must(carol.Do("GET", "/api/v1/accounts/"+bob.ID+"/lists", nil), 200).JSON(t, &ls)
	if len(ls) != 0 {
		t.Fatalf("carol's lists holding bob: %+v", ls)
	}

	// Unfollowing takes the account out of the owner's lists.
	c.Must(alice.Do("POST", "/api/v1/accounts/"+dave.ID+"/unfollow", nil), 200)
	if got := testrig.AccountIDs(alice.ListAccounts(l.ID, nil)); slices.Contains(got, dave.ID) || len(got) != 2 {
		t.Fatalf("members after unfollowing dave: %v", got)
	}
	// Removing ignores accounts not in the list, and ids that name none.
	c.Must(alice.Do("DELETE", path, url.Values{"account_ids[]": {bob.ID, carol.ID, "nope"}}), 200)
	if got := testrig.AccountIDs(alice.ListAccounts(l.ID, nil)); !slices.Equal(got, []string{alice.ID}) {
		t.Fatalf("members after removing bob: %v", got)
	}
	c.Must(alice.Do("GET", "/api/v1/accounts/"+bob.ID+"/lists", nil), 200).JSON(t, &ls)
	if len(ls) != 0 {
		t.Fatalf("lists holding bob after removal: %+v", ls)
	}
}

func TestListMembersPaging(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	l := alice.CreateList("Many")
	var ids []string
	for i := range 5 {
		u := c.Register(fmt.Sprintf("member%d", i))
		alice.Follow(u)
		ids = append(ids, u.ID)
	}
	alice.AddToList(l.ID, ids...)
	slices.Reverse(ids) // newest account first
	path := "/api/v1/lists/" + l.ID + "/accounts"
	if got := walk(t, alice, path+"?limit=2", testrig.AccountIDs); !slices.Equal(got, ids) {
		t.Fatalf("paged members %v, want %v", got, ids)
	}
	r := c.Must(alice.Do("GET", path+"?limit=0", nil), 200)
	if got := testrig.AccountIDs(testrig.Decode[[]testrig.Account](t, r)); !slices.Equal(got, ids) || r.Header.Get("Link") != "" {
		t.Fatalf("limit=0: %v, Link %q", got, r.Header.Get("Link"))
	}
}

// TestListRepliesPolicy: each list shows its members' posts, and their replies to
// others as its replies_policy says; replies to accounts the owner does not follow
// never show, replies to the owner and self-replies always do.
func TestListRepliesPolicy(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol, dave := c.Register("alice"), c.Register("bob"), c.Register("carol"), c.Register("dave")
	alice.Follow(bob)
	alice.Follow(carol)
	lists := map[string]testrig.List{}
	for _, p := range []string{"followed", "list", "none"} {
		lists[p] = alice.CreateList(p, "replies_policy", p)
		alice.AddToList(lists[p].ID, bob.ID)
	}
	alice.AddToList(lists["list"].ID, carol.ID)

	carolPost := carol.PostStatus("carol speaks").ID
	davePost := dave.PostStatus("dave speaks").ID
	alicePost := alice.PostStatus("alice speaks").ID
	plain := bob.PostStatus("bob speaks").ID
	toCarol := bob.PostStatus("@carol yes", "in_reply_to_id", carolPost).ID
	toDave := bob.PostStatus("@dave yes", "in_reply_to_id", davePost).ID
	toAlice := bob.PostStatus("@alice yes", "in_reply_to_id", alicePost).ID
	self := bob.PostStatus("and more", "in_reply_to_id", plain).ID
	_ = toDave
	listHolds(t, alice, lists["followed"].ID, []string{self, toAlice, toCarol, plain})
	listHolds(t, alice, lists["list"].ID, []string{self, toAlice, toCarol, plain, carolPost})
	listHolds(t, alice, lists["none"].ID, []string{self, toAlice, plain})
}

// TestListMutesAndBoosts: a muted member's posts stay out of the list, and so do the
// boosts of a member whose boosts the owner hides.
func TestListMutesAndBoosts(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol, dave := c.Register("alice"), c.Register("bob"), c.Register("carol"), c.Register("dave")
	alice.Follow(bob)
	alice.Relate(carol.ID, "follow", "reblogs", "false")
	alice.Follow(dave)
	l := alice.CreateList("Friends")
	alice.AddToList(l.ID, bob.ID, carol.ID, dave.ID)
	c.Must(alice.Do("POST", "/api/v1/accounts/"+dave.ID+"/mute", nil), 200)
	bob.Follow(dave) // bob's home tells when dave's post was fanned out
	original := bob.PostStatus("worth a boost").ID
	muted := dave.PostStatus("muted").ID
	carol.Act(original, "reblog")
	own := carol.PostStatus("carol's own").ID
	last := bob.PostStatus("last").ID
	testrig.Eventually(t, "dave's post in bob's home", func() error { return homeHas(t, bob, muted) })
	listHolds(t, alice, l.ID, []string{last, own, original})
}

// TestListExclusive: the posts of an exclusive list's members stay out of the owner's
// home, and come back when the list is no longer exclusive.
func TestListExclusive(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	alice.Follow(bob)
	alice.Follow(carol)
	l := alice.CreateList("Only here", "exclusive", "true")
	alice.AddToList(l.ID, bob.ID)
	hidden := bob.PostStatus("only in the list").ID
	seen := carol.PostStatus("in the home").ID
	listHolds(t, alice, l.ID, []string{hidden})
	testrig.Eventually(t, "carol's post in alice's home", func() error { return homeHolds(t, alice, []string{seen}) })

	c.Must(alice.Do("PUT", "/api/v1/lists/"+l.ID, url.Values{"exclusive": {"false"}}), 200)
	shown := bob.PostStatus("everywhere").ID
	listHolds(t, alice, l.ID, []string{shown, hidden})
	testrig.Eventually(t, "bob's later post in alice's home", func() error {
		return homeHolds(t, alice, []string{shown, seen})
	})
}

// TestListHotMember: a very-followed member's posts are merged into the list at read
// time, as into homes, and an exclusive list hides them from the home at read time.
func TestListHotMember(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.HotFollowers = 1 }))
	star, alice, fan := c.Register("star"), c.Register("alice"), c.Register("fan")
	alice.Follow(star)
	fan.Follow(star)
	l := alice.CreateList("Stars", "exclusive", "true")
	alice.AddToList(l.ID, star.ID)
	first := star.PostStatus("first, with two followers").ID // switches star to read-time merge
	testrig.Eventually(t, "fan's home", func() error { return homeHolds(t, fan, []string{first}) })
	second := star.PostStatus("second").ID
	testrig.Eventually(t, "fan's home", func() error { return homeHolds(t, fan, []string{second, first}) })
	listHolds(t, alice, l.ID, []string{second, first})
	if got := homeIDs(t, alice, nil); len(got) != 0 {
		t.Fatalf("alice's home holds %v: star is in an exclusive list", got)
	}
	// A list that takes star after the switch pulls too.
	late := alice.CreateList("Later")
	alice.AddToList(late.ID, star.ID)
	listHolds(t, alice, late.ID, []string{second, first})
	c.Must(alice.Do("DELETE", "/api/v1/lists/"+late.ID+"/accounts", url.Values{"account_ids[]": {star.ID}}), 200)
	listHolds(t, alice, late.ID, nil)
}

// TestListTimelinePagingAndRemovals: the list timeline pages as home does; a deleted
// post leaves it, and so do a removed member's posts, while a new member's recent
// posts are merged in.
func TestListTimelinePagingAndRemovals(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	alice.Follow(bob)
	alice.Follow(carol)
	early := carol.PostStatus("before the list").ID
	l := alice.CreateList("Friends")
	alice.AddToList(l.ID, bob.ID)
	var ids []string
	for i := range 5 {
		ids = append(ids, bob.PostStatus(fmt.Sprintf("post %d", i)).ID)
	}
	slices.Reverse(ids)
	listHolds(t, alice, l.ID, ids)
	if got := walk(t, alice, "/api/v1/timelines/list/"+l.ID+"?limit=2", testrig.StatusIDs); !slices.Equal(got, ids) {
		t.Fatalf("paged list %v, want %v", got, ids)
	}
	q := func(k, v string) []string {
		return testrig.StatusIDs(alice.ListTimeline(l.ID, url.Values{k: {v}, "limit": {"2"}}))
	}
	if got := q("max_id", ids[1]); !slices.Equal(got, ids[2:4]) {
		t.Fatalf("max_id: %v", got)
	}
	if got := q("min_id", ids[4]); !slices.Equal(got, ids[2:4]) {
		t.Fatalf("min_id: %v", got)
	}
	if got := q("since_id", ids[4]); !slices.Equal(got, ids[:2]) {
		t.Fatalf("since_id: %v", got)
	}

	c.Must(bob.Do("DELETE", "/api/v1/statuses/"+ids[0], nil), 200)
	listHolds(t, alice, l.ID, ids[1:])

	alice.AddToList(l.ID, carol.ID) // carol's recent posts are merged
	listHolds(t, alice, l.ID, append(slices.Clone(ids[1:]), early))
	c.Must(alice.Do("DELETE", "/api/v1/lists/"+l.ID+"/accounts", url.Values{"account_ids[]": {bob.ID}}), 200)
	listHolds(t, alice, l.ID, []string{early})
	c.Must(alice.Do("POST", "/api/v1/accounts/"+carol.ID+"/unfollow", nil), 200)
	listHolds(t, alice, l.ID, nil)
}

// TestListStream: the list stream carries its members' posts and deletes, only to
// the list's owner.
func TestListStream(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	alice.Follow(bob)
	l := alice.CreateList("Friends")
	alice.AddToList(l.ID, bob.ID)

	ws := dialWS(t, c, alice.Token, "stream=list&list="+l.ID)
	waitSubscribers(t, c, stream.List(id(t, l.ID)), 1)
	pid := bob.PostStatus("to the list").ID
	f := ws.expect("list", "update")
	if got := f.status(t); got.ID != pid || len(f.Stream) != 2 || f.Stream[1] != l.ID {
		t.Fatalf("update %+v: %s", f, payloadOf(f))
	}
	c.Must(bob.Do("PUT", "/api/v1/statuses/"+pid, url.Values{"status": {"to the list, edited"}}), 200)
	if f := ws.expect("list", "status.update"); !strings.Contains(f.status(t).Content, "edited") {
		t.Fatalf("status.update payload %s", payloadOf(f))
	}
	c.Must(bob.Do("DELETE", "/api/v1/statuses/"+pid, nil), 200)
	if f := ws.expect("list", "delete"); payloadOf(f) != pid {
		t.Fatalf("delete payload %q", payloadOf(f))
	}

	// Another account may not stream alice's list, by either transport.
	other := dialWS(t, c, carol.Token, "")
	other.send(map[string]string{"type": "subscribe", "stream": "list", "list": l.ID})
	if f := other.next(); f.Error != "Not authorized to stream this list" || f.Status != 401 {
		t.Fatalf("carol subscribing to alice's list: %+v", f)
	}
	r := c.Do("GET", "/api/v1/streaming/list?list="+l.ID, carol.Token, nil)
	if r.Code != 401 || !strings.Contains(string(r.Body), "Not authorized to stream this list") {
		t.Fatalf("carol's SSE of alice's list: %d %s", r.Code, r.Body)
	}
}
