package moderation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/visibility"
)

// NewReport is what a reporter gives: POST /api/v1/reports, or a Flag from another
// server.
type NewReport struct {
	AccountID, TargetAccountID shard.ID
	StatusIDs                  []shard.ID
	Comment                    string
	// Category is spam, legal, violation or other; empty means other, and rule ids
	// make it violation, as Mastodon's ReportService does.
	Category string
	RuleIDs  []string
	// Forward asks for a copy to go to a remote target's server.
	Forward bool
	// URI is the id of the Flag activity, for reports from other servers.
	URI string
	// Automatic marks a report the server files itself (a content rule's, in the name
	// of the admin who made the rule): the statuses are not checked against what the
	// reporter may see.
	Automatic bool
}

// Create files a report. The target must exist, and every status must be the
// target's; a local reporter must also be able to see them (ErrNotFound otherwise,
// as Mastodon's 404). Local comments are limited to MaxComment characters.
func (s *Service) Create(ctx context.Context, n NewReport) (*Report, error) {
	reporter, err := s.accounts.Get(ctx, n.AccountID)
	if err != nil {
		return nil, err
	}
	target, err := s.accounts.Get(ctx, n.TargetAccountID)
	if err != nil {
		return nil, err
	}
	statusIDs, err := s.checkStatuses(ctx, reporter, target, n.StatusIDs, n.Automatic)
	if err != nil {
		return nil, err
	}
	category, err := s.category(ctx, n)
	if err != nil {
		return nil, err
	}
	if reporter.Local() && utf8.RuneCountInString(n.Comment) > MaxComment {
		return nil, invalid("Comment is too long (maximum is %d characters)", MaxComment)
	}
	now := s.opts.Now().UTC()
	r := &Report{ID: s.ids.Next(), AccountID: reporter.ID, TargetAccountID: target.ID, StatusIDs: statusIDs,
		Comment: n.Comment, Category: category, Forwarded: n.Forward && !target.Local(),
		CreatedAt: now, UpdatedAt: now, URI: n.URI}
	if category == CategoryViolation {
		r.RuleIDs = distinct(n.RuleIDs)
	}
	if err := s.save(ctx, r, nil); err != nil {
		return nil, err
	}
	s.notifyStaff(ctx, r)
	return r, nil
}

// notifyStaff tells the users whose role may manage reports of a new report, unless
// its target already has an open one, as Mastodon's ReportService (whose moderators
// hear of an account once until they resolve its reports). A failure is logged: the
// report stands, and the moderators find it in their listing.
func (s *Service) notifyStaff(ctx context.Context, r *Report) {
	if s.opts.Notices == nil || s.opts.Roles == nil {
		return
	}
	err := func() error {
		open, err := s.List(ctx, Query{TargetAccountID: r.TargetAccountID}, paging.Page{Limit: 2})
		if err != nil {
			return err
		}
		for _, o := range open {
			if o.ID != r.ID {
				return nil
			}
		}
		return s.staffWith(ctx, role.ManageReports, func(id shard.ID, _ *account.User) error {
			return s.opts.Notices.NotifyReport(ctx, id, r.AccountID, r.ID)
		})
	}()
	if err != nil {
		s.opts.Logger.Warn("moderation: tell the staff of a report", "report", r.ID, "err", err)
	}
}

// staffWith calls f with each staff user whose login works and whose role holds p.
func (s *Service) staffWith(ctx context.Context, p role.Permissions, f func(id shard.ID, u *account.User) error) error {
	staff, err := s.accounts.Staff(ctx)
	if err != nil {
		return err
	}
	for _, id := range staff {
		u, err := s.accounts.User(ctx, id)
		if errors.Is(err, account.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		by, err := s.opts.Roles.Of(ctx, u.RoleID())
		if err != nil {
			return err
		}
		if !u.Functional() || !by.Has(p) {
			continue
		}
		if err := f(id, u); err != nil {
			return err
		}
	}
	return nil
}

// category picks the category of a new report and checks its rules.
func (s *Service) category(ctx context.Context, n NewReport) (string, error) {
	c := n.Category
	switch {
	case len(n.RuleIDs) > 0:
		c = CategoryViolation
	case c == "":
		c = CategoryOther
	case !slices.Contains(Categories, c):
		return "", invalid("Category is not included in the list")
	}
	if c == CategoryViolation {
		if err := s.checkRules(ctx, n.RuleIDs); err != nil {
			return "", err
		}
	}
	return c, nil
}

// checkRules refuses a violation that cites no rule or a rule that does not exist,
// as Mastodon's report validation.
func (s *Service) checkRules(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return invalid("Rule ids does not reference valid rules")
	}
	ok, err := s.opts.Rules.ValidRules(ctx, ids)
	if err != nil {
		return err
	}
	if !ok {
		return invalid("Rule ids does not reference valid rules")
	}
	return nil
}

// checkStatuses returns the distinct ids of the reported statuses, or ErrNotFound
// when one is missing, someone else's, or hidden from a local reporter.
func (s *Service) checkStatuses(ctx context.Context, reporter, target *account.Account, ids []shard.ID, automatic bool) ([]shard.ID, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ids = distinct(ids)
	sts, err := s.statuses.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	// A remote reporter's server chose what it saw; a local reporter reports what the
	// visibility policy lets them see, blocks aside (one may report who blocks one).
	facts := visibility.Facts{Viewer: reporter.ID}
	followRead := false
	for _, id := range ids {
		st := sts[id]
		if st == nil || st.AccountID != target.ID {
			return nil, fmt.Errorf("reported status %d: %w", id, status.ErrNotFound)
		}
		if !reporter.Local() || automatic || visibility.Allows(facts, st) {
			continue
		}
		if st.Visibility == status.Private && !followRead {
			f, err := s.accounts.FollowOf(ctx, reporter.ID, target.ID)
			if err != nil {
				return nil, err
			}
			facts.Follows, followRead = f != nil, true
		}
		if !visibility.Allows(facts, st) {
			return nil, fmt.Errorf("reported status %d hidden from %d: %w", id, reporter.ID, status.ErrNotFound)
		}
	}
	return ids, nil
}

// distinct returns the values of in without repeats, in their first order.
func distinct[T comparable](in []T) []T {
	seen := make(map[T]bool, len(in))
	out := make([]T, 0, len(in))
	for _, v := range in {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
