package moderation

import (
	"context"
	"slices"
	"time"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
)

// Query selects reports for moderators: open (default) or resolved ones, optionally
// only those of one reporter and against one target.
type Query struct {
	Resolved        bool
	AccountID       shard.ID
	TargetAccountID shard.ID
}

func (q Query) partition() []byte {
	state := stateOf(q.Resolved)
	switch {
	case q.TargetAccountID != 0:
		return indexKey(state, "target", q.TargetAccountID)
	case q.AccountID != 0:
		return indexKey(state, "account", q.AccountID)
	}
	return indexKey(state, "", 0)
}

func (q Query) matches(r *Report) bool {
	return r.Resolved() == q.Resolved &&
		(q.AccountID == 0 || r.AccountID == q.AccountID) &&
		(q.TargetAccountID == 0 || r.TargetAccountID == q.TargetAccountID)
}

// List returns one page of the reports q selects, newest first. It scans one
// partition of report_index (the target's when given, else the reporter's, else the
// state's) and keeps scanning past rows that another filter or a concurrent state
// change leaves out.
func (s *Service) List(ctx context.Context, q Query, p paging.Page) ([]*Report, error) {
	if p.Limit <= 0 {
		return nil, nil
	}
	pk := q.partition()
	var out []*Report
	for len(out) < p.Limit {
		rows, err := s.st.Scan(ctx, tIndex, pk, p.Range())
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			break
		}
		ids := make([]shard.ID, len(rows))
		for i, r := range rows {
			ids[i] = shard.FromBytes(r.CK)
		}
		reps, err := s.getMany(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, r := range reps {
			if q.matches(r) {
				out = append(out, r)
			}
		}
		if len(rows) < p.Limit {
			break
		}
		if last := ids[len(ids)-1]; p.Forward() {
			p.MinID = last
		} else {
			p.MaxID = last
		}
	}
	out = out[:min(len(out), p.Limit)]
	if p.Forward() {
		slices.Reverse(out)
	}
	return out, nil
}

// change applies f to a report and saves it, with its index rows where its state
// moved.
func (s *Service) change(ctx context.Context, id shard.ID, f func(r *Report) error) (*Report, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	before := *r
	if err := f(r); err != nil {
		return nil, err
	}
	r.UpdatedAt = s.opts.Now().UTC()
	if err := s.save(ctx, r, &before); err != nil {
		return nil, err
	}
	return r, nil
}

// Resolve marks a report as acted upon by moderator.
func (s *Service) Resolve(ctx context.Context, id, moderator shard.ID) (*Report, error) {
	return s.change(ctx, id, func(r *Report) error {
		r.ActionTakenAt, r.ActionTakenByAccountID = s.opts.Now().UTC(), moderator
		return nil
	})
}

// Reopen marks a resolved report as open again.
func (s *Service) Reopen(ctx context.Context, id shard.ID) (*Report, error) {
	return s.change(ctx, id, func(r *Report) error {
		r.ActionTakenAt, r.ActionTakenByAccountID = time.Time{}, 0
		return nil
	})
}

// Assign gives a report to a moderator; zero unassigns it.
func (s *Service) Assign(ctx context.Context, id, moderator shard.ID) (*Report, error) {
	return s.change(ctx, id, func(r *Report) error {
		r.AssignedAccountID = moderator
		return nil
	})
}

// Update changes the category and cited rules of a report; nil leaves them alone.
func (s *Service) Update(ctx context.Context, id shard.ID, category *string, ruleIDs *[]string) (*Report, error) {
	return s.change(ctx, id, func(r *Report) error {
		if category != nil {
			if !slices.Contains(Categories, *category) {
				return invalid("Category is not included in the list")
			}
			r.Category = *category
		}
		if ruleIDs != nil {
			if len(*ruleIDs) > 0 {
				if err := s.checkRules(ctx, *ruleIDs); err != nil {
					return err
				}
			}
			r.RuleIDs = distinct(*ruleIDs)
		}
		return nil
	})
}
