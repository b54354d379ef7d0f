package deadletter_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/herd-social/herd/activitypub"
	"github.com/herd-social/herd/card"
	"github.com/herd-social/herd/fanout"
	"github.com/herd-social/herd/search/indexer"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
	"github.com/herd-social/herd/trends"
)

// An operator lists a dead letter, repairs its cause and replays it: the group that
// failed it processes it, and the letter is gone. Replaying every letter of a group
// empties it.
func TestAdminListAndReplay(t *testing.T) {
	ctx := context.Background()
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	bob.Follow(alice)
	n := c.Nodes[0]
	post := alice.Post("the original")
	waitHome(t, c, bob, "the original")

	// A created event of a status whose record is corrupt is set aside by every group
	// of the statuses topic that reads the status (fan-out, federation, cards, search,
	// trends).
	orig, err := shard.Parse(post["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	good, err := n.Store().Get(ctx, "statuses", orig.Bytes(), []byte{})
	if err != nil {
		t.Fatal(err)
	}
	id := orig + 1
	if err := n.Store().Put(ctx, "statuses", id.Bytes(), []byte{}, undecodable, 0); err != nil {
		t.Fatal(err)
	}
	ev, _ := store.Marshal(&status.Event{Kind: status.Created, StatusID: id, Author: mustParse(t, alice.ID)})
	publish(t, n, status.Topic, mustParse(t, alice.ID).Bytes(), ev)
	letter := waitLetters(t, n, fanout.Group, status.Topic, 1)[0]
	waitLetters(t, n, activitypub.OutboxGroup, status.Topic, 1)
	waitLetters(t, n, card.Group, status.Topic, 1)
	searchGroup := fmt.Sprintf("%s.%d", indexer.Group, n.Config().NodeID)
	waitLetters(t, n, searchGroup, status.Topic, 1)
	waitLetters(t, n, trends.Group, status.Topic, 1)
	if all, err := n.AdminDeadLetters(ctx, "", 0); err != nil || len(all) != 5 {
		t.Fatalf("all letters: %v, %v", all, err)
	}
	if one, err := n.AdminDeadLetters(ctx, "", 1); err != nil || len(one) != 1 {
		t.Fatalf("letters with limit 1: %v, %v", one, err)
	}

	// Repaired, the replayed event reaches Bob's home.
	var st status.Status
	if err := store.Unmarshal(good, &st); err != nil {
		t.Fatal(err)
	}
	st.ID, st.Text, st.Content = id, "repaired", "<p>repaired, then replayed</p>"
	fixed, _ := store.Marshal(&st)
	if err := n.Store().Put(ctx, "statuses", id.Bytes(), []byte{}, fixed, 0); err != nil {
		t.Fatal(err)
	}
	if err := n.AdminReplayDeadLetter(ctx, letter.ID()); err != nil {
		t.Fatal(err)
	}
	waitHome(t, c, bob, "repaired, then replayed")
	if left, err := n.AdminDeadLetters(ctx, fanout.Group, 0); err != nil || len(left) != 0 {
		t.Fatalf("fanout letters after replay: %v, %v", left, err)
	}
	if err := n.AdminReplayDeadLetter(ctx, letter.ID()); err == nil {
		t.Fatal("a replayed letter replayed again")
	}

	// Replaying a whole group, each of the four left.
	for _, group := range []string{activitypub.OutboxGroup, card.Group, searchGroup, trends.Group} {
		k, err := n.AdminReplayDeadLetters(ctx, group)
		if err != nil || k != 1 {
			t.Fatalf("replay the %s group: %d, %v", group, k, err)
		}
	}
	if left, err := n.AdminDeadLetters(ctx, "", 0); err != nil || len(left) != 0 {
		t.Fatalf("letters after replaying all: %v, %v", left, err)
	}
	counts, err := n.AdminDeadLetterCounts(ctx)
	if err != nil || counts[fanout.Group] != 1 || counts[activitypub.OutboxGroup] != 1 || counts[card.Group] != 1 || counts[searchGroup] != 1 ||
		counts[trends.Group] != 1 {
		t.Fatalf("counts %v, %v", counts, err)
	}
}

func mustParse(t *testing.T, s string) shard.ID {
	t.Helper()
	id, err := shard.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
