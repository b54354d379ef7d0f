package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// scheduledEntity is Mastodon's ScheduledStatus as the tests read it.
type scheduledEntity struct {
	ID          string `json:"id"`
	ScheduledAt string `json:"scheduled_at"`
	Params      struct {
		Text        string   `json:"text"`
		Visibility  string   `json:"visibility"`
		SpoilerText *string  `json:"spoiler_text"`
		MediaIDs    []string `json:"media_ids"`
		Poll        *struct {
			Options   []string `json:"options"`
			ExpiresIn int64    `json:"expires_in"`
		} `json:"poll"`
	} `json:"params"`
	MediaAttachments []struct {
		ID string `json:"id"`
	} `json:"media_attachments"`
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// schedule posts a status with scheduled_at and extra form fields.
func schedule(u *testrig.User, text string, at time.Time, extra ...string) *testrig.Response {
	form := url.Values{"status": {text}, "scheduled_at": {stamp(at)}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Add(extra[i], extra[i+1])
	}
	return u.Do("POST", "/api/v1/statuses", form)
}

func scheduledIDs(l []scheduledEntity) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = s.ID
	}
	return out
}

// TestScheduledStatusCreateListUpdateCancel: a post with scheduled_at to come answers
// a ScheduledStatus and is kept, not posted; it is listed with Link pages, read,
// moved and cancelled, only by its author.
func TestScheduledStatusCreateListUpdateCancel(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	at := time.Now().Add(time.Hour).Truncate(time.Second)
	r := c.Must(schedule(alice, "later", at, "spoiler_text", "cw", "poll[options][]", "yes", "poll[options][]", "no",
		"poll[expires_in]", "3600"), 200)
	sc := testrig.Decode[scheduledEntity](t, r)
	if sc.ID == "" || sc.ScheduledAt != stamp(at) || sc.Params.Text != "later" || sc.Params.Visibility != "public" ||
		sc.Params.SpoilerText == nil || *sc.Params.SpoilerText != "cw" || sc.Params.Poll == nil ||
		!slices.Equal(sc.Params.Poll.Options, []string{"yes", "no"}) || sc.Params.Poll.ExpiresIn != 3600 {
		t.Fatalf("scheduled status %s", r.Body)
	}
	if got := alice.AccountStatuses(alice.ID, nil); len(got) != 0 {
		t.Fatalf("a scheduled status was posted at once: %v", testrig.StatusIDs(got))
	}

	ids := []string{sc.ID}
	for i := range 4 {
		s := testrig.Decode[scheduledEntity](t, c.Must(schedule(alice, fmt.Sprint("more ", i), at.Add(time.Duration(i+1)*time.Minute)), 200))
		ids = append([]string{s.ID}, ids...) // newest id first
	}
	if got := walk(t, alice, "/api/v1/scheduled_statuses?limit=2", scheduledIDs); !slices.Equal(got, ids) {
		t.Fatalf("paged scheduled statuses %v, want %v", got, ids)
	}
	if got := walk(t, bob, "/api/v1/scheduled_statuses", scheduledIDs); len(got) != 0 {
		t.Fatalf("bob sees alice's scheduled statuses %v", got)
	}

	got := testrig.Decode[scheduledEntity](t, c.Must(alice.Do("GET", "/api/v1/scheduled_statuses/"+sc.ID, nil), 200))
	if got.ID != sc.ID || got.Params.Text != "later" {
		t.Fatalf("GET %+v", got)
	}
	wantError(t, bob.Do("GET", "/api/v1/scheduled_statuses/"+sc.ID, nil), 404, "Record not found")
	wantError(t, bob.Do("PUT", "/api/v1/scheduled_statuses/"+sc.ID, url.Values{"scheduled_at": {stamp(at.Add(2 * time.Hour))}}),
		404, "Record not found")
	wantError(t, bob.Do("DELETE", "/api/v1/scheduled_statuses/"+sc.ID, nil), 404, "Record not found")

	moved := at.Add(2 * time.Hour)
	got = testrig.Decode[scheduledEntity](t, c.Must(alice.Do("PUT", "/api/v1/scheduled_statuses/"+sc.ID,
		url.Values{"scheduled_at": {stamp(moved)}}), 200))
	if got.ID != sc.ID || got.ScheduledAt != stamp(moved) || got.Params.Text != "later" {
		t.Fatalf("PUT %+v", got)
	}
	wantError(t, alice.Do("PUT", "/api/v1/scheduled_statuses/"+sc.ID, url.Values{"scheduled_at": {stamp(time.Now().Add(time.Minute))}}),
		422, "Validation failed: Scheduled at the specified time must be at least 5 minutes in the future")
	got = testrig.Decode[scheduledEntity](t, c.Must(alice.Do("GET", "/api/v1/scheduled_statuses/"+sc.ID, nil), 200))
	if got.ScheduledAt != stamp(moved) {
		t.Fatalf("a refused PUT changed the time: %+v", got)
	}

	c.Must(alice.Do("DELETE", "/api/v1/scheduled_statuses/"+sc.ID, nil), 200)
	wantError(t, alice.Do("GET", "/api/v1/scheduled_statuses/"+sc.ID, nil), 404, "Record not found")
	if got := walk(t, alice, "/api/v1/scheduled_statuses", scheduledIDs); !slices.Equal(got, ids[:4]) {
		t.Fatalf("after cancel %v, want %v", got, ids[:4])
	}
}

// TestScheduledStatusValidation: a time too near, a time that is no time, a post that
// could not be posted, and Mastodon's daily and total limits are refused with
// Mastodon's messages, scheduling nothing; a time past posts at once, as Mastodon.
func TestScheduledStatusValidation(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	soon := time.Now().Add(time.Minute)
	wantError(t, schedule(alice, "soon", soon), 422,
		"Validation failed: Scheduled at the specified time must be at least 5 minutes in the future")
	wantError(t, alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"x"}, "scheduled_at": {"next tuesday"}}), 422,
		"Validation failed: Scheduled at is invalid")
	later := time.Now().Add(24 * time.Hour)
	wantError(t, schedule(alice, "", later), 422, "Validation failed: Text can't be blank")
	wantError(t, schedule(alice, "one option", later, "poll[options][]", "alone", "poll[expires_in]", "3600"), 422,
		"Validation failed: Poll options must have more than one item")
	wantError(t, schedule(alice, "reply", later, "in_reply_to_id", "12345"), 422,
		"Validation failed: Reply to a status that does not exist or is not visible")
	if got := walk(t, alice, "/api/v1/scheduled_statuses", scheduledIDs); len(got) != 0 {
		t.Fatalf("refused posts were scheduled: %v", got)
	}

	past := testrig.Decode[testrig.Status](t, c.Must(schedule(alice, "past", time.Now().Add(-time.Hour)), 200))
	if past.ID == "" || past.Content != "<p>past</p>" {
		t.Fatalf("a post scheduled in the past: %+v", past)
	}

	// 25 a day, 300 in all.
	day := time.Now().UTC().Add(48 * time.Hour).Truncate(24 * time.Hour)
	total := 0
	for d := 0; total < 300; d++ {
		for i := 0; i < 25 && total < 300; i++ {
			c.Must(schedule(alice, "many", day.Add(time.Duration(d)*24*time.Hour+time.Duration(i)*time.Minute)), 200)
			total++
		}
		if d == 0 {
			wantError(t, schedule(alice, "one too many", day.Add(12*time.Hour)), 422,
				"Validation failed: You have exceeded the limit of 25 scheduled posts for today")
		}
	}
	wantError(t, schedule(alice, "301", day.Add(100*24*time.Hour)), 422,
		"Validation failed: You have exceeded the limit of 300 scheduled posts")
}

// TestScheduledStatusHoldsItsMedia: the attachments of a scheduled status are its own
// until it is cancelled: no other status takes them, and its entity shows them; a
// cancel lets go of them.
func TestScheduledStatusHoldsItsMedia(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	r := upload(c, alice, "/api/v2/media", "photo.jpg", testdata(t, "gps.jpg"), nil)
	var up attachmentEntity
	r.JSON(t, &up)
	processed(t, c, alice, up.ID)
	sc := testrig.Decode[scheduledEntity](t, c.Must(schedule(alice, "with a picture", time.Now().Add(time.Hour),
		"media_ids[]", up.ID), 200))
	if !slices.Equal(sc.Params.MediaIDs, []string{up.ID}) || len(sc.MediaAttachments) != 1 || sc.MediaAttachments[0].ID != up.ID {
		t.Fatalf("scheduled status %+v", sc)
	}
	wantError(t, alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"now"}, "media_ids[]": {up.ID}}), 422,
		"Validation failed: Media attachments are invalid")
	c.Must(alice.Do("DELETE", "/api/v1/scheduled_statuses/"+sc.ID, nil), 200)
	st := testrig.Decode[struct {
		MediaAttachments []struct{ ID string } `json:"media_attachments"`
	}](t, c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"now"}, "media_ids[]": {up.ID}}), 200))
	if len(st.MediaAttachments) != 1 || st.MediaAttachments[0].ID != up.ID {
		t.Fatalf("the freed attachment was not posted: %+v", st)
	}
}

// soonCluster is a node that lets statuses be scheduled a second ahead, so that a
// test sees them published.
func soonCluster(t *testing.T) *testrig.Cluster {
	return testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.ScheduleMinLead = time.Second }))
}

// TestScheduledStatusPublishes: at its time a scheduled status is posted as any post
// (its poll, its attachments, its followers' homes), once, and is scheduled no more.
func TestScheduledStatusPublishes(t *testing.T) {
	c := soonCluster(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	bob.Follow(alice)
	r := upload(c, alice, "/api/v2/media", "photo.jpg", testdata(t, "gps.jpg"), nil)
	var up attachmentEntity
	r.JSON(t, &up)
	processed(t, c, alice, up.ID)
	at := time.Now().Add(3 * time.Second)
	withPoll := testrig.Decode[scheduledEntity](t, c.Must(schedule(alice, "a question", at,
		"poll[options][]", "yes", "poll[options][]", "no", "poll[expires_in]", "3600"), 200))
	withMedia := testrig.Decode[scheduledEntity](t, c.Must(schedule(alice, "a picture", at, "media_ids[]", up.ID), 200))

	var posted []testrig.Status
	testrig.Eventually(t, "the scheduled statuses posted", func() error {
		posted = alice.On(c.With(t)).AccountStatuses(alice.ID, nil)
		if len(posted) != 2 {
			return fmt.Errorf("alice has %d statuses", len(posted))
		}
		return nil
	})
	// The scheduled rows go after the statuses are posted: on a busy cluster a read
	// can fall between the two.
	for _, id := range []string{withPoll.ID, withMedia.ID} {
		testrig.Eventually(t, "scheduled status "+id+" gone", func() error {
			if r := alice.On(c.With(t)).Do("GET", "/api/v1/scheduled_statuses/"+id, nil); r.Code != 404 {
				return fmt.Errorf("GET answers %d: %s", r.Code, r.Body)
			}
			return nil
		})
		wantError(t, alice.Do("GET", "/api/v1/scheduled_statuses/"+id, nil), 404, "Record not found")
	}
	var question, picture testrig.Status
	for _, s := range posted {
		switch s.Content {
		case "<p>a question</p>":
			question = s
		case "<p>a picture</p>":
			picture = s
		}
	}
	if question.Poll == nil || len(question.Poll.Options) != 2 {
		t.Fatalf("the scheduled poll: %+v", question)
	}
	withAttachments := testrig.Decode[struct {
		MediaAttachments []struct{ ID string } `json:"media_attachments"`
	}](t, c.Must(alice.Do("GET", "/api/v1/statuses/"+picture.ID, nil), 200))
	if len(withAttachments.MediaAttachments) != 1 || withAttachments.MediaAttachments[0].ID != up.ID {
		t.Fatalf("the scheduled attachments: %+v", withAttachments)
	}
	testrig.Eventually(t, "bob's home holds both once", func() error {
		home := testrig.StatusIDs(bob.On(c.With(t)).Home(url.Values{"limit": {"40"}}))
		slices.Sort(home)
		want := []string{question.ID, picture.ID}
		slices.Sort(want)
		if !slices.Equal(home, want) {
			return fmt.Errorf("home %v, want %v", home, want)
		}
		return nil
	})
	if n := alice.VerifyCredentials().StatusesCount; n != 2 {
		t.Fatalf("statuses_count %d, want 2", n)
	}
	if got := walk(t, alice, "/api/v1/scheduled_statuses", scheduledIDs); len(got) != 0 {
		t.Fatalf("still scheduled after publishing: %v", got)
	}
}

// TestScheduledStatusSweepsTogether: many sweeps at once (the node's own and others
// called beside it, as the workers of a cluster sweep) publish each status once.
func TestScheduledStatusSweepsTogether(t *testing.T) {
	c := soonCluster(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	bob.Follow(alice)
	at := time.Now().Add(2 * time.Second)
	for i := range 5 {
		c.Must(schedule(alice, fmt.Sprint("together ", i), at), 200)
	}
	n := c.Nodes[0]
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			for time.Now().Before(at.Add(3 * time.Second)) {
				if _, err := n.Scheduled.PublishDue(t.Context()); err != nil {
					errs <- err
					return
				}
				<-tick.C
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	testrig.Eventually(t, "five statuses, once each, in bob's home", func() error {
		posted := testrig.StatusIDs(alice.On(c.With(t)).AccountStatuses(alice.ID, url.Values{"limit": {"40"}}))
		home := testrig.StatusIDs(bob.On(c.With(t)).Home(url.Values{"limit": {"40"}}))
		if len(posted) != 5 || !slices.Equal(home, posted) {
			return fmt.Errorf("posted %v, home %v", posted, home)
		}
		return nil
	})
	if n := alice.VerifyCredentials().StatusesCount; n != 5 {
		t.Fatalf("statuses_count %d, want 5", n)
	}
}

// TestScheduledStatusIdempotencyKey: a post scheduled again with the same
// Idempotency-Key answers the scheduled status made the first time.
func TestScheduledStatusIdempotencyKey(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	form := url.Values{"status": {"once"}, "scheduled_at": {stamp(time.Now().Add(time.Hour))}}
	first := testrig.Decode[scheduledEntity](t, c.Must(c.DoWithHeader("POST", "/api/v1/statuses", alice.Token, form,
		"Idempotency-Key", "k1"), 200))
	again := testrig.Decode[scheduledEntity](t, c.Must(c.DoWithHeader("POST", "/api/v1/statuses", alice.Token, form,
		"Idempotency-Key", "k1"), 200))
	if again.ID != first.ID {
		t.Fatalf("scheduled twice: %s, %s", first.ID, again.ID)
	}
	if got := walk(t, alice, "/api/v1/scheduled_statuses", scheduledIDs); !slices.Equal(got, []string{first.ID}) {
		t.Fatalf("scheduled %v, want %v", got, []string{first.ID})
	}
}
