package api

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/shard"
)

// The rules of a registration, shared by POST /api/v1/accounts and the sign-up form
// (/auth/sign_up, /invite/:code), as Mastodon's AppSignUpService and its
// registrations controller share the User model's:
//
//   - registrations closed: only a usable invite lets one in (403 otherwise);
//   - a usable invite (not expired, uses left, its maker's login working) skips the
//     approval of registrations by approval, and the reason that goes with it; an
//     address that needs approval (an IP block) still makes the account wait;
//   - with a minimum age (registrations_min_age), date_of_birth is required and
//     someone younger is refused; the date is not kept;
//   - the user keeps the invite and its maker (Admin::Account's
//     invited_by_account_id); with autofollow the new user follows the maker.

// signUpForm is what a registration gives.
type signUpForm struct {
	Username, Email, Password, Locale, Reason, InviteCode, DateOfBirth string
	Agreement                                                          bool
	AppID                                                              shard.ID
}

func signUpFormOf(p params) signUpForm {
	return signUpForm{Username: p.str("username"), Email: p.str("email"), Password: p.str("password"),
		Locale: p.str("locale"), Reason: p.str("reason"), InviteCode: strings.TrimSpace(p.str("invite_code")),
		DateOfBirth: strings.TrimSpace(p.str("date_of_birth")), Agreement: p.boolean("agreement")}
}

var errRegistrationsClosed = httpErr(403, "Registrations are closed on this server")

// usableInvite returns the invite of code when it lets one more user in, else nil.
func (s *Server) usableInvite(r *req, code string) (*account.Invite, error) {
	if code == "" {
		return nil, nil
	}
	inv, err := s.d.Accounts.InviteByCode(r.context(), code)
	if errors.Is(err, account.ErrInviteInvalid) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !inv.Usable(s.d.Now()) {
		return nil, nil
	}
	maker, err := s.d.Accounts.User(r.context(), inv.UserID)
	if errors.Is(err, account.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !maker.Functional() {
		return nil, nil
	}
	return inv, nil
}

// signUp registers f after the instance's rules: the new account, and whether it
// awaits approval.
func (s *Server) signUp(r *req, f signUpForm) (*account.Account, bool, error) {
	inv, err := s.usableInvite(r, f.InviteCode)
	if err != nil {
		return nil, false, err
	}
	reg, err := s.d.Settings.Registrations(r.context())
	if err != nil {
		return nil, false, err
	}
	switch {
	case !reg.Open() && inv == nil && f.InviteCode != "":
		return nil, false, errForbidden // Mastodon's check_enabled_registrations
	case !reg.Open() && inv == nil:
		return nil, false, errRegistrationsClosed
	}
	checked, err := s.d.Reports.CheckSignUp(r.context(), f.Email, s.clientAddr(r.ctx))
	if err != nil {
		return nil, false, err
	}
	if err := s.checkAge(f.DateOfBirth); err != nil {
		return nil, false, err
	}
	byApproval := reg.ApprovalRequired() && inv == nil
	if byApproval && strings.TrimSpace(f.Reason) == "" {
		return nil, false, moderation.ReasonRequired()
	}
	pending := byApproval || checked.Pending
	acc, _, err := s.d.Accounts.Register(r.context(), account.Registration{Username: f.Username, Email: f.Email,
		Password: f.Password, Locale: f.Locale, Reason: f.Reason, Agreement: f.Agreement, Pending: pending,
		AppID: f.AppID, Invite: inv, IP: s.clientAddr(r.ctx)})
	switch {
	case errors.Is(err, account.ErrInviteInvalid):
		return nil, false, errForbidden // its last use went to another registration
	case errors.Is(err, account.ErrConfirmationNotSent):
		// The account stands; the user may ask for the mail again.
		s.log.Warn("api: sign-up confirmation not queued", "account", acc.ID, "err", err)
	case err != nil:
		return nil, false, err
	}
	if !pending {
		s.letIn(r.context(), acc.ID)
	}
	return acc, pending, nil
}

// letIn is what follows a user's admission, at registration or at a moderator's
// approval: the staff are told, and a user invited with autofollow follows the
// invite's maker, as Mastodon's BootstrapTimelineService. A failure is logged: the
// admission stands.
func (s *Server) letIn(ctx context.Context, id shard.ID) {
	s.notifyStaffOfSignUp(ctx, id)
	err := s.followInviter(ctx, id)
	if err != nil {
		s.log.Warn("api: follow the inviter", "account", id, "err", err)
	}
}

func (s *Server) followInviter(ctx context.Context, id shard.ID) error {
	u, err := s.d.Accounts.User(ctx, id)
	if err != nil || u.InviteID == 0 {
		return err
	}
	inv, err := s.d.Accounts.Invite(ctx, u.InviteID)
	if err != nil || !inv.Autofollow {
		return err
	}
	acc, err := s.d.Accounts.Get(ctx, id)
	if err != nil {
		return err
	}
	maker, err := s.d.Accounts.Get(ctx, inv.UserID)
	if err != nil {
		return err
	}
	return s.d.Actions.Follow(ctx, acc, maker, account.FollowOptions{})
}

// Dates of birth are read in the forms Mastodon's clients send: ISO 8601, and the
// day first with dots that its web form sent.
var birthLayouts = []string{time.DateOnly, "02.01.2006"}

// checkAge applies the minimum age, if there is one, to a date of birth, with
// Mastodon's 422 and details: blank, invalid, or below the age limit. A birthday
// today counts.
func (s *Server) checkAge(dob string) error {
	min := s.d.Instance.MinAge
	if min <= 0 {
		return nil
	}
	if dob == "" {
		return ageError("can't be blank", "ERR_BLANK")
	}
	var born time.Time
	err := errors.New("no layout")
	for _, l := range birthLayouts {
		if born, err = time.Parse(l, dob); err == nil {
			break
		}
	}
	if err != nil {
		return ageError("is invalid", "ERR_INVALID")
	}
	y, m, d := s.d.Now().UTC().Date()
	if born.AddDate(min, 0, 0).After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return ageError("is below the age limit", "ERR_BELOW_LIMIT")
	}
	return nil
}

func ageError(description, code string) error {
	return &HTTPError{Code: 422, Msg: "Validation failed: Date of birth " + description,
		Details: map[string][]FieldError{"date_of_birth": {{Error: code, Description: description}}}}
}
