package api

import (
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/shard"
)

// NotificationGroup is Mastodon's NotificationGroup entity (grouped notifications, v2).
type NotificationGroup struct {
	GroupKey                 string   `json:"group_key"`
	NotificationsCount       int      `json:"notifications_count"`
	Type                     string   `json:"type"`
	MostRecentNotificationID uint64   `json:"most_recent_notification_id"` // a number, as Mastodon renders it
	PageMinID                *string  `json:"page_min_id,omitempty"`
	PageMaxID                *string  `json:"page_max_id,omitempty"`
	LatestPageNotificationAt *string  `json:"latest_page_notification_at,omitempty"`
	SampleAccountIDs         []string `json:"sample_account_ids"`
	StatusID                 *string  `json:"status_id,omitempty"`
	// Event is set on severed_relationships groups.
	Event *SeveranceEvent `json:"event,omitempty"`
	// Report is set on admin.report groups.
	Report *Report `json:"report,omitempty"`
	// ModerationWarning is set on moderation_warning groups.
	ModerationWarning *AccountWarning `json:"moderation_warning,omitempty"`
}

// GroupedNotifications is Mastodon's GroupedNotificationsResults entity. With
// expand_accounts=partial_avatars, accounts holds each group's latest sender and
// partial_accounts the other sample accounts, as Mastodon's presenter does.
type GroupedNotifications struct {
	Accounts           []*Account           `json:"accounts"`
	PartialAccounts    []*PartialAccount    `json:"partial_accounts,omitempty"`
	Statuses           []*Status            `json:"statuses"`
	NotificationGroups []*NotificationGroup `json:"notification_groups"`
}

// PartialAccount is Mastodon's PartialAccountWithAvatar entity.
type PartialAccount struct {
	ID           string `json:"id"`
	Acct         string `json:"acct"`
	Locked       bool   `json:"locked"`
	Bot          bool   `json:"bot"`
	URL          string `json:"url"`
	Avatar       string `json:"avatar"`
	AvatarStatic string `json:"avatar_static"`
}

// groups renders notification groups with the accounts and statuses they name,
// skipping a group whose latest account or status is gone (or hidden by a filter).
func (s *Server) groups(r *req, gs []notification.Group, paged bool) (*GroupedNotifications, error) {
	partial := r.p.str("expand_accounts") == "partial_avatars"
	var accIDs, stIDs []shard.ID
	for _, g := range gs {
		accIDs = append(accIDs, g.Accounts...)
		if g.Latest.StatusID != 0 {
			stIDs = append(stIDs, g.Latest.StatusID)
		}
	}
	accs, byID, err := s.accountsAndStatuses(r.context(), r.viewer, accIDs, stIDs, false)
	if err != nil {
		return nil, err
	}
	out := &GroupedNotifications{Accounts: []*Account{}, Statuses: []*Status{}, NotificationGroups: []*NotificationGroup{}}
	seenAcc, seenSt := map[shard.ID]bool{}, map[string]bool{}
	var later []shard.ID // the sample accounts rendered partially
	for _, g := range gs {
		st := byID[g.Latest.StatusID.String()]
		if accs[g.Latest.From] == nil || (g.Latest.StatusID != 0 && st == nil) {
			continue
		}
		e := &NotificationGroup{GroupKey: g.Key, NotificationsCount: g.Count, Type: string(g.Latest.Type),
			MostRecentNotificationID: uint64(g.Latest.ID), SampleAccountIDs: []string{}, Event: severanceEvent(g.Latest.Event)}
		rep, shown, err := s.reportOf(r.context(), &g.Latest)
		if err != nil {
			return nil, err
		}
		if !shown {
			continue
		}
		e.Report = rep
		if e.ModerationWarning, shown, err = s.warningOf(r.context(), &g.Latest); err != nil {
			return nil, err
		} else if !shown {
			continue
		}
		for _, id := range g.Accounts {
			if a := accs[id]; a != nil {
				e.SampleAccountIDs = append(e.SampleAccountIDs, a.ID)
				switch {
				case partial && len(e.SampleAccountIDs) > 1:
					later = append(later, id)
				case !seenAcc[id]:
					seenAcc[id] = true
					out.Accounts = append(out.Accounts, a)
				}
			}
		}
		if st != nil {
			e.StatusID = &st.ID
			if !seenSt[st.ID] {
				seenSt[st.ID] = true
				out.Statuses = append(out.Statuses, st)
			}
		}
		if paged {
			lo, hi, at := g.PageMinID.String(), g.PageMaxID.String(), datetime(g.Latest.CreatedAt)
			e.PageMinID, e.PageMaxID, e.LatestPageNotificationAt = &lo, &hi, &at
		}
		out.NotificationGroups = append(out.NotificationGroups, e)
	}
	if partial {
		out.PartialAccounts = []*PartialAccount{}
		for _, id := range later {
			if a := accs[id]; !seenAcc[id] {
				seenAcc[id] = true
				out.PartialAccounts = append(out.PartialAccounts, &PartialAccount{ID: a.ID, Acct: a.Acct, Locked: a.Locked,
					Bot: a.Bot, URL: a.URL, Avatar: a.Avatar, AvatarStatic: a.AvatarStatic})
			}
		}
	}
	return out, nil
}

// groupQuery reads types[], exclude_types[], account_id, grouped_types[] and
// include_filtered.
func (r *req) groupQuery() (notification.GroupQuery, error) {
	from, err := r.idParam("account_id")
	if err != nil {
		return notification.GroupQuery{}, err
	}
	q := notification.GroupQuery{Query: notification.Query{Types: kinds(r.p.list("types")),
		ExcludeTypes: kinds(r.p.list("exclude_types")), From: from, IncludeFiltered: r.p.boolean("include_filtered")}}
	if r.p.has("grouped_types") || r.p.has("grouped_types[]") {
		q.Grouped = kinds(r.p.list("grouped_types"))
	}
	return q, nil
}

func (s *Server) listGroupedNotifications(r *req) error {
	p, err := r.page(40, 80)
	if err != nil {
		return err
	}
	q, err := r.groupQuery()
	if err != nil {
		return err
	}
	gs, err := s.d.Notifications.Groups(r.context(), r.viewer, p, q)
	if err != nil {
		return err
	}
	out, err := s.groups(r, gs, true)
	if err != nil {
		return err
	}
	r.link(notification.GroupCursors(gs))
	return r.json(out)
}

// groupMemberLimit bounds the notifications a group's own endpoints read.
const groupMemberLimit = 2000

func (s *Server) getNotificationGroup(r *req) error {
	key := r.pathStr("group_key")
	ns, err := s.d.Notifications.GroupMembers(r.context(), r.viewer, key, groupMemberLimit)
	if err != nil {
		return err
	}
	out, err := s.groups(r, []notification.Group{notification.Collect(key, ns)}, false)
	if err != nil {
		return err
	}
	if len(out.NotificationGroups) == 0 {
		return errNotFound
	}
	return r.json(out)
}

func (s *Server) notificationGroupAccounts(r *req) error {
	ns, err := s.d.Notifications.GroupMembers(r.context(), r.viewer, r.pathStr("group_key"), groupMemberLimit)
	if err != nil {
		return err
	}
	var ids []shard.ID
	seen := map[shard.ID]bool{}
	for _, n := range ns {
		if !seen[n.From] && len(ids) < 80 {
			seen[n.From] = true
			ids = append(ids, n.From)
		}
	}
	accs, err := s.accountMap(r.context(), ids)
	if err != nil {
		return err
	}
	out := make([]*Account, 0, len(ids))
	for _, id := range ids {
		if a := accs[id]; a != nil {
			out = append(out, a)
		}
	}
	return r.json(out)
}

func (s *Server) dismissNotificationGroup(r *req) error {
	if err := s.d.Notifications.DismissGroup(r.context(), r.viewer, r.pathStr("group_key")); err != nil {
		return err
	}
	return r.json(map[string]any{})
}

// unreadLimit reads the limit of an unread count: 100 by default, at most 1,000.
func (r *req) unreadLimit() (int, error) {
	p, err := r.page(100, 1000)
	return p.Limit, err
}

func (s *Server) unreadGroupCount(r *req) error {
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
	n, err := s.d.Notifications.UnreadGroups(r.context(), r.viewer, markers["notifications"].LastReadID, limit, q)
	if err != nil {
		return err
	}
	return r.json(map[string]int{"count": n})
}
