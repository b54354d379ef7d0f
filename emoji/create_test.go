package emoji_test

import (
	"context"
	"errors"
	"testing"

	"github.com/herd-social/herd/emoji"
	"github.com/herd-social/herd/testrig"
)

// TestCreate: a new emoji is recorded once per domain and shortcode; a second one of
// the same is refused and changes nothing, while another domain may have its own.
func TestCreate(t *testing.T) {
	ctx := context.Background()
	s := emoji.New(testrig.NewEngines(t).OpenStore(emoji.Schema()...))
	if err := s.Create(ctx, &emoji.Emoji{Shortcode: "blob", Key: "a.png"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, &emoji.Emoji{Shortcode: "blob", Key: "b.png"}); !errors.Is(err, emoji.ErrExists) {
		t.Fatalf("a second blob: %v", err)
	}
	if err := s.Create(ctx, &emoji.Emoji{Shortcode: "blob", Domain: "remote.example", URL: "https://remote.example/b.png"}); err != nil {
		t.Fatalf("a remote blob: %v", err)
	}
	if err := s.Create(ctx, &emoji.Emoji{Shortcode: "x"}); !errors.Is(err, emoji.ErrInvalid) {
		t.Fatalf("a one-letter shortcode: %v", err)
	}
	if e, err := s.Get(ctx, "", "blob"); err != nil || e.Key != "a.png" {
		t.Fatalf("blob: %+v, %v", e, err)
	}
}

// TestRecord: another server's emoji are recorded as its documents name them, again
// and again, while what moderators set here (disabled, hidden, category) stays.
func TestRecord(t *testing.T) {
	ctx := context.Background()
	s := emoji.New(testrig.NewEngines(t).OpenStore(emoji.Schema()...))
	const d = "remote.example"
	if err := s.Record(ctx, d, []*emoji.Emoji{{Shortcode: "blob", Domain: d, URL: "https://remote.example/1.png"},
		{Shortcode: "cat", Domain: d, URL: "https://remote.example/cat.png"}}); err != nil {
		t.Fatal(err)
	}
	e, err := s.Get(ctx, d, "blob")
	if err != nil {
		t.Fatal(err)
	}
	e.Disabled, e.Hidden, e.Category = true, true, "theirs"
	if err := s.Put(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := s.Record(ctx, d, []*emoji.Emoji{{Shortcode: "blob", Domain: d, URL: "https://remote.example/2.png"}}); err != nil {
		t.Fatal(err)
	}
	if e, err := s.Get(ctx, d, "blob"); err != nil || e.URL != "https://remote.example/2.png" || !e.Disabled || !e.Hidden || e.Category != "theirs" {
		t.Fatalf("blob seen again: %+v, %v", e, err)
	}
	if e, err := s.Get(ctx, d, "cat"); err != nil || e.Disabled || e.URL != "https://remote.example/cat.png" {
		t.Fatalf("cat: %+v, %v", e, err)
	}
	if err := s.Record(ctx, d, []*emoji.Emoji{{Shortcode: "blob", Domain: "other.example"}}); !errors.Is(err, emoji.ErrInvalid) {
		t.Fatalf("another domain's emoji: %v", err)
	}
}
