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
