package fanout

import (
	"context"
	"errors"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/timeline"
	"github.com/herd-social/herd/visibility"
)

// Streamer is the part of the stream router (stream.Router) that fan-out publishes
// to. Events carry ids only; connections render them for their viewers.
type Streamer interface {
	Publish(key stream.Key, e stream.Event)
	PublishEach(keys []stream.Key, e stream.Event)
	HasSubscribers(key stream.Key) bool
}

// noStreams is the Streamer of a node without streaming.
type noStreams struct{}

func (noStreams) Publish(stream.Key, stream.Event)       {}
func (noStreams) PublishEach([]stream.Key, stream.Event) {}
func (noStreams) HasSubscribers(stream.Key) bool         { return false }
func event(kind string, id shard.ID) stream.Event        { return stream.Event{Kind: kind, ID: id} }
func (s *Service) toUser(id shard.ID, e stream.Event)    { s.publish(stream.User(id), e) }

// publish sends e on key if anyone listens there.
func (s *Service) publish(key stream.Key, e stream.Event) {
	r := s.opts.Streams
	if r.HasSubscribers(key) {
		r.Publish(key, e)
	}
}

// toUsers sends e on the home channels of ids that anyone listens to, as one
// publication: the deliveries of one event to a node's connections are then
// rendered together (stream.Batch).
func (s *Service) toUsers(ids []shard.ID, e stream.Event) {
	r := s.opts.Streams
	var keys []stream.Key
	for _, id := range ids {
		if k := stream.User(id); r.HasSubscribers(k) {
			keys = append(keys, k)
		}
	}
	switch len(keys) {
	case 0:
	case 1:
		r.Publish(keys[0], e)
	default:
		r.PublishEach(keys, e)
	}
}

// role is the part of fan-out a Service does. Run splits the work of a new status
// in two consumer groups so that its stream events do not wait for its durable
// writes, nor for the writes of the statuses before it in its partition: the
// writer's fsyncs set the pace of Group, and only reads stand between a post and
// its events in StreamGroup. The price is that an `update` may reach a client a
// moment before the status is in the home timeline it reads (clients show the
// event's payload, as Mastodon's do).
type role uint8

const (
	both     role = iota // Apply: writes, and streams everything
	writer               // Group: writes; streams edits, deletes and conversations only
	streamer             // StreamGroup: writes nothing; streams new statuses only
)

// writes reports whether the role writes timelines, notifications and tag uses.
func (r role) writes() bool { return r != streamer }

// streamsNew reports whether the role streams the `update` events of new statuses.
func (r role) streamsNew() bool { return r != writer }

// as returns a copy of s that plays r.
func (s *Service) as(r role) *Service {
	c := *s
	c.role = r
	return &c
}

// staleAnnouncement is the age past which a new status is no longer streamed: a
// client that reconnects reads its timelines anyway, and StreamGroup starting on
// an old log (a node upgraded to it, or back after a long stop) must not replay
// the past to today's connections.
const staleAnnouncement = time.Minute

// announce is the handler of StreamGroup: it streams each new status of a batch
// (other events are the writer's). Stream events are worth little late, so an
// event that fails is logged and passed over, not retried nor set aside.
func (s *Service) announce(ctx context.Context, msgs []bus.Message) error {
	for _, m := range msgs {
		if s.opts.Now().Sub(m.Time) > staleAnnouncement {
			continue
		}
		e, err := status.DecodeEvent(m)
		if err != nil || e.Kind != status.Created {
			continue // an undecodable event is the writer's dead letter
		}
		st, err := e.Posted, error(nil) // as posted: see Apply
		if st == nil || st.ID != e.StatusID {
			st, err = s.statuses.Get(ctx, e.StatusID)
		}
		if err == nil {
			err = s.created(ctx, st)
		}
		if err != nil && !errors.Is(err, status.ErrNotFound) && ctx.Err() == nil {
			s.opts.Logger.Warn("fanout: stream new status", "status", e.StatusID, "err", err)
		}
	}
	return nil
}

// appendHome writes home entries, unless the role writes nothing.
func (s *Service) appendHome(ctx context.Context, entries []timeline.Entry) error {
	if !s.role.writes() {
		return nil
	}
	return s.timelines.AppendHome(ctx, entries)
}

// notify notifies, unless the role writes nothing.
func (s *Service) notify(ctx context.Context, to, from shard.ID, kind notification.Kind, statusID shard.ID) error {
	if !s.role.writes() {
		return nil
	}
	return s.notifier.Notify(ctx, to, from, kind, statusID)
}

// streamHome tells each entry's account, on its home channel, that the entry's
// status entered its home timeline (for the streamer: that fan-out admits it there).
func (s *Service) streamHome(entries []timeline.Entry) {
	if !s.role.streamsNew() {
		return
	}
	var ids []shard.ID
	for i, e := range entries {
		ids = append(ids, e.Account)
		if i+1 == len(entries) || entries[i+1].StatusID != e.StatusID {
			s.toUsers(ids, event(stream.Update, e.StatusID))
			ids = ids[:0]
		}
	}
}

// streamPublic sends e on the public channels and the channels of st's hashtags,
// and, when st has attachments, on the :media public channels too, as Mastodon's
// fan-out publishes a status with media (its creation, edits and deletion alike).
func (s *Service) streamPublic(st *status.Status, e stream.Event) {
	where := stream.Remote
	if st.Local {
		where = stream.Local
	}
	for _, media := range []bool{false, true} {
		if media && len(st.MediaIDs) == 0 {
			break
		}
		s.publish(stream.Public(stream.Everywhere, media), e)
		s.publish(stream.Public(where, media), e)
	}
	for _, tag := range st.Tags {
		s.publish(stream.Hashtag(tag, false), e)
		if st.Local {
			s.publish(stream.Hashtag(tag, true), e)
		}
	}
}

// streamFollowers sends e to the home channels of the author's followers that have a
// live subscriber, keeping (when filter is set) only those whose home takes st. It
// is how edits, deletes and hot authors' posts reach streams without home writes.
// TODO(cluster): this pages through every follower; with many nodes, connections of
// a hot author's followers should subscribe to an author channel instead.
func (s *Service) streamFollowers(ctx context.Context, st *status.Status, e stream.Event, filter bool, exclude map[shard.ID]bool) error {
	r := s.opts.Streams
	var muters map[shard.ID]bool
	if filter {
		var err error
		if muters, err = s.accounts.MutersOf(ctx, st.AccountID); err != nil {
			return err
		}
	}
	return s.accounts.EachFollowerPage(ctx, st.AccountID, s.opts.PageSize, func(page []account.Follower) error {
		var live []account.Follower
		for _, f := range page {
			if r.HasSubscribers(stream.User(f.ID)) {
				live = append(live, f)
			}
		}
		ids := make([]shard.ID, len(live))
		for i, f := range live {
			ids[i] = f.ID
		}
		if filter && len(live) > 0 {
			var err error
			if ids, _, err = s.audience(ctx, st, live, muters, exclude); err != nil {
				return err
			}
		}
		s.toUsers(ids, e)
		return nil
	})
}

// streamDirect sends e to the home channels of the accounts a direct status
// mentions (fan-out put it in their homes).
func (s *Service) streamDirect(st *status.Status, e stream.Event) {
	if !visibility.ToMentioned(st) {
		return
	}
	for _, m := range st.Mentions {
		if m != st.AccountID {
			s.toUser(m, e)
		}
	}
}

// streamUpdated sends status.update for an edited status wherever its creation
// was streamed.
func (s *Service) streamUpdated(ctx context.Context, id shard.ID) error {
	st, err := s.statuses.Get(ctx, id)
	if errors.Is(err, status.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.streamEverywhere(ctx, st, event(stream.StatusUpdate, st.ID), true); err != nil {
		return err
	}
	if visibility.ToFollowers(st) {
		return s.streamListsUpdated(ctx, st)
	}
	return nil
}

// streamDeleted sends delete for a deleted status wherever its creation was
// streamed; a client that never had it ignores the id.
func (s *Service) streamDeleted(ctx context.Context, st *status.Status) error {
	return s.streamEverywhere(ctx, st, event(stream.Delete, st.ID), false)
}

func (s *Service) streamEverywhere(ctx context.Context, st *status.Status, e stream.Event, filter bool) error {
	s.toUser(st.AccountID, e)
	s.streamDirect(st, e)
	if visibility.ToFollowers(st) {
		if err := s.streamFollowers(ctx, st, e, filter, nil); err != nil {
			return err
		}
	}
	public, err := s.inPublic(ctx, st)
	if err != nil {
		return err
	}
	if public {
		s.streamPublic(st, e)
	}
	return nil
}
