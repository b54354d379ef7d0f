package api_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestUndoWithdrawsNotification: unfavouriting and unboosting take the notification
// they gave back, as Mastodon destroys it with the favourite or the boost; doing it
// again notifies again.
func TestUndoWithdrawsNotification(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	post := alice.PostStatus("hello").ID
	kinds := func() []string {
		return testrig.Types(alice.Notifications(nil))
	}
	for _, tc := range []struct{ do, undo, kind string }{{"favourite", "unfavourite", "favourite"}, {"reblog", "unreblog", "reblog"}} {
		bob.Act(post, tc.do)
		if got := kinds(); !slices.Contains(got, tc.kind) {
			t.Fatalf("after %s: notifications %v", tc.do, got)
		}
		bob.Act(post, tc.undo)
		if got := kinds(); slices.Contains(got, tc.kind) {
			t.Fatalf("after %s: notifications %v still hold the %s", tc.undo, got, tc.kind)
		}
		bob.Act(post, tc.do)
		testrig.Eventually(t, "the "+tc.kind+" notified again", func() error {
			if got := kinds(); !slices.Contains(got, tc.kind) {
				return fmt.Errorf("notifications %v", got)
			}
			return nil
		})
	}
}
