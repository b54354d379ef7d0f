package visibility

import (
	"testing"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// TestQuotable is the quote rule as a table: the author, a follower, a stranger and
// an anonymous reader against each visibility and policy.
func TestQuotable(t *testing.T) {
	const author, follower, stranger shard.ID = 1, 2, 3
	who := []struct {
		name    string
		id      shard.ID
		follows bool
	}{{"author", author, false}, {"follower", follower, true}, {"stranger", stranger, false}, {"anonymous", 0, false}}
	for _, tc := range []struct {
		vis    status.Visibility
		policy status.QuotePolicy
		want   string // who may quote, in the order of who
	}{
		{status.Public, "", "author follower stranger"}, // stored before quotes: public
		{status.Public, status.QuotePublic, "author follower stranger"},
		{status.Unlisted, status.QuotePublic, "author follower stranger"},
		{status.Public, status.QuoteFollowers, "author follower"},
		{status.Public, status.QuoteNobody, "author"},
		{status.Private, status.QuotePublic, "author"},
		{status.Direct, status.QuotePublic, ""},
	} {
		st := &status.Status{AccountID: author, Visibility: tc.vis, QuotePolicy: tc.policy}
		got := ""
		for _, w := range who {
			if Quotable(w.id, st, w.follows) {
				if got != "" {
					got += " "
				}
				got += w.name
			}
		}
		if got != tc.want {
			t.Errorf("%s status, policy %q: quotable by %q, want %q", tc.vis, tc.policy, got, tc.want)
		}
	}
}
