package activitypub_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestProfileUpdateFederates: bob on beta follows alice on alpha; alice's changes to
// her profile reach beta as an Update of her actor, and beta shows the new name,
// note, fields and lock.
func TestProfileUpdateFederates(t *testing.T) {
	alpha, beta, alice, bob := pair(t)
	aliceOnBeta := resolve(t, beta, bob, "alice@"+alpha.Nodes[0].Config().Domain)
	followRemote(t, beta, bob, aliceOnBeta)
	if got := bob.On(beta.With(t)).Account(aliceOnBeta); got.DisplayName != "" || got.Locked {
		t.Fatalf("alice on beta before the update: %+v", got)
	}

	alice.On(alpha.With(t)).UpdateCredentials("display_name", "Alice in Wonderland", "note", "down the rabbit hole",
		"locked", "true", "fields_attributes[0][name]", "home", "fields_attributes[0][value]", "Wonderland")
	testrig.Eventually(t, "alice's new profile on beta", func() error {
		got := bob.On(beta.With(t)).Account(aliceOnBeta)
		if got.DisplayName != "Alice in Wonderland" || !strings.Contains(got.Note, "down the rabbit hole") || !got.Locked ||
			len(got.Fields) != 1 || got.Fields[0].Name != "home" {
			return fmt.Errorf("alice on beta: %q %q locked=%t fields=%+v", got.DisplayName, got.Note, got.Locked, got.Fields)
		}
		return nil
	})
}
