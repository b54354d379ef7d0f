package relay_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/relay"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// TestRelays: a relay is kept once per inbox, found by its Follow's id and its actor,
// and only accepted ones receive posts.
func TestRelays(t *testing.T) {
	ctx := context.Background()
	ids, err := shard.NewGenerator(1, 8, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	s := relay.New(testrig.Store(t, relay.Schema()...), ids, nil)
	a, err := s.Create(ctx, "https://a.example/inbox", "", relay.Mastodon)
	if err != nil || a.State != relay.Idle || a.Enabled() {
		t.Fatalf("create: %+v, %v", a, err)
	}
	var v *relay.Validation
	if _, err := s.Create(ctx, "https://a.example/inbox", "", relay.Mastodon); !errors.As(err, &v) {
		t.Fatalf("the same inbox again: %v", err)
	}
	b, err := s.Create(ctx, "https://b.example/inbox", "https://b.example/actor", relay.LitePub)
	if err != nil {
		t.Fatal(err)
	}
	a.FollowID, a.State, a.Actor = "https://here.example/actor#follows/relays/1/x", relay.Accepted, "https://a.example/actor"
	if err := s.Save(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ByFollowID(ctx, a.FollowID); err != nil || got.ID != a.ID {
		t.Fatalf("by follow id: %+v, %v", got, err)
	}
	if _, err := s.ByFollowID(ctx, ""); !errors.Is(err, relay.ErrNotFound) {
		t.Fatalf("by an empty follow id: %v", err)
	}
	if _, err := s.AcceptedByActor(ctx, b.Actor); !errors.Is(err, relay.ErrNotFound) {
		t.Fatalf("an idle relay's actor: %v", err)
	}
	if got, err := s.ByActor(ctx, b.Actor); err != nil || got.ID != b.ID {
		t.Fatalf("by actor: %+v, %v", got, err)
	}
	if in, err := s.Inboxes(ctx); err != nil || !slices.Equal(in, []string{a.Inbox}) {
		t.Fatalf("inboxes: %v, %v", in, err)
	}
	if err := s.Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, a.ID); !errors.Is(err, relay.ErrNotFound) {
		t.Fatalf("get a deleted relay: %v", err)
	}
	if all, err := s.List(ctx); err != nil || len(all) != 1 || all[0].ID != b.ID {
		t.Fatalf("list: %+v, %v", all, err)
	}
}

// TestSubscribers: relay mode keeps one subscriber per domain (a new Follow replaces
// the old one, keeping its id), finds it by domain and id, forgets it, and remembers
// what it passed on.
func TestSubscribers(t *testing.T) {
	ctx := context.Background()
	ids, err := shard.NewGenerator(1, 8, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	s := relay.New(testrig.Store(t, relay.Schema()...), ids, nil)
	a, err := s.Subscribe(ctx, relay.Subscriber{Domain: "a.example", Actor: "https://a.example/actor",
		Inbox: "https://a.example/inbox", Protocol: relay.Mastodon, FollowID: "f1"}, relay.Pending)
	if err != nil || a.State != relay.Pending || a.ID == 0 {
		t.Fatalf("subscribe: %+v, %v", a, err)
	}
	again, err := s.Subscribe(ctx, relay.Subscriber{Domain: "a.example", Actor: "https://a.example/relay",
		Inbox: "https://a.example/inbox", Protocol: relay.LitePub, FollowID: "f2"}, relay.Accepted)
	if err != nil || again.ID != a.ID || again.Protocol != relay.LitePub || again.FollowID != "f2" {
		t.Fatalf("subscribe again: %+v, %v", again, err)
	}
	b, err := s.Subscribe(ctx, relay.Subscriber{Domain: "b.example", Actor: "https://b.example/actor",
		Inbox: "https://b.example/inbox", Protocol: relay.Mastodon}, relay.Accepted)
	if err != nil {
		t.Fatal(err)
	}
	if all, err := s.Subscribers(ctx); err != nil || len(all) != 2 || all[0].State != relay.Accepted {
		t.Fatalf("subscribers: %+v, %v", all, err)
	}
	if got, err := s.SubscriberByID(ctx, b.ID); err != nil || got.Domain != "b.example" {
		t.Fatalf("by id: %+v, %v", got, err)
	}
	if err := s.Unsubscribe(ctx, "a.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Subscriber(ctx, "a.example"); !errors.Is(err, relay.ErrNotFound) {
		t.Fatalf("an unsubscribed domain: %v", err)
	}
	if _, err := s.SubscriberByID(ctx, a.ID); !errors.Is(err, relay.ErrNotFound) {
		t.Fatalf("an unsubscribed id: %v", err)
	}
	if done, err := s.Forwarded(ctx, "https://a.example/1"); err != nil || done {
		t.Fatalf("forwarded before: %v, %v", done, err)
	}
	if err := s.MarkForwarded(ctx, "https://a.example/1", ""); err != nil {
		t.Fatal(err)
	}
	if done, err := s.Forwarded(ctx, "https://a.example/1"); err != nil || !done {
		t.Fatalf("forwarded after: %v, %v", done, err)
	}
	if done, _ := s.Forwarded(ctx, ""); done {
		t.Fatal("an empty id is forwarded")
	}
}

// TestFanout: the fan-out's copy holds the accepted subscribers only and the allow
// list, and follows each change made through the same Service at once.
func TestFanout(t *testing.T) {
	ctx := context.Background()
	ids, err := shard.NewGenerator(1, 8, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	s := relay.New(testrig.Store(t, relay.Schema()...), ids, nil)
	accepted := func() []string {
		t.Helper()
		f, err := s.Fanout(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, sub := range f.Accepted {
			out = append(out, sub.Domain)
		}
		return out
	}
	if got := accepted(); len(got) != 0 {
		t.Fatalf("empty relay: %v", got)
	}
	a, err := s.Subscribe(ctx, relay.Subscriber{Domain: "a.example", Inbox: "https://a.example/inbox"}, relay.Accepted)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Subscribe(ctx, relay.Subscriber{Domain: "b.example", Inbox: "https://b.example/inbox"}, relay.Pending); err != nil {
		t.Fatal(err)
	}
	if got := accepted(); !slices.Equal(got, []string{"a.example"}) {
		t.Fatalf("after subscribing: %v", got)
	}
	if _, err := s.Subscribe(ctx, relay.Subscriber{Domain: "b.example", Inbox: "https://b.example/inbox"}, relay.Accepted); err != nil {
		t.Fatal(err)
	}
	if got := accepted(); !slices.Equal(got, []string{"a.example", "b.example"}) {
		t.Fatalf("after approval: %v", got)
	}
	if err := s.Unsubscribe(ctx, a.Domain); err != nil {
		t.Fatal(err)
	}
	if got := accepted(); !slices.Equal(got, []string{"b.example"}) {
		t.Fatalf("after unsubscribing: %v", got)
	}
	if _, err := s.AllowDomain(ctx, "B.example"); err != nil {
		t.Fatal(err)
	}
	if f, err := s.Fanout(ctx); err != nil || !f.Allowed["b.example"] || len(f.Allowed) != 1 {
		t.Fatalf("allow list: %+v, %v", f, err)
	}
	if err := s.DisallowDomain(ctx, "b.example"); err != nil {
		t.Fatal(err)
	}
	if err := s.DisallowDomain(ctx, "b.example"); !errors.Is(err, relay.ErrNotFound) {
		t.Fatalf("disallowed twice: %v", err)
	}
	if f, err := s.Fanout(ctx); err != nil || len(f.Allowed) != 0 {
		t.Fatalf("allow list after removal: %+v, %v", f, err)
	}
}
