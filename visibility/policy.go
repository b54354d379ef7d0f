package visibility

import (
	"context"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// Accounts is the part of the account service that the policy reads.
type Accounts interface {
	FollowOf(ctx context.Context, follower, target shard.ID) (*account.Follow, error)
	EitherBlocks(ctx context.Context, a, b shard.ID) (bool, error)
	// FollowsEach and BlockedEither are the batch forms, one multi-get each.
	FollowsEach(ctx context.Context, follower shard.ID, targets []shard.ID) ([]bool, error)
	BlockedEither(ctx context.Context, viewer shard.ID, others []shard.ID) (map[shard.ID]bool, error)
}

// Policy loads the facts the rule needs and applies it.
type Policy struct {
	accounts Accounts
}

// New returns a policy reading relationships from accounts.
func New(accounts Accounts) *Policy { return &Policy{accounts: accounts} }

// CanSee reports whether viewer (zero: anonymous) may see st. It reads only what the
// rule needs: nothing for the author or an anonymous viewer, the blocks between
// viewer and author otherwise, and the follow only for a private status that does
// not mention the viewer.
func (p *Policy) CanSee(ctx context.Context, viewer shard.ID, st *status.Status) (bool, error) {
	f := Facts{Viewer: viewer}
	if viewer == 0 || viewer == st.AccountID {
		return Allows(f, st), nil
	}
	blocked, err := p.accounts.EitherBlocks(ctx, viewer, st.AccountID)
	if err != nil {
		return false, err
	}
	f.Blocked = blocked
	if !blocked && needsFollow(viewer, st) {
		fl, err := p.accounts.FollowOf(ctx, viewer, st.AccountID)
		if err != nil {
			return false, err
		}
		f.Follows = fl != nil
	}
	return Allows(f, st), nil
}

// Boostable is the rule Boostable, for the status use cases that take a Policy.
func (p *Policy) Boostable(viewer shard.ID, st *status.Status) bool { return Boostable(viewer, st) }

// needsFollow reports whether the rule's answer for st depends on following.
func needsFollow(viewer shard.ID, st *status.Status) bool {
	return st.Visibility == status.Private && viewer != st.AccountID && !st.Mentioned(viewer)
}

// Listed returns the visibilities of author's statuses listed to viewer (see Listed),
// reading the follow only for a signed-in viewer other than the author.
func (p *Policy) Listed(ctx context.Context, viewer, author shard.ID) ([]status.Visibility, error) {
	follows := false
	if viewer != 0 && viewer != author {
		fl, err := p.accounts.FollowOf(ctx, viewer, author)
		if err != nil {
			return nil, err
		}
		follows = fl != nil
	}
	return Listed(viewer, author, follows), nil
}

// Relations loads the facts needed to judge sts for viewer, with one multi-get for
// the blocks of their authors and one for the follows the rule needs (authors of
// private statuses that do not mention the viewer). blocked, when not nil, is a set
// the caller already loaded of the authors blocked either way (it may hold more, such
// as mutes), and saves the first read.
func (p *Policy) Relations(ctx context.Context, viewer shard.ID, sts []*status.Status, blocked map[shard.ID]bool) (Relations, error) {
	r := Relations{Viewer: viewer, Blocked: blocked, Follows: map[shard.ID]bool{}}
	if viewer == 0 {
		return r, nil
	}
	if r.Blocked == nil {
		var err error
		if r.Blocked, err = p.accounts.BlockedEither(ctx, viewer, authors(sts, nil)); err != nil {
			return r, err
		}
	}
	need := authors(sts, func(st *status.Status) bool { return needsFollow(viewer, st) && !r.Blocked[st.AccountID] })
	if len(need) == 0 {
		return r, nil
	}
	follows, err := p.accounts.FollowsEach(ctx, viewer, need)
	if err != nil {
		return r, err
	}
	for i, a := range need {
		r.Follows[a] = follows[i]
	}
	return r, nil
}

// Filter keeps the statuses of sts that viewer may see, in order (boosts are judged by
// themselves: a reader that has the originals judges them with AllowsBoost).
func (p *Policy) Filter(ctx context.Context, viewer shard.ID, sts []*status.Status) ([]*status.Status, error) {
	r, err := p.Relations(ctx, viewer, sts, nil)
	if err != nil {
		return nil, err
	}
	out := make([]*status.Status, 0, len(sts))
	for _, st := range sts {
		if r.Allows(st) {
			out = append(out, st)
		}
	}
	return out, nil
}

// authors returns the distinct authors of the statuses that pass keep (all if nil).
func authors(sts []*status.Status, keep func(*status.Status) bool) []shard.ID {
	seen := make(map[shard.ID]bool, len(sts))
	var out []shard.ID
	for _, st := range sts {
		if !seen[st.AccountID] && (keep == nil || keep(st)) {
			seen[st.AccountID] = true
			out = append(out, st.AccountID)
		}
	}
	return out
}

// Quotable is the rule Quotable, reading the follow only where the status's quote
// policy asks for it.
func (p *Policy) Quotable(ctx context.Context, viewer shard.ID, st *status.Status) (bool, error) {
	follows := false
	if viewer != 0 && viewer != st.AccountID && st.EffectiveQuotePolicy() == status.QuoteFollowers {
		fl, err := p.accounts.FollowOf(ctx, viewer, st.AccountID)
		if err != nil {
			return false, err
		}
		follows = fl != nil
	}
	return Quotable(viewer, st, follows), nil
}
