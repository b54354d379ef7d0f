package api_test

import (
	"context"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/testrig"
)

type measure struct {
	Key           string
	Unit          *string
	Total         string
	PreviousTotal string `json:"previous_total"`
	Data          []struct{ Date, Value string }
}

type cohort struct {
	Period, Frequency string
	Data              []struct {
		Date  string
		Rate  float64
		Value string
	}
}

// dashboard starts a node on a clock at 10:00 UTC on the first day of this month,
// where mod (an admin), alice and carol (who never uses her token) sign up and alice
// reports carol; the next day alice comes back, dave signs up and mod resolves the
// report; the clock then stands on the third day, which the answer returns.
func dashboard(t *testing.T) (c *testrig.Cluster, mod string, alice *testrig.User, d0 time.Time) {
	now := time.Now().UTC()
	d0 = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	clk := &clock{at: d0.Add(10 * time.Hour)}
	c = testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.Clock = clk.Now }))
	_, mod = c.RegisterModerator("mod")
	alice = c.Register("alice")
	c.Must(c.Do("POST", "/api/v1/accounts", c.AppToken(), url.Values{"username": {"carol"}, "email": {"carol@example.com"},
		"password": {"correct horse battery"}, "agreement": {"true"}, "locale": {"de"}}), 200)
	carol := alice.Lookup("carol")
	rep := testrig.Decode[testrig.Report](t, c.Must(alice.Do("POST", "/api/v1/reports", url.Values{"account_id": {carol.ID}}), 200))
	clk.Advance(24 * time.Hour)
	alice.VerifyCredentials()
	c.Register("dave")
	c.Must(c.Do("POST", "/api/v1/admin/reports/"+rep.ID+"/resolve", mod, nil), 200)
	clk.Advance(24 * time.Hour)
	return c, mod, alice, d0
}

func period(d0 time.Time) url.Values {
	return url.Values{"start_at": {d0.Format(time.DateOnly)}, "end_at": {d0.AddDate(0, 0, 2).Format(time.DateOnly)}}
}

func values(m measure) string {
	var v []string
	for _, d := range m.Data {
		v = append(v, d.Value)
	}
	return strings.Join(v, ",")
}

// TestAdminMeasures: the measures count each day's sign-ups, active users and
// reports opened and resolved, their totals (distinct users) and those of the
// period before; unknown keys are left out; bad dates are refused; non-admins too.
func TestAdminMeasures(t *testing.T) {
	c, mod, alice, d0 := dashboard(t)
	form := period(d0)
	form["keys[]"] = []string{"new_users", "active_users", "opened_reports", "resolved_reports", "no_such_key"}
	var got []measure
	c.Must(c.Do("POST", "/api/v1/admin/measures", mod, form), 200).JSON(t, &got)
	want := map[string][2]string{
		"new_users":        {"3,1,0", "4"},
		"active_users":     {"2,3,1", "3"}, // mod and alice; alice, dave and mod; mod
		"opened_reports":   {"1,0,0", "1"},
		"resolved_reports": {"0,1,0", "1"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d measures, want %d: %+v", len(got), len(want), got)
	}
	for i, m := range got {
		if m.Key != form["keys[]"][i] || values(m) != want[m.Key][0] || m.Total != want[m.Key][1] || m.PreviousTotal != "0" {
			t.Errorf("%s: %s total %s previous %s, want %v and 0", m.Key, values(m), m.Total, m.PreviousTotal, want[m.Key])
		}
		if m.Data[0].Date != d0.Format(time.RFC3339) {
			t.Errorf("%s: first date %s", m.Key, m.Data[0].Date)
		}
	}

	// The day after: the previous period is the three days measured above.
	next := url.Values{"keys[]": {"new_users"}, "start_at": {d0.AddDate(0, 0, 3).Format(time.DateOnly)},
		"end_at": {d0.AddDate(0, 0, 5).Format(time.DateOnly)}}
	c.Must(c.Do("POST", "/api/v1/admin/measures", mod, next), 200).JSON(t, &got)
	if len(got) != 1 || got[0].Total != "0" || got[0].PreviousTotal != "4" {
		t.Errorf("the next days: %+v", got)
	}

	for _, bad := range []struct {
		form url.Values
		code int
	}{
		{url.Values{"keys[]": {"new_users"}, "end_at": {"2026-01-01"}}, 400},
		{url.Values{"keys[]": {"new_users"}, "start_at": {"yesterday"}, "end_at": {"2026-01-01"}}, 400},
		{url.Values{"keys[]": {"new_users"}, "start_at": {"2026-01-02"}, "end_at": {"2026-01-01"}}, 422},
		{url.Values{"keys[]": {"new_users"}, "start_at": {"2020-01-01"}, "end_at": {"2026-01-01"}}, 422},
	} {
		if r := c.Do("POST", "/api/v1/admin/measures", mod, bad.form); r.Code != bad.code || !strings.Contains(string(r.Body), `"error"`) {
			t.Errorf("%v: %d %s, want %d", bad.form, r.Code, r.Body, bad.code)
		}
	}
	for _, path := range []string{"measures", "dimensions", "retention"} {
		if r := alice.Do("POST", "/api/v1/admin/"+path, form); r.Code != 403 {
			t.Errorf("%s by a user: %d %s", path, r.Code, r.Body)
		}
	}
}

// TestAdminRetention: each day's cohort with how many of it were active that day or
// later; by month, one cohort of the month's four users.
func TestAdminRetention(t *testing.T) {
	c, mod, _, d0 := dashboard(t)
	var got []cohort
	c.Must(c.Do("POST", "/api/v1/admin/retention", mod, period(d0)), 200).JSON(t, &got)
	// Day 0: mod, alice and carol; mod was last active on day 2, alice on day 1, carol
	// never. Day 1: dave, active that day only. Day 2: no one.
	want := [][]string{{"2", "2", "1"}, {"1", "0"}, {"0"}}
	rates := [][]float64{{2. / 3, 2. / 3, 1. / 3}, {1, 0}, {0}}
	if len(got) != 3 {
		t.Fatalf("%d cohorts: %+v", len(got), got)
	}
	for i, co := range got {
		day := d0.AddDate(0, 0, i)
		if co.Period != day.Format(time.RFC3339) || co.Frequency != "day" || len(co.Data) != len(want[i]) {
			t.Fatalf("cohort %d: %+v", i, co)
		}
		for j, p := range co.Data {
			if p.Date != day.AddDate(0, 0, j).Format(time.RFC3339) || p.Value != want[i][j] || p.Rate != rates[i][j] {
				t.Errorf("cohort %d, day %d: %+v, want %s at %v", i, j, p, want[i][j], rates[i][j])
			}
		}
	}

	form := period(d0)
	form.Set("frequency", "month")
	c.Must(c.Do("POST", "/api/v1/admin/retention", mod, form), 200).JSON(t, &got)
	if len(got) != 1 || got[0].Frequency != "month" || got[0].Period != d0.Format(time.RFC3339) ||
		len(got[0].Data) != 1 || got[0].Data[0].Value != "3" || got[0].Data[0].Rate != 0.75 {
		t.Errorf("by month: %+v", got)
	}
	if r := c.Do("POST", "/api/v1/admin/retention", mod, url.Values{"frequency": {"day"}}); r.Code != 400 {
		t.Errorf("without dates: %d %s", r.Code, r.Body)
	}
}

// TestAdminDimensions: the software versions are Herd's and Go's; the languages are
// the locales of the users active in the period (carol's German is not, as she was
// not); unknown keys are left out.
func TestAdminDimensions(t *testing.T) {
	c, mod, _, d0 := dashboard(t)
	form := period(d0)
	form["keys[]"] = []string{"software_versions", "no_such_key", "languages"}
	type item struct {
		Key   string
		Human string `json:"human_key"`
		Value string
	}
	var got []struct {
		Key  string
		Data []item
	}
	c.Must(c.Do("POST", "/api/v1/admin/dimensions", mod, form), 200).JSON(t, &got)
	if len(got) != 2 || got[0].Key != "software_versions" || len(got[0].Data) != 2 || got[1].Key != "languages" {
		t.Fatalf("dimensions %+v", got)
	}
	if d := got[0].Data; d[0].Key != "herd" || !strings.Contains(d[0].Value, node.SoftwareVersion) || d[1].Key != "go" || d[1].Value != runtime.Version() {
		t.Errorf("software versions %+v", d)
	}
	if d := got[1].Data; len(d) != 1 || d[0] != (item{"en", "English", "3"}) {
		t.Errorf("languages %+v, want English 3", d)
	}
	form.Set("limit", "0")
	c.Must(c.Do("POST", "/api/v1/admin/dimensions", mod, form), 200).JSON(t, &got)
	if len(got) != 2 || len(got[1].Data) != 0 {
		t.Errorf("with limit 0: %+v", got)
	}
}

// TestAdminTagMeasures: a tag's uses and the accounts using it, each day, once
// fan-out has counted them; an unknown tag is 404, a missing id 400.
func TestAdminTagMeasures(t *testing.T) {
	c := testrig.New(t)
	_, mod := c.RegisterModerator("mod")
	alice, bob := c.Register("alice"), c.Register("bob")
	alice.Post("#herd one")
	bob.Post("#herd two")
	alice.Post("#Herd three")
	tag := c.Must(alice.Do("GET", "/api/v1/tags/herd", nil), 200).Object(t)
	today := time.Now().UTC()
	form := url.Values{"keys[]": {"tag_uses", "tag_accounts"}, "tag_uses[id]": {tag["id"].(string)},
		"tag_accounts[id]": {tag["id"].(string)}, "start_at": {today.AddDate(0, 0, -2).Format(time.DateOnly)},
		"end_at": {today.AddDate(0, 0, 1).Format(time.DateOnly)}}
	testrig.Eventually(t, "the tag's uses counted", func() error {
		var got []measure
		c.Must(c.Do("POST", "/api/v1/admin/measures", mod, form), 200).JSON(t, &got)
		if len(got) != 2 || got[0].Total != "3" || got[1].Total != "2" || got[0].PreviousTotal != "0" {
			return fmt.Errorf("measures %+v", got)
		}
		for _, m := range got {
			var sum int
			for _, d := range m.Data {
				n, _ := strconv.Atoi(d.Value)
				sum += n
			}
			if len(m.Data) != 4 || strconv.Itoa(sum) != m.Total {
				return fmt.Errorf("%s: days %+v, total %s", m.Key, m.Data, m.Total)
			}
		}
		return nil
	})
	form.Set("tag_uses[id]", "12345")
	if r := c.Do("POST", "/api/v1/admin/measures", mod, form); r.Code != 404 {
		t.Errorf("an unknown tag: %d %s", r.Code, r.Body)
	}
	form.Del("tag_uses[id]")
	if r := c.Do("POST", "/api/v1/admin/measures", mod, form); r.Code != 400 {
		t.Errorf("no tag id: %d %s", r.Code, r.Body)
	}
}

// TestAdminInteractions: the day's interactions are the local accounts' new
// favourites, boosts and replies to others; a favourite again, or a reply to
// oneself, is not one.
func TestAdminInteractions(t *testing.T) {
	c := testrig.New(t)
	_, mod := c.RegisterModerator("mod")
	alice, bob := c.Register("alice"), c.Register("bob")
	post := alice.Post("hello")["id"].(string)
	bob.Act(post, "favourite")
	bob.Act(post, "favourite")
	bob.Act(post, "reblog")
	bob.Post("hi alice", "in_reply_to_id", post)
	alice.Post("and more", "in_reply_to_id", post)
	alice.Act(post, "favourite")
	today := time.Now().UTC()
	form := url.Values{"keys[]": {"interactions"}, "start_at": {today.AddDate(0, 0, -1).Format(time.DateOnly)},
		"end_at": {today.AddDate(0, 0, 1).Format(time.DateOnly)}}
	var got []measure
	c.Must(c.Do("POST", "/api/v1/admin/measures", mod, form), 200).JSON(t, &got)
	if len(got) != 1 || got[0].Key != "interactions" || got[0].Total != "4" || len(got[0].Data) != 3 {
		t.Errorf("interactions %+v, want 4", got)
	}
}

// TestAdminDashboardServers: the measures and dimensions on servers, tags and
// languages count each day's new statuses, read from the statuses topic.
func TestAdminDashboardServers(t *testing.T) {
	c := testrig.New(t)
	_, mod := c.RegisterModerator("mod")
	alice := c.Register("alice")
	domain := c.Nodes[0].Config().Domain
	d0 := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	// Each day's statuses, and those with #herd, by the day they were made.
	all, tagged := make([]int, 3), make([]int, 3)
	count := func(st testrig.Status, tag bool) {
		at, err := time.Parse(time.RFC3339, st.CreatedAt)
		if err != nil {
			t.Fatal(err)
		}
		i := int(at.Sub(d0) / (24 * time.Hour))
		all[i]++
		if tag {
			tagged[i]++
		}
	}
	post := func(text, lang string) testrig.Status {
		st := testrig.Decode[testrig.Status](t, c.Must(alice.Do("POST", "/api/v1/statuses",
			url.Values{"status": {text}, "language": {lang}}), 200))
		count(st, strings.Contains(text, "#"))
		return st
	}
	post("#Herd one", "en")
	post("two", "de")
	three := post("#herd three", "en")
	count(testrig.Decode[testrig.Status](t, c.Must(alice.Do("POST", "/api/v1/statuses/"+three.ID+"/reblog", nil), 200)), false)
	// A remote account posts with the tag, and alice reports it.
	ctx := context.Background()
	n := c.Nodes[0]
	uri := "https://remote.example/users/bob"
	bob, err := n.Accounts.UpsertRemote(ctx, &account.Account{Username: "bob", Domain: "remote.example",
		URI: uri, InboxURL: uri + "/inbox", Discoverable: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err = n.Statuses.CreateRemote(ctx, &status.Status{URI: uri + "/statuses/1", AccountID: bob.ID,
		Visibility: status.Public, Content: "<p>#herd</p>", Tags: []string{"herd"}, Language: "fr"}); err != nil {
		t.Fatal(err)
	}
	remoteDay := int(time.Now().UTC().Sub(d0) / (24 * time.Hour))
	var rep struct {
		CreatedAt string `json:"created_at"`
	}
	c.Must(alice.Do("POST", "/api/v1/reports", url.Values{"account_id": {bob.ID.String()}}), 200).JSON(t, &rep)
	repAt, err := time.Parse(time.RFC3339, rep.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	reports := make([]int, 3)
	reports[int(repAt.Sub(d0)/(24*time.Hour))]++
	var tag struct{ ID string }
	c.Must(c.Do("GET", "/api/v1/tags/herd", mod, nil), 200).JSON(t, &tag)
	join := func(v []int, f func(int) int) string {
		var out []string
		for _, n := range v {
			out = append(out, strconv.Itoa(f(n)))
		}
		return strings.Join(out, ",")
	}
	wantStatuses := join(all, func(n int) int { return n })
	tagged[remoteDay] += 1000 // another server that day
	wantServers := join(tagged, func(n int) int { return min(n%1000, 1) + n/1000 })
	wantReports := join(reports, func(n int) int { return n })

	form := period(d0)
	form["keys[]"] = []string{"instance_statuses", "tag_servers", "instance_reports"}
	form["instance_statuses[domain]"] = []string{domain}
	form["tag_servers[id]"] = []string{tag.ID}
	form["instance_reports[domain]"] = []string{"Remote.Example"}
	testrig.Eventually(t, "the dashboard's measures", func() error {
		var got []measure
		c.Must(c.Do("POST", "/api/v1/admin/measures", mod, form), 200).JSON(t, &got)
		if len(got) != 3 || values(got[0]) != wantStatuses || got[0].Total != "4" || values(got[1]) != wantServers ||
			got[1].Total != "2" || values(got[2]) != wantReports || got[2].Total != "1" {
			return fmt.Errorf("measures %+v, want %s, %s and %s", got, wantStatuses, wantServers, wantReports)
		}
		return nil
	})
	dims := period(d0)
	dims["keys[]"] = []string{"servers", "tag_servers", "tag_languages", "instance_languages"}
	dims["tag_servers[id]"], dims["tag_languages[id]"] = []string{tag.ID}, []string{tag.ID}
	dims["instance_languages[domain]"] = []string{domain}
	var got []struct {
		Key  string
		Data []struct{ Key, Value string }
	}
	c.Must(c.Do("POST", "/api/v1/admin/dimensions", mod, dims), 200).JSON(t, &got)
	want := map[string]string{"servers": domain + "=4,remote.example=1", "tag_servers": domain + "=2,remote.example=1",
		"tag_languages": "en=2,fr=1", "instance_languages": "en=2,de=1"}
	if len(got) != len(want) {
		t.Fatalf("dimensions %+v", got)
	}
	for _, d := range got {
		var kv []string
		for _, p := range d.Data {
			kv = append(kv, p.Key+"="+p.Value)
		}
		if strings.Join(kv, ",") != want[d.Key] {
			t.Errorf("%s: %q, want %q", d.Key, kv, want[d.Key])
		}
	}
	// A measure on a tag needs its id, as Mastodon's.
	c.Must(c.Do("POST", "/api/v1/admin/measures", mod, url.Values{"keys[]": {"tag_servers"},
		"start_at": form["start_at"], "end_at": form["end_at"]}), 400)
}
