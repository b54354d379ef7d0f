package api_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

type documentEntity struct {
	UpdatedAt string `json:"updated_at"`
	Content   string `json:"content"`
}

type termsEntity struct {
	EffectiveDate string  `json:"effective_date"`
	Effective     bool    `json:"effective"`
	Content       string  `json:"content"`
	SucceededBy   *string `json:"succeeded_by"`
}

// TestInstanceDocuments: the about page, privacy policy and terms of service are the
// files the configuration names, Markdown rendered, HTML as written; the terms in
// effect are the newest whose day has come, each version served by its day.
func TestInstanceDocuments(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	about := write("about.md", "# About us\n\nA *small* place.\n")
	privacy := write("privacy.html", "<p>We keep nothing.</p>")
	write("terms/2020-01-01.md", "First terms.")
	write("terms/2999-01-01.md", "Terms to come.")
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) {
		cfg.About, cfg.PrivacyPolicy, cfg.TermsOfService = about, privacy, filepath.Join(dir, "terms")
	}))

	var d documentEntity
	c.Must(c.Do("GET", "/api/v1/instance/extended_description", "", nil), 200).JSON(t, &d)
	if !strings.Contains(d.Content, "<h1>About us</h1>") || !strings.Contains(d.Content, "<em>small</em>") || d.UpdatedAt == "" {
		t.Errorf("extended description %+v", d)
	}
	c.Must(c.Do("GET", "/api/v1/instance/privacy_policy", "", nil), 200).JSON(t, &d)
	if d.Content != "<p>We keep nothing.</p>" {
		t.Errorf("privacy policy %+v", d)
	}

	var terms termsEntity
	c.Must(c.Do("GET", "/api/v1/instance/terms_of_service", "", nil), 200).JSON(t, &terms)
	if terms.EffectiveDate != "2020-01-01" || !terms.Effective || !strings.Contains(terms.Content, "First terms.") ||
		terms.SucceededBy == nil || *terms.SucceededBy != "2999-01-01" {
		t.Errorf("terms in effect %+v", terms)
	}
	c.Must(c.Do("GET", "/api/v1/instance/terms_of_service/2999-01-01", "", nil), 200).JSON(t, &terms)
	if terms.Effective || terms.SucceededBy != nil || !strings.Contains(terms.Content, "Terms to come.") {
		t.Errorf("terms to come %+v", terms)
	}
	for _, day := range []string{"2021-01-01", "yesterday", "2020-01-01x"} {
		c.Must(c.Do("GET", "/api/v1/instance/terms_of_service/"+day, "", nil), 404)
	}
}

// TestInstanceDocumentsByDefault: without files, the about page is the description,
// the privacy policy says what Herd keeps, there are no terms, and nothing can be
// translated.
func TestInstanceDocumentsByDefault(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.Description = "Cats & dogs" }))
	var d documentEntity
	c.Must(c.Do("GET", "/api/v1/instance/extended_description", "", nil), 200).JSON(t, &d)
	if d.Content != "<p>Cats &amp; dogs</p>" {
		t.Errorf("extended description %+v", d)
	}
	c.Must(c.Do("GET", "/api/v1/instance/privacy_policy", "", nil), 200).JSON(t, &d)
	if !strings.Contains(d.Content, "<h1>Privacy policy</h1>") || d.UpdatedAt == "" {
		t.Errorf("privacy policy %+v", d)
	}
	c.Must(c.Do("GET", "/api/v1/instance/terms_of_service", "", nil), 404)
	if r := c.Must(c.Do("GET", "/api/v1/instance/translation_languages", "", nil), 200); strings.TrimSpace(string(r.Body)) != "{}" {
		t.Errorf("translation languages %s", r.Body)
	}
}

// TestInstancePeersAndActivity: the peers are the domains of the remote accounts the
// instance has seen; the week's activity counts its statuses, its active users and
// its registrations.
func TestInstancePeersAndActivity(t *testing.T) {
	beta := testrig.New(t, testrig.Host(t, "beta"))
	beta.Register("bob")
	alpha := testrig.New(t, testrig.Host(t, "alpha"))
	alice := alpha.Register("alice")
	betaDomain := beta.Nodes[0].Config().Domain
	if got := alice.Search("@bob@"+betaDomain, "resolve", "true").Accounts; len(got) != 1 {
		t.Fatalf("resolving bob: %+v", got)
	}
	var peers []string
	alpha.Must(alpha.Do("GET", "/api/v1/instance/peers", "", nil), 200).JSON(t, &peers)
	if len(peers) != 1 || peers[0] != betaDomain {
		t.Errorf("peers %q, want [%s]", peers, betaDomain)
	}

	alice.Post("one")
	alice.Post("two")
	var weeks []struct{ Week, Statuses, Logins, Registrations string }
	alpha.Must(alpha.Do("GET", "/api/v1/instance/activity", "", nil), 200).JSON(t, &weeks)
	if len(weeks) != 12 {
		t.Fatalf("%d weeks, want 12", len(weeks))
	}
	monday := account.WeekOf(time.Now())
	if w := weeks[0]; w.Week != strconv.FormatInt(monday.Unix(), 10) || w.Statuses != "2" || w.Logins != "1" || w.Registrations != "1" {
		t.Errorf("this week %+v, want week %d with 2 statuses, 1 login, 1 registration", w, monday.Unix())
	}
	if next, _ := strconv.ParseInt(weeks[1].Week, 10, 64); next != monday.AddDate(0, 0, -7).Unix() || weeks[1].Statuses != "0" {
		t.Errorf("last week %+v", weeks[1])
	}
}
