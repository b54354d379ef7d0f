package visibility_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/visibility"
)

// The accounts of testdata/rules, by name; "anonymous" is the zero id.
var names = map[string]shard.ID{"anonymous": 0, "alice": 1, "bob": 2, "carol": 3, "dave": 4}

// world is what the viewer's relationships are in one case, and what the policy read.
type world struct {
	follows map[shard.ID]bool // accounts the viewer follows
	blocked map[shard.ID]bool // accounts blocked by the viewer or blocking the viewer
	reads   []string
}

func (w *world) FollowOf(_ context.Context, _, target shard.ID) (*account.Follow, error) {
	w.reads = append(w.reads, "follow")
	if w.follows[target] {
		return &account.Follow{}, nil
	}
	return nil, nil
}

func (w *world) EitherBlocks(_ context.Context, _, b shard.ID) (bool, error) {
	w.reads = append(w.reads, "blocks")
	return w.blocked[b], nil
}

func (w *world) FollowsEach(_ context.Context, _ shard.ID, targets []shard.ID) ([]bool, error) {
	w.reads = append(w.reads, "follows-each")
	out := make([]bool, len(targets))
	for i, t := range targets {
		out[i] = w.follows[t]
	}
	return out, nil
}

func (w *world) BlockedEither(_ context.Context, _ shard.ID, others []shard.ID) (map[shard.ID]bool, error) {
	w.reads = append(w.reads, "blocked-either")
	out := map[shard.ID]bool{}
	for _, o := range others {
		if w.blocked[o] {
			out[o] = true
		}
	}
	return out, nil
}

// TestRules runs testdata/rules: Mastodon's rules of who may see a status, each case
// judged three ways that must agree (the pure rule, CanSee loading facts one status at
// a time, and Relations loading them for a page), with the reads CanSee made.
func TestRules(t *testing.T) {
	datadriven.RunTest(t, "testdata/rules", func(t *testing.T, d *datadriven.TestData) string {
		w := &world{follows: ids(t, d, "follows"), blocked: ids(t, d, "blocked")}
		switch d.Cmd {
		case "see":
			return see(t, w, one(t, d, "viewer"), statusOf(t, d, 100, "author", "vis"))
		case "boost":
			orig := statusOf(t, d, 100, "author", "of")
			boost := statusOf(t, d, 101, "by", "vis")
			boost.ReblogOfID = orig.ID
			return seeBoost(t, w, one(t, d, "viewer"), boost, orig)
		case "listed":
			viewer, author := one(t, d, "viewer"), one(t, d, "author")
			vs := visibility.Listed(viewer, author, w.follows[author])
			listed, err := visibility.New(w).Listed(context.Background(), viewer, author)
			if err != nil || !slices.Equal(listed, vs) {
				t.Fatalf("Policy.Listed = %v, %v; Listed = %v", listed, err, vs)
			}
			return fmt.Sprint(vs) + "\nreads: " + reads(w)
		case "boostable":
			return yes(visibility.Boostable(one(t, d, "viewer"), statusOf(t, d, 100, "author", "vis")))
		case "audience":
			return audience(statusOf(t, d, 100, "author", "vis"))
		}
		t.Fatalf("unknown command %q", d.Cmd)
		return ""
	})
}

func see(t *testing.T, w *world, viewer shard.ID, st *status.Status) string {
	ctx := context.Background()
	p := visibility.New(w)
	rule := visibility.Allows(visibility.Facts{Viewer: viewer, Follows: w.follows[st.AccountID],
		Blocked: w.blocked[st.AccountID]}, st)
	got, err := p.CanSee(ctx, viewer, st)
	if err != nil || got != rule {
		t.Fatalf("CanSee = %v, %v; the rule says %v", got, err, rule)
	}
	canSeeReads := reads(w)
	rel, err := p.Relations(ctx, viewer, []*status.Status{st}, nil)
	if err != nil || rel.Allows(st) != rule {
		t.Fatalf("Relations(…).Allows = %v, %v; the rule says %v", rel.Allows(st), err, rule)
	}
	kept, err := p.Filter(ctx, viewer, []*status.Status{st})
	if err != nil || (len(kept) == 1) != rule {
		t.Fatalf("Filter kept %d, %v; the rule says %v", len(kept), err, rule)
	}
	return yes(rule) + "\nreads: " + canSeeReads
}

func seeBoost(t *testing.T, w *world, viewer shard.ID, boost, orig *status.Status) string {
	facts := func(a shard.ID) visibility.Facts {
		return visibility.Facts{Viewer: viewer, Follows: w.follows[a], Blocked: w.blocked[a]}
	}
	rule := visibility.AllowsBoost(facts(boost.AccountID), boost, facts(orig.AccountID), orig)
	rel, err := visibility.New(w).Relations(context.Background(), viewer, []*status.Status{boost, orig}, nil)
	if err != nil || rel.AllowsBoost(boost, orig) != rule {
		t.Fatalf("Relations(…).AllowsBoost = %v, %v; the rule says %v", rel.AllowsBoost(boost, orig), err, rule)
	}
	return yes(rule)
}

func audience(st *status.Status) string {
	var out []string
	for _, c := range []struct {
		name string
		f    func(*status.Status) bool
	}{{"followers", visibility.ToFollowers}, {"mentioned", visibility.ToMentioned},
		{"public-listings", visibility.InPublicListings}, {"public-timelines", visibility.InPublicTimelines},
		{"anonymous", visibility.Anonymous}} {
		if c.f(st) {
			out = append(out, c.name)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, " ")
}

// statusOf builds the case's status with that id: written by the account named by authorKey, with
// the visibility named by visKey, mentioning `mentions`; `remote` makes it a remote
// status, `reply` a reply to someone else's direct status that mentions nobody.
func statusOf(t *testing.T, d *datadriven.TestData, id shard.ID, authorKey, visKey string) *status.Status {
	var vis string
	d.ScanArgs(t, visKey, &vis)
	st := &status.Status{ID: id, AccountID: one(t, d, authorKey),
		Visibility: status.Visibility(vis), Local: !d.HasArg("remote")}
	if !st.Visibility.Valid() {
		t.Fatalf("visibility %q", vis)
	}
	for id := range ids(t, d, "mentions") {
		st.Mentions = append(st.Mentions, id)
	}
	if d.HasArg("reply") {
		st.InReplyToID, st.InReplyToAccountID = 99, names["dave"]
	}
	return st
}

func one(t *testing.T, d *datadriven.TestData, key string) shard.ID {
	var name string
	d.ScanArgs(t, key, &name)
	id, ok := names[name]
	if !ok {
		t.Fatalf("unknown account %q", name)
	}
	return id
}

func ids(t *testing.T, d *datadriven.TestData, key string) map[shard.ID]bool {
	out := map[shard.ID]bool{}
	arg, ok := d.Arg(key)
	if !ok {
		return out
	}
	for _, name := range arg.Vals {
		id, ok := names[name]
		if !ok {
			t.Fatalf("unknown account %q", name)
		}
		out[id] = true
	}
	return out
}

func reads(w *world) string {
	defer func() { w.reads = nil }()
	if len(w.reads) == 0 {
		return "none"
	}
	return strings.Join(w.reads, ", ")
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
