package api

import (
	"context"
	"errors"

	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/webhook"
)

// WebhookEntity is an admin webhook as Herd's admin API renders it (Mastodon manages
// webhooks in its web admin only). The secret is shown at creation and rotation;
// deliveries is the webhook's delivery log, its newest attempts first.
type WebhookEntity struct {
	ID         string            `json:"id"`
	URL        string            `json:"url"`
	Events     []string          `json:"events"`
	Secret     string            `json:"secret,omitempty"`
	Enabled    bool              `json:"enabled"`
	Template   *string           `json:"template"`
	CreatedAt  string            `json:"created_at"`
	UpdatedAt  string            `json:"updated_at"`
	Deliveries []WebhookDelivery `json:"deliveries"`
}

// WebhookDelivery is one attempt of the delivery log.
type WebhookDelivery struct {
	At         string `json:"at"`
	Event      string `json:"event"`
	Try        int    `json:"try"`
	StatusCode *int   `json:"status_code"`
	Error      string `json:"error,omitempty"`
}

// routeAdminWebhooks registers Herd's admin webhook API.
func (s *Server) routeAdminWebhooks() {
	if s.d.Webhooks == nil {
		return
	}
	read, write := user("admin:read"), user("admin:write")
	s.handle("GET", "/api/v1/admin/webhooks", read, s.listWebhooks)
	s.handle("POST", "/api/v1/admin/webhooks", write, func(r *req) error {
		w, err := s.d.Webhooks.Create(r.context(), webhookChange(r.p))
		return s.renderWebhook(r, w, true, err)
	})
	s.handle("GET", "/api/v1/admin/webhooks/{id}", read, s.webhookDo(
		func(ctx context.Context, _ *req, id shard.ID) (*webhook.Webhook, error) {
			return s.d.Webhooks.Get(ctx, id)
		}, false))
	s.handle("PUT", "/api/v1/admin/webhooks/{id}", write, s.webhookDo(
		func(ctx context.Context, r *req, id shard.ID) (*webhook.Webhook, error) {
			return s.d.Webhooks.Update(ctx, id, webhookChange(r.p))
		}, false))
	s.handle("DELETE", "/api/v1/admin/webhooks/{id}", write, func(r *req) error {
		id, err := r.pathID("id")
		if err == nil {
			err = s.d.Webhooks.Delete(r.context(), id)
		}
		if err != nil {
			return webhookError(err)
		}
		return r.json(struct{}{})
	})
	for path, enabled := range map[string]bool{"enable": true, "disable": false} {
		s.handle("POST", "/api/v1/admin/webhooks/{id}/"+path, write, s.webhookDo(
			func(ctx context.Context, _ *req, id shard.ID) (*webhook.Webhook, error) {
				return s.d.Webhooks.SetEnabled(ctx, id, enabled)
			}, false))
	}
	s.handle("POST", "/api/v1/admin/webhooks/{id}/rotate_secret", write, s.webhookDo(
		func(ctx context.Context, _ *req, id shard.ID) (*webhook.Webhook, error) {
			return s.d.Webhooks.RotateSecret(ctx, id)
		}, true))
}

func webhookChange(p params) webhook.Change {
	c := webhook.Change{URL: p.opt("url"), Template: p.opt("template"), Enabled: p.optBool("enabled")}
	if p.has("events") || p.has("events[]") || p.has("events[0]") {
		ev := p.list("events")
		c.Events = &ev
	}
	return c
}

// webhookError maps the webhook package's errors to Mastodon's shape.
func webhookError(err error) error {
	var v *webhook.Validation
	switch {
	case errors.As(err, &v):
		return &HTTPError{Code: 422, Msg: v.Error(), Cause: err}
	case errors.Is(err, webhook.ErrNotFound):
		return &HTTPError{Code: 404, Msg: "Record not found", Cause: err}
	}
	return err
}

func (s *Server) listWebhooks(r *req) error {
	hooks, err := s.d.Webhooks.List(r.context())
	if err != nil {
		return err
	}
	out := make([]*WebhookEntity, 0, len(hooks))
	for _, w := range hooks {
		e, err := s.webhookEntity(r.context(), w, false)
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	return r.json(out)
}

func (s *Server) webhookDo(do func(ctx context.Context, r *req, id shard.ID) (*webhook.Webhook, error), secret bool) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		w, err := do(r.context(), r, id)
		return s.renderWebhook(r, w, secret, err)
	}
}

func (s *Server) renderWebhook(r *req, w *webhook.Webhook, secret bool, err error) error {
	if err != nil {
		return webhookError(err)
	}
	e, err := s.webhookEntity(r.context(), w, secret)
	if err != nil {
		return err
	}
	return r.json(e)
}

func (s *Server) webhookEntity(ctx context.Context, w *webhook.Webhook, secret bool) (*WebhookEntity, error) {
	log, err := s.d.Webhooks.Attempts(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	e := &WebhookEntity{ID: w.ID.String(), URL: w.URL, Events: make([]string, len(w.Events)), Enabled: w.Enabled,
		CreatedAt: datetime(w.CreatedAt), UpdatedAt: datetime(w.UpdatedAt), Deliveries: make([]WebhookDelivery, len(log))}
	for i, ev := range w.Events {
		e.Events[i] = string(ev)
	}
	if secret {
		e.Secret = w.Secret
	}
	if w.Template != "" {
		e.Template = &w.Template
	}
	for i, at := range log {
		e.Deliveries[i] = WebhookDelivery{At: datetime(at.At), Event: string(at.Event), Try: at.Try, Error: at.Error}
		if at.Status != 0 {
			e.Deliveries[i].StatusCode = &at.Status
		}
	}
	return e, nil
}

// WebhookObject renders the object of a webhook event as Mastodon's webhooks carry
// it: Admin::Account, Admin::Report, or Status (seen by no one in particular).
func (s *Server) WebhookObject(ctx context.Context, kind webhook.Object, id shard.ID) (any, error) {
	switch kind {
	case webhook.ObjectAccount:
		accs, err := s.adminAccounts(ctx, []shard.ID{id})
		if err != nil {
			return nil, err
		}
		if a := accs[id]; a != nil {
			return a, nil
		}
	case webhook.ObjectReport:
		rep, err := s.d.Reports.Get(ctx, id)
		if errors.Is(err, moderation.ErrNotFound) {
			return nil, webhook.ErrGone
		}
		if err != nil {
			return nil, err
		}
		out, err := s.adminReports(ctx, 0, []*moderation.Report{rep})
		if err != nil {
			return nil, err
		}
		return out[0], nil
	case webhook.ObjectStatus:
		sts, err := s.statusMap(ctx, 0, []shard.ID{id})
		if err != nil {
			return nil, err
		}
		if st := sts[id]; st != nil {
			return st, nil
		}
	}
	return nil, webhook.ErrGone
}
