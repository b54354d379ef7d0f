package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// MaxTemplate is the longest template accepted, in bytes.
const MaxTemplate = 10_000

// Change is a webhook's creation or update; nil fields are left alone (at creation:
// no template, enabled).
type Change struct {
	URL      *string
	Events   *[]string
	Template *string
	Enabled  *bool
}

// List returns every webhook, oldest first.
func (s *Service) List(ctx context.Context) ([]*Webhook, error) {
	rows, err := s.st.Scan(ctx, tWebhooks, all, store.Range{})
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	out := make([]*Webhook, 0, len(rows))
	for _, r := range rows {
		var w Webhook
		if err := store.Unmarshal(r.Value, &w); err != nil {
			return nil, fmt.Errorf("webhook %x: %w", r.CK, err)
		}
		out = append(out, &w)
	}
	return out, nil
}

// Get returns one webhook.
func (s *Service) Get(ctx context.Context, id shard.ID) (*Webhook, error) {
	b, err := s.st.Get(ctx, tWebhooks, all, id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("webhook %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load webhook %d: %w", id, err)
	}
	var w Webhook
	if err := store.Unmarshal(b, &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// Create registers a webhook with a new secret. URL and events are required.
func (s *Service) Create(ctx context.Context, c Change) (*Webhook, error) {
	if c.URL == nil {
		c.URL = new(string)
	}
	if c.Events == nil {
		c.Events = &[]string{}
	}
	now := s.opts.Now().UTC()
	w := &Webhook{ID: s.ids.Next(), Secret: newSecret(), Enabled: true, CreatedAt: now, UpdatedAt: now}
	if err := s.apply(w, c); err != nil {
		return nil, err
	}
	return w, s.put(ctx, w)
}

// Update changes a webhook.
func (s *Service) Update(ctx context.Context, id shard.ID, c Change) (*Webhook, error) {
	return s.change(ctx, id, func(w *Webhook) error { return s.apply(w, c) })
}

// SetEnabled enables or disables a webhook.
func (s *Service) SetEnabled(ctx context.Context, id shard.ID, enabled bool) (*Webhook, error) {
	return s.change(ctx, id, func(w *Webhook) error {
		w.Enabled = enabled
		return nil
	})
}

// RotateSecret gives a webhook a new secret.
func (s *Service) RotateSecret(ctx context.Context, id shard.ID) (*Webhook, error) {
	return s.change(ctx, id, func(w *Webhook) error {
		w.Secret = newSecret()
		return nil
	})
}

// Delete removes a webhook and its delivery log. Jobs already queued for it are
// dropped when their turn comes.
func (s *Service) Delete(ctx context.Context, id shard.ID) error {
	if _, err := s.Get(ctx, id); err != nil {
		return err
	}
	if err := s.st.Batch(ctx, []store.Mutation{{Kind: store.Delete, Table: tWebhooks, PK: all, CK: id.Bytes()},
		{Kind: store.DeletePartition, Table: tAttempts, PK: id.Bytes()}}); err != nil {
		return fmt.Errorf("delete webhook %d: %w", id, err)
	}
	return nil
}

func (s *Service) change(ctx context.Context, id shard.ID, f func(w *Webhook) error) (*Webhook, error) {
	w, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := f(w); err != nil {
		return nil, err
	}
	w.UpdatedAt = s.opts.Now().UTC()
	return w, s.put(ctx, w)
}

func (s *Service) put(ctx context.Context, w *Webhook) error {
	b, err := store.Marshal(w)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tWebhooks, all, w.ID.Bytes(), b, 0); err != nil {
		return fmt.Errorf("save webhook %d: %w", w.ID, err)
	}
	return nil
}

// apply checks every field of c before it changes w.
func (s *Service) apply(w *Webhook, c Change) error {
	var events []Event
	if c.URL != nil {
		if err := s.checkURL(*c.URL); err != nil {
			return err
		}
	}
	if c.Events != nil {
		if len(*c.Events) == 0 {
			return invalid("Events can't be blank")
		}
		for _, e := range *c.Events {
			if !slices.Contains(Events, Event(e)) {
				return invalid("Events is invalid")
			}
			if !slices.Contains(events, Event(e)) {
				events = append(events, Event(e))
			}
		}
	}
	if c.Template != nil && len(*c.Template) > MaxTemplate {
		return invalid("Template is too long (maximum is %d characters)", MaxTemplate)
	}
	if c.URL != nil {
		w.URL = *c.URL
	}
	if events != nil {
		w.Events = events
	}
	if c.Template != nil {
		w.Template = *c.Template
	}
	if c.Enabled != nil {
		w.Enabled = *c.Enabled
	}
	return nil
}

// checkURL accepts an absolute https URL, or http to a loopback host when
// Options.AllowHTTP is set.
func (s *Service) checkURL(raw string) error {
	u, err := url.Parse(raw)
	if raw == "" {
		return invalid("Url can't be blank")
	}
	if err != nil || u.Host == "" || u.User != nil || len(raw) > 2048 {
		return invalid("Url is invalid")
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && s.opts.AllowHTTP && loopback(u.Hostname()):
		return nil
	}
	return invalid("Url is invalid")
}

func loopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
