package api

import (
	"context"
	"errors"

	"github.com/herd-social/herd/relay"
	"github.com/herd-social/herd/shard"
)

// Relays is the part of federation (activitypub.Service) that manages the relays the
// instance subscribes to.
type Relays interface {
	Relays(ctx context.Context) ([]*relay.Relay, error)
	AddRelay(ctx context.Context, inbox string) (*relay.Relay, error)
	EnableRelay(ctx context.Context, id shard.ID) (*relay.Relay, error)
	DisableRelay(ctx context.Context, id shard.ID) (*relay.Relay, error)
	RemoveRelay(ctx context.Context, id shard.ID) error
}

// AdminRelay is Herd's entity of a relay (Mastodon manages relays in its web admin
// only, with these fields): state is idle, pending, accepted or rejected, and enabled
// says whether public posts go to it and what it forwards is taken in.
type AdminRelay struct {
	ID        string `json:"id"`
	InboxURL  string `json:"inbox_url"`
	ActorURL  string `json:"actor_url"`
	Protocol  string `json:"protocol"`
	State     string `json:"state"`
	Enabled   bool   `json:"enabled"`
	CreatedAt string `json:"created_at"`
}

func adminRelay(r *relay.Relay) *AdminRelay {
	return &AdminRelay{ID: r.ID.String(), InboxURL: r.Inbox, ActorURL: r.Actor, Protocol: string(r.Protocol),
		State: string(r.State), Enabled: r.Enabled(), CreatedAt: datetime(r.CreatedAt)}
}

// routeRelays registers Herd's relay admin (an extension: Mastodon has no API for
// it), open to admins with the admin:read or admin:write scope, as the other admin
// endpoints.
func (s *Server) routeRelays() {
	read, write := user("admin:read"), user("admin:write")
	s.handle("GET", "/api/v1/admin/relays", read, func(r *req) error {
		all, err := s.relays().Relays(r.context())
		if err != nil {
			return relayError(err)
		}
		out := make([]*AdminRelay, 0, len(all))
		for _, x := range all {
			out = append(out, adminRelay(x))
		}
		return r.json(out)
	})
	s.handle("POST", "/api/v1/admin/relays", write, func(r *req) error {
		x, err := s.relays().AddRelay(r.context(), r.p.str("inbox_url"))
		if err != nil {
			return relayError(err)
		}
		return r.json(adminRelay(x))
	})
	s.handle("POST", "/api/v1/admin/relays/{id}/enable", write, s.relayChange(func(ctx context.Context, id shard.ID) (*relay.Relay, error) {
		return s.relays().EnableRelay(ctx, id)
	}))
	s.handle("POST", "/api/v1/admin/relays/{id}/disable", write, s.relayChange(func(ctx context.Context, id shard.ID) (*relay.Relay, error) {
		return s.relays().DisableRelay(ctx, id)
	}))
	s.handle("DELETE", "/api/v1/admin/relays/{id}", write, func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		if err := s.relays().RemoveRelay(r.context(), id); err != nil {
			return relayError(err)
		}
		return r.json(struct{}{})
	})
}

func (s *Server) relayChange(change func(context.Context, shard.ID) (*relay.Relay, error)) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		x, err := change(r.context(), id)
		if err != nil {
			return relayError(err)
		}
		return r.json(adminRelay(x))
	}
}

// relays is the relay admin, or one that has none.
func (s *Server) relays() Relays {
	if s.d.Relays == nil {
		return noRelays{}
	}
	return s.d.Relays
}

// relayError maps the relay package's errors to Mastodon's shapes.
func relayError(err error) error {
	var v *relay.Validation
	switch {
	case errors.As(err, &v):
		return &HTTPError{Code: 422, Msg: v.Error(), Cause: err}
	case errors.Is(err, relay.ErrNotFound):
		return &HTTPError{Code: 404, Msg: "Record not found", Cause: err}
	}
	return err
}

// noRelays answers for a server built without federation.
type noRelays struct{}

var errNoRelays = &HTTPError{Code: 404, Msg: "Record not found"}

func (noRelays) Relays(context.Context) ([]*relay.Relay, error) { return nil, nil }
func (noRelays) AddRelay(context.Context, string) (*relay.Relay, error) {
	return nil, errNoRelays
}
func (noRelays) EnableRelay(context.Context, shard.ID) (*relay.Relay, error) { return nil, errNoRelays }
func (noRelays) DisableRelay(context.Context, shard.ID) (*relay.Relay, error) {
	return nil, errNoRelays
}
func (noRelays) RemoveRelay(context.Context, shard.ID) error { return errNoRelays }
