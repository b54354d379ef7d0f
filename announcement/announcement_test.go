package announcement_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/herd-social/herd/announcement"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

func TestUnicodeEmoji(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"🐘", true}, {"👍🏽", true}, {"👩‍💻", true}, {"🇫🇷", true}, {"1️⃣", true}, {"❤️", true}, {"©", true},
		{"🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", true},
		{"", false}, {"1", false}, {"#", false}, {"thumbsup", false}, {"a👍", false}, {"👍 ", false},
		{"\u200d", false}, {"\xff", false},
		// Mastodon's map: unqualified forms too; sequences Unicode does not list are refused.
		{"☺", true}, {"☺️", true}, {"👩‍👩‍👩", false}, {"🐘🏽", false}, {"🇦🇦", false}, {"\U0001FAFF", false}, {"☹🏻", false},
	} {
		if got := announcement.UnicodeEmoji(tc.name); got != tc.ok {
			t.Errorf("UnicodeEmoji(%q) = %v, want %v", tc.name, got, tc.ok)
		}
	}
}

// events records what the service publishes.
type events []stream.Event

func (e *events) Publish(_ stream.Key, ev stream.Event) { *e = append(*e, ev) }

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	ids, err := shard.NewGenerator(0, 8, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	var pub events
	s := announcement.New(testrig.Store(t, announcement.Schema()...), ids,
		announcement.Options{Now: func() time.Time { return now }, Streams: &pub})
	txt := func(v string) *string { return &v }
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	for _, bad := range []announcement.Change{
		{Text: txt(" ")},
		{Text: txt("x"), StartsAt: at(time.Hour)},
		{Text: txt("x"), StartsAt: at(time.Hour), EndsAt: at(time.Hour)},
	} {
		var v *announcement.Validation
		if _, err := s.Add(ctx, bad); !errors.As(err, &v) {
			t.Fatalf("Add(%+v): %v, want a validation error", bad, err)
		}
	}
	a, err := s.Add(ctx, announcement.Change{Text: txt("hello")})
	if err != nil || !a.Published || !a.PublishedAt.Equal(now) {
		t.Fatalf("Add: %+v %v", a, err)
	}
	later, err := s.Add(ctx, announcement.Change{Text: txt("later"), PublishAt: at(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if l, err := s.Listed(ctx); err != nil || len(l) != 1 || l[0].ID != a.ID {
		t.Fatalf("Listed: %v %v", l, err)
	}
	if err := s.React(ctx, 1, later.ID, "🐘"); !errors.Is(err, announcement.ErrNotFound) {
		t.Fatalf("a reaction to an unlisted announcement: %v", err)
	}
	if _, err := s.Update(ctx, a.ID, announcement.Change{EndsAt: at(-time.Minute), StartsAt: at(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.Listed(ctx); len(l) != 0 {
		t.Fatalf("an ended announcement is listed: %v", l)
	}
	want := []string{stream.Announcement, stream.AnnouncementDelete}
	if len(pub) != len(want) || pub[0].Kind != want[0] || pub[1].Kind != want[1] || pub[1].ID != a.ID {
		t.Fatalf("events %+v, want %v (none for the scheduled one)", pub, want)
	}
}
