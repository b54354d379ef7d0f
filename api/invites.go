package api

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/shard"
)

// Invites are managed in Mastodon's web interface only (/invites); Herd serves them
// as an extension of the API, with Mastodon's rules: a user whose role has
// invite_users makes and lists their invites; the maker, or a role with
// manage_invites, expires one (DELETE, as Mastodon's destroy, keeps it listed,
// expired); admins with manage_invites list every user's.

func (s *Server) routeInvites() {
	s.handle("GET", "/api/v1/invites", user("read:accounts"), s.permit(role.InviteUsers, s.listInvites(false)))
	s.handle("POST", "/api/v1/invites", user("write:accounts"), s.permit(role.InviteUsers, s.createInvite))
	s.handle("DELETE", "/api/v1/invites/{id}", user("write:accounts"), s.expireInvite)
	s.handle("GET", "/api/v1/admin/invites", user("admin:read:accounts"), s.listInvites(true))
	s.handle("GET", "/invite/{code}", public, s.invitePage)
	s.handle("GET", "/auth/sign_up", public, s.signUpPage)
	s.handle("POST", "/auth", public, s.signUpSubmit)
}

// InviteEntity is an invite as the extension renders it.
type InviteEntity struct {
	ID         string  `json:"id"`
	Code       string  `json:"code"`
	URL        string  `json:"url"`
	AccountID  string  `json:"account_id"`
	MaxUses    *int    `json:"max_uses"`
	Uses       int64   `json:"uses"`
	ExpiresAt  *string `json:"expires_at"`
	Expired    bool    `json:"expired"`
	Autofollow bool    `json:"autofollow"`
	Comment    *string `json:"comment"`
	CreatedAt  string  `json:"created_at"`
}

func (s *Server) inviteEntity(inv *account.Invite) *InviteEntity {
	e := &InviteEntity{ID: inv.ID.String(), Code: inv.Code, URL: s.baseURL() + "/invite/" + inv.Code,
		AccountID: inv.UserID.String(), Uses: inv.Uses, Expired: inv.Expired(s.d.Now()), Autofollow: inv.Autofollow,
		CreatedAt: datetime(inv.CreatedAt)}
	if inv.MaxUses > 0 {
		e.MaxUses = ptr(inv.MaxUses)
	}
	if !inv.ExpiresAt.IsZero() {
		e.ExpiresAt = ptr(datetime(inv.ExpiresAt))
	}
	if inv.Comment != "" {
		e.Comment = ptr(inv.Comment)
	}
	return e
}

// createInvite is POST /api/v1/invites: max_uses (blank: no limit), expires_in in
// seconds among Mastodon's choices (1800, 3600, 21600, 43200, 86400, 604800; blank:
// never), autofollow, comment (up to 420 characters).
func (s *Server) createInvite(r *req) error {
	n := account.NewInvite{Autofollow: r.p.boolean("autofollow"), Comment: r.p.str("comment")}
	var err error
	if n.MaxUses, err = positiveParam(r.p, "max_uses", "Max uses must be greater than 0"); err != nil {
		return err
	}
	secs, err := positiveParam(r.p, "expires_in", "Expires in is not included in the list")
	if err != nil {
		return err
	}
	n.ExpiresIn = time.Duration(secs) * time.Second
	inv, err := s.d.Accounts.CreateInvite(r.context(), r.viewer, n)
	if err != nil {
		return err
	}
	return r.json(s.inviteEntity(inv))
}

// positiveParam reads a positive integer, zero when blank; anything else is refused
// with msg.
func positiveParam(p params, name, msg string) (int, error) {
	v := strings.TrimSpace(p.str(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, &HTTPError{Code: 422, Msg: "Validation failed: " + msg}
	}
	return n, nil
}

// listInvites answers the caller's invites, or every user's (all), newest first,
// paged by id.
func (s *Server) listInvites(all bool) handlerFunc {
	return func(r *req) error {
		p, err := r.page(40, 80)
		if err != nil {
			return err
		}
		maker := r.viewer
		if all {
			maker = 0
		}
		invs, err := s.d.Accounts.Invites(r.context(), maker, p)
		if err != nil {
			return err
		}
		out := make([]*InviteEntity, len(invs))
		ids := make([]shard.ID, len(invs))
		for i, inv := range invs {
			out[i], ids[i] = s.inviteEntity(inv), inv.ID
		}
		r.link(paging.IDs(ids))
		return r.json(out)
	}
}

// expireInvite is DELETE /api/v1/invites/:id: its maker, or a role with
// manage_invites, ends it; anyone else is told it does not exist.
func (s *Server) expireInvite(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	inv, err := s.d.Accounts.Invite(r.context(), id)
	if err != nil {
		return err
	}
	if inv.UserID != r.viewer {
		may, err := s.mayManageInvites(r.context(), r.viewer)
		if err != nil {
			return err
		}
		if !may {
			return errNotFound
		}
	}
	if inv, err = s.d.Accounts.ExpireInvite(r.context(), id); err != nil {
		return err
	}
	return r.json(s.inviteEntity(inv))
}

func (s *Server) mayManageInvites(ctx context.Context, id shard.ID) (bool, error) {
	u, err := s.d.Accounts.User(ctx, id)
	if err != nil {
		return false, err
	}
	by, err := s.d.Roles.Of(ctx, u.RoleID())
	if err != nil {
		return false, err
	}
	return !u.Disabled && by.Has(role.ManageInvites), nil
}

// invitesEnabled reports whether users may invite, as Mastodon's v1 invites_enabled:
// the everyone role has invite_users.
func (s *Server) invitesEnabled(ctx context.Context) (bool, error) {
	everyone, err := s.d.Roles.Of(ctx, role.Everyone)
	if err != nil {
		return false, err
	}
	return everyone.Has(role.InviteUsers), nil
}
