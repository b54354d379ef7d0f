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

// notifications renders notifications, skipping those whose account or status is gone.
func (s *Server) notifications(r *req, ns []notification.Notification) ([]*Notification, error) {
	var accIDs, stIDs []shard.ID
	for _, n := range ns {
		accIDs = append(accIDs, n.From)
		if n.StatusID != 0 {
			stIDs = append(stIDs, n.StatusID)
		}
	}
	accs, byID, err := s.accountsAndStatuses(r.context(), r.viewer, accIDs, stIDs, false)
	if err != nil {
		return nil, err
	}
	out := make([]*Notification, 0, len(ns))
	for _, n := range ns {
		acc := accs[n.From]
		if acc == nil {
			continue
		}
		e := &Notification{ID: n.ID.String(), Type: string(n.Type), GroupKey: "ungrouped-" + n.ID.String(),
			CreatedAt: datetime(n.CreatedAt), Account: acc, Event: severanceEvent(n.Event)}
		rep, shown, err := s.reportOf(r.context(), &n)
		if err != nil {
			return nil, err
		}
		if !shown {
			continue
		}
		e.Report = rep
		if e.ModerationWarning, shown, err = s.warningOf(r.context(), &n); err != nil {
			return nil, err
		} else if !shown {
			continue
		}
		if n.StatusID != 0 {
			if e.Status = byID[n.StatusID.String()]; e.Status == nil {
				continue
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func (s *Server) listNotifications(r *req) error {
	p, err := r.page(40, 80)
	if err != nil {
		return err
	}
	from, err := r.idParam("account_id")
	if err != nil {
		return err
	}
	q := notification.Query{Types: kinds(r.p.list("types")), ExcludeTypes: kinds(r.p.list("exclude_types")), From: from,
		IncludeFiltered: r.p.boolean("include_filtered")}
	ns, err := s.d.Notifications.List(r.context(), r.viewer, p, q)
	if err != nil {
		return err
	}
	out, err := s.notifications(r, ns)
	if err != nil {
		return err
	}
	ids := make([]shard.ID, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	r.link(paging.IDs(ids))
	return r.json(out)
}

func (s *Server) getNotification(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	n, err := s.d.Notifications.Get(r.context(), r.viewer, id)
	if err != nil {
		return err
	}
	out, err := s.notifications(r, []notification.Notification{*n})
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return errNotFound
	}
	return r.json(out[0])
}

func (s *Server) dismissNotification(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	if err := s.d.Notifications.Dismiss(r.context(), r.viewer, id); err != nil {
		return err
	}
	return r.json(map[string]any{})
}

func (s *Server) clearNotifications(r *req) error {
	if err := s.d.Notifications.Clear(r.context(), r.viewer); err != nil {
		return err
	}
	return r.json(map[string]any{})
}

func (s *Server) unreadCount(r *req) error {
	limit, err := r.unreadLimit()
	if err != nil {
		return err
	}
	q, err := r.groupQuery()
	if err != nil {
		return err
	}
	markers, err := s.d.Accounts.Markers(r.context(), r.viewer, []string{"notifications"})
	if err != nil {
		return err
	}
	n, err := s.d.Notifications.UnreadCount(r.context(), r.viewer, markers["notifications"].LastReadID, limit, q.Query)
	if err != nil {
		return err
	}
	return r.json(map[string]int{"count": n})
}

func (s *Server) getMarkers(r *req) error {
	tls := r.p.list("timeline")
	if len(tls) == 0 {
		tls = []string{"home", "notifications"}
	}
	ms, err := s.d.Accounts.Markers(r.context(), r.viewer, tls)
	if err != nil {
		return err
	}
	out := map[string]any{}
	for name, m := range ms {
		out[name] = map[string]any{"last_read_id": m.LastReadID.String(), "version": m.Version, "updated_at": datetime(m.UpdatedAt)}
	}
	return r.json(out)
}

func (s *Server) setMarkers(r *req) error {
	out := map[string]any{}
	for _, name := range []string{"home", "notifications"} {
		v := r.p.str(name + "[last_read_id]")
		if v == "" {
			continue
		}
		id, err := shard.Parse(v)
		if err != nil {
			return httpErr(422, "Validation failed: Last read id is invalid")
		}
		m, err := s.d.Accounts.SetMarker(r.context(), r.viewer, name, id)
		if err != nil {
			return err
		}
		out[name] = map[string]any{"last_read_id": m.LastReadID.String(), "version": m.Version, "updated_at": datetime(m.UpdatedAt)}
	}
	return r.json(out)
}

// kinds reads notification types from a request, as given: unknown ones match nothing.
func kinds(names []string) []notification.Kind {
	out := make([]notification.Kind, len(names))
	for i, n := range names {
		out[i] = notification.Kind(n)
	}
	return out
}

// accountsAndStatuses renders the accounts and the statuses a list of entries names,
// by id, as the viewer may see them (check: statusesByID's), for the renderers that
// put them together (notifications, their groups and requests, conversations).
func (s *Server) accountsAndStatuses(ctx context.Context, viewer shard.ID, accIDs, stIDs []shard.ID, check bool) (map[shard.ID]*Account, map[string]*Status, error) {
	accs, err := s.accountMap(ctx, accIDs)
	if err != nil {
		return nil, nil, err
	}
	sts, err := s.statusesByID(ctx, viewer, stIDs, check)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[string]*Status, len(sts))
	for _, st := range sts {
		byID[st.ID] = st
	}
	return accs, byID, nil
}

// severanceEvent renders the event of a notification, nil for none.
func severanceEvent(ev *notification.Severance) *SeveranceEvent {
	if ev == nil {
		return nil
	}
	return &SeveranceEvent{ID: ev.ID.String(), Type: ev.Type, TargetName: ev.TargetName,
		FollowersCount: ev.FollowersCount, FollowingCount: ev.FollowingCount, CreatedAt: datetime(ev.CreatedAt)}
}

// reportOf renders the report an admin.report notification tells of; shown is false
// when the report or its target is gone, and the notification is then left out.
func (s *Server) reportOf(ctx context.Context, n *notification.Notification) (rep *Report, shown bool, err error) {
	if n.Type != notification.AdminReport {
		return nil, true, nil
	}
	got, err := s.d.Reports.Get(ctx, n.ReportID)
	if errors.Is(err, moderation.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	rep, err = s.report(ctx, got)
	if errors.Is(err, errNotFound) || errors.Is(err, account.ErrNotFound) {
		return nil, false, nil
	}
	return rep, err == nil, err
}
