package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/testrig"
)

// addContentRule makes a content rule through the admin API.
func addContentRule(t *testing.T, c *testrig.Cluster, tok string, form url.Values) contentRuleEntity {
	t.Helper()
	return testrig.Decode[contentRuleEntity](t, c.Must(c.Do("POST", "/api/v1/admin/content_rules", tok, form), 200))
}

// contentRuleHits reads each content rule's hits by pattern.
func contentRuleHits(t *testing.T, c *testrig.Cluster, tok string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, r := range testrig.Decode[[]contentRuleEntity](t, c.Must(c.Do("GET", "/api/v1/admin/content_rules", tok, nil), 200)) {
		out[r.Pattern] = r.Hits
	}
	return out
}

func publicTimelineIDs(c *testrig.Cluster, t *testing.T, q url.Values) []string {
	var l []testrig.Status
	c.Must(c.Anonymous().Do("GET", "/api/v1/timelines/public", q), 200).JSON(t, &l)
	return testrig.StatusIDs(l)
}

// TestContentRulesLocal: each action of a content rule on local posts and edits —
// reject (422, nothing posted), sensitive, unlist (kept out of public timelines),
// report (the post stands, moderators get a report) — over the text, the content
// warning, poll options and media descriptions, with each rule's hits counted.
func TestContentRulesLocal(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	mod, tok := c.RegisterModerator("mod")
	addContentRule(t, c, tok, url.Values{"pattern": {"Forbidden Word"}, "action": {"reject"}})
	addContentRule(t, c, tok, url.Values{"pattern": {"gore"}, "whole_word": {"true"}, "action": {"sensitive"}})
	addContentRule(t, c, tok, url.Values{"pattern": {`(?i)buy\s+now`}, "regexp": {"true"}, "action": {"unlist"}})
	addContentRule(t, c, tok, url.Values{"pattern": {"suspicious"}, "action": {"report"}})

	for name, form := range map[string]url.Values{
		"text":          {"status": {"this has a FORBIDDEN word in it"}},
		"content warn":  {"status": {"fine"}, "spoiler_text": {"forbidden word"}},
		"poll option":   {"status": {"vote"}, "poll[options][]": {"yes", "forbidden word"}, "poll[expires_in]": {"3600"}},
		"and sensitive": {"status": {"gore and forbidden word"}},
	} {
		r := alice.Do("POST", "/api/v1/statuses", form)
		if r.Code != 422 || !strings.Contains(string(r.Body), `"error":"Validation failed: Text contains content`) {
			t.Errorf("%s: %d %s", name, r.Code, r.Body)
		}
	}
	if l := alice.AccountStatuses(alice.ID, nil); len(l) != 0 {
		t.Fatalf("refused posts were published: %v", testrig.StatusIDs(l))
	}

	gory := alice.PostStatus("some gore here")
	gorey := alice.PostStatus("gorey but fine")
	if !gory.Sensitive || gorey.Sensitive {
		t.Fatalf("sensitive: %v (whole word) and %v (part of a word)", gory.Sensitive, gorey.Sensitive)
	}
	ad := alice.PostStatus("Buy   NOW while stocks last")
	private := alice.PostStatus("buy now, friends", "visibility", "private")
	plain := alice.PostStatus("just a walk")
	if ad.Visibility != "unlisted" || private.Visibility != "private" || plain.Visibility != "public" {
		t.Fatalf("visibility: %s, %s, %s", ad.Visibility, private.Visibility, plain.Visibility)
	}
	testrig.Eventually(t, "the plain post in the public timeline", func() error {
		if ids := publicTimelineIDs(c, t, nil); !slices.Contains(ids, plain.ID) {
			return fmt.Errorf("public timeline %v", ids)
		}
		return nil
	})
	if ids := publicTimelineIDs(c, t, nil); slices.Contains(ids, ad.ID) {
		t.Fatalf("the unlisted post is in the public timeline: %v", ids)
	}

	odd := alice.PostStatus("a suspicious link")
	reps := c.Must(c.Do("GET", "/api/v1/admin/reports", tok, nil), 200).List(t)
	if len(reps) != 1 || reps[0]["target_account"].(map[string]any)["id"] != alice.ID ||
		reps[0]["account"].(map[string]any)["id"] != mod.ID {
		t.Fatalf("reports: %v", reps)
	}
	if sts := reps[0]["statuses"].([]any); len(sts) != 1 || sts[0].(map[string]any)["id"] != odd.ID {
		t.Fatalf("reported statuses: %v", sts)
	}
	if got := alice.Status(odd.ID); got.ID != odd.ID {
		t.Fatalf("the reported post: %+v", got)
	}

	// Edits are screened as posts are; a refused edit changes nothing.
	r := alice.Do("PUT", "/api/v1/statuses/"+plain.ID, url.Values{"status": {"now a forbidden word"}})
	if r.Code != 422 {
		t.Fatalf("refused edit: %d %s", r.Code, r.Body)
	}
	if got := alice.Status(plain.ID); !strings.Contains(got.Content, "just a walk") || got.EditedAt != nil {
		t.Fatalf("after a refused edit: %+v", got)
	}
	if got := alice.Edit(plain.ID, "a walk, and gore"); !got.Sensitive {
		t.Fatalf("edit not marked sensitive: %+v", got)
	}

	// Media descriptions are read too.
	var up attachmentEntity
	upload(c, alice, "/api/v2/media", "beach.jpg", testdata(t, "gps.jpg"), url.Values{"description": {"a forbidden word"}}).JSON(t, &up)
	processed(t, c, alice, up.ID)
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"look"}, "media_ids[]": {up.ID}}), 422)

	// So are scheduled statuses, when they are scheduled.
	later := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"forbidden word, later"}, "scheduled_at": {later}}), 422)
	sc := c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"gore, later"}, "scheduled_at": {later}}), 200).Object(t)
	if params := sc["params"].(map[string]any); params["sensitive"] != true {
		t.Fatalf("scheduled status: %v", sc)
	}

	want := map[string]int64{"Forbidden Word": 7, "gore": 4, `(?i)buy\s+now`: 2, "suspicious": 1}
	if got := contentRuleHits(t, c, tok); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("hits %v, want %v", got, want)
	}
}

// TestContentRulesAdmin: admins change and remove content rules, a change applies at
// once, bad rules are 422 and change nothing, and other users are refused.
func TestContentRulesAdmin(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	_, tok := c.RegisterModerator("mod")
	rule := addContentRule(t, c, tok, url.Values{"pattern": {"moon"}, "action": {"reject"}})
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"the moon"}}), 422)
	changed := testrig.Decode[contentRuleEntity](t, c.Must(c.Do("PUT", "/api/v1/admin/content_rules/"+rule.ID, tok,
		url.Values{"action": {"sensitive"}}), 200))
	if changed.Action != "sensitive" || changed.Pattern != "moon" || changed.Hits != 1 {
		t.Fatalf("update: %+v", changed)
	}
	if st := alice.PostStatus("the moon"); !st.Sensitive {
		t.Fatalf("not sensitive after the change: %+v", st)
	}
	for _, bad := range []url.Values{
		{"pattern": {"x"}, "action": {"delete"}},
		{"pattern": {" "}, "action": {"reject"}},
		{"pattern": {"a(b"}, "regexp": {"true"}, "action": {"reject"}},
		{"pattern": {strings.Repeat("a", 501)}, "regexp": {"true"}, "action": {"reject"}},
		{"pattern": {strings.Repeat("a", 201)}, "action": {"reject"}},
	} {
		if r := c.Do("POST", "/api/v1/admin/content_rules", tok, bad); r.Code != 422 || !strings.Contains(string(r.Body), `"error"`) {
			t.Errorf("%v: %d %s", bad, r.Code, r.Body)
		}
	}
	c.Must(c.Do("PUT", "/api/v1/admin/content_rules/"+rule.ID, tok, url.Values{"regexp": {"true"}, "pattern": {"(("}}), 422)
	c.Must(c.Do("GET", "/api/v1/admin/content_rules/"+rule.ID, tok, nil), 200)
	if l := contentRuleHits(t, c, tok); len(l) != 1 {
		t.Fatalf("bad input changed the rules: %v", l)
	}
	for _, r := range []*testrig.Response{
		alice.Do("POST", "/api/v1/admin/content_rules", url.Values{"pattern": {"sun"}, "action": {"reject"}}),
		alice.Do("GET", "/api/v1/admin/content_rules", nil),
		alice.Do("DELETE", "/api/v1/admin/content_rules/"+rule.ID, nil),
	} {
		if r.Code != 403 {
			t.Errorf("a user: %d %s", r.Code, r.Body)
		}
	}
	c.Must(c.Do("DELETE", "/api/v1/admin/content_rules/"+rule.ID, tok, nil), 200)
	c.Must(c.Do("GET", "/api/v1/admin/content_rules/"+rule.ID, tok, nil), 404)
	if st := alice.PostStatus("the moon again"); st.Sensitive {
		t.Fatalf("a removed rule still applies: %+v", st)
	}
}
