package hashtag_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
)

// TestListing: every tag made is listed newest first and paged by id; a tag whose
// record predates the listing is listed from its next use.
func TestListing(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	var made []*hashtag.Tag
	for _, name := range []string{"one", "two", "three"} {
		tag, err := s.Ensure(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, tag)
	}
	old := &hashtag.Tag{ID: made[0].ID - 1, Name: "old"} // as written before the listing
	if err := s.Save(ctx, old); err != nil {
		t.Fatal(err)
	}
	names := func(p paging.Page) []string {
		ts, err := s.Listing(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, tag := range ts {
			out = append(out, tag.Name)
		}
		return out
	}
	if got := names(paging.Page{Limit: 10}); !slices.Equal(got, []string{"three", "two", "one"}) {
		t.Fatalf("listing: %q", got)
	}
	if got := names(paging.Page{Limit: 1, MaxID: made[2].ID}); !slices.Equal(got, []string{"two"}) {
		t.Fatalf("the page below three: %q", got)
	}
	if got := names(paging.Page{Limit: 1, MinID: made[0].ID}); !slices.Equal(got, []string{"two"}) {
		t.Fatalf("the page above one: %q", got)
	}
	if err := s.Used(ctx, []string{"old"}, nil, shard.ID(1<<40), 7); err != nil {
		t.Fatal(err)
	}
	if got := names(paging.Page{Limit: 10}); !slices.Equal(got, []string{"three", "two", "one", "old"}) {
		t.Fatalf("listing after a use of the old tag: %q", got)
	}
}

// TestCheckUsable: a tag made unusable is refused with Mastodon's message, one or
// several; unknown and usable tags pass.
func TestCheckUsable(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	for _, name := range []string{"a", "b", "c"} {
		tag, err := s.Ensure(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		tag.Unusable = name != "c"
		if err := s.Save(ctx, tag); err != nil {
			t.Fatal(err)
		}
	}
	var v *hashtag.Validation
	for _, tc := range []struct {
		names []string
		want  string
	}{
		{[]string{"c", "unknown"}, ""},
		{[]string{"c", "b"}, "Validation failed: Text contained a disallowed hashtag: b"},
		{[]string{"a", "c", "b"}, "Validation failed: Text contained the disallowed hashtags: a, b"},
	} {
		err := s.CheckUsable(ctx, tc.names)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.names, err)
		case tc.want != "" && (!errors.As(err, &v) || err.Error() != tc.want):
			t.Errorf("%q: %v, want %q", tc.names, err, tc.want)
		}
	}
}
