package moderation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/shard"
)

// Account action types, as Mastodon's Admin::AccountAction.
const (
	ActionNone      = "none"
	ActionSensitive = "sensitive"
	ActionDisable   = "disable"
	ActionSilence   = "silence"
	ActionSuspend   = "suspend"
)

// AccountAction is what a moderator does to an account: POST
// /api/v1/admin/accounts/:id/action.
type AccountAction struct {
	Type string
	// ReportID, if set, is a report about the account that the action resolves.
	ReportID shard.ID
	// Text is the moderator's note to the account, in its warning after the preset's
	// text, and in the audit log.
	Text string
	// PresetID, if set, names the warning preset whose text opens the warning.
	PresetID shard.ID
	// Notify tells a local account of its warning (notification, and email when mail
	// is configured): Mastodon's send_email_notification, true unless given false.
	Notify bool
	// WithoutStatuses leaves the report's statuses out of the warning (Mastodon's
	// include_statuses=false).
	WithoutStatuses bool
}

// typesFor lists the actions open on an account: disable needs a local login.
func typesFor(a *account.Account) []string {
	if a.Local() {
		return []string{ActionNone, ActionDisable, ActionSensitive, ActionSilence, ActionSuspend}
	}
	return []string{ActionNone, ActionSensitive, ActionSilence, ActionSuspend}
}

// Target is an account as moderators see it: with its login when it is local.
type Target struct {
	Account *account.Account
	// User is nil for remote accounts.
	User *account.User
}

// Target loads an account and, for a local one, its user.
func (s *Service) Target(ctx context.Context, id shard.ID) (*Target, error) {
	a, err := s.accounts.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	t := &Target{Account: a}
	if a.Local() {
		if t.User, err = s.accounts.User(ctx, id); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// save writes the target's account, and its user with the suspension mirrored.
func (s *Service) saveTarget(ctx context.Context, t *Target) error {
	if t.User == nil {
		return s.accounts.Save(ctx, t.Account)
	}
	t.User.Suspended = t.Account.Suspended
	return s.accounts.SaveBoth(ctx, t.Account, t.User)
}

// Act takes a moderator's action on an account. Staff whose role is not below the
// moderator's cannot be acted on (ErrForbidden, as Mastodon's policy); a report given must be about the account,
// and is resolved. Every action is written to the audit log and recorded as a warning
// of the account (a strike), told to a local user when act.Notify.
func (s *Service) Act(ctx context.Context, moderator, id shard.ID, act AccountAction) (*Target, error) {
	t, err := s.Target(ctx, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(typesFor(t.Account), act.Type) {
		return nil, invalid("Type is not included in the list")
	}
	if err := s.mayActOn(ctx, moderator, t.User); err != nil {
		return nil, err
	}
	var rep *Report
	if act.ReportID != 0 {
		if rep, err = s.Get(ctx, act.ReportID); errors.Is(err, ErrNotFound) || (err == nil && rep.TargetAccountID != id) {
			return nil, invalid("Report is not about this account")
		}
		if err != nil {
			return nil, err
		}
	}
	var preset *Preset
	if act.PresetID != 0 {
		if preset, err = s.Preset(ctx, act.PresetID); err != nil {
			return nil, err
		}
	}
	wasSuspended := t.Account.Suspended
	switch act.Type {
	case ActionSensitive:
		t.Account.Sensitized = true
	case ActionDisable:
		t.User.Disabled = true
	case ActionSilence:
		t.Account.Silenced = true
	case ActionSuspend:
		t.Account.Suspended, t.Account.SuspendedAt = true, s.opts.Now().UTC()
	}
	if act.Type != ActionNone {
		if err := s.saveTarget(ctx, t); err != nil {
			return nil, err
		}
	}
	if act.Type == ActionSuspend && !wasSuspended {
		s.federate(ctx, t.Account, true)
	}
	if act.Type == ActionSuspend && !t.Account.Local() { // its pictures are kept here no more
		if _, err := s.accounts.UncachePictures(ctx, id, true, true); err != nil {
			return nil, err
		}
	}
	if act.ReportID != 0 {
		if _, err := s.Resolve(ctx, act.ReportID, moderator); err != nil {
			return nil, err
		}
	}
	verb := act.Type
	if verb == ActionNone {
		verb = "warn"
	}
	if err := s.audit(ctx, moderator, verb, "Account", t.Account.Acct(), act.Text); err != nil {
		return nil, err
	}
	if _, err := s.strike(ctx, moderator, t, act, preset, rep); err != nil {
		return nil, err
	}
	return t, nil
}

// Undo names the reversals of account actions.
const (
	UndoEnable      = "enable"
	UndoUnsilence   = "unsilence"
	UndoUnsuspend   = "unsuspend"
	UndoUnsensitive = "unsensitive"
)

// Undo reverses an action on an account: enable (local accounts only, else
// ErrNotFound as Mastodon's missing user), unsilence, unsuspend, unsensitive.
func (s *Service) Undo(ctx context.Context, moderator, id shard.ID, what string) (*Target, error) {
	t, err := s.undo(ctx, id, what)
	if err != nil {
		return nil, err
	}
	if err := s.audit(ctx, moderator, what, "Account", t.Account.Acct(), ""); err != nil {
		return nil, err
	}
	return t, nil
}

// undo reverses an action on an account, unaudited (Undo, an approved appeal).
func (s *Service) undo(ctx context.Context, id shard.ID, what string) (*Target, error) {
	t, err := s.Target(ctx, id)
	if err != nil {
		return nil, err
	}
	wasSuspended := t.Account.Suspended
	if !t.Account.DeletedAt.IsZero() {
		// A deleted account is suspended for good (Mastodon's policy allows no
		// action on an account suspended permanently).
		return nil, fmt.Errorf("%s deleted account %d: %w", what, id, ErrForbidden)
	}
	switch what {
	case UndoEnable:
		if t.User == nil {
			return nil, fmt.Errorf("enable remote account %d: %w", id, account.ErrNotFound)
		}
		t.User.Disabled = false
	case UndoUnsilence:
		t.Account.Silenced, t.Account.SilencedAt = false, time.Time{}
	case UndoUnsuspend:
		t.Account.Suspended, t.Account.SuspendedAt = false, time.Time{}
	case UndoUnsensitive:
		t.Account.Sensitized = false
	default:
		return nil, fmt.Errorf("undo %q: %w", what, ErrNotFound)
	}
	if err := s.saveTarget(ctx, t); err != nil {
		return nil, err
	}
	if what == UndoUnsuspend && wasSuspended {
		s.federate(ctx, t.Account, false)
	}
	return t, nil
}

// mayActOn refuses an action on a user whose role stands at or above the
// moderator's (Mastodon's overrides?); the operator at the command line, or a service
// without Roles, may act on no one holding a role.
func (s *Service) mayActOn(ctx context.Context, moderator shard.ID, target *account.User) error {
	if target == nil || target.RoleID() == role.Everyone {
		return nil
	}
	refused := fmt.Errorf("act on staff %d: %w", target.AccountID, ErrForbidden)
	if s.opts.Roles == nil || moderator == 0 {
		return refused
	}
	mu, err := s.accounts.User(ctx, moderator)
	if err != nil {
		return err
	}
	by, err := s.opts.Roles.Of(ctx, mu.RoleID())
	if err != nil {
		return err
	}
	of, err := s.opts.Roles.Of(ctx, target.RoleID())
	if err != nil {
		return err
	}
	if !by.Role.Overrides(of.Role) {
		return refused
	}
	return nil
}

// federate tells Options.Federation of a suspension (or its lifting) just saved. A
// failure is logged: the moderator's decision stands, and is enforced here anyway.
func (s *Service) federate(ctx context.Context, a *account.Account, suspended bool) {
	if s.opts.Federation == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	var err error
	if suspended {
		err = s.opts.Federation.AccountSuspended(ctx, a)
	} else {
		err = s.opts.Federation.AccountUnsuspended(ctx, a)
	}
	if err != nil {
		s.opts.Logger.Error("moderation: federate suspension", "account", a.Acct(), "suspended", suspended, "err", err)
	}
}
