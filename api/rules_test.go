package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

type ruleEntity struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Hint     string `json:"hint"`
	Priority int    `json:"priority"`
}

type contentRuleEntity struct {
	ID        string `json:"id"`
	Pattern   string `json:"pattern"`
	Regexp    bool   `json:"regexp"`
	WholeWord bool   `json:"whole_word"`
	Action    string `json:"action"`
	Hits      int64  `json:"hits"`
}

func ruleTexts(l []ruleEntity) []string {
	out := make([]string, len(l))
	for i, r := range l {
		out[i] = r.Text
	}
	return out
}

// TestServerRules: admins add, reorder, change and remove server rules; everyone
// reads them in their order at /api/v1/instance/rules and in both instance
// documents; bad input is 422 and changes nothing; other users are refused.
func TestServerRules(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	_, tok := c.RegisterModerator("mod")
	add := func(text, hint, priority string) ruleEntity {
		return testrig.Decode[ruleEntity](t, c.Must(c.Do("POST", "/api/v1/admin/rules", tok,
			url.Values{"text": {text}, "hint": {hint}, "priority": {priority}}), 200))
	}
	spam := add("No spam", "Nothing unsolicited", "2")
	kind := add("Be kind", "", "1")
	c.Must(c.DoJSON("POST", "/api/v1/admin/rules", tok, map[string]any{"text": "Tag sensitive media", "priority": 3}), 200)
	public := func() []ruleEntity {
		return testrig.Decode[[]ruleEntity](t, c.Must(c.Do("GET", "/api/v1/instance/rules", "", nil), 200))
	}
	if got := ruleTexts(public()); !slices.Equal(got, []string{"Be kind", "No spam", "Tag sensitive media"}) {
		t.Fatalf("instance rules: %q", got)
	}
	if l := public(); l[1].ID != spam.ID || l[1].Hint != "Nothing unsolicited" {
		t.Fatalf("rule: %+v", l[1])
	}
	for _, path := range []string{"/api/v1/instance", "/api/v2/instance"} {
		var doc struct{ Rules []ruleEntity }
		c.Must(c.Do("GET", path, "", nil), 200).JSON(t, &doc)
		if got := ruleTexts(doc.Rules); len(got) != 3 || got[0] != "Be kind" {
			t.Fatalf("%s rules: %q", path, got)
		}
	}
	moved := testrig.Decode[ruleEntity](t, c.Must(c.Do("PUT", "/api/v1/admin/rules/"+kind.ID, tok,
		url.Values{"priority": {"9"}, "text": {"Be kind, always"}}), 200))
	if moved.Text != "Be kind, always" || moved.Priority != 9 || moved.Hint != "" {
		t.Fatalf("update: %+v", moved)
	}
	if got := ruleTexts(public()); !slices.Equal(got, []string{"No spam", "Tag sensitive media", "Be kind, always"}) {
		t.Fatalf("after reordering: %q", got)
	}
	for _, bad := range []struct {
		method, path string
		form         url.Values
		code         int
	}{
		{"POST", "/api/v1/admin/rules", url.Values{"text": {"  "}}, 422},
		{"POST", "/api/v1/admin/rules", url.Values{"text": {strings.Repeat("x", 301)}}, 422},
		{"POST", "/api/v1/admin/rules", url.Values{"text": {"ok"}, "priority": {"first"}}, 422},
		{"PUT", "/api/v1/admin/rules/" + spam.ID, url.Values{"text": {""}}, 422},
		{"PUT", "/api/v1/admin/rules/12345", url.Values{"text": {"x"}}, 404},
		{"DELETE", "/api/v1/admin/rules/12345", nil, 404},
	} {
		if r := c.Do(bad.method, bad.path, tok, bad.form); r.Code != bad.code || !strings.Contains(string(r.Body), `"error"`) {
			t.Errorf("%s %s %v: %d %s", bad.method, bad.path, bad.form, r.Code, r.Body)
		}
	}
	if len(public()) != 3 {
		t.Fatalf("bad input changed the rules: %+v", public())
	}
	for _, r := range []*testrig.Response{alice.Do("POST", "/api/v1/admin/rules", url.Values{"text": {"mine"}}),
		alice.Do("DELETE", "/api/v1/admin/rules/"+spam.ID, nil), alice.Do("GET", "/api/v1/admin/rules", nil)} {
		if r.Code != 403 {
			t.Errorf("a user: %d %s", r.Code, r.Body)
		}
	}
	c.Must(c.Do("DELETE", "/api/v1/admin/rules/"+spam.ID, tok, nil), 200)
	listed := testrig.Decode[[]ruleEntity](t, c.Must(c.Do("GET", "/api/v1/admin/rules", tok, nil), 200))
	if got := ruleTexts(listed); !slices.Equal(got, []string{"Tag sensitive media", "Be kind, always"}) {
		t.Fatalf("admin list after delete: %q", got)
	}
}

// TestReportRuleIDs: a report citing server rules is a violation that names them,
// and moderators see the rules; unknown or malformed rule ids, or a violation
// citing none, are 422 and file nothing.
func TestReportRuleIDs(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	_, tok := c.RegisterModerator("mod")
	rule := testrig.Decode[ruleEntity](t, c.Must(c.Do("POST", "/api/v1/admin/rules", tok,
		url.Values{"text": {"No spam"}}), 200))
	other := testrig.Decode[ruleEntity](t, c.Must(c.Do("POST", "/api/v1/admin/rules", tok,
		url.Values{"text": {"Be kind"}}), 200))
	for _, form := range []url.Values{
		{"account_id": {bob.ID}, "rule_ids[]": {"12345"}},
		{"account_id": {bob.ID}, "rule_ids[]": {rule.ID, "12345"}},
		{"account_id": {bob.ID}, "rule_ids[]": {"abc"}},
		{"account_id": {bob.ID}, "category": {"violation"}},
	} {
		if r := alice.Do("POST", "/api/v1/reports", form); r.Code != 422 || !strings.Contains(string(r.Body), `"error"`) {
			t.Errorf("%v: %d %s", form, r.Code, r.Body)
		}
	}
	if l := c.Must(c.Do("GET", "/api/v1/admin/reports", tok, nil), 200).List(t); len(l) != 0 {
		t.Fatalf("refused reports were filed: %v", l)
	}
	rep := c.Must(alice.Do("POST", "/api/v1/reports", url.Values{"account_id": {bob.ID},
		"rule_ids[]": {other.ID, rule.ID}, "category": {"other"}}), 200).Object(t)
	if rep["category"] != "violation" || fmt.Sprint(rep["rule_ids"]) != fmt.Sprint([]any{other.ID, rule.ID}) {
		t.Fatalf("report: %v", rep)
	}
	var admin struct {
		Rules []ruleEntity `json:"rules"`
	}
	c.Must(c.Do("GET", "/api/v1/admin/reports/"+rep["id"].(string), tok, nil), 200).JSON(t, &admin)
	if got := ruleTexts(admin.Rules); !slices.Equal(got, []string{"Be kind", "No spam"}) {
		t.Fatalf("admin report rules: %q", got)
	}
	c.Must(c.Do("PUT", "/api/v1/admin/reports/"+rep["id"].(string), tok, url.Values{"rule_ids[]": {"999"}}), 422)
	c.Must(c.Do("PUT", "/api/v1/admin/reports/"+rep["id"].(string), tok, url.Values{"rule_ids[]": {rule.ID}}), 200)
	c.Must(c.Do("GET", "/api/v1/admin/reports/"+rep["id"].(string), tok, nil), 200).JSON(t, &admin)
	if got := ruleTexts(admin.Rules); !slices.Equal(got, []string{"No spam"}) {
		t.Fatalf("admin report rules after update: %q", got)
	}
}
