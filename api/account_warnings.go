package api

import (
	"context"
	"errors"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
)

// AccountWarning is Mastodon's AccountWarning entity.
type AccountWarning struct {
	ID     string `json:"id"`
	Action string `json:"action"`
	Text   string `json:"text"`
	// StatusIDs is null when the warning names no statuses, as Mastodon renders it.
	StatusIDs     []string `json:"status_ids"`
	TargetAccount *Account `json:"target_account"`
	Appeal        *Appeal  `json:"appeal"`
	CreatedAt     string   `json:"created_at"`
}

// Appeal is Mastodon's Appeal entity.
type Appeal struct {
	Text  string `json:"text"`
	State string `json:"state"`
}

// AdminAppeal is an appeal as moderators review it (a Herd extension): its id is
// its warning's, which it comes with.
type AdminAppeal struct {
	ID             string          `json:"id"`
	Text           string          `json:"text"`
	State          string          `json:"state"`
	CreatedAt      string          `json:"created_at"`
	AccountWarning *AccountWarning `json:"account_warning"`
}

// routeAccountWarnings registers a user's warnings and their appeal, and the
// moderators' review of appeals: Herd's extensions (Mastodon serves them as web
// pages only).
func (s *Server) routeAccountWarnings() {
	s.handle("GET", "/api/v1/account_warnings", warned("read:accounts"), s.listAccountWarnings)
	s.handle("GET", "/api/v1/account_warnings/{id}", warned("read:accounts"), warningDo(s.accountWarnings,
		func(ctx context.Context, r *req, id shard.ID) (*moderation.Warning, error) {
			return s.d.Reports.OwnWarning(ctx, r.viewer, id)
		}))
	s.handle("POST", "/api/v1/account_warnings/{id}/appeal", warned("write:accounts"), warningDo(s.accountWarnings,
		func(ctx context.Context, r *req, id shard.ID) (*moderation.Warning, error) {
			return s.d.Reports.AppealWarning(ctx, r.viewer, id, r.p.str("text"))
		}))
	s.handle("GET", "/api/v1/admin/appeals", user("admin:read"), s.listAppeals)
	for verb, approve := range map[string]bool{"approve": true, "reject": false} {
		s.handle("POST", "/api/v1/admin/appeals/{id}/"+verb, user("admin:write"), warningDo(s.adminAppeals,
			func(ctx context.Context, r *req, id shard.ID) (*moderation.Warning, error) {
				return s.d.Reports.DecideAppeal(ctx, r.viewer, id, approve)
			}))
	}
}

func (s *Server) listAccountWarnings(r *req) error {
	p, err := r.page(40, 80)
	if err != nil {
		return err
	}
	ws, err := s.d.Reports.Warnings(r.context(), r.viewer, p)
	if err != nil {
		return err
	}
	out, err := s.accountWarnings(r.context(), ws)
	if err != nil {
		return err
	}
	r.link(warningIDs(ws))
	return r.json(out)
}

func warningIDs(ws []*moderation.Warning) paging.Cursors {
	ids := make([]shard.ID, len(ws))
	for i, w := range ws {
		ids[i] = w.ID
	}
	return paging.IDs(ids)
}

// warningDo answers the endpoints on one warning with it, as render shows warnings: to
// the warned user, or to the moderators as an appeal.
func warningDo[T any](render func(context.Context, []*moderation.Warning) ([]T, error),
	do func(ctx context.Context, r *req, id shard.ID) (*moderation.Warning, error)) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		w, err := do(r.context(), r, id)
		if err != nil {
			return err
		}
		out, err := render(r.context(), []*moderation.Warning{w})
		if err != nil {
			return err
		}
		if len(out) == 0 {
			return errNotFound
		}
		return r.json(out[0])
	}
}

// listAppeals answers GET /api/v1/admin/appeals: the pending appeals, or those of
// `state` (approved, rejected), newest first, paged by warning id.
func (s *Server) listAppeals(r *req) error {
	p, err := r.page(100, 200)
	if err != nil {
		return err
	}
	ws, err := s.d.Reports.Appeals(r.context(), r.p.str("state"), p)
	if err != nil {
		return err
	}
	out, err := s.adminAppeals(r.context(), ws)
	if err != nil {
		return err
	}
	r.link(warningIDs(ws))
	return r.json(out)
}

// adminAppeals renders warnings with their appeals as moderators see them.
func (s *Server) adminAppeals(ctx context.Context, ws []*moderation.Warning) ([]*AdminAppeal, error) {
	rendered, err := s.accountWarnings(ctx, ws)
	if err != nil {
		return nil, err
	}
	out := make([]*AdminAppeal, 0, len(rendered))
	for _, e := range rendered {
		for _, w := range ws {
			if w.ID.String() == e.ID && w.Appeal != nil {
				out = append(out, &AdminAppeal{ID: e.ID, Text: w.Appeal.Text, State: w.Appeal.State(),
					CreatedAt: datetime(w.Appeal.CreatedAt), AccountWarning: e})
			}
		}
	}
	return out, nil
}

// accountWarnings renders warnings with their target accounts, skipping those whose
// account is gone.
func (s *Server) accountWarnings(ctx context.Context, ws []*moderation.Warning) ([]*AccountWarning, error) {
	var ids []shard.ID
	seen := map[shard.ID]bool{}
	for _, w := range ws {
		if !seen[w.TargetAccountID] {
			seen[w.TargetAccountID] = true
			ids = append(ids, w.TargetAccountID)
		}
	}
	accs, err := s.accounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*Account, len(accs))
	for _, a := range accs {
		byID[a.ID] = a
	}
	out := make([]*AccountWarning, 0, len(ws))
	for _, w := range ws {
		acc := byID[w.TargetAccountID.String()]
		if acc == nil {
			continue
		}
		e := &AccountWarning{ID: w.ID.String(), Action: w.Action, Text: w.Text, TargetAccount: acc,
			CreatedAt: datetime(w.CreatedAt)}
		for _, id := range w.StatusIDs {
			e.StatusIDs = append(e.StatusIDs, id.String())
		}
		if w.Appeal != nil {
			e.Appeal = &Appeal{Text: w.Appeal.Text, State: w.Appeal.State()}
		}
		out = append(out, e)
	}
	return out, nil
}

// warningOf renders the warning a moderation_warning notification tells of; shown is
// false when it is gone, and the notification is then left out.
func (s *Server) warningOf(ctx context.Context, n *notification.Notification) (w *AccountWarning, shown bool, err error) {
	if n.Type != notification.ModerationWarning {
		return nil, true, nil
	}
	got, err := s.d.Reports.Warning(ctx, n.WarningID)
	if errors.Is(err, moderation.ErrNotFound) || errors.Is(err, account.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out, err := s.accountWarnings(ctx, []*moderation.Warning{got})
	if err != nil || len(out) == 0 {
		return nil, false, err
	}
	return out[0], true, nil
}
