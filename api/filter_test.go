package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

var allContexts = []string{"home", "notifications", "public", "thread", "account"}

func TestFilterCRUD(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	f := alice.CreateFilter("Spoilers", "warn", []string{"home", "public"}, []string{"finale", "ending"})
	if f.Title != "Spoilers" || f.FilterAction != "warn" || !slices.Equal(f.Context, []string{"home", "public"}) ||
		f.ExpiresAt != nil || len(f.Keywords) != 2 || f.Keywords[0].Keyword != "finale" || !f.Keywords[0].WholeWord ||
		len(f.Statuses) != 0 {
		t.Fatalf("new filter %+v", f)
	}
	other := alice.CreateFilter("Later", "hide", []string{"thread"}, nil, "expires_in", "3600")
	if other.ExpiresAt == nil || other.FilterAction != "hide" {
		t.Fatalf("filter with expiry %+v", other)
	}
	if got := alice.Filters(); len(got) != 2 || got[0].ID != f.ID || got[1].ID != other.ID {
		t.Fatalf("filters %+v", got)
	}
	got := testrig.Decode[testrig.Filter](t, c.Must(alice.Do("GET", "/api/v2/filters/"+f.ID, nil), 200))
	if got.ID != f.ID || len(got.Keywords) != 2 {
		t.Fatalf("GET filter %+v", got)
	}

	// An update changes the given fields and the keywords named in keywords_attributes:
	// one changed, one destroyed, one added.
	upd := testrig.Decode[testrig.Filter](t, c.Must(alice.Do("PUT", "/api/v2/filters/"+f.ID, url.Values{
		"title": {"Plot"}, "filter_action": {"blur"}, "context[]": {"thread"},
		"keywords_attributes[0][id]": {f.Keywords[0].ID}, "keywords_attributes[0][whole_word]": {"false"},
		"keywords_attributes[1][id]": {f.Keywords[1].ID}, "keywords_attributes[1][_destroy]": {"true"},
		"keywords_attributes[2][keyword]": {"twist"},
	}), 200))
	if upd.Title != "Plot" || upd.FilterAction != "blur" || !slices.Equal(upd.Context, []string{"thread"}) ||
		len(upd.Keywords) != 2 || upd.Keywords[0].Keyword != "finale" || upd.Keywords[0].WholeWord ||
		upd.Keywords[1].Keyword != "twist" {
		t.Fatalf("updated %+v", upd)
	}
	upd = testrig.Decode[testrig.Filter](t, c.Must(alice.Do("PUT", "/api/v2/filters/"+other.ID, url.Values{"expires_in": {""}}), 200))
	if upd.ExpiresAt != nil || upd.Title != "Later" {
		t.Fatalf("expiry removed %+v", upd)
	}

	wantError(t, alice.Do("POST", "/api/v2/filters", url.Values{"title": {""}, "context[]": {"home"}}), 422,
		"Validation failed: Title can't be blank")
	wantError(t, alice.Do("POST", "/api/v2/filters", url.Values{"title": {"x"}}), 422,
		"Validation failed: Context can't be blank")
	wantError(t, alice.Do("POST", "/api/v2/filters", url.Values{"title": {"x"}, "context[]": {"everywhere"}}), 422,
		"Validation failed: Context none or invalid context supplied")
	wantError(t, alice.Do("POST", "/api/v2/filters", url.Values{"title": {"x"}, "context[]": {"home"}, "filter_action": {"drop"}}), 422,
		"Validation failed: Filter action is not included in the list")
	wantError(t, alice.Do("POST", "/api/v2/filters", url.Values{"title": {"x"}, "context[]": {"home"},
		"keywords_attributes[][keyword]": {" "}}), 422, "Validation failed: Keyword can't be blank")

	// Another account's filter, keyword or filtered status is not found.
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		wantError(t, bob.Do(m, "/api/v2/filters/"+f.ID, url.Values{"title": {"mine"}}), 404, "Record not found")
		wantError(t, bob.Do(m, "/api/v2/filters/keywords/"+f.Keywords[0].ID, url.Values{"keyword": {"mine"}}), 404, "Record not found")
		wantError(t, bob.Do(m, "/api/v1/filters/"+f.Keywords[0].ID, url.Values{"phrase": {"mine"}}), 404, "Record not found")
	}
	wantError(t, bob.Do("GET", "/api/v2/filters/"+f.ID+"/keywords", nil), 404, "Record not found")
	wantError(t, bob.Do("POST", "/api/v2/filters/"+f.ID+"/keywords", url.Values{"keyword": {"x"}}), 404, "Record not found")
	if got := bob.Filters(); len(got) != 0 {
		t.Fatalf("bob's filters %+v", got)
	}
	if r := c.Do("GET", "/api/v2/filters", "", nil); r.Code != 401 {
		t.Fatalf("anonymous filters: %d", r.Code)
	}

	// Scopes: read:filters reads, write:filters writes.
	read := scopedToken(t, c, "alice", "read:filters")
	c.Must(c.Do("GET", "/api/v2/filters", read, nil), 200)
	c.Must(c.Do("GET", "/api/v1/filters", read, nil), 200)
	wantError(t, c.Do("POST", "/api/v2/filters", read, url.Values{"title": {"no"}, "context[]": {"home"}}), 403,
		"This action is outside the authorized scopes")
	statuses := scopedToken(t, c, "alice", "read:statuses")
	wantError(t, c.Do("GET", "/api/v2/filters", statuses, nil), 403, "This action is outside the authorized scopes")

	var empty map[string]any
	c.Must(alice.Do("DELETE", "/api/v2/filters/"+other.ID, nil), 200).JSON(t, &empty)
	if len(empty) != 0 {
		t.Fatalf("DELETE answered %v", empty)
	}
	wantError(t, alice.Do("GET", "/api/v2/filters/"+other.ID, nil), 404, "Record not found")
}

func TestFilterKeywordsAndStatuses(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	f := alice.CreateFilter("Words", "warn", []string{"home"}, nil)
	base := "/api/v2/filters/" + f.ID
	k := testrig.Decode[testrig.FilterKeyword](t, c.Must(alice.Do("POST", base+"/keywords",
		url.Values{"keyword": {"rain"}, "whole_word": {"false"}}), 200))
	if k.Keyword != "rain" || k.WholeWord || k.ID == "" {
		t.Fatalf("new keyword %+v", k)
	}
	ks := testrig.Decode[[]testrig.FilterKeyword](t, c.Must(alice.Do("GET", base+"/keywords", nil), 200))
	if len(ks) != 1 || ks[0] != k {
		t.Fatalf("keywords %+v", ks)
	}
	if got := testrig.Decode[testrig.FilterKeyword](t, c.Must(alice.Do("GET", "/api/v2/filters/keywords/"+k.ID, nil), 200)); got != k {
		t.Fatalf("GET keyword %+v", got)
	}
	k2 := testrig.Decode[testrig.FilterKeyword](t, c.Must(alice.Do("PUT", "/api/v2/filters/keywords/"+k.ID,
		url.Values{"keyword": {"storm"}, "whole_word": {"true"}}), 200))
	if k2.ID != k.ID || k2.Keyword != "storm" || !k2.WholeWord {
		t.Fatalf("updated keyword %+v", k2)
	}
	wantError(t, alice.Do("PUT", "/api/v2/filters/keywords/"+k.ID, url.Values{"keyword": {""}}), 422,
		"Validation failed: Keyword can't be blank")
	c.Must(alice.Do("DELETE", "/api/v2/filters/keywords/"+k.ID, nil), 200)
	wantError(t, alice.Do("GET", "/api/v2/filters/keywords/"+k.ID, nil), 404, "Record not found")

	post := bob.PostStatus("nothing to see")
	fs := testrig.Decode[testrig.FilterStatus](t, c.Must(alice.Do("POST", base+"/statuses", url.Values{"status_id": {post.ID}}), 200))
	if fs.StatusID != post.ID || fs.ID == "" {
		t.Fatalf("new filtered status %+v", fs)
	}
	wantError(t, alice.Do("POST", base+"/statuses", url.Values{"status_id": {post.ID}}), 422,
		"Validation failed: Status has already been taken")
	wantError(t, alice.Do("POST", base+"/statuses", url.Values{"status_id": {"123456789"}}), 404, "Record not found")
	list := testrig.Decode[[]testrig.FilterStatus](t, c.Must(alice.Do("GET", base+"/statuses", nil), 200))
	if len(list) != 1 || list[0] != fs {
		t.Fatalf("filtered statuses %+v", list)
	}
	if got := testrig.Decode[testrig.FilterStatus](t, c.Must(alice.Do("GET", "/api/v2/filters/statuses/"+fs.ID, nil), 200)); got != fs {
		t.Fatalf("GET filtered status %+v", got)
	}
	// The status carries the filter, matched by its id.
	st := alice.Status(post.ID)
	if len(st.Filtered) != 1 || st.Filtered[0].Filter.ID != f.ID || !slices.Equal(st.Filtered[0].StatusMatches, []string{post.ID}) {
		t.Fatalf("filtered by id: %+v", st.Filtered)
	}
	wantError(t, bob.Do("GET", "/api/v2/filters/statuses/"+fs.ID, nil), 404, "Record not found")
	wantError(t, bob.Do("DELETE", "/api/v2/filters/statuses/"+fs.ID, nil), 404, "Record not found")
	c.Must(alice.Do("DELETE", "/api/v2/filters/statuses/"+fs.ID, nil), 200)
	wantError(t, alice.Do("GET", "/api/v2/filters/statuses/"+fs.ID, nil), 404, "Record not found")
	if st := alice.Status(post.ID); len(st.Filtered) != 0 {
		t.Fatalf("still filtered: %+v", st.Filtered)
	}
}

func TestFilterV1(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	v1 := testrig.Decode[testrig.V1Filter](t, c.Must(alice.Do("POST", "/api/v1/filters", url.Values{
		"phrase": {"election"}, "context[]": {"home", "public"}, "irreversible": {"true"}, "whole_word": {"false"}}), 200))
	if v1.Phrase != "election" || !v1.Irreversible || v1.WholeWord || !slices.Equal(v1.Context, []string{"home", "public"}) {
		t.Fatalf("v1 filter %+v", v1)
	}
	// It is a v2 filter titled by its phrase, with that one keyword, whose id is the v1 id.
	v2 := alice.Filters()
	if len(v2) != 1 || v2[0].Title != "election" || v2[0].FilterAction != "hide" || len(v2[0].Keywords) != 1 ||
		v2[0].Keywords[0].ID != v1.ID {
		t.Fatalf("as v2: %+v", v2)
	}
	all := testrig.Decode[[]testrig.V1Filter](t, c.Must(alice.Do("GET", "/api/v1/filters", nil), 200))
	if len(all) != 1 || all[0].ID != v1.ID {
		t.Fatalf("v1 filters %+v", all)
	}
	upd := testrig.Decode[testrig.V1Filter](t, c.Must(alice.Do("PUT", "/api/v1/filters/"+v1.ID, url.Values{
		"phrase": {"vote"}, "irreversible": {"false"}, "context[]": {"thread"}, "expires_in": {"600"}}), 200))
	if upd.Phrase != "vote" || upd.Irreversible || upd.ExpiresAt == nil || !slices.Equal(upd.Context, []string{"thread"}) {
		t.Fatalf("v1 updated %+v", upd)
	}
	if got := testrig.Decode[testrig.V1Filter](t, c.Must(alice.Do("GET", "/api/v1/filters/"+v1.ID, nil), 200)); got.Phrase != "vote" {
		t.Fatalf("v1 GET %+v", got)
	}
	// A filter of two keywords shows as two v1 filters, whose shared fields v1 may not change.
	c.Must(alice.Do("POST", "/api/v2/filters/"+v2[0].ID+"/keywords", url.Values{"keyword": {"ballot"}}), 200)
	if all := testrig.Decode[[]testrig.V1Filter](t, c.Must(alice.Do("GET", "/api/v1/filters", nil), 200)); len(all) != 2 {
		t.Fatalf("v1 filters of two keywords %+v", all)
	}
	r := alice.Do("PUT", "/api/v1/filters/"+v1.ID, url.Values{"context[]": {"home"}})
	if r.Code != 422 {
		t.Fatalf("v1 update of a shared field: %d %s", r.Code, r.Body)
	}
	c.Must(alice.Do("DELETE", "/api/v1/filters/"+v1.ID, nil), 200)
	wantError(t, alice.Do("GET", "/api/v1/filters/"+v1.ID, nil), 404, "Record not found")
	if v2 := alice.Filters(); len(v2) != 1 || len(v2[0].Keywords) != 1 || v2[0].Keywords[0].Keyword != "ballot" {
		t.Fatalf("after v1 delete: %+v", v2)
	}
}

// statusesAt reads a list of statuses as u.
func statusesAt(t *testing.T, u *testrig.User, path string) []testrig.Status {
	t.Helper()
	return testrig.Decode[[]testrig.Status](t, testrigMust(t, u, path))
}

// byID finds a status (or a boost of it) in l.
func byID(l []testrig.Status, id string) *testrig.Status {
	for i := range l {
		if l[i].ID == id {
			return &l[i]
		}
	}
	return nil
}

// checkFiltered checks that in l warned carries the filter want (with its action),
// hidden is absent and clean carries none.
func checkFiltered(l []testrig.Status, warned, hidden, clean, want, action string) error {
	w := byID(l, warned)
	if w == nil {
		return fmt.Errorf("warned %s missing from %v", warned, testrig.StatusIDs(l))
	}
	target := w
	if w.Reblog != nil {
		target = w.Reblog
	}
	if len(target.Filtered) != 1 || target.Filtered[0].Filter.ID != want || target.Filtered[0].Filter.FilterAction != action ||
		len(target.Filtered[0].KeywordMatches) != 1 {
		return fmt.Errorf("warned %s carries %+v, want filter %s (%s)", warned, target.Filtered, want, action)
	}
	if hidden != "" && byID(l, hidden) != nil {
		return fmt.Errorf("hidden %s shown in %v", hidden, testrig.StatusIDs(l))
	}
	if cl := byID(l, clean); cl == nil || len(cl.Filtered) != 0 {
		return fmt.Errorf("clean %s missing or filtered in %v", clean, testrig.StatusIDs(l))
	}
	return nil
}

// TestFilterContexts: warn and blur filters mark the statuses they match, and hide
// filters remove them, in every context, with their own contexts only.
func TestFilterContexts(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	alice.Follow(bob)
	l := alice.CreateList("Bob")
	alice.AddToList(l.ID, bob.ID)
	warn := alice.CreateFilter("Warned", "warn", allContexts, []string{"spoilers"})
	blur := alice.CreateFilter("Blurred", "blur", allContexts, []string{"gore"})
	alice.CreateFilter("Hidden", "hide", allContexts, []string{"secret"})
	alice.CreateFilter("Public only", "hide", []string{"public"}, []string{"onlypublic"})

	warned := bob.PostStatus("big SPOILERS here #topic").ID
	blurred := bob.PostStatus("some gore #topic").ID
	hidden := bob.PostStatus("a secret thing #topic").ID
	publicOnly := bob.PostStatus("onlypublic words #topic").ID
	clean := bob.PostStatus("plain words #topic").ID

	paths := map[string]string{
		"home": "/api/v1/timelines/home", "list": "/api/v1/timelines/list/" + l.ID,
		"public": "/api/v1/timelines/public", "tag": "/api/v1/timelines/tag/topic",
		"account": "/api/v1/accounts/" + bob.ID + "/statuses",
	}
	for name, path := range paths {
		testrig.Eventually(t, name, func() error {
			sts := statusesAt(t, alice, path)
			if err := checkFiltered(sts, warned, hidden, clean, warn.ID, "warn"); err != nil {
				return err
			}
			if err := checkFiltered(sts, blurred, "", clean, blur.ID, "blur"); err != nil {
				return err
			}
			inPublic := name == "public" || name == "tag"
			if got := byID(sts, publicOnly) != nil; got == inPublic {
				return fmt.Errorf("%s: the public-only hidden status shown: %v", name, got)
			}
			return nil
		})
	}

	// A status's own GET still returns it, with the hide filter.
	if st := alice.Status(hidden); len(st.Filtered) != 1 || st.Filtered[0].Filter.FilterAction != "hide" {
		t.Fatalf("GET of a hidden status: %+v", st.Filtered)
	}

	// Thread.
	root := bob.PostStatus("root").ID
	r1 := bob.PostStatus("spoilers reply", "in_reply_to_id", root).ID
	r2 := bob.PostStatus("secret reply", "in_reply_to_id", root).ID
	r3 := bob.PostStatus("plain reply", "in_reply_to_id", root).ID
	_ = r2
	if err := checkFiltered(alice.Context(root).Descendants, r1, r2, r3, warn.ID, "warn"); err != nil {
		t.Fatalf("context: %v", err)
	}

	// Notifications: a mention with hidden words is not listed.
	m1 := bob.PostStatus("@alice spoilers for you").ID
	m2 := bob.PostStatus("@alice a secret for you").ID
	m3 := bob.PostStatus("@alice hello").ID
	testrig.Eventually(t, "notifications", func() error {
		var sts []testrig.Status
		for _, n := range alice.Notifications(nil) {
			if n.Status != nil {
				sts = append(sts, *n.Status)
			}
		}
		return checkFiltered(sts, m1, m2, m3, warn.ID, "warn")
	})
}

// TestFilterBoostsAndOwn: boosts are matched on the original; the viewer's own
// statuses are never filtered; whole words and substrings; expired filters.
func TestFilterBoostsAndOwn(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	alice.Follow(bob)
	warn := alice.CreateFilter("Warned", "warn", []string{"home"}, []string{"spoilers"})
	alice.CreateFilter("Hidden", "hide", []string{"home"}, []string{"secret"})
	sub := testrig.Decode[testrig.Filter](t, c.Must(alice.Do("POST", "/api/v2/filters", url.Values{"title": {"Dogs"},
		"context[]": {"home"}, "filter_action": {"warn"}, "keywords_attributes[][keyword]": {"dog"},
		"keywords_attributes[][whole_word]": {"false"}}), 200))
	alice.CreateFilter("Soon gone", "hide", []string{"home"}, []string{"ephemeral"}, "expires_in", "1")

	warnedOrig := carol.PostStatus("spoilers from carol").ID
	hiddenOrig := carol.PostStatus("secret from carol").ID
	warnedBoost := bob.Act(warnedOrig, "reblog").ID
	hiddenBoost := bob.Act(hiddenOrig, "reblog").ID
	own := alice.PostStatus("my own secret").ID
	substring := bob.PostStatus("hotdogs for lunch").ID
	partWord := bob.PostStatus("the spoilersport").ID
	ephemeral := bob.PostStatus("ephemeral words").ID
	clean := bob.PostStatus("plain").ID

	testrig.Eventually(t, "home", func() error {
		home := alice.Home(url.Values{"limit": {"40"}})
		if err := checkFiltered(home, warnedBoost, hiddenBoost, clean, warn.ID, "warn"); err != nil {
			return err
		}
		if err := checkFiltered(home, substring, "", own, sub.ID, "warn"); err != nil {
			return err
		}
		if p := byID(home, partWord); p == nil || len(p.Filtered) != 0 {
			return fmt.Errorf("whole word matched inside a word, or missing: %+v", p)
		}
		// The expired filter hides nothing.
		if byID(home, ephemeral) == nil {
			return fmt.Errorf("status of an expired filter missing from %v", testrig.StatusIDs(home))
		}
		return nil
	})
}

// TestFilterStreaming: hidden statuses are not streamed, warned ones carry the filter,
// and a change of filters sends filters_changed on the user stream.
func TestFilterStreaming(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	alice.Follow(bob)
	warn := alice.CreateFilter("Warned", "warn", []string{"home", "public"}, []string{"spoilers"})
	alice.CreateFilter("Hidden", "hide", []string{"home", "public"}, []string{"secret"})
	ws := dialWS(t, c, alice.Token, "stream=user")
	ws.send(map[string]string{"type": "subscribe", "stream": "public"})
	waitSubscribers(t, c, stream.User(id(t, alice.ID)), 1)
	waitSubscribers(t, c, stream.Public(stream.Everywhere, false), 1)

	bob.PostStatus("a secret")
	warned := bob.PostStatus("spoilers ahead").ID
	for range 2 { // on user and on public; the hidden one comes on neither
		f := ws.next()
		st := f.status(t)
		if f.Event != "update" || st.ID != warned || len(st.Filtered) != 1 || st.Filtered[0].Filter.ID != warn.ID {
			t.Fatalf("got %+v %s, want the warned status with its filter", f, payloadOf(f))
		}
	}
	alice.CreateFilter("More", "warn", []string{"home"}, []string{"more"})
	if f := ws.expect("user", "filters_changed"); f.Payload != nil {
		t.Fatalf("filters_changed with a payload: %s", payloadOf(f))
	}
}
