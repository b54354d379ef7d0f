package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/announcement"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

// announcementView is the Announcement entity as the tests read it.
type announcementView struct {
	ID        string  `json:"id"`
	Content   string  `json:"content"`
	StartsAt  *string `json:"starts_at"`
	AllDay    bool    `json:"all_day"`
	Read      bool    `json:"read"`
	Mentions  []testrig.Account
	Tags      []struct{ Name string }
	Statuses  []struct{ ID string }
	Reactions []struct {
		Name  string `json:"name"`
		Count int64  `json:"count"`
		Me    bool   `json:"me"`
	} `json:"reactions"`
}

func announcementsOf(t *testing.T, u *testrig.User, q url.Values) []announcementView {
	t.Helper()
	var l []announcementView
	r := u.Do("GET", "/api/v1/announcements", q)
	if r.Code != 200 {
		t.Fatalf("GET /api/v1/announcements: %d %s", r.Code, r.Body)
	}
	r.JSON(t, &l)
	return l
}

func announcing(s string) announcement.Change { return announcement.Change{Text: &s} }

// TestAnnouncements: only published, current announcements are listed, rendered as
// status text; reactions are counted per name with the viewer's own marked, checked
// against unicode emoji and limited to eight names; dismissals are per user; unknown
// or unlisted announcements are 404s.
func TestAnnouncements(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	post := alice.PostStatus("the plan")
	ctx, n, now := context.Background(), c.Nodes[0], time.Now()
	add := func(ch announcement.Change) string {
		t.Helper()
		a, err := n.AdminAddAnnouncement(ctx, ch)
		if err != nil {
			t.Fatalf("add announcement: %v", err)
		}
		return a.ID.String()
	}
	ch := announcing("Maintenance tonight, ask @alice #Ops, see " + post.URI)
	start, end, allDay := now.Add(time.Hour), now.Add(2*time.Hour), true
	ch.StartsAt, ch.EndsAt, ch.AllDay = &start, &end, &allDay
	current := add(ch)
	no := false
	draft := announcing("not yet")
	draft.Published = &no
	draftID := add(draft)
	later := now.Add(time.Hour)
	scheduled := announcing("soon")
	scheduled.PublishAt = &later
	add(scheduled)
	past, ended := now.Add(-2*time.Hour), now.Add(-time.Hour)
	over := announcing("over")
	over.StartsAt, over.EndsAt = &past, &ended
	add(over)
	if _, err := n.AdminAddAnnouncement(ctx, announcing("  ")); err == nil {
		t.Fatal("a blank announcement was accepted")
	}

	l := announcementsOf(t, alice, nil)
	if len(l) != 1 || l[0].ID != current || l[0].Read || !l[0].AllDay || l[0].StartsAt == nil {
		t.Fatalf("announcements %+v, want only %s", l, current)
	}
	if a := l[0]; !strings.Contains(a.Content, `class="u-url mention"`) || len(a.Mentions) != 1 || a.Mentions[0].ID != alice.ID ||
		len(a.Tags) != 1 || a.Tags[0].Name != "ops" || len(a.Statuses) != 1 || a.Statuses[0].ID != post.ID {
		t.Fatalf("announcement rendered as %+v", a)
	}

	react := func(u *testrig.User, method, id, name string, code int) {
		t.Helper()
		c.Must(u.Do(method, "/api/v1/announcements/"+id+"/reactions/"+url.PathEscape(name), nil), code)
	}
	react(alice, "PUT", current, "👍", 200)
	react(bob, "PUT", current, "👍", 200)
	react(bob, "PUT", current, "👍", 200) // twice counts once
	react(bob, "PUT", current, "🇫🇷", 200)
	for _, bad := range []string{"thumbsup", "1", "a👍", "nope_emoji", "🐘🏽", "🇦🇦"} { // the last two: sequences Unicode does not list
		react(bob, "PUT", current, bad, 422)
	}
	react(bob, "PUT", draftID, "👍", 404)
	react(bob, "PUT", "999999999", "👍", 404)
	reactions := func(u *testrig.User) string {
		t.Helper()
		var b strings.Builder
		for _, a := range announcementsOf(t, u, nil) {
			for _, r := range a.Reactions {
				b.WriteString(r.Name)
				b.WriteString(map[bool]string{true: "+", false: "-"}[r.Me])
				b.WriteByte(byte('0' + r.Count))
			}
		}
		return b.String()
	}
	if got := reactions(bob); got != "👍+2🇫🇷+1" && got != "🇫🇷+1👍+2" {
		t.Fatalf("bob's reactions %q", got)
	}
	if got := reactions(carol); got != "👍-2🇫🇷-1" && got != "🇫🇷-1👍-2" {
		t.Fatalf("carol's reactions %q", got)
	}
	react(bob, "DELETE", current, "🇫🇷", 200)
	react(bob, "DELETE", current, "🇫🇷", 200)
	if got := reactions(alice); got != "👍+2" {
		t.Fatalf("alice's reactions after bob's removal %q", got)
	}
	for _, e := range []string{"😀", "😁", "😂", "🤣", "😃", "😄", "😅"} {
		react(carol, "PUT", current, e, 200)
	}
	react(carol, "PUT", current, "🎉", 422) // a ninth name
	react(carol, "PUT", current, "👍", 200) // an existing one

	c.Must(alice.Do("POST", "/api/v1/announcements/"+current+"/dismiss", nil), 200)
	if l := announcementsOf(t, alice, nil); len(l) != 0 {
		t.Fatalf("alice dismissed it but still sees %+v", l)
	}
	if l := announcementsOf(t, alice, url.Values{"with_dismissed": {"true"}}); len(l) != 1 || !l[0].Read {
		t.Fatalf("with_dismissed: %+v", l)
	}
	if l := announcementsOf(t, bob, nil); len(l) != 1 || l[0].Read {
		t.Fatalf("bob's announcements %+v after alice's dismissal", l)
	}
	c.Must(alice.Do("POST", "/api/v1/announcements/"+draftID+"/dismiss", nil), 404)
	c.Must(alice.Do("POST", "/api/v1/announcements/nope/dismiss", nil), 404)

	if _, err := n.AdminUpdateAnnouncement(ctx, current, announcing("Maintenance moved")); err != nil {
		t.Fatal(err)
	}
	if l := announcementsOf(t, bob, nil); len(l) != 1 || !strings.Contains(l[0].Content, "Maintenance moved") {
		t.Fatalf("after the update: %+v", l)
	}
	if err := n.AdminRemoveAnnouncement(ctx, current); err != nil {
		t.Fatal(err)
	}
	if l := announcementsOf(t, bob, nil); len(l) != 0 {
		t.Fatalf("after the removal: %+v", l)
	}
	react(bob, "PUT", current, "👍", 404)
	c.Must(c.Anonymous().Do("GET", "/api/v1/announcements", nil), 401)
}

// TestAnnouncementStreaming: a published announcement, a reaction (with its count)
// and a removal reach every user stream.
func TestAnnouncementStreaming(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	ws := dialWS(t, c, alice.Token, "stream=user")
	waitSubscribers(t, c, stream.Announcements(), 1)
	ctx, n := context.Background(), c.Nodes[0]
	a, err := n.AdminAddAnnouncement(ctx, announcing("Hello everyone"))
	if err != nil {
		t.Fatal(err)
	}
	if got := payloadAs[announcementView](t, ws.expect("user", "announcement")); got.ID != a.ID.String() ||
		!strings.Contains(got.Content, "Hello everyone") {
		t.Fatalf("announcement event %+v", got)
	}
	c.Must(bob.Do("PUT", "/api/v1/announcements/"+a.ID.String()+"/reactions/"+url.PathEscape("🐘"), nil), 200)
	got := payloadAs[struct {
		Name           string `json:"name"`
		Count          int64  `json:"count"`
		AnnouncementID string `json:"announcement_id"`
	}](t, ws.expect("user", "announcement.reaction"))
	if got.Name != "🐘" || got.Count != 1 || got.AnnouncementID != a.ID.String() {
		t.Fatalf("reaction event %+v", got)
	}
	if err := n.AdminRemoveAnnouncement(ctx, a.ID.String()); err != nil {
		t.Fatal(err)
	}
	if f := ws.expect("user", "announcement.delete"); payloadOf(f) != a.ID.String() {
		t.Fatalf("delete event payload %s", payloadOf(f))
	}
}

// TestScheduledAnnouncementStreams: an announcement published for a later time is not
// streamed when it is saved but when its time comes, once.
func TestScheduledAnnouncementStreams(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	ws := dialWS(t, c, alice.Token, "stream=user")
	waitSubscribers(t, c, stream.Announcements(), 1)
	ctx, n := context.Background(), c.Nodes[0]
	ch := announcing("Maintenance tonight")
	at := time.Now().Truncate(time.Second).Add(3 * time.Second) // kept to the second
	ch.PublishAt = &at
	later, err := n.AdminAddAnnouncement(ctx, ch)
	if err != nil {
		t.Fatal(err)
	}
	got := payloadAs[announcementView](t, ws.expect("user", "announcement"))
	if got.ID != later.ID.String() || time.Now().Before(at) {
		t.Fatalf("announcement event %+v before %s", got, at)
	}
	now, err := n.AdminAddAnnouncement(ctx, announcing("Right away"))
	if err != nil {
		t.Fatal(err)
	}
	if got := payloadAs[announcementView](t, ws.expect("user", "announcement")); got.ID != now.ID.String() {
		t.Fatalf("the next announcement event is %s, want %s: the scheduled one streamed twice?", got.ID, now.ID)
	}
}
