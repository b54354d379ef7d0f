package api_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/mail/mailtest"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

// warning is the AccountWarning entity as the tests read it.
type warning struct {
	ID            string   `json:"id"`
	Action        string   `json:"action"`
	Text          string   `json:"text"`
	StatusIDs     []string `json:"status_ids"`
	TargetAccount struct {
		ID string `json:"id"`
	} `json:"target_account"`
	Appeal *struct {
		Text  string `json:"text"`
		State string `json:"state"`
	} `json:"appeal"`
}

// warningNotice is a notification as these tests read it.
type warningNotice struct {
	Type              string   `json:"type"`
	ModerationWarning *warning `json:"moderation_warning"`
	Account           struct {
		ID string `json:"id"`
	} `json:"account"`
}

type adminAppeal struct {
	ID             string  `json:"id"`
	Text           string  `json:"text"`
	State          string  `json:"state"`
	AccountWarning warning `json:"account_warning"`
}

// act takes an account action as the moderator.
func act(t *testing.T, c *testrig.Cluster, modTok, id string, form url.Values) {
	t.Helper()
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+id+"/action", modTok, form), 200)
}

func warningsOf(t *testing.T, u *testrig.User) []warning {
	t.Helper()
	r := u.Do("GET", "/api/v1/account_warnings", nil)
	if r.Code != 200 {
		t.Fatalf("%s's warnings: %d %s", u.Name, r.Code, r.Body)
	}
	return testrig.Decode[[]warning](t, r)
}

// adminFlags reads the state of an account as moderators see it.
func adminFlags(t *testing.T, c *testrig.Cluster, modTok, id string) (silenced, suspended bool) {
	t.Helper()
	var a struct {
		Silenced  bool `json:"silenced"`
		Suspended bool `json:"suspended"`
	}
	c.Must(c.Do("GET", "/api/v1/admin/accounts/"+id, modTok, nil), 200).JSON(t, &a)
	return a.Silenced, a.Suspended
}

// warningsRig is a node on a clock the test moves, with an admin (mod), a moderator
// without manage_appeals and manage_settings (junior), alice and bob.
func warningsRig(t *testing.T) (c *testrig.Cluster, clk *clock, modTok, juniorTok string, alice, bob *testrig.User) {
	clk = &clock{at: time.Now().UTC()}
	c = testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.Clock = clk.Now }))
	_, modTok = c.RegisterModerator("mod")
	_, juniorTok = c.RegisterWithRole("junior", "moderator")
	return c, clk, modTok, juniorTok, c.Register("alice"), c.Register("bob")
}

// TestAccountWarningsAndAppeals: an action with a preset leaves a warning that opens
// with the preset's text and names the report's statuses; the user is told
// (moderation_warning in v1, v2 and the notification stream), lists and reads it,
// appeals it once; an approved appeal lifts the silence and cannot be decided again.
// Presets need manage_settings, appeals manage_appeals.
func TestAccountWarningsAndAppeals(t *testing.T) {
	c, _, modTok, juniorTok, alice, bob := warningsRig(t)

	c.Must(c.Do("POST", "/api/v1/admin/warning_presets", juniorTok, url.Values{"text": {"x"}}), 403)
	preset := testrig.Decode[struct {
		ID, Title, Text string
	}](t, c.Must(c.Do("POST", "/api/v1/admin/warning_presets", modTok,
		url.Values{"title": {"Spam"}, "text": {"Please stop spamming."}}), 200))

	notes := dialWS(t, c, alice.Token, "stream=user:notification")
	waitSubscribers(t, c, stream.Notifications(id(t, alice.ID)), 1)
	post := alice.PostStatus("buy now")
	rep := testrig.Decode[testrig.Report](t, c.Must(bob.Do("POST", "/api/v1/reports",
		url.Values{"account_id": {alice.ID}, "status_ids[]": {post.ID}, "comment": {"spam"}}), 200))
	act(t, c, modTok, alice.ID, url.Values{"type": {"silence"}, "warning_preset_id": {preset.ID},
		"text": {"Last call."}, "report_id": {rep.ID}})

	var n warningNotice
	testrig.Eventually(t, "alice's moderation_warning", func() error {
		var ns []warningNotice
		c.Must(alice.Do("GET", "/api/v1/notifications", url.Values{"types[]": {"moderation_warning"}}), 200).JSON(t, &ns)
		if len(ns) != 1 {
			return fmt.Errorf("%d notifications", len(ns))
		}
		n = ns[0]
		return nil
	})
	w := n.ModerationWarning
	if got := payloadAs[warningNotice](t, notes.expect("user:notification", "notification")); got.ModerationWarning == nil ||
		w == nil || got.ModerationWarning.ID != w.ID {
		t.Fatalf("streamed %+v", got)
	}
	if w == nil || w.Action != "silence" || w.Text != "Please stop spamming.\n\nLast call." ||
		!slices.Equal(w.StatusIDs, []string{post.ID}) || w.TargetAccount.ID != alice.ID || w.Appeal != nil ||
		n.Account.ID != alice.ID {
		t.Fatalf("notification %+v, warning %+v", n, w)
	}
	var groups struct {
		NotificationGroups []struct {
			Type              string   `json:"type"`
			ModerationWarning *warning `json:"moderation_warning"`
		} `json:"notification_groups"`
	}
	c.Must(alice.Do("GET", "/api/v2/notifications", nil), 200).JSON(t, &groups)
	if g := groups.NotificationGroups; len(g) != 1 || g[0].Type != "moderation_warning" || g[0].ModerationWarning == nil ||
		g[0].ModerationWarning.ID != w.ID {
		t.Fatalf("v2 groups %+v", g)
	}
	if ws := warningsOf(t, alice); len(ws) != 1 || ws[0].ID != w.ID {
		t.Fatalf("alice's warnings %+v", ws)
	}
	c.Must(bob.Do("GET", "/api/v1/account_warnings/"+w.ID, nil), 404)
	c.Must(bob.Do("POST", "/api/v1/account_warnings/"+w.ID+"/appeal", url.Values{"text": {"not mine"}}), 404)

	// The appeal, once; approval lifts the silence.
	wantError(t, alice.Do("POST", "/api/v1/account_warnings/"+w.ID+"/appeal", url.Values{"text": {" "}}), 422,
		"Validation failed: Text can't be blank")
	got := testrig.Decode[warning](t, c.Must(alice.Do("POST", "/api/v1/account_warnings/"+w.ID+"/appeal",
		url.Values{"text": {"It was a joke."}}), 200))
	if got.Appeal == nil || got.Appeal.State != "pending" || got.Appeal.Text != "It was a joke." {
		t.Fatalf("appealed %+v", got)
	}
	wantError(t, alice.Do("POST", "/api/v1/account_warnings/"+w.ID+"/appeal", url.Values{"text": {"again"}}), 422,
		"Validation failed: Account warning has already been taken")
	c.Must(c.Do("GET", "/api/v1/admin/appeals", juniorTok, nil), 403)
	c.Must(alice.Do("POST", "/api/v1/admin/appeals/"+w.ID+"/approve", nil), 403)
	pending := testrig.Decode[[]adminAppeal](t, c.Must(c.Do("GET", "/api/v1/admin/appeals", modTok, nil), 200))
	if len(pending) != 1 || pending[0].ID != w.ID || pending[0].Text != "It was a joke." || pending[0].AccountWarning.Action != "silence" {
		t.Fatalf("pending appeals %+v", pending)
	}
	if silenced, _ := adminFlags(t, c, modTok, alice.ID); !silenced {
		t.Fatal("alice is not silenced")
	}
	approved := testrig.Decode[adminAppeal](t, c.Must(c.Do("POST", "/api/v1/admin/appeals/"+w.ID+"/approve", modTok, nil), 200))
	if approved.State != "approved" {
		t.Fatalf("approved %+v", approved)
	}
	if silenced, _ := adminFlags(t, c, modTok, alice.ID); silenced {
		t.Fatal("the approved appeal left alice silenced")
	}
	c.Must(c.Do("POST", "/api/v1/admin/appeals/"+w.ID+"/reject", modTok, nil), 403) // decided already
	if ws := testrig.Decode[[]adminAppeal](t, c.Must(c.Do("GET", "/api/v1/admin/appeals", modTok, nil), 200)); len(ws) != 0 {
		t.Fatalf("pending after approval %+v", ws)
	}

	if ws := warningsOf(t, alice); len(ws) != 1 || ws[0].Appeal == nil || ws[0].Appeal.State != "approved" {
		t.Fatalf("alice's warnings after the approval %+v", ws)
	}
}

// TestAppealsSuspendedRejectedLate: a suspended user still reads and appeals their
// warnings, and approval lifts the suspension; a rejected appeal leaves the action
// and cannot be approved after; a strike older than 20 days cannot be appealed;
// without send_email_notification the user is not told.
func TestAppealsSuspendedRejectedLate(t *testing.T) {
	c, clk, modTok, _, alice, bob := warningsRig(t)
	act(t, c, modTok, alice.ID, url.Values{"type": {"suspend"}, "text": {"Gone."}})
	c.Must(alice.Do("GET", "/api/v1/accounts/verify_credentials", nil), 403)
	ws := warningsOf(t, alice)
	if len(ws) != 1 || ws[0].Action != "suspend" || ws[0].Text != "Gone." || ws[0].StatusIDs != nil || ws[0].Appeal != nil {
		t.Fatalf("warnings %+v", ws)
	}
	c.Must(alice.Do("POST", "/api/v1/account_warnings/"+ws[0].ID+"/appeal", url.Values{"text": {"Please."}}), 200)
	c.Must(c.Do("POST", "/api/v1/admin/appeals/"+ws[0].ID+"/approve", modTok, nil), 200)
	if _, suspended := adminFlags(t, c, modTok, alice.ID); suspended {
		t.Fatal("the approved appeal left alice suspended")
	}
	c.Must(alice.Do("GET", "/api/v1/accounts/verify_credentials", nil), 200)

	// A rejection leaves the action.
	act(t, c, modTok, bob.ID, url.Values{"type": {"silence"}})
	bw := warningsOf(t, bob)[0]
	c.Must(bob.Do("POST", "/api/v1/account_warnings/"+bw.ID+"/appeal", url.Values{"text": {"Why?"}}), 200)
	rejected := testrig.Decode[adminAppeal](t, c.Must(c.Do("POST", "/api/v1/admin/appeals/"+bw.ID+"/reject", modTok, nil), 200))
	if rejected.State != "rejected" {
		t.Fatalf("rejected %+v", rejected)
	}
	c.Must(c.Do("POST", "/api/v1/admin/appeals/"+bw.ID+"/approve", modTok, nil), 403)
	if silenced, _ := adminFlags(t, c, modTok, bob.ID); !silenced {
		t.Fatal("the rejected appeal lifted bob's silence")
	}
	if got := testrig.Decode[[]adminAppeal](t, c.Must(c.Do("GET", "/api/v1/admin/appeals", modTok,
		url.Values{"state": {"rejected"}}), 200)); len(got) != 1 || got[0].ID != bw.ID {
		t.Fatalf("rejected appeals %+v", got)
	}

	// Untold, and too late after 20 days.
	act(t, c, modTok, bob.ID, url.Values{"type": {"none"}, "text": {"Careful."}, "send_email_notification": {"false"}})
	late := warningsOf(t, bob)[0]
	if late.Action != "none" || late.Text != "Careful." {
		t.Fatalf("the warning %+v", late)
	}
	clk.Advance(20*24*time.Hour + time.Minute)
	wantError(t, bob.Do("POST", "/api/v1/account_warnings/"+late.ID+"/appeal", url.Values{"text": {"Late"}}), 422,
		"Validation failed: It is too late to appeal this strike")
	var bobs []warningNotice
	c.Must(bob.Do("GET", "/api/v1/notifications", url.Values{"types[]": {"moderation_warning"}}), 200).JSON(t, &bobs)
	if len(bobs) != 1 || bobs[0].ModerationWarning == nil || bobs[0].ModerationWarning.ID != bw.ID {
		t.Fatalf("bob's notifications %+v: the untold warning was told, or the told one missing", bobs)
	}
}

// TestWarningPresets: moderators with manage_settings make, list (by title), change
// and remove presets; a removed preset cannot be used; the text is required.
func TestWarningPresets(t *testing.T) {
	c := testrig.New(t)
	_, modTok := c.RegisterModerator("mod")
	alice := c.Register("alice")
	type preset struct {
		ID, Title, Text string
	}
	mk := func(title, text string) preset {
		return testrig.Decode[preset](t, c.Must(c.Do("POST", "/api/v1/admin/warning_presets", modTok,
			url.Values{"title": {title}, "text": {text}}), 200))
	}
	b, a := mk("Bots", "Label your bot."), mk("Abuse", "Be kind.")
	wantError(t, c.Do("POST", "/api/v1/admin/warning_presets", modTok, url.Values{"title": {"Empty"}}), 422,
		"Validation failed: Text can't be blank")
	list := testrig.Decode[[]preset](t, c.Must(c.Do("GET", "/api/v1/admin/warning_presets", modTok, nil), 200))
	if len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
		t.Fatalf("presets %+v", list)
	}
	changed := testrig.Decode[preset](t, c.Must(c.Do("PUT", "/api/v1/admin/warning_presets/"+b.ID, modTok,
		url.Values{"text": {"Label your bot, please."}}), 200))
	if changed.Title != "Bots" || changed.Text != "Label your bot, please." {
		t.Fatalf("changed %+v", changed)
	}
	if got := testrig.Decode[preset](t, c.Must(c.Do("GET", "/api/v1/admin/warning_presets/"+b.ID, modTok, nil), 200)); got != changed {
		t.Fatalf("read %+v, want %+v", got, changed)
	}
	c.Must(c.Do("DELETE", "/api/v1/admin/warning_presets/"+b.ID, modTok, nil), 200)
	c.Must(c.Do("GET", "/api/v1/admin/warning_presets/"+b.ID, modTok, nil), 404)
	c.Must(c.Do("POST", "/api/v1/admin/accounts/"+alice.ID+"/action", modTok,
		url.Values{"type": {"none"}, "warning_preset_id": {b.ID}}), 404)
	if ws := warningsOf(t, alice); len(ws) != 0 {
		t.Fatalf("a refused action left warnings %+v", ws)
	}
	act(t, c, modTok, alice.ID, url.Values{"type": {"none"}, "warning_preset_id": {a.ID}})
	if ws := warningsOf(t, alice); len(ws) != 1 || ws[0].Text != "Be kind." {
		t.Fatalf("warnings %+v", ws)
	}
}

// TestWarningMail: with SMTP configured, a warning is mailed to the user (subject by
// action, the preset's and the moderator's text), unless send_email_notification is
// false; an appeal is mailed to the staff who may manage appeals, and its approval to
// the user.
func TestWarningMail(t *testing.T) {
	c, in, _ := mailNode(t)
	ctx := context.Background()
	n := c.Nodes[0]
	addr, opsAddr := mailtest.NewAddress("dora"), mailtest.NewAddress("ops")
	for _, a := range []struct {
		name, email string
		admin       bool
	}{{"ops", opsAddr, true}, {"dora", addr, false}} {
		if err := n.AdminCreateAccount(ctx, a.name, a.email, "correct horse battery", a.admin); err != nil {
			t.Fatal(err)
		}
	}
	opsTok, err := n.AdminToken(ctx, "ops", "admin:read admin:write")
	if err != nil {
		t.Fatal(err)
	}
	dora, err := n.Accounts.Lookup(ctx, "dora", "")
	if err != nil {
		t.Fatal(err)
	}
	act(t, c, opsTok, dora.ID.String(), url.Values{"type": {"silence"}, "text": {"Too loud."}})
	act(t, c, opsTok, dora.ID.String(), url.Values{"type": {"none"}, "send_email_notification": {"false"}})
	act(t, c, opsTok, dora.ID.String(), url.Values{"type": {"suspend"}})
	ms := in.Await(t, addr, 2) // newest first
	domain := n.Config().Domain
	if ms[1].Subject != "Your account dora@"+domain+" has been limited" || !strings.Contains(ms[1].Text, "Too loud.") ||
		!strings.Contains(ms[1].HTML, "Too loud.") {
		t.Errorf("first mail %q: %q", ms[1].Subject, ms[1].Text)
	}
	if ms[0].Subject != "Your account dora@"+domain+" has been suspended" {
		t.Errorf("second mail %q (the untold warning was mailed?)", ms[0].Subject)
	}

	// Her appeal is mailed to the staff who may manage appeals.
	doraTok, err := n.AdminToken(ctx, "dora", "read write")
	if err != nil {
		t.Fatal(err)
	}
	ws := testrig.Decode[[]warning](t, c.Must(c.Do("GET", "/api/v1/account_warnings", doraTok, nil), 200))
	c.Must(c.Do("POST", "/api/v1/account_warnings/"+ws[0].ID+"/appeal", doraTok, url.Values{"text": {"I was quiet."}}), 200)
	m := in.Await(t, opsAddr, 1)[0]
	if m.Subject != "dora is appealing a moderation decision on "+domain || !strings.Contains(m.Text, "I was quiet.") ||
		!strings.Contains(m.Text, "suspend") {
		t.Errorf("appeal mail %q: %q", m.Subject, m.Text)
	}
	c.Must(c.Do("POST", "/api/v1/admin/appeals/"+ws[0].ID+"/approve", opsTok, nil), 200)
	d := in.Await(t, addr, 3)[0]
	if !strings.HasPrefix(d.Subject, "Your appeal from ") || !strings.HasSuffix(d.Subject, " has been approved") ||
		!strings.Contains(d.Text, "reversed") {
		t.Errorf("decision mail %q: %q", d.Subject, d.Text)
	}
}
