package api

import (
	"context"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/visibility"
)

// Quotes render as Mastodon's: a status rendered on its own carries a Quote with the
// quoted status in full, and that quoted status a ShallowQuote naming what it quotes
// by id, so that a chain of quotes costs one level. A quote's stored state is
// accepted, pending, rejected or revoked; what an accepted quote shows also depends
// on the quoted status (deleted when it is gone) and on the viewer (unauthorized
// when the viewer may not see it).

// shallowQuote renders st's quote as a ShallowQuote, or nil.
func shallowQuote(st *status.Status) any {
	q := st.Quote
	if q == nil {
		return nil
	}
	out := &ShallowQuote{State: string(q.State)}
	if q.State == status.QuoteAccepted && q.StatusID != 0 {
		out.QuotedStatusID = ptr(q.StatusID.String())
	}
	return out
}

// deepenQuotes replaces the ShallowQuotes of the rendered statuses among shown by
// Quotes that carry the quoted statuses, rendered for the viewer.
func (s *Server) deepenQuotes(ctx context.Context, viewer shard.ID, shown []*status.Status, rendered map[shard.ID]*Status) error {
	var ids []shard.ID
	for _, st := range shown {
		if q := st.Quote; q != nil && q.State == status.QuoteAccepted && q.StatusID != 0 && rendered[st.ID] != nil {
			ids = append(ids, q.StatusID)
		}
	}
	var quoted map[shard.ID]*Status
	exists := map[shard.ID]bool{}
	if len(ids) > 0 {
		var err error
		if quoted, exists, err = s.quotedStatuses(ctx, viewer, ids); err != nil {
			return err
		}
	}
	for _, st := range shown {
		r, q := rendered[st.ID], st.Quote
		if r == nil || q == nil {
			continue
		}
		out := &Quote{State: string(q.State)}
		if q.State == status.QuoteAccepted {
			switch qs := quoted[q.StatusID]; {
			case qs != nil:
				out.QuotedStatus = qs
			case !exists[q.StatusID]:
				out.State = "deleted"
			default:
				out.State = "unauthorized"
			}
		}
		r.Quote = out
	}
	return nil
}

// quotedStatuses renders the quoted statuses of ids that the viewer may see, and
// says which exist at all.
func (s *Server) quotedStatuses(ctx context.Context, viewer shard.ID, ids []shard.ID) (map[shard.ID]*Status, map[shard.ID]bool, error) {
	byID, err := s.d.Statuses.Cached(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	exists := make(map[shard.ID]bool, len(byID))
	var list []*status.Status
	for id, st := range byID {
		exists[id] = true
		if st.ReblogOfID == 0 {
			list = append(list, st)
		}
	}
	rel, err := s.relations(ctx, viewer, list, nil, true, hiddenAuthors{})
	if err != nil {
		return nil, nil, err
	}
	var seen []*status.Status
	var accIDs []shard.ID
	for _, st := range list {
		if rel.Allows(st) {
			seen = append(seen, st)
			accIDs = append(accIDs, st.AccountID)
			accIDs = append(accIDs, st.Mentions...)
		}
	}
	accs, err := s.accountMap(ctx, accIDs)
	if err != nil {
		return nil, nil, err
	}
	out, err := s.renderShown(ctx, viewer, seen, accs)
	if err != nil {
		return nil, nil, err
	}
	for id, r := range out {
		if r.Account.Suspended {
			delete(out, id)
		}
	}
	return out, exists, nil
}

// quoteApprovals renders the quote_approval of each of shown for the viewer, in order.
func (s *Server) quoteApprovals(ctx context.Context, viewer shard.ID, shown []*status.Status) ([]*QuoteApproval, error) {
	var authors []shard.ID
	for _, st := range shown {
		if viewer != 0 && st.AccountID != viewer && st.EffectiveQuotePolicy() == status.QuoteFollowers {
			authors = append(authors, st.AccountID)
		}
	}
	follows := map[shard.ID]bool{}
	if len(authors) > 0 {
		fs, err := s.d.Accounts.FollowsEach(ctx, viewer, authors)
		if err != nil {
			return nil, err
		}
		for i, a := range authors {
			follows[a] = fs[i]
		}
	}
	out := make([]*QuoteApproval, len(shown))
	for i, st := range shown {
		a := &QuoteApproval{Automatic: []string{}, Manual: []string{}, CurrentUser: "denied"}
		if p := st.EffectiveQuotePolicy(); p != status.QuoteNobody {
			a.Automatic = append(a.Automatic, string(p))
		}
		switch {
		case viewer == 0:
			a.CurrentUser = "unknown"
		case visibility.Quotable(viewer, st, follows[st.AccountID]):
			a.CurrentUser = "automatic"
		}
		out[i] = a
	}
	return out, nil
}
