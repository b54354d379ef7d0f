package api

import (
	"context"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
)

// routeAdminAccounts registers Mastodon's admin accounts API.
func (s *Server) routeAdminAccounts() {
	read, write := user("admin:read:accounts"), user("admin:write:accounts")
	s.handle("GET", "/api/v1/admin/accounts", read, s.listAdminAccounts(v1AccountQuery))
	s.handle("GET", "/api/v2/admin/accounts", read, s.listAdminAccounts(v2AccountQuery))
	s.handle("GET", "/api/v1/admin/accounts/{id}", read, s.adminAccountDo(
		func(ctx context.Context, _ *req, id shard.ID) (*moderation.Target, error) {
			return s.d.Reports.Target(ctx, id)
		}))
	s.handle("POST", "/api/v1/admin/accounts/{id}/action", write, s.accountAction)
	for _, undo := range []string{moderation.UndoEnable, moderation.UndoUnsilence, moderation.UndoUnsuspend,
		moderation.UndoUnsensitive} {
		s.handle("POST", "/api/v1/admin/accounts/{id}/"+undo, write, s.adminAccountDo(
			func(ctx context.Context, r *req, id shard.ID) (*moderation.Target, error) {
				return s.d.Reports.Undo(ctx, r.viewer, id, undo)
			}))
	}
	s.handle("POST", "/api/v1/admin/accounts/{id}/approve", write, s.adminAccountDo(
		func(ctx context.Context, r *req, id shard.ID) (*moderation.Target, error) {
			t, err := s.d.Reports.Approve(ctx, r.viewer, id, true)
			if err == nil {
				s.letIn(ctx, id)
			}
			return t, err
		}))
	s.handle("POST", "/api/v1/admin/accounts/{id}/reject", write, s.rejectAccount)
	s.handle("DELETE", "/api/v1/admin/accounts/{id}", write, s.adminAccountDo(
		func(ctx context.Context, r *req, id shard.ID) (*moderation.Target, error) {
			return s.d.Reports.Delete(ctx, r.viewer, id)
		}))
}

// v1AccountQuery reads the filters of GET /api/v1/admin/accounts: booleans for the
// origin and the state, as Mastodon's v1 translates them.
func v1AccountQuery(p params) moderation.AccountQuery {
	q := commonAccountQuery(p)
	switch {
	case p.boolean("local"):
		q.Origin = account.OriginLocal
	case p.boolean("remote"):
		q.Origin = account.OriginRemote
	}
	for _, st := range []string{moderation.StatusActive, moderation.StatusPending, moderation.StatusDisabled,
		moderation.StatusSilenced, moderation.StatusSuspended, moderation.StatusSensitized} {
		if p.boolean(st) {
			q.Status = st
		}
	}
	q.Staff = p.boolean("staff")
	return q
}

// v2AccountQuery reads the filters of GET /api/v2/admin/accounts.
func v2AccountQuery(p params) moderation.AccountQuery {
	q := commonAccountQuery(p)
	q.Origin, q.Status = p.str("origin"), p.str("status")
	q.Staff = p.str("permissions") == "staff"
	q.RoleIDs = p.list("role_ids")
	if by := p.str("invited_by"); by != "" {
		id, err := shard.Parse(by)
		q.InvitedBy, q.Nothing = id, q.Nothing || err != nil || id == 0
	}
	return q
}

func commonAccountQuery(p params) moderation.AccountQuery {
	q := moderation.AccountQuery{Username: p.str("username"), DisplayName: p.str("display_name"),
		Domain: p.str("by_domain"), Email: p.str("email")}
	if v := p.str("ip"); v != "" {
		// An address or a network; anything else matches nothing, as Mastodon's.
		var ok bool
		q.IP, ok = account.ParseIPQuery(v)
		q.Nothing = !ok
	}
	return q
}

// listAdminAccounts answers the admin account lists, newest first, paged by id.
func (s *Server) listAdminAccounts(parse func(params) moderation.AccountQuery) handlerFunc {
	return func(r *req) error {
		p, err := r.page(100, 200)
		if err != nil {
			return err
		}
		targets, err := s.d.Reports.Accounts(r.context(), parse(r.p), p)
		if err != nil {
			return err
		}
		out, err := s.adminTargets(r.context(), targets)
		if err != nil {
			return err
		}
		ids := make([]shard.ID, len(targets))
		for i, t := range targets {
			ids[i] = t.Account.ID
		}
		r.link(paging.IDs(ids))
		return r.json(out)
	}
}

// adminAccountDo answers the admin endpoints on one account with its Admin::Account
// after do.
func (s *Server) adminAccountDo(do func(ctx context.Context, r *req, id shard.ID) (*moderation.Target, error)) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		t, err := do(r.context(), r, id)
		if err != nil {
			return err
		}
		out, err := s.adminTargets(r.context(), []*moderation.Target{t})
		if err != nil {
			return err
		}
		return r.json(out[0])
	}
}

// accountAction answers POST /api/v1/admin/accounts/:id/action with an empty object,
// as Mastodon; the action leaves a warning, told to a local user unless
// send_email_notification is false.
func (s *Server) accountAction(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	act := moderation.AccountAction{Type: r.p.str("type"), Text: r.p.str("text"),
		Notify: optTrue(r.p.optBool("send_email_notification")), WithoutStatuses: !optTrue(r.p.optBool("include_statuses"))}
	if r.p.str("report_id") != "" {
		if act.ReportID, err = shard.Parse(r.p.str("report_id")); err != nil {
			return &HTTPError{Code: 422, Msg: "Validation failed: Report is not about this account"}
		}
	}
	if v := r.p.str("warning_preset_id"); v != "" {
		if act.PresetID, err = shard.Parse(v); err != nil {
			return errNotFound
		}
	}
	if _, err := s.d.Reports.Act(r.context(), r.viewer, id, act); err != nil {
		return err
	}
	return r.json(struct{}{})
}

// optTrue is an optional boolean that defaults to true.
func optTrue(b *bool) bool { return b == nil || *b }

// rejectAccount answers POST /api/v1/admin/accounts/:id/reject with the account as it
// was: the rejection removes it.
func (s *Server) rejectAccount(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	t, err := s.d.Reports.Target(r.context(), id)
	if err != nil {
		return err
	}
	out, err := s.adminTargets(r.context(), []*moderation.Target{t})
	if err != nil {
		return err
	}
	if _, err := s.d.Reports.Approve(r.context(), r.viewer, id, false); err != nil {
		return err
	}
	return r.json(out[0])
}
