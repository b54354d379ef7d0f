package api

import (
	"context"

	"github.com/herd-social/herd/relay"
	"github.com/herd-social/herd/shard"
)

// RelaySubscribers is the part of federation (activitypub.Service) that administers
// the servers subscribed to the instance's relay actor, in relay mode.
type RelaySubscribers interface {
	RelaySubscriberList(ctx context.Context) ([]*relay.Subscriber, error)
	RelaySubscriberStats(ctx context.Context, subs []*relay.Subscriber) ([]relay.Stats, error)
	ApproveSubscriber(ctx context.Context, id shard.ID) (*relay.Subscriber, error)
	RejectSubscriber(ctx context.Context, id shard.ID) (*relay.Subscriber, error)
	RemoveSubscriber(ctx context.Context, id shard.ID) error
}

// AdminRelaySubscriber is Herd's entity of a server subscribed to its relay: state is
// pending (waiting for an admin), accepted or rejected; protocol is mastodon or
// litepub. The listing adds its figures (Stats); the answers of approve and reject
// leave them out.
type AdminRelaySubscriber struct {
	ID        string `json:"id"`
	Domain    string `json:"domain"`
	ActorURL  string `json:"actor_url"`
	InboxURL  string `json:"inbox_url"`
	Protocol  string `json:"protocol"`
	State     string `json:"state"`
	CreatedAt string `json:"created_at"`
	*AdminRelaySubscriberStats
}

// AdminRelaySubscriberStats are a subscriber's figures: activities of it the relay
// passed on (received_count), activities of others queued for it (forwarded_count),
// deliveries to it that succeeded (delivered_count, the relay's answers to its
// subscription included) and attempts that failed (failed_count, each retry
// counted), with the time of the last delivery and failure and why the last failed.
type AdminRelaySubscriberStats struct {
	ReceivedCount   int64   `json:"received_count"`
	ForwardedCount  int64   `json:"forwarded_count"`
	DeliveredCount  int64   `json:"delivered_count"`
	FailedCount     int64   `json:"failed_count"`
	LastDeliveredAt *string `json:"last_delivered_at"`
	LastFailedAt    *string `json:"last_failed_at"`
	LastFailure     *string `json:"last_failure"`
}

func adminRelaySubscriber(x *relay.Subscriber) *AdminRelaySubscriber {
	return &AdminRelaySubscriber{ID: x.ID.String(), Domain: x.Domain, ActorURL: x.Actor, InboxURL: x.Inbox,
		Protocol: string(x.Protocol), State: string(x.State), CreatedAt: datetime(x.CreatedAt)}
}

func adminRelaySubscriberStats(st relay.Stats) *AdminRelaySubscriberStats {
	out := &AdminRelaySubscriberStats{ReceivedCount: st.Received, ForwardedCount: st.Forwarded, DeliveredCount: st.Delivered, FailedCount: st.Failed}
	if !st.LastDelivered.IsZero() {
		out.LastDeliveredAt = ptr(datetime(st.LastDelivered))
	}
	if !st.LastFailed.IsZero() {
		out.LastFailedAt, out.LastFailure = ptr(datetime(st.LastFailed)), ptr(st.LastFailure)
	}
	return out
}

// routeRelaySubscribers registers the admin of relay mode's subscribers (a Herd
// extension), for roles with manage_federation and admin scopes; 404 when relay mode is off.
func (s *Server) routeRelaySubscribers() {
	read, write := user("admin:read"), user("admin:write")
	s.handle("GET", "/api/v1/admin/relay/subscribers", read, func(r *req) error {
		all, err := s.relaySubscribers().RelaySubscriberList(r.context())
		if err != nil {
			return relayError(err)
		}
		stats, err := s.relaySubscribers().RelaySubscriberStats(r.context(), all)
		if err != nil {
			return relayError(err)
		}
		out := make([]*AdminRelaySubscriber, 0, len(all))
		for i, x := range all {
			e := adminRelaySubscriber(x)
			e.AdminRelaySubscriberStats = adminRelaySubscriberStats(stats[i])
			out = append(out, e)
		}
		return r.json(out)
	})
	change := func(f func(context.Context, shard.ID) (*relay.Subscriber, error)) handlerFunc {
		return func(r *req) error {
			id, err := r.pathID("id")
			if err != nil {
				return err
			}
			x, err := f(r.context(), id)
			if err != nil {
				return relayError(err)
			}
			return r.json(adminRelaySubscriber(x))
		}
	}
	s.handle("POST", "/api/v1/admin/relay/subscribers/{id}/approve", write, change(func(ctx context.Context, id shard.ID) (*relay.Subscriber, error) {
		return s.relaySubscribers().ApproveSubscriber(ctx, id)
	}))
	s.handle("POST", "/api/v1/admin/relay/subscribers/{id}/reject", write, change(func(ctx context.Context, id shard.ID) (*relay.Subscriber, error) {
		return s.relaySubscribers().RejectSubscriber(ctx, id)
	}))
	s.handle("DELETE", "/api/v1/admin/relay/subscribers/{id}", write, func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		if err := s.relaySubscribers().RemoveSubscriber(r.context(), id); err != nil {
			return relayError(err)
		}
		return r.json(map[string]any{})
	})
}

// relaySubscribers is the subscriber admin, or one that has none.
func (s *Server) relaySubscribers() RelaySubscribers {
	if s.d.RelaySubscribers == nil {
		return noRelaySubscribers{}
	}
	return s.d.RelaySubscribers
}

// noRelaySubscribers answers for a server built without federation.
type noRelaySubscribers struct{}

func (noRelaySubscribers) RelaySubscriberList(context.Context) ([]*relay.Subscriber, error) {
	return nil, errNoRelays
}
func (noRelaySubscribers) RelaySubscriberStats(context.Context, []*relay.Subscriber) ([]relay.Stats, error) {
	return nil, errNoRelays
}
func (noRelaySubscribers) ApproveSubscriber(context.Context, shard.ID) (*relay.Subscriber, error) {
	return nil, errNoRelays
}
func (noRelaySubscribers) RejectSubscriber(context.Context, shard.ID) (*relay.Subscriber, error) {
	return nil, errNoRelays
}
func (noRelaySubscribers) RemoveSubscriber(context.Context, shard.ID) error { return errNoRelays }
