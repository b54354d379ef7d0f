package action_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// reports lists the open reports of an instance, newest first.
func (r rig) reports() []*moderation.Report {
	r.t.Helper()
	reps, err := r.n.Reports.List(context.Background(), moderation.Query{}, paging.Page{Limit: 20})
	must(r.t, "list reports", err)
	return reps
}

// TestReportForwards runs two instances: alice's report on alpha about bob, a remote
// account, with forward, is filed on alpha and sent to beta, whose inbox files it,
// through the same action, as a report of alpha's instance actor about bob and his
// post; that peer's report is not forwarded back. A report about a local account, or
// by a remote account, is never forwarded, whatever was asked.
func TestReportForwards(t *testing.T) {
	alpha := newRig(t, testrig.Host(t, "alpha"))
	beta := newRig(t, testrig.Host(t, "beta"))
	ctx := context.Background()
	aliceU, carolU, bobU := alpha.c.Register("alice"), alpha.c.Register("carol"), beta.c.Register("bob")
	alice, carol, bob := alpha.account(aliceU), alpha.account(carolU), beta.account(bobU)
	bobOnAlpha := alpha.remote(beta, bobU)
	post := bobU.Post("spam, spam, spam")
	postOnAlpha, err := alpha.n.Federation.ResolveStatus(ctx, post["uri"].(string))
	must(t, "resolve bob's post on alpha", err)

	rep, err := alpha.n.Actions.Report(ctx, alice, moderation.NewReport{TargetAccountID: bobOnAlpha.ID,
		StatusIDs: []shard.ID{postOnAlpha.ID}, Comment: "spam from beta", Category: moderation.CategorySpam, Forward: true})
	must(t, "alice reports bob", err)
	if rep.AccountID != alice.ID || rep.TargetAccountID != bobOnAlpha.ID || !rep.Forwarded {
		t.Fatalf("report on alpha: %+v", rep)
	}
	var onBeta *moderation.Report
	testrig.Eventually(t, "the forwarded report on beta", func() error {
		reps := beta.reports()
		if len(reps) != 1 {
			return fmt.Errorf("%d reports on beta", len(reps))
		}
		onBeta = reps[0]
		return nil
	})
	reporter := beta.byID(onBeta.AccountID)
	if onBeta.TargetAccountID != bob.ID || onBeta.Comment != "spam from beta" || onBeta.Forwarded ||
		reporter.Local() || reporter.Domain != alpha.n.Config().Domain {
		t.Fatalf("report on beta: %+v by %+v", onBeta, reporter)
	}
	postID, err := shard.Parse(post["id"].(string))
	must(t, "post id", err)
	if !slices.Equal(onBeta.StatusIDs, []shard.ID{postID}) {
		t.Fatalf("reported statuses on beta: %v, want [%d]", onBeta.StatusIDs, postID)
	}

	notForwarded(t, alpha, alice, carol, "a report about a local account")
	notForwarded(t, beta, beta.remote(alpha, aliceU), beta.remote(alpha, carolU), "a report by a remote account")
	if reps := alpha.reports(); len(reps) != 2 {
		t.Fatalf("%d reports on alpha, want alice's 2", len(reps))
	}
}

// notForwarded files by's report about target, asking to forward it, and checks
// that it was not.
func notForwarded(t *testing.T, r rig, by, target *account.Account, what string) {
	t.Helper()
	rep, err := r.n.Actions.Report(context.Background(), by, moderation.NewReport{TargetAccountID: target.ID, Forward: true})
	must(t, what, err)
	if rep.Forwarded || rep.AccountID != by.ID {
		t.Fatalf("%s: %+v", what, rep)
	}
}
