package api_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

// adminAnnouncementView is the admin API's announcement as the tests read it.
type adminAnnouncementView struct {
	ID          string  `json:"id"`
	Text        string  `json:"text"`
	Content     string  `json:"content"`
	StartsAt    *string `json:"starts_at"`
	EndsAt      *string `json:"ends_at"`
	AllDay      bool    `json:"all_day"`
	Published   bool    `json:"published"`
	PublishedAt *string `json:"published_at"`
	ScheduledAt *string `json:"scheduled_at"`
	Tags        []struct{ Name string }
}

// auditActions are the newest entries of the audit log on targets of a type, oldest
// first, as "action target".
func auditActions(t *testing.T, n *node.Node, targetType string) []string {
	t.Helper()
	lines, err := n.AdminAudit(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range slices.Backward(lines) {
		if l.TargetType == targetType {
			out = append(out, l.Action+" "+l.Target)
		}
	}
	return out
}

// TestAdminAnnouncements: moderators who may manage announcements create, list, read,
// change, publish, withdraw and remove them through the API, with the service's rules
// (a refused one changes nothing) and its stream events; each change is audited.
func TestAdminAnnouncements(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	_, modTok := c.RegisterModerator("mod")
	_, juniorTok := c.RegisterWithRole("junior", "Moderator") // may not manage announcements
	ws := dialWS(t, c, alice.Token, "stream=user")
	waitSubscribers(t, c, stream.Announcements(), 1)
	do := func(method, path string, form url.Values) adminAnnouncementView {
		t.Helper()
		return testrig.Decode[adminAnnouncementView](t, c.Must(c.Do(method, "/api/v1/admin/announcements"+path, modTok, form), 200))
	}
	list := func() []string {
		t.Helper()
		var ids []string
		for _, a := range testrig.Decode[[]adminAnnouncementView](t, c.Must(c.Do("GET", "/api/v1/admin/announcements", modTok, nil), 200)) {
			ids = append(ids, a.ID)
		}
		return ids
	}
	public := func() []string {
		var ids []string
		for _, a := range announcementsOf(t, alice, nil) {
			ids = append(ids, a.ID)
		}
		return ids
	}

	c.Must(c.Do("POST", "/api/v1/admin/announcements", juniorTok, url.Values{"text": {"x"}}), 403)
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"text": {"  "}}, "Validation failed: Text can't be blank"},
		{url.Values{"text": {"x"}, "starts_at": {"2030-01-01T10:00:00Z"}}, "Validation failed: Starts at and ends at must be given together"},
		{url.Values{"text": {"x"}, "starts_at": {"2030-01-02"}, "ends_at": {"2030-01-01"}}, "Validation failed: Ends at must be after starts at"},
		{url.Values{"text": {"x"}, "starts_at": {"soon"}, "ends_at": {"2030-01-01"}}, "Validation failed: Starts at is invalid"},
		{url.Values{"text": {"x"}, "scheduled_at": {"tomorrow"}}, "Validation failed: Scheduled at is invalid"},
	} {
		wantError(t, c.Do("POST", "/api/v1/admin/announcements", modTok, tc.form), 422, tc.want)
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("refused announcements were kept: %v", got)
	}

	start := time.Now().UTC().Add(2 * time.Hour).Truncate(time.Second)
	event := do("POST", "", url.Values{"text": {"Meetup #herd"}, "starts_at": {start.Format(time.RFC3339)},
		"ends_at": {start.Add(time.Hour).Format(time.RFC3339)}, "all_day": {"true"}})
	if !event.Published || event.PublishedAt == nil || event.ScheduledAt != nil || event.Text != "Meetup #herd" ||
		!strings.Contains(event.Content, "#<span>herd</span>") || !event.AllDay || event.StartsAt == nil ||
		len(event.Tags) != 1 {
		t.Fatalf("created %+v", event)
	}
	if got := payloadAs[announcementView](t, ws.expect("user", "announcement")); got.ID != event.ID {
		t.Fatalf("streamed %+v, want %s", got, event.ID)
	}
	draft := do("POST", "", url.Values{"text": {"Not yet"}, "published": {"false"}})
	scheduled := do("POST", "", url.Values{"text": {"Later"}, "scheduled_at": {time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}})
	if draft.Published || draft.PublishedAt != nil || draft.ScheduledAt != nil ||
		scheduled.Published || scheduled.PublishedAt != nil || scheduled.ScheduledAt == nil {
		t.Fatalf("draft %+v, scheduled %+v", draft, scheduled)
	}
	if got, want := list(), []string{event.ID, scheduled.ID, draft.ID}; !slices.Equal(got, want) {
		t.Fatalf("admin list %v, want %v (newest first)", got, want)
	}
	if got := public(); !slices.Equal(got, []string{event.ID}) {
		t.Fatalf("users see %v", got)
	}
	if got := do("GET", "/"+scheduled.ID, nil); got.Text != "Later" || got.ScheduledAt == nil {
		t.Fatalf("read %+v", got)
	}

	changed := do("PUT", "/"+event.ID, url.Values{"text": {"Meetup moved"}, "starts_at": {""}, "ends_at": {""}})
	if changed.Text != "Meetup moved" || changed.StartsAt != nil || !changed.Published {
		t.Fatalf("changed %+v", changed)
	}
	if got := payloadAs[announcementView](t, ws.expect("user", "announcement")); got.ID != event.ID ||
		!strings.Contains(got.Content, "Meetup moved") {
		t.Fatalf("streamed change %+v", got)
	}
	wantError(t, c.Do("PUT", "/api/v1/admin/announcements/"+event.ID, modTok, url.Values{"text": {""}}), 422,
		"Validation failed: Text can't be blank")
	if got := do("GET", "/"+event.ID, nil); got.Text != "Meetup moved" {
		t.Fatalf("a refused change changed %+v", got)
	}

	if got := do("POST", "/"+draft.ID+"/publish", nil); !got.Published || got.PublishedAt == nil {
		t.Fatalf("published %+v", got)
	}
	if got := payloadAs[announcementView](t, ws.expect("user", "announcement")); got.ID != draft.ID {
		t.Fatalf("streamed %+v, want the published draft %s", got, draft.ID)
	}
	if got := do("POST", "/"+event.ID+"/unpublish", nil); got.Published || got.PublishedAt == nil || got.ScheduledAt != nil {
		t.Fatalf("withdrawn %+v", got)
	}
	if f := ws.expect("user", "announcement.delete"); payloadOf(f) != event.ID {
		t.Fatalf("withdrawal streamed %s", payloadOf(f))
	}
	if got := public(); !slices.Equal(got, []string{draft.ID}) {
		t.Fatalf("users see %v", got)
	}

	c.Must(c.Do("DELETE", "/api/v1/admin/announcements/"+draft.ID, modTok, nil), 200)
	if f := ws.expect("user", "announcement.delete"); payloadOf(f) != draft.ID {
		t.Fatalf("removal streamed %s", payloadOf(f))
	}
	for _, m := range []string{"GET", "DELETE", "PUT"} {
		c.Must(c.Do(m, "/api/v1/admin/announcements/"+draft.ID, modTok, url.Values{"text": {"x"}}), 404)
	}
	c.Must(c.Do("POST", "/api/v1/admin/announcements/nope/publish", modTok, nil), 404)

	want := []string{"create_announcement " + event.ID, "create_announcement " + draft.ID, "create_announcement " + scheduled.ID,
		"update_announcement " + event.ID, "update_announcement " + draft.ID, "update_announcement " + event.ID,
		"destroy_announcement " + draft.ID}
	if got := auditActions(t, c.Nodes[0], "Announcement"); !slices.Equal(got, want) {
		t.Fatalf("audit log %q, want %q", got, want)
	}
}

// TestAdminScheduledAnnouncement: an announcement the API schedules is streamed when
// its time comes, and users see it from then on; one scheduled for a time already
// past is published at once.
func TestAdminScheduledAnnouncement(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	_, modTok := c.RegisterModerator("mod")
	ws := dialWS(t, c, alice.Token, "stream=user")
	waitSubscribers(t, c, stream.Announcements(), 1)
	at := time.Now().Truncate(time.Second).Add(2 * time.Second)
	a := testrig.Decode[adminAnnouncementView](t, c.Must(c.Do("POST", "/api/v1/admin/announcements", modTok,
		url.Values{"text": {"Soon"}, "scheduled_at": {at.UTC().Format(time.RFC3339)}}), 200))
	if a.Published || a.ScheduledAt == nil {
		t.Fatalf("scheduled %+v", a)
	}
	if got := payloadAs[announcementView](t, ws.expect("user", "announcement")); got.ID != a.ID || time.Now().Before(at) {
		t.Fatalf("streamed %+v before %s", got, at)
	}
	testrig.Eventually(t, "the scheduled announcement listed", func() error {
		if got := announcementsOf(t, alice, nil); len(got) != 1 || got[0].ID != a.ID {
			return fmt.Errorf("users see %+v", got)
		}
		return nil
	})
	past := testrig.Decode[adminAnnouncementView](t, c.Must(c.Do("POST", "/api/v1/admin/announcements", modTok,
		url.Values{"text": {"Already"}, "scheduled_at": {"2020-01-01T00:00:00Z"}}), 200))
	if !past.Published || past.ScheduledAt != nil || past.PublishedAt == nil || !strings.HasPrefix(*past.PublishedAt, time.Now().UTC().Format("2006")) {
		t.Fatalf("scheduled in the past %+v", past)
	}
}
