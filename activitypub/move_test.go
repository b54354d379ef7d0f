package activitypub_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestMoveCarriesBlocksMutesAndNotes: when Bob moves to Bob2, the people on alpha
// keep what they had set on Bob, as Mastodon's MoveWorker carries it: Alice's note
// (she followed Bob) is copied to Bob2 under a line naming Bob; Dave's block and
// Erin's mute (hiding notifications) become a block and a mute of Bob2, each with a
// note saying why; Frank, who mutes Bob but already follows Bob2, is left as he is.
func TestMoveCarriesBlocksMutesAndNotes(t *testing.T) {
	a, b, alice, bob := pair(t)
	betaDomain := b.Nodes[0].Config().Domain
	bob2 := b.Register("bob2")
	dave, erin, frank := a.Register("dave"), a.Register("erin"), a.Register("frank")
	bobOnA := resolve(t, a, alice, "@bob@"+betaDomain)
	bob2OnA := resolve(t, a, alice, "@bob2@"+betaDomain)
	followRemote(t, a, alice, bobOnA)
	a.Must(alice.Do("POST", "/api/v1/accounts/"+bobOnA+"/note", url.Values{"comment": {"met at the conference"}}), 200)
	dave.Relate(bobOnA, "block")
	erin.Relate(bobOnA, "mute", "notifications", "true")
	frank.Relate(bobOnA, "mute")
	followRemote(t, a, frank, bob2OnA)

	alias(t, b, bob2, bob)
	if err := b.Nodes[0].Federation.SendMove(context.Background(), id(t, bob.ID), id(t, bob2.ID)); err != nil {
		t.Fatal(err)
	}
	testrig.Eventually(t, "Alice following Bob2", func() error { return following(t, a, alice, bob2OnA, true) })
	from := "bob@" + betaDomain
	want := map[*testrig.User]testrig.Relationship{
		alice: {Following: true, Note: "This user moved from " + from + ", here were your previous notes about them:\nmet at the conference"},
		dave:  {Blocking: true, Note: "This user moved from " + from + ", which you had blocked."},
		erin:  {Muting: true, MutingNotifications: true, Note: "This user moved from " + from + ", which you had muted."},
		frank: {Following: true},
	}
	testrig.Eventually(t, "what Bob carried over to Bob2", func() error {
		for u, w := range want {
			r := u.On(a.With(t)).Relationship(bob2OnA)
			if r.Following != w.Following || r.Blocking != w.Blocking || r.Muting != w.Muting ||
				r.MutingNotifications != w.MutingNotifications || r.Note != w.Note {
				return fmt.Errorf("%s's relationship to Bob2: %+v, want %+v", u.Name, r, w)
			}
		}
		return nil
	})
}
