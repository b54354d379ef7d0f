package conversation_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/herd-social/herd/conversation"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

func newService(t *testing.T) *conversation.Service {
	ids, err := shard.NewGenerator(1, shard.DefaultNodeBits, nil)
	if err != nil {
		t.Fatal(err)
	}
	return conversation.New(testrig.Store(t, conversation.Schema()...), ids)
}

// lastIDs lists the last status of owner's conversations, newest first.
func lastIDs(t *testing.T, s *conversation.Service, owner shard.ID, p paging.Page) []shard.ID {
	t.Helper()
	cs, err := s.Page(context.Background(), owner, p)
	if err != nil {
		t.Fatal(err)
	}
	var out []shard.ID
	for _, c := range cs {
		out = append(out, c.LastStatusID)
	}
	return out
}

func TestOthers(t *testing.T) {
	for _, tc := range []struct {
		name           string
		owner, author  shard.ID
		mentions, want []shard.ID
	}{
		{"the author sees the mentioned", 1, 1, []shard.ID{3, 2}, []shard.ID{2, 3}},
		{"a mentioned sees the author and the others", 2, 1, []shard.ID{3, 2}, []shard.ID{1, 3}},
		{"repeated mentions once", 2, 1, []shard.ID{2, 2, 1}, []shard.ID{1}},
		{"a note to oneself has no other", 1, 1, []shard.ID{1}, []shard.ID{}},
		{"all participants (owner 0)", 0, 5, []shard.ID{4}, []shard.ID{4, 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := conversation.Others(tc.owner, tc.author, tc.mentions); !slices.Equal(got, tc.want) {
				t.Fatalf("Others = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestLifecycle: statuses join the conversation of their participant set, the newest
// is the last, an older arrival only marks it unread, a repeat changes nothing, and
// deletes fall back to the previous status until the conversation disappears.
func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	const me, you, them = shard.ID(1), shard.ID(2), shard.ID(3)
	add := func(author, id shard.ID, others ...shard.ID) *conversation.Conversation {
		t.Helper()
		c, err := s.Add(ctx, me, author, id, others)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := add(me, 100, you)
	if first.Unread || first.LastStatusID != 100 {
		t.Fatalf("after my status %+v", first)
	}
	if c := add(you, 200, you); c.ID != first.ID || !c.Unread || c.LastStatusID != 200 {
		t.Fatalf("after your reply %+v", c)
	}
	if _, err := s.Read(ctx, me, first.ID); err != nil {
		t.Fatal(err)
	}
	if c := add(you, 150, you); c.LastStatusID != 200 || !c.Unread {
		t.Fatalf("after an older arrival %+v", c)
	}
	if _, err := s.Read(ctx, me, first.ID); err != nil {
		t.Fatal(err)
	}
	if c := add(you, 200, you); c.Unread {
		t.Fatalf("a repeat marked it unread: %+v", c)
	}
	group := add(them, 300, them, you)
	if group.ID == first.ID || !slices.Equal(group.Participants, []shard.ID{you, them}) {
		t.Fatalf("group conversation %+v", group)
	}
	if got := lastIDs(t, s, me, paging.Page{Limit: 10}); !slices.Equal(got, []shard.ID{300, 200}) {
		t.Fatalf("page %v", got)
	}
	if got := lastIDs(t, s, me, paging.Page{MaxID: 300, Limit: 10}); !slices.Equal(got, []shard.ID{200}) {
		t.Fatalf("page before 300: %v", got)
	}
	if got := lastIDs(t, s, me, paging.Page{MinID: 200, Limit: 10}); !slices.Equal(got, []shard.ID{300}) {
		t.Fatalf("page after 200: %v", got)
	}

	for _, step := range []struct {
		id   shard.ID
		want []shard.ID
	}{{200, []shard.ID{300, 150}}, {100, []shard.ID{300, 150}}, {150, []shard.ID{300}}} {
		if _, err := s.StatusDeleted(ctx, me, step.id, []shard.ID{you}); err != nil {
			t.Fatal(err)
		}
		if got := lastIDs(t, s, me, paging.Page{Limit: 10}); !slices.Equal(got, step.want) {
			t.Fatalf("after deleting %d: %v, want %v", step.id, got, step.want)
		}
	}
	if _, err := s.Get(ctx, me, first.ID); !errors.Is(err, conversation.ErrNotFound) {
		t.Fatalf("emptied conversation: %v", err)
	}
	if err := s.Remove(ctx, me, group.ID); err != nil {
		t.Fatal(err)
	}
	if got := lastIDs(t, s, me, paging.Page{Limit: 10}); len(got) != 0 {
		t.Fatalf("after remove: %v", got)
	}
	if err := s.Remove(ctx, you, group.ID); !errors.Is(err, conversation.ErrNotFound) {
		t.Fatalf("removing another's: %v", err)
	}
	if c := add(them, 400, them, you); c.ID == group.ID || c.LastStatusID != 400 {
		t.Fatalf("a status after remove: %+v", c)
	}
}
