package api_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

func homeIDs(t *testing.T, u *testrig.User, q url.Values) []string {
	t.Helper()
	return testrig.StatusIDs(u.Home(q))
}

// homeHas says why u's home does not hold status id.
func homeHas(t *testing.T, u *testrig.User, id string) error {
	if got := homeIDs(t, u, nil); !slices.Contains(got, id) {
		return fmt.Errorf("%s's home holds %v, not %s", u.Name, got, id)
	}
	return nil
}

// homeHolds says why u's home is not exactly want.
func homeHolds(t *testing.T, u *testrig.User, want []string) error {
	if got := homeIDs(t, u, nil); !slices.Equal(got, want) {
		return fmt.Errorf("%s's home holds %v, want %v", u.Name, got, want)
	}
	return nil
}

func TestRegistrationAndCredentials(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	me := alice.VerifyCredentials()
	if me.Username != "alice" || me.Acct != "alice" || me.Source == nil {
		t.Fatalf("verify_credentials: %+v", me)
	}
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"taken", url.Values{"username": {"ALICE"}, "email": {"x@example.com"}, "password": {"long enough pw"}, "agreement": {"1"}}, "Username has already been taken"},
		{"email taken", url.Values{"username": {"bob"}, "email": {"alice@example.com"}, "password": {"long enough pw"}, "agreement": {"1"}}, "Email has already been taken"},
		{"short password", url.Values{"username": {"carol"}, "email": {"c@example.com"}, "password": {"short"}, "agreement": {"1"}}, "Password is too short"},
		{"no agreement", url.Values{"username": {"dave"}, "email": {"d@example.com"}, "password": {"long enough pw"}}, "Agreement must be accepted"},
		{"bad username", url.Values{"username": {"no-dash"}, "email": {"e@example.com"}, "password": {"long enough pw"}, "agreement": {"1"}}, "Username must contain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Do("POST", "/api/v1/accounts", c.AppToken(), tc.form)
			if r.Code != 422 || !strings.Contains(string(r.Body), tc.want) {
				t.Fatalf("got %d %s, want 422 with %q", r.Code, r.Body, tc.want)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("content type %q", ct)
			}
		})
	}
	// The failed registrations left nothing behind: the email and names are free.
	c.Register("bob")
	upd := alice.UpdateCredentials("display_name", "Alice A.", "note", "Hello #world", "locked", "true",
		"fields_attributes[0][name]", "site", "fields_attributes[0][value]", "https://example.com")
	if upd.DisplayName != "Alice A." || !upd.Locked || !strings.Contains(upd.Note, "hashtag") {
		t.Fatalf("update_credentials: %+v", upd)
	}
	if f := upd.Fields; len(f) != 1 || !strings.Contains(f[0].Value, "<a href=\"https://example.com\"") {
		t.Fatalf("fields: %+v", upd.Fields)
	}
	if look := c.Anonymous().Lookup("@alice"); look.ID != alice.ID {
		t.Fatalf("lookup: %+v", look)
	}
}

func TestAuthErrorsAndScopes(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	for _, tc := range []struct {
		name, method, path, token string
		code                      int
	}{
		{"no token", "GET", "/api/v1/timelines/home", "", 401},
		{"bad token", "GET", "/api/v1/timelines/home", "nope", 401},
		{"app token on user route", "GET", "/api/v1/timelines/home", c.AppToken(), 422},
		{"unknown route", "GET", "/api/v1/nothing/here", "", 404},
		{"unknown status", "GET", "/api/v1/statuses/123", "", 404},
		{"malformed id", "GET", "/api/v1/statuses/abc", "", 404},
		{"bad max_id", "GET", "/api/v1/timelines/public?max_id=x", "", 400},
		{"trailing slash", "GET", "/api/v1/instance/", "", 200},
		{"user token ok", "GET", "/api/v1/timelines/home", alice.Token, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Do(tc.method, tc.path, tc.token, nil)
			if r.Code != tc.code {
				t.Fatalf("%s %s: %d %s, want %d", tc.method, tc.path, r.Code, r.Body, tc.code)
			}
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("content type %q", r.Header.Get("Content-Type"))
			}
		})
	}
	// A read-only token cannot post.
	id, secret := c.App()
	ro := testrig.Decode[testrig.Token](t, c.Must(c.Do("POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
		"client_id": {id}, "client_secret": {secret}, "scope": {"read"}}), 200))
	if ro.AccessToken == "" || ro.Scope != "read" {
		t.Fatalf("read-only token: %+v", ro)
	}
	r := c.Do("POST", "/api/v1/accounts", ro.AccessToken, url.Values{"username": {"x"}})
	if r.Code != 403 {
		t.Fatalf("read-only token registered: %d %s", r.Code, r.Body)
	}
	// Scopes wider than the app's are refused.
	r = c.Do("POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
		"client_id": {id}, "client_secret": {secret}, "scope": {"admin:read"}})
	if r.Code != 400 || !strings.Contains(string(r.Body), "invalid_scope") {
		t.Fatalf("wide scope: %d %s", r.Code, r.Body)
	}
}

func TestAuthorizationCodeWithPKCE(t *testing.T) {
	c := testrig.New(t)
	c.Register("alice")
	app := testrig.Decode[testrig.Application](t, c.Must(c.Do("POST", "/api/v1/apps", "", url.Values{"client_name": {"web"},
		"redirect_uris": {"https://client.example/cb"}, "scopes": {"read write"}}), 200))
	verifier := "a-very-long-verifier-string-of-at-least-forty-three-characters-1234"
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	q := url.Values{"response_type": {"code"}, "client_id": {app.ClientID},
		"redirect_uri": {"https://client.example/cb"}, "scope": {"read"}, "state": {"xyz"},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	page := c.Do("GET", "/oauth/authorize", "", q)
	if page.Code != 200 || !strings.Contains(string(page.Body), `name="password"`) {
		t.Fatalf("sign-in page: %d %s", page.Code, page.Body)
	}
	form := url.Values{}
	for k, v := range q {
		form[k] = v
	}
	form.Set("login", "alice@example.com")
	form.Set("password", "wrong password")
	if r := c.Do("POST", "/oauth/authorize", "", form); r.Code != 401 {
		t.Fatalf("wrong password: %d", r.Code)
	}
	form.Set("password", "correct horse battery")
	r := c.Do("POST", "/oauth/authorize", "", form)
	if r.Code != 302 {
		t.Fatalf("authorize: %d %s", r.Code, r.Body)
	}
	loc, _ := url.Parse(r.Header.Get("Location"))
	if loc.Host != "client.example" || loc.Query().Get("state") != "xyz" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect %s", loc)
	}
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"client_id": {app.ClientID}, "client_secret": {app.ClientSecret},
		"redirect_uri": {"https://client.example/cb"}, "code_verifier": {"wrong"}}
	if r := c.Do("POST", "/oauth/token", "", exchange); r.Code != 400 {
		t.Fatalf("bad verifier accepted: %d %s", r.Code, r.Body)
	}
	// The failed exchange used the code up, as RFC 6749 asks: authorize again.
	r = c.Do("POST", "/oauth/authorize", "", form)
	loc, _ = url.Parse(r.Header.Get("Location"))
	exchange.Set("code", loc.Query().Get("code"))
	exchange.Set("code_verifier", verifier)
	tok := testrig.Decode[testrig.Token](t, c.Must(c.Do("POST", "/oauth/token", "", exchange), 200))
	if tok.Scope != "read" || tok.TokenType != "Bearer" || tok.AccessToken == "" {
		t.Fatalf("token: %+v", tok)
	}
	at := tok.AccessToken
	c.Must(c.Do("GET", "/api/v1/accounts/verify_credentials", at, nil), 200)
	if r := c.Do("POST", "/api/v1/statuses", at, url.Values{"status": {"hi"}}); r.Code != 403 {
		t.Fatalf("read token posted: %d", r.Code)
	}
	c.Must(c.Do("POST", "/oauth/revoke", "", url.Values{"client_id": {app.ClientID},
		"client_secret": {app.ClientSecret}, "token": {at}}), 200)
	if r := c.Do("GET", "/api/v1/accounts/verify_credentials", at, nil); r.Code != 401 {
		t.Fatalf("revoked token works: %d", r.Code)
	}
}

func TestPostFollowAndHome(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	if rel := alice.Relate(bob.ID, "follow"); !rel.Following {
		t.Fatalf("follow: %+v", rel)
	}
	var ids []string
	for i := 0; i < 25; i++ {
		ids = append(ids, bob.PostStatus(fmt.Sprintf("post %d", i)).ID)
	}
	slices.Reverse(ids)
	testrig.Eventually(t, "fan-out of 25 posts", func() error {
		if n := len(homeIDs(t, alice, url.Values{"limit": {"40"}})); n != 25 {
			return fmt.Errorf("home holds %d posts", n)
		}
		return nil
	})
	// Page through with the Link header.
	var seen []string
	next := "/api/v1/timelines/home?limit=10"
	linkRE := regexp.MustCompile(`<([^>]+)>; rel="next"`)
	for next != "" {
		r := c.Must(alice.Do("GET", next, nil), 200)
		page := testrig.Decode[[]testrig.Status](t, r)
		seen = append(seen, testrig.StatusIDs(page)...)
		m := linkRE.FindStringSubmatch(r.Header.Get("Link"))
		next = ""
		if m != nil && len(page) > 0 {
			u, _ := url.Parse(m[1])
			next = u.RequestURI()
		}
	}
	if !slices.Equal(seen, ids) {
		t.Fatalf("paged home %v, want %v", seen, ids)
	}
	// since_id gives the newest above the cursor; min_id the ones right above it.
	if got := homeIDs(t, alice, url.Values{"since_id": {ids[5]}, "limit": {"2"}}); !slices.Equal(got, ids[:2]) {
		t.Fatalf("since_id: %v", got)
	}
	if got := homeIDs(t, alice, url.Values{"min_id": {ids[5]}, "limit": {"2"}}); !slices.Equal(got, ids[3:5]) {
		t.Fatalf("min_id: %v", got)
	}
	// Unfollowing takes bob's posts out of alice's home.
	c.Must(alice.Do("POST", "/api/v1/accounts/"+bob.ID+"/unfollow", nil), 200)
	if got := homeIDs(t, alice, nil); len(got) != 0 {
		t.Fatalf("home after unfollow: %v", got)
	}
	// Following again merges bob's recent posts back.
	alice.Follow(bob)
	if got := homeIDs(t, alice, url.Values{"limit": {"40"}}); len(got) != 25 {
		t.Fatalf("home after re-follow has %d", len(got))
	}
}

func TestInteractionsAndNotifications(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	alice.Follow(bob)
	post := bob.PostStatus("Look at this #Cats", "spoiler_text", "cw", "sensitive", "0")
	if !post.Sensitive || post.SpoilerText != "cw" {
		t.Fatalf("cw post: %+v", post)
	}
	reply := alice.PostStatus("@bob nice", "in_reply_to_id", post.ID)
	if reply.InReplyToID == nil || *reply.InReplyToID != post.ID || len(reply.Mentions) != 1 || reply.Mentions[0].ID != bob.ID {
		t.Fatalf("reply: %+v", reply)
	}
	// The mention notification comes from fan-out, asynchronously: wait for it so that
	// the order of notifications below is the order of the actions.
	testrig.Eventually(t, "the mention notification", func() error {
		if n := len(bob.Notifications(url.Values{"types[]": {"mention"}})); n != 1 {
			return fmt.Errorf("%d mention notifications", n)
		}
		return nil
	})
	if fav := alice.Act(post.ID, "favourite"); !is(fav.Favourited) || fav.FavouritesCount != 1 {
		t.Fatalf("favourite: %+v", fav)
	}
	if boost := alice.Act(post.ID, "reblog"); boost.Reblog == nil || boost.Reblog.ID != post.ID || !is(boost.Reblogged) {
		t.Fatalf("reblog: %+v", boost)
	}
	alice.Act(post.ID, "bookmark")
	if got := alice.Status(post.ID); got.ReblogsCount != 1 || got.RepliesCount != 1 || !is(got.Bookmarked) {
		t.Fatalf("counts: %+v", got)
	}
	testrig.Eventually(t, "notifications", func() error {
		if got := testrig.Types(bob.Notifications(nil)); len(got) != 4 {
			return fmt.Errorf("notifications %v, want 4", got)
		}
		return nil
	})
	ns := bob.Notifications(nil)
	if got := testrig.Types(ns); !slices.Equal(got, []string{"reblog", "favourite", "mention", "follow"}) {
		t.Fatalf("notifications %v", got)
	}
	if ns[2].Status == nil || ns[2].Status.ID != reply.ID || ns[3].Account.ID != alice.ID || ns[3].Status != nil {
		t.Fatalf("mention %+v, follow %+v", ns[2], ns[3])
	}
	if got := testrig.Types(bob.Notifications(url.Values{"types[]": {"mention", "follow"}})); !slices.Equal(got, []string{"mention", "follow"}) {
		t.Fatalf("types[]: %v", got)
	}
	if got := testrig.Types(bob.Notifications(url.Values{"exclude_types[]": {"reblog"}})); len(got) != 3 {
		t.Fatalf("exclude_types[]: %v", got)
	}
	ctx := c.Anonymous().Context(post.ID)
	if len(ctx.Descendants) != 1 || ctx.Descendants[0].ID != reply.ID || len(ctx.Ancestors) != 0 {
		t.Fatalf("context: %+v", ctx)
	}
	var favBy []testrig.Account
	c.Must(c.Do("GET", "/api/v1/statuses/"+post.ID+"/favourited_by", "", nil), 200).JSON(t, &favBy)
	if len(favBy) != 1 || favBy[0].ID != alice.ID {
		t.Fatalf("favourited_by: %+v", favBy)
	}
	favs := c.Must(alice.Do("GET", "/api/v1/favourites", nil), 200)
	if l := testrig.Decode[[]testrig.Status](t, favs); len(l) != 1 || !strings.Contains(favs.Header.Get("Link"), "max_id=") {
		t.Fatalf("favourites: %v %s", testrig.StatusIDs(l), favs.Header.Get("Link"))
	}
	var tag []testrig.Status
	c.Must(c.Do("GET", "/api/v1/timelines/tag/cats", "", nil), 200).JSON(t, &tag)
	if got := testrig.StatusIDs(tag); !slices.Equal(got, []string{post.ID}) {
		t.Fatalf("tag timeline: %v", got)
	}
	// Undo.
	alice.Act(post.ID, "unreblog")
	if un := alice.Act(post.ID, "unfavourite"); is(un.Favourited) || is(un.Reblogged) || un.FavouritesCount != 0 || un.ReblogsCount != 0 {
		t.Fatalf("undo: %+v", un)
	}
}

// is reads a viewer flag of an entity, which is absent for anonymous readers.
func is(flag *bool) bool { return flag != nil && *flag }

func TestEditAndDelete(t *testing.T) {
	c := testrig.New(t)
	bob := c.Register("bob")
	alice := c.Register("alice")
	pid := bob.PostStatus("first version").ID
	if r := alice.Do("PUT", "/api/v1/statuses/"+pid, url.Values{"status": {"hijack"}}); r.Code != 403 {
		t.Fatalf("edit by another: %d", r.Code)
	}
	if ed := bob.Edit(pid, "second version"); ed.EditedAt == nil || !strings.Contains(ed.Content, "second") {
		t.Fatalf("edit: %+v", ed)
	}
	hist := testrig.Decode[[]testrig.StatusEdit](t, c.Must(bob.Do("GET", "/api/v1/statuses/"+pid+"/history", nil), 200))
	if len(hist) != 2 || !strings.Contains(hist[0].Content, "first") {
		t.Fatalf("history: %+v", hist)
	}
	src := testrig.Decode[testrig.StatusSource](t, c.Must(bob.Do("GET", "/api/v1/statuses/"+pid+"/source", nil), 200))
	if src.Text != "second version" {
		t.Fatalf("source: %+v", src)
	}
	if r := alice.Do("DELETE", "/api/v1/statuses/"+pid, nil); r.Code != 404 {
		t.Fatalf("delete by another: %d", r.Code)
	}
	if del := bob.Delete(pid); del.Text == nil || *del.Text != "second version" {
		t.Fatalf("delete: %+v", del)
	}
	c.Must(bob.Do("GET", "/api/v1/statuses/"+pid, nil), 404)
	if n := bob.VerifyCredentials().StatusesCount; n != 0 {
		t.Fatalf("statuses_count after delete: %v", n)
	}
}

func TestVisibilityAndBlocks(t *testing.T) {
	c := testrig.New(t)
	alice, bob, eve := c.Register("alice"), c.Register("bob"), c.Register("eve")
	alice.Follow(bob)
	priv := bob.PostStatus("followers only", "visibility", "private").ID
	dm := bob.PostStatus("@alice secret", "visibility", "direct").ID
	for _, tc := range []struct {
		who  *testrig.User
		id   string
		code int
	}{{alice, priv, 200}, {eve, priv, 404}, {alice, dm, 200}, {eve, dm, 404}} {
		if r := tc.who.Do("GET", "/api/v1/statuses/"+tc.id, nil); r.Code != tc.code {
			t.Errorf("%s sees %s: %d, want %d", tc.who.Name, tc.id, r.Code, tc.code)
		}
	}
	if r := c.Do("GET", "/api/v1/statuses/"+priv, "", nil); r.Code != 404 {
		t.Errorf("anonymous sees private: %d", r.Code)
	}
	public := testrig.Decode[[]testrig.Status](t, c.Must(c.Do("GET", "/api/v1/timelines/public", "", nil), 200))
	if len(public) != 0 {
		t.Fatalf("public timeline shows non-public posts: %v", testrig.StatusIDs(public))
	}
	// A block ends the follow and hides posts.
	c.Must(bob.Do("POST", "/api/v1/accounts/"+alice.ID+"/block", nil), 200)
	if rel := alice.Relationship(bob.ID); rel.Following || !rel.BlockedBy {
		t.Fatalf("relationship after block: %+v", rel)
	}
	pub := bob.PostStatus("public now").ID
	if r := alice.Do("GET", "/api/v1/statuses/"+pub, nil); r.Code != 404 {
		t.Fatalf("blocked viewer sees post: %d", r.Code)
	}
	if r := alice.Do("POST", "/api/v1/accounts/"+bob.ID+"/follow", nil); r.Code != 403 {
		t.Fatalf("follow through a block: %d", r.Code)
	}
}

func TestLockedAccountFollowRequests(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	c.Must(bob.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"locked": {"true"}}), 200)
	if rel := alice.Relate(bob.ID, "follow"); !rel.Requested || rel.Following {
		t.Fatalf("follow of locked: %+v", rel)
	}
	reqs := testrig.Decode[[]testrig.Account](t, c.Must(bob.Do("GET", "/api/v1/follow_requests", nil), 200))
	if got := testrig.AccountIDs(reqs); !slices.Equal(got, []string{alice.ID}) {
		t.Fatalf("follow_requests: %v", got)
	}
	rel := testrig.Decode[testrig.Relationship](t, c.Must(bob.Do("POST", "/api/v1/follow_requests/"+alice.ID+"/authorize", nil), 200))
	if !rel.FollowedBy {
		t.Fatalf("authorize: %+v", rel)
	}
	if got := testrig.AccountIDs(c.Anonymous().Followers(bob.ID)); !slices.Equal(got, []string{alice.ID}) {
		t.Fatalf("followers: %v", got)
	}
}

func TestIdempotencyKeyAndLimits(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.MaxCharacters = 20 }))
	bob := c.Register("bob")
	form := url.Values{"status": {"only once"}}
	first := testrig.Decode[testrig.Status](t, c.Must(c.DoWithHeader("POST", "/api/v1/statuses", bob.Token, form, "Idempotency-Key", "k1"), 200))
	second := testrig.Decode[testrig.Status](t, c.Must(c.DoWithHeader("POST", "/api/v1/statuses", bob.Token, form, "Idempotency-Key", "k1"), 200))
	if first.ID != second.ID {
		t.Fatalf("idempotency key posted twice: %v %v", first.ID, second.ID)
	}
	r := bob.Do("POST", "/api/v1/statuses", url.Values{"status": {strings.Repeat("x", 21)}})
	if r.Code != 422 || !strings.Contains(string(r.Body), "character limit") {
		t.Fatalf("too long: %d %s", r.Code, r.Body)
	}
	// A URL counts as 23 characters whatever its length: over the limit of 20.
	r = bob.Do("POST", "/api/v1/statuses", url.Values{"status": {"https://example.com/" + strings.Repeat("a", 5)}})
	if r.Code != 422 {
		t.Fatalf("url length: %d %s", r.Code, r.Body)
	}
	if limit := c.Anonymous().Instance().Configuration.Statuses.MaxCharacters; limit != 20 {
		t.Fatalf("instance max_characters %v", limit)
	}
}

func TestRateLimit(t *testing.T) {
	// The rig spends two requests of the budget registering its app.
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.RateLimit = 5 }))
	for i := 0; i < 3; i++ {
		r := c.Do("GET", "/api/v1/timelines/public", "", nil)
		if r.Code != 200 || r.Header.Get("X-RateLimit-Limit") != "5" || r.Header.Get("X-RateLimit-Remaining") != fmt.Sprint(2-i) {
			t.Fatalf("request %d: %d %v", i, r.Code, r.Header)
		}
	}
	r := c.Do("GET", "/api/v1/timelines/public", "", nil)
	if r.Code != 429 || r.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("over the limit: %d %v", r.Code, r.Header)
	}
}

func TestHybridFanoutMergesHotAuthorsAtReadTime(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.HotFollowers = 2 }))
	star := c.Register("star")
	fans := []*testrig.User{c.Register("fan1"), c.Register("fan2"), c.Register("fan3")}
	for _, f := range fans[:2] {
		f.Follow(star)
	}
	early := star.PostStatus("before the switch").ID
	fans[2].Follow(star) // the third follower takes star past the threshold
	var posts []string
	for i := 0; i < 3; i++ {
		posts = append(posts, star.PostStatus(fmt.Sprintf("hot post %d", i)).ID)
	}
	slices.Reverse(posts)
	want := append(posts, early)
	for _, f := range fans {
		testrig.Eventually(t, f.Name+"'s home", func() error { return homeHolds(t, f, want) })
	}
	// A follower who arrives after the switch pulls too; paging still works across the merge.
	late := c.Register("late")
	late.Follow(star)
	if got := homeIDs(t, late, url.Values{"limit": {"2"}}); !slices.Equal(got, want[:2]) {
		t.Fatalf("late follower's first page %v, want %v", got, want[:2])
	}
	if got := homeIDs(t, late, url.Values{"limit": {"2"}, "max_id": {want[1]}}); !slices.Equal(got, want[2:4]) {
		t.Fatalf("late follower's second page %v, want %v", got, want[2:4])
	}
	// Unfollowing stops the merge.
	c.Must(late.Do("POST", "/api/v1/accounts/"+star.ID+"/unfollow", nil), 200)
	if got := homeIDs(t, late, nil); len(got) != 0 {
		t.Fatalf("home after unfollowing a hot author: %v", got)
	}
}

func TestFollowOptionsNotifyAndHiddenBoosts(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	if rel := alice.Relate(bob.ID, "follow", "notify", "true", "reblogs", "false"); !rel.Notifying || rel.ShowingReblogs || !rel.Following {
		t.Fatalf("follow options: %+v", rel)
	}
	post := bob.PostStatus("news").ID
	theirs := carol.PostStatus("carol's").ID
	boost := bob.Act(theirs, "reblog").ID
	testrig.Eventually(t, "status notification", func() error {
		ns := alice.Notifications(url.Values{"types[]": {"status"}})
		if len(ns) != 1 || ns[0].Status == nil || ns[0].Status.ID != post {
			return fmt.Errorf("status notifications %+v, want one of %s", ns, post)
		}
		return nil
	})
	if got := testrig.StatusIDs(alice.Home(nil)); slices.Contains(got, boost) || !slices.Contains(got, post) {
		t.Fatalf("home %v: want %s without the boost %s", got, post, boost)
	}
}

// TestChangedFollowOptionsAndMutesInHome: options changed by following again, and a
// mute, decide what fan-out puts in the home; a post made during a mute stays out
// after the unmute, as in Mastodon.
func TestChangedFollowOptionsAndMutesInHome(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol, dave := c.Register("alice"), c.Register("bob"), c.Register("carol"), c.Register("dave")
	alice.Follow(bob)
	dave.Follow(bob)
	if rel := alice.Relate(bob.ID, "follow", "reblogs", "false"); rel.ShowingReblogs {
		t.Fatalf("follow options after following again: %+v", rel)
	}
	theirs := carol.PostStatus("carol's").ID
	boost := bob.Act(theirs, "reblog").ID
	news := bob.PostStatus("news").ID
	testrig.Eventually(t, "bob's post in alice's home", func() error { return homeHas(t, alice, news) })
	if got := homeIDs(t, alice, nil); slices.Contains(got, boost) {
		t.Fatalf("home %v holds the boost %s of a follow without reblogs", got, boost)
	}

	c.Must(alice.Do("POST", "/api/v1/accounts/"+bob.ID+"/mute", nil), 200)
	muted := bob.PostStatus("while muted").ID
	// In dave's home, the post has been fanned out to the page alice is on too.
	testrig.Eventually(t, "the post in dave's home", func() error { return homeHas(t, dave, muted) })
	c.Must(alice.Do("POST", "/api/v1/accounts/"+bob.ID+"/unmute", nil), 200)
	after := bob.PostStatus("after the mute").ID
	testrig.Eventually(t, "the post after the mute in alice's home", func() error { return homeHas(t, alice, after) })
	if got := homeIDs(t, alice, nil); slices.Contains(got, muted) {
		t.Fatalf("home %v holds %s, posted while bob was muted", got, muted)
	}
}

func TestOversizedBodyGetsJSONError(t *testing.T) {
	c := testrig.New(t)
	bob := c.Register("bob")
	// Announce a body over the cap; the server must answer before reading it.
	conn, err := net.Dial("tcp", c.Nodes[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\nstatus=", bob.Token, 2<<20)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("oversized body: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if got := bob.VerifyCredentials().StatusesCount; got != 0 {
		t.Fatalf("statuses_count %v after a rejected post", got)
	}
}
