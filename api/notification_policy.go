package api

import (
	"errors"
	"strconv"

	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
)

// NotificationPolicy is Mastodon's NotificationPolicy entity (v2).
type NotificationPolicy struct {
	ForNotFollowing    string        `json:"for_not_following"`
	ForNotFollowers    string        `json:"for_not_followers"`
	ForNewAccounts     string        `json:"for_new_accounts"`
	ForPrivateMentions string        `json:"for_private_mentions"`
	ForLimitedAccounts string        `json:"for_limited_accounts"`
	Summary            PolicySummary `json:"summary"`
}

// PolicySummary is NotificationPolicy.summary.
type PolicySummary struct {
	PendingRequestsCount      int `json:"pending_requests_count"`
	PendingNotificationsCount int `json:"pending_notifications_count"`
}

// NotificationRequest is Mastodon's NotificationRequest entity.
type NotificationRequest struct {
	ID                 string   `json:"id"`
	CreatedAt          string   `json:"created_at"`
	UpdatedAt          string   `json:"updated_at"`
	NotificationsCount string   `json:"notifications_count"` // a string, as Mastodon renders it
	Account            *Account `json:"account"`
	LastStatus         *Status  `json:"last_status"`
}

// policyFields pairs each policy parameter with its field, in Mastodon's order.
func policyFields(p *notification.Policy) []struct {
	name, label string
	a           *notification.Action
} {
	return []struct {
		name, label string
		a           *notification.Action
	}{
		{"for_not_following", "For not following", &p.NotFollowing},
		{"for_not_followers", "For not followers", &p.NotFollowers},
		{"for_new_accounts", "For new accounts", &p.NewAccounts},
		{"for_private_mentions", "For private mentions", &p.PrivateMentions},
		{"for_limited_accounts", "For limited accounts", &p.LimitedAccounts},
	}
}

func (s *Server) renderPolicy(r *req, p notification.Policy) error {
	reqs, pending, err := s.d.Notifications.Summary(r.context(), r.viewer)
	if err != nil {
		return err
	}
	return r.json(&NotificationPolicy{ForNotFollowing: string(p.NotFollowing), ForNotFollowers: string(p.NotFollowers),
		ForNewAccounts: string(p.NewAccounts), ForPrivateMentions: string(p.PrivateMentions),
		ForLimitedAccounts: string(p.LimitedAccounts),
		Summary:            PolicySummary{PendingRequestsCount: reqs, PendingNotificationsCount: pending}})
}

func (s *Server) getNotificationPolicy(r *req) error {
	p, err := s.d.Notifications.Policy(r.context(), r.viewer)
	if err != nil {
		return err
	}
	return s.renderPolicy(r, p)
}

func (s *Server) updateNotificationPolicy(r *req) error {
	p, err := s.d.Notifications.Policy(r.context(), r.viewer)
	if err != nil {
		return err
	}
	for _, f := range policyFields(&p) {
		if !r.p.has(f.name) {
			continue
		}
		a := notification.Action(r.p.str(f.name))
		if (notification.Policy{NotFollowing: a, NotFollowers: a, NewAccounts: a, PrivateMentions: a, LimitedAccounts: a}).Validate() != nil {
			return httpErr(422, "Validation failed: "+f.label+" is not included in the list")
		}
		*f.a = a
	}
	if err := s.d.Notifications.SetPolicy(r.context(), r.viewer, p); err != nil {
		return err
	}
	return s.renderPolicy(r, p)
}

// requests renders notification requests, skipping those whose account is gone.
func (s *Server) requests(r *req, rs []notification.Request) ([]*NotificationRequest, error) {
	var accIDs, stIDs []shard.ID
	for _, q := range rs {
		accIDs = append(accIDs, q.From)
		if q.LastStatusID != 0 {
			stIDs = append(stIDs, q.LastStatusID)
		}
	}
	accs, byID, err := s.accountsAndStatuses(r.context(), r.viewer, accIDs, stIDs, false)
	if err != nil {
		return nil, err
	}
	out := make([]*NotificationRequest, 0, len(rs))
	for _, q := range rs {
		if accs[q.From] == nil {
			continue
		}
		e := &NotificationRequest{ID: q.ID.String(), CreatedAt: datetime(q.CreatedAt), UpdatedAt: datetime(q.UpdatedAt),
			NotificationsCount: strconv.Itoa(q.Count), Account: accs[q.From]}
		if q.LastStatusID != 0 {
			e.LastStatus = byID[q.LastStatusID.String()]
		}
		out = append(out, e)
	}
	return out, nil
}

func (s *Server) listNotificationRequests(r *req) error {
	p, err := r.page(40, 80)
	if err != nil {
		return err
	}
	rs, err := s.d.Notifications.Requests(r.context(), r.viewer, p)
	if err != nil {
		return err
	}
	out, err := s.requests(r, rs)
	if err != nil {
		return err
	}
	ids := make([]shard.ID, len(rs))
	for i, q := range rs {
		ids[i] = q.ID
	}
	r.link(paging.IDs(ids))
	return r.json(out)
}

func (s *Server) getNotificationRequest(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	q, err := s.d.Notifications.Request(r.context(), r.viewer, id)
	if err != nil {
		return err
	}
	out, err := s.requests(r, []notification.Request{*q})
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return errNotFound
	}
	return r.json(out[0])
}

// settleRequest accepts or dismisses the request of the path.
func (s *Server) settleRequest(accept bool) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		settle := s.d.Notifications.DismissRequest
		if accept {
			settle = s.d.Notifications.AcceptRequest
		}
		if err := settle(r.context(), r.viewer, id); err != nil {
			return err
		}
		return r.json(map[string]any{})
	}
}

// settleRequests accepts or dismisses the requests of id[], skipping unknown ones.
func (s *Server) settleRequests(accept bool) handlerFunc {
	return func(r *req) error {
		var ids []shard.ID
		for _, v := range r.p.list("id") {
			id, err := shard.Parse(v)
			if err != nil {
				return httpErr(422, "id is invalid")
			}
			ids = append(ids, id)
		}
		settle := s.d.Notifications.DismissRequest
		if accept {
			settle = s.d.Notifications.AcceptRequest
		}
		for _, id := range ids {
			if err := settle(r.context(), r.viewer, id); err != nil && !errors.Is(err, notification.ErrNotFound) {
				return err
			}
		}
		return r.json(map[string]any{})
	}
}

// requestsMerged answers whether accepted requests' notifications are in the
// listings yet: always, as accepting moves them before it answers.
func (s *Server) requestsMerged(r *req) error {
	return r.json(map[string]bool{"merged": true})
}
