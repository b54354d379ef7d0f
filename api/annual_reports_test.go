package api_test

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// annualReportView is an annual report response as the tests read it.
type annualReportView struct {
	AnnualReports []struct {
		Year          int     `json:"year"`
		AccountID     string  `json:"account_id"`
		SchemaVersion int     `json:"schema_version"`
		ShareURL      *string `json:"share_url"`
		Data          struct {
			Archetype  string `json:"archetype"`
			TimeSeries []struct {
				Month, Statuses, Following, Followers int
			} `json:"time_series"`
			TopHashtags []struct {
				Name  string `json:"name"`
				Count int    `json:"count"`
			} `json:"top_hashtags"`
			TopStatuses struct {
				ByReblogs    *string `json:"by_reblogs"`
				ByFavourites *string `json:"by_favourites"`
				ByReplies    *string `json:"by_replies"`
			} `json:"top_statuses"`
			TypeDistribution struct {
				Total, Reblogs, Replies, Standalone int
			} `json:"type_distribution"`
			MostUsedApps []struct {
				Name  string `json:"name"`
				Count int    `json:"count"`
			} `json:"most_used_apps"`
			Interacted []struct {
				AccountID string `json:"account_id"`
				Count     int    `json:"count"`
			} `json:"commonly_interacted_with_accounts"`
			Reblogged []struct {
				AccountID string `json:"account_id"`
				Count     int    `json:"count"`
			} `json:"most_reblogged_accounts"`
		} `json:"data"`
	} `json:"annual_reports"`
	Accounts []testrig.Account `json:"accounts"`
	Statuses []testrig.Status  `json:"statuses"`
}

// campaignOf reads the instance's wrapstodon: the year offered, or nil.
func campaignOf(t *testing.T, c *testrig.Cluster) *string {
	t.Helper()
	var inst struct {
		Wrapstodon *string `json:"wrapstodon"`
	}
	c.Must(c.Do("GET", "/api/v2/instance", "", nil), 200).JSON(t, &inst)
	return inst.Wrapstodon
}

func reportState(t *testing.T, u *testrig.User, year int) string {
	t.Helper()
	var st struct{ State string }
	r := u.Do("GET", fmt.Sprintf("/api/v1/annual_reports/%d/state", year), nil)
	if r.Code != 200 {
		t.Fatalf("state: %d %s", r.Code, r.Body)
	}
	r.JSON(t, &st)
	return st.State
}

// TestAnnualReport: a report is offered from December 10th, generated off the request
// path once asked for, kept (asking again changes nothing), holds the year's statuses,
// follows, hashtags, apps, replies, boosts and top statuses, comes with the accounts
// and statuses it names, and leaves the pending list once read.
func TestAnnualReport(t *testing.T) {
	year := time.Now().UTC().Year()
	clk := &clock{at: time.Date(year, 12, 1, 12, 0, 0, 0, time.UTC)}
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.Clock = clk.Now }))
	alice, bob := c.Register("alice"), c.Register("bob")
	gen := fmt.Sprintf("/api/v1/annual_reports/%d/generate", year)

	// Before the campaign: nothing is offered, and asking generates nothing.
	if got := campaignOf(t, c); got != nil {
		t.Errorf("instance wrapstodon before December 10th = %q, want null", *got)
	}
	if got := reportState(t, alice, year); got != "ineligible" {
		t.Fatalf("state before December 10th = %s, want ineligible", got)
	}
	c.Must(alice.Do("POST", gen, nil), 200)
	if got := reportState(t, alice, year); got != "ineligible" {
		t.Fatalf("state after generating outside the campaign = %s, want ineligible", got)
	}

	// The year: three posts tagged #herd (one a poll), two replies to bob, two boosts
	// of bob, a reply to herself; bob follows her and she follows him.
	b1, b2 := bob.PostStatus("one"), bob.PostStatus("two")
	a1 := alice.PostStatus("first #herd")
	a2 := alice.PostStatus("second #Herd")
	var a3 testrig.Status
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"third #herd"}, "poll[options][]": {"yes", "no"},
		"poll[expires_in]": {"3600"}}), 200).JSON(t, &a3)
	alice.PostStatus("@bob hi", "in_reply_to_id", b1.ID)
	alice.PostStatus("@bob again", "in_reply_to_id", b2.ID)
	alice.PostStatus("and more", "in_reply_to_id", a1.ID)
	alice.Act(b1.ID, "reblog")
	alice.Act(b2.ID, "reblog")
	bob.Act(a2.ID, "reblog")
	bob.Act(a1.ID, "favourite")
	bob.PostStatus("@alice yes", "in_reply_to_id", a3.ID)
	bob.Relate(alice.ID, "follow")
	alice.Relate(bob.ID, "follow")

	clk.Advance(8*24*time.Hour + 12*time.Hour) // December 10th, midnight
	if got := reportState(t, alice, year); got != "eligible" {
		t.Fatalf("state on December 10th = %s, want eligible", got)
	}
	if got := campaignOf(t, c); got == nil || *got != strconv.Itoa(year) {
		t.Errorf("instance wrapstodon on December 10th = %v, want %d", got, year)
	}
	if got := reportState(t, alice, year-1); got != "ineligible" {
		t.Fatalf("state of last year = %s, want ineligible", got)
	}
	c.Must(alice.Do("GET", fmt.Sprintf("/api/v1/annual_reports/%d", year), nil), 404)
	r := c.Must(alice.Do("POST", gen, nil), 200)
	m := regexp.MustCompile(`^id="([A-Za-z0-9_-]+)", retry=2$`).FindStringSubmatch(r.Header.Get("Mastodon-Async-Refresh"))
	if m == nil {
		t.Fatalf("generate answered Mastodon-Async-Refresh %q", r.Header.Get("Mastodon-Async-Refresh"))
	}
	testrig.Eventually(t, "the report is generated and its refresh finished", func() error {
		if got := reportState(t, alice, year); got != "available" {
			return fmt.Errorf("state %s", got)
		}
		var ref struct {
			AsyncRefresh struct {
				Status string `json:"status"`
			} `json:"async_refresh"`
		}
		c.Must(alice.Do("GET", "/api/v1_alpha/async_refreshes/"+m[1], nil), 200).JSON(t, &ref)
		if ref.AsyncRefresh.Status != "finished" {
			return fmt.Errorf("refresh %s", ref.AsyncRefresh.Status)
		}
		return nil
	})

	var list annualReportView
	c.Must(alice.Do("GET", "/api/v1/annual_reports", nil), 200).JSON(t, &list)
	if len(list.AnnualReports) != 1 {
		t.Fatalf("pending reports: %d, want 1", len(list.AnnualReports))
	}
	rep := list.AnnualReports[0]
	if rep.Year != year || rep.AccountID != alice.ID || rep.SchemaVersion != 2 || rep.ShareURL != nil {
		t.Errorf("report header: year %d account %s schema %d share %v", rep.Year, rep.AccountID, rep.SchemaVersion, rep.ShareURL)
	}
	d := rep.Data
	if d.Archetype != "lurker" {
		t.Errorf("archetype %s, want lurker (8 statuses)", d.Archetype)
	}
	if got := d.TypeDistribution; got.Total != 8 || got.Reblogs != 2 || got.Replies != 2 || got.Standalone != 3 {
		t.Errorf("type distribution %+v, want total 8, reblogs 2, replies 2, standalone 3", got)
	}
	if len(d.TopHashtags) != 1 || d.TopHashtags[0].Count != 3 {
		t.Errorf("top hashtags %+v, want herd ×3", d.TopHashtags)
	}
	if len(d.MostUsedApps) != 1 || d.MostUsedApps[0].Count != 6 || d.MostUsedApps[0].Name == "" {
		t.Errorf("most used apps %+v, want one app ×6 (boosts are not counted)", d.MostUsedApps)
	}
	if len(d.Interacted) != 1 || d.Interacted[0].AccountID != bob.ID || d.Interacted[0].Count != 2 {
		t.Errorf("commonly interacted %+v, want bob ×2", d.Interacted)
	}
	if len(d.Reblogged) != 1 || d.Reblogged[0].AccountID != bob.ID || d.Reblogged[0].Count != 2 {
		t.Errorf("most reblogged %+v, want bob ×2", d.Reblogged)
	}
	var statuses, following, followers int
	for i, m := range d.TimeSeries {
		if m.Month != i+1 {
			t.Errorf("time series month %d at %d", m.Month, i)
		}
		statuses, following, followers = statuses+m.Statuses, following+m.Following, followers+m.Followers
	}
	created, err := time.Parse(time.RFC3339, a1.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.TimeSeries) != 12 || d.TimeSeries[created.Month()-1].Statuses != 8 || statuses != 8 || following != 1 || followers != 1 {
		t.Errorf("time series %+v: want 8 statuses in month %d, one follow each way", d.TimeSeries, created.Month())
	}
	top := d.TopStatuses
	if top.ByReblogs == nil || *top.ByReblogs != a2.ID || top.ByFavourites == nil || *top.ByFavourites != a1.ID ||
		top.ByReplies == nil || *top.ByReplies != a3.ID {
		t.Errorf("top statuses %+v, want by_reblogs %s, by_favourites %s, by_replies %s", top, a2.ID, a1.ID, a3.ID)
	}
	if ids := testrig.AccountIDs(list.Accounts); !slices.Equal(ids, []string{bob.ID}) {
		t.Errorf("accounts %v, want bob", ids)
	}
	if ids := testrig.StatusIDs(list.Statuses); !slices.Equal(ids, []string{a2.ID, a1.ID, a3.ID}) {
		t.Errorf("statuses %v, want %v", ids, []string{a2.ID, a1.ID, a3.ID})
	}

	// The same report by its year; generating again keeps it; reading it takes it
	// off the pending list but not away.
	var one annualReportView
	c.Must(alice.Do("GET", "/api/v1/annual_reports/"+strconv.Itoa(year), nil), 200).JSON(t, &one)
	if len(one.AnnualReports) != 1 || one.AnnualReports[0].Data.TypeDistribution != d.TypeDistribution {
		t.Errorf("report by year: %+v", one.AnnualReports)
	}
	alice.PostStatus("after the report")
	c.Must(alice.Do("POST", gen, nil), 200)
	c.Must(alice.Do("GET", "/api/v1/annual_reports/"+strconv.Itoa(year), nil), 200).JSON(t, &one)
	if one.AnnualReports[0].Data.TypeDistribution.Total != 8 {
		t.Errorf("generating again changed the kept report: total %d", one.AnnualReports[0].Data.TypeDistribution.Total)
	}
	c.Must(alice.Do("POST", fmt.Sprintf("/api/v1/annual_reports/%d/read", year), nil), 200)
	var after annualReportView
	c.Must(alice.Do("GET", "/api/v1/annual_reports", nil), 200).JSON(t, &after)
	if len(after.AnnualReports) != 0 {
		t.Errorf("pending after read: %d reports", len(after.AnnualReports))
	}
	c.Must(alice.Do("GET", "/api/v1/annual_reports/"+strconv.Itoa(year), nil), 200)

	// Reports are their owner's: bob has none, and may ask for his.
	c.Must(bob.Do("GET", "/api/v1/annual_reports/"+strconv.Itoa(year), nil), 404)
	c.Must(bob.Do("POST", fmt.Sprintf("/api/v1/annual_reports/%d/read", year), nil), 404)
	if got := reportState(t, bob, year); got != "eligible" {
		t.Errorf("bob's state %s, want eligible", got)
	}
	c.Must(alice.Do("GET", "/api/v1/annual_reports/twenty", nil), 404)
	c.Must(c.Anonymous().Do("GET", "/api/v1/annual_reports", url.Values{}), 401)
}

// TestAnnualReportsOff: with no_annual_reports, no year is offered even in the
// campaign, and asking generates nothing.
func TestAnnualReportsOff(t *testing.T) {
	year := time.Now().UTC().Year()
	clk := &clock{at: time.Date(year, 12, 20, 12, 0, 0, 0, time.UTC)}
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.Clock, cfg.NoAnnualReports = clk.Now, true }))
	alice := c.Register("alice")
	alice.PostStatus("a year")
	c.Must(alice.Do("POST", fmt.Sprintf("/api/v1/annual_reports/%d/generate", year), nil), 200)
	if got := reportState(t, alice, year); got != "ineligible" {
		t.Errorf("state with the reports off = %s, want ineligible", got)
	}
	if got := campaignOf(t, c); got != nil {
		t.Errorf("instance wrapstodon with the reports off = %q, want null", *got)
	}
}
