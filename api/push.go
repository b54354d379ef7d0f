package api

import (
	"context"

	"github.com/herd-social/herd/push"
	"github.com/herd-social/herd/role"
)

// WebPushSubscription is Mastodon's entity of a push subscription.
type WebPushSubscription struct {
	ID        string          `json:"id"`
	Endpoint  string          `json:"endpoint"`
	Standard  bool            `json:"standard"`
	Alerts    map[string]bool `json:"alerts"`
	Policy    string          `json:"policy"`
	ServerKey string          `json:"server_key"`
}

// alertNames are the alerts of a subscription as Mastodon names them.
var alertNames = []string{"mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update",
	"admin.sign_up", "admin.report", "quote", "quoted_update"}

func alertFields(a *push.Alerts) []*bool {
	return []*bool{&a.Mention, &a.Status, &a.Reblog, &a.Follow, &a.FollowRequest, &a.Favourite, &a.Poll, &a.Update,
		&a.AdminSignUp, &a.AdminReport, &a.Quote, &a.QuotedUpdate}
}

// routePush registers the Web Push subscription of the calling token.
func (s *Server) routePush() {
	s.handle("POST", "/api/v1/push/subscription", user("push"), s.subscribePush)
	s.handle("GET", "/api/v1/push/subscription", user("push"), s.getPush)
	s.handle("PUT", "/api/v1/push/subscription", user("push"), s.updatePush)
	s.handle("DELETE", "/api/v1/push/subscription", user("push"), s.deletePush)
}

// pushAlerts reads data[alerts][…]; an alert not given is off, as Mastodon's, and so
// are the admin alerts of a user who is no moderator.
func (r *req) pushAlerts() (push.Alerts, error) {
	var a push.Alerts
	for i, f := range alertFields(&a) {
		*f = r.p.boolean("data[alerts][" + alertNames[i] + "]")
	}
	if a.AdminSignUp || a.AdminReport {
		u, err := r.s.d.Accounts.User(r.context(), r.viewer)
		if err != nil {
			return a, err
		}
		by, err := r.s.d.Roles.Of(r.context(), u.RoleID())
		if err != nil {
			return a, err
		}
		a.AdminSignUp = a.AdminSignUp && by.Has(role.ManageUsers)
		a.AdminReport = a.AdminReport && by.Has(role.ManageReports)
	}
	return a, nil
}

func (s *Server) pushEntity(r *req, sub *push.Subscription) error {
	key, err := s.d.Push.ServerKey(r.context())
	if err != nil {
		return err
	}
	out := WebPushSubscription{ID: sub.ID.String(), Endpoint: sub.Endpoint, Standard: sub.Standard,
		Alerts: map[string]bool{}, Policy: string(sub.Policy), ServerKey: key}
	for i, f := range alertFields(&sub.Alerts) {
		out.Alerts[alertNames[i]] = *f
	}
	return r.json(out)
}

func (s *Server) subscribePush(r *req) error {
	alerts, err := r.pushAlerts()
	if err != nil {
		return err
	}
	n := push.NewSubscription{Endpoint: r.p.str("subscription[endpoint]"), P256DH: r.p.str("subscription[keys][p256dh]"),
		Auth: r.p.str("subscription[keys][auth]"), Standard: r.p.boolean("subscription[standard]"),
		Alerts: alerts, Policy: push.Policy(r.p.str("data[policy]"))}
	if n.Endpoint == "" && n.P256DH == "" && n.Auth == "" {
		return httpErr(400, "param is missing or the value is empty: subscription")
	}
	sub, err := s.d.Push.Subscribe(r.context(), r.viewer, bearer(r.ctx), n)
	if err != nil {
		return err
	}
	return s.pushEntity(r, sub)
}

func (s *Server) getPush(r *req) error {
	sub, err := s.d.Push.Get(r.context(), r.viewer, bearer(r.ctx))
	if err != nil {
		return err
	}
	return s.pushEntity(r, sub)
}

func (s *Server) updatePush(r *req) error {
	alerts, err := r.pushAlerts()
	if err != nil {
		return err
	}
	sub, err := s.d.Push.Update(r.context(), r.viewer, bearer(r.ctx), alerts, push.Policy(r.p.str("data[policy]")))
	if err != nil {
		return err
	}
	return s.pushEntity(r, sub)
}

func (s *Server) deletePush(r *req) error {
	if err := s.d.Push.Delete(r.context(), r.viewer, bearer(r.ctx)); err != nil {
		return err
	}
	return r.json(map[string]any{})
}

// vapidKey is the instance's VAPID public key for the instance and application
// entities; "" (which clients take for none) when it cannot be read, logged.
func (s *Server) vapidKey(ctx context.Context) string {
	key, err := s.d.Push.ServerKey(ctx)
	if err != nil {
		s.log.Error("api: read the VAPID key", "err", err)
		return ""
	}
	return key
}
