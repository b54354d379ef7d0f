// Package stream routes real-time events from the code that causes them (fan-out,
// notifications) to the open client connections that want them. It owns channel keys
// (Mastodon's `timeline:…` channel names), the Router contract that publishers and
// connections use, the single-node Hub that implements it, and Sub, a connection's
// bounded event queue.
//
// Events carry ids, never rendered entities: each connection renders for its viewer
// when it delivers, so publishers stay free of HTTP and JSON and an event is cheap to
// copy between nodes. Publishing never blocks: a subscriber that falls too far behind
// is closed, not waited for. The package must not know HTTP, JSON, storage or the
// domain services; a cluster router (memberlist) implements Router on top of Hub.
package stream

import (
	"errors"
	"sync"
	"time"

	"github.com/herd-social/herd/shard"
)

// Key names a channel. Keys follow Mastodon's Redis channel names, so that operators
// and a future cross-node protocol read the same vocabulary.
type Key string

// Where narrows a public channel to local or remote statuses.
type Where byte

const (
	// Everywhere is every public status.
	Everywhere Where = iota
	// Local is public statuses posted on this server.
	Local
	// Remote is public statuses from other servers.
	Remote
)

// User is an account's home channel: statuses entering its home timeline, their
// edits and deletes, and filters_changed.
func User(account shard.ID) Key { return Key("timeline:" + account.String()) }

// Announcements is the instance's announcements channel, which every user stream
// listens to as well as its account's channel (Mastodon publishes announcement
// events to each active account's timeline channel; one channel for all is cheaper).
func Announcements() Key { return Key("timeline:announcements") }

// Notifications is an account's notification channel.
func Notifications(account shard.ID) Key {
	return Key("timeline:" + account.String() + ":notifications")
}

// Direct is an account's direct-conversation channel.
func Direct(account shard.ID) Key { return Key("timeline:direct:" + account.String()) }

// System is an account's control channel (token revocation); its events are for the
// server's connections, never forwarded to clients.
func System(account shard.ID) Key { return Key("timeline:system:" + account.String()) }

// List is a list's channel.
func List(id shard.ID) Key { return Key("timeline:list:" + id.String()) }

// Public is a public channel; media narrows it to statuses with attachments.
func Public(w Where, media bool) Key {
	k := "timeline:public"
	switch w {
	case Local:
		k += ":local"
	case Remote:
		k += ":remote"
	}
	if media {
		k += ":media"
	}
	return Key(k)
}

// Hashtag is a hashtag's channel; tag must be normalised (text.NormalizeTag).
func Hashtag(tag string, local bool) Key {
	if local {
		return Key("timeline:hashtag:" + tag + ":local")
	}
	return Key("timeline:hashtag:" + tag)
}

// Event kinds, as Mastodon names them on the wire, plus the system kinds.
const (
	// Update is a new status entering a timeline; ID is the status.
	Update = "update"
	// StatusUpdate is an edited status; ID is the status.
	StatusUpdate = "status.update"
	// Delete is a deleted status; ID is the status.
	Delete = "delete"
	// Notification is a new notification of the channel's account; ID is the
	// notification.
	Notification = "notification"
	// Conversation is a direct conversation of the channel's account that changed
	// (Mastodon's `conversation` event on the direct stream); ID is the conversation.
	Conversation = "conversation"
	// FiltersChanged tells clients to reload their filters; it has no ID.
	FiltersChanged = "filters_changed"
	// Announcement is an announcement published or changed; ID is the announcement.
	Announcement = "announcement"
	// AnnouncementReaction is a reaction to an announcement added or removed; ID is
	// the announcement, Name the reaction.
	AnnouncementReaction = "announcement.reaction"
	// AnnouncementDelete is an announcement withdrawn; ID is the announcement.
	AnnouncementDelete = "announcement.delete"
	// Reverify (system channel) makes connections check their token again now; ID,
	// if set, narrows it to one token id. Token revocation publishes it.
	Reverify = "reverify"
)

// Event is one real-time event.
type Event struct {
	Kind string
	ID   shard.ID
	// Name is the reaction of an AnnouncementReaction; empty for other kinds.
	Name string
}

// Delivery is an event as a subscriber receives it, with the channel it came on.
type Delivery struct {
	Key   Key
	Event Event
	// Routed is when this node's hub took the event, on the monotonic clock: a
	// read begun after it sees every write the event's publisher made before
	// publishing, so connections may share such a read (the rendering of a status).
	// It orders events within a process only; it is never sent between nodes.
	Routed time.Time
	// Batch is shared by the deliveries of this event to every subscriber the hub
	// handed it to at once, when there were several; nil otherwise. It is never
	// sent between nodes.
	Batch *Batch
}

// Router carries events from publishers to subscribed connections. The single-node
// Hub is one; a cluster router will be another, forwarding a key's events only to the
// nodes that hold a subscriber to it.
type Router interface {
	// Publish hands e to every subscriber of key, on every node. It never blocks; a
	// subscriber whose queue is full is closed with ErrOverflow.
	Publish(key Key, e Event)
	// PublishEach publishes e on each of keys, as Publish does for each of them,
	// and ties the local deliveries together with one Batch.
	PublishEach(keys []Key, e Event)
	// HasSubscribers reports whether anyone listens to key, so that publishers only
	// do the work of building events someone will receive.
	HasSubscribers(key Key) bool
	// Subscribe adds keys to sub; subscribing twice is harmless, and a closed sub
	// is not subscribed.
	Subscribe(sub *Sub, keys ...Key)
	// Unsubscribe removes keys from sub.
	Unsubscribe(sub *Sub, keys ...Key)
	// Leave closes sub and removes all of its keys.
	Leave(sub *Sub)
}

var (
	// ErrOverflow closes a subscriber that fell more than its queue limit behind.
	ErrOverflow = errors.New("stream: subscriber queue overflow")
	// ErrClosed closes a subscriber that left.
	ErrClosed = errors.New("stream: subscriber closed")
)

// Sub is one connection's subscription: the keys it listens to and a bounded queue of
// deliveries. The queue takes memory only while events wait, so idle connections
// cost little. Routers fill it; the connection drains it with Take when Ready fires.
type Sub struct {
	// Owner is the connection the sub belongs to, for the renderer of a Batch; it
	// is set before the sub is subscribed and never changed.
	Owner any
	limit int
	ready chan struct{} // one token: deliveries are waiting
	done  chan struct{} // closed with err
	mu    struct {
		sync.Mutex
		queue []Delivery
		keys  map[Key]struct{}
		err   error
	}
}

// NewSub returns an open subscription whose queue holds at most limit deliveries
// (at least 1).
func NewSub(limit int) *Sub {
	return &Sub{limit: max(limit, 1), ready: make(chan struct{}, 1), done: make(chan struct{})}
}

// Ready fires when deliveries are waiting.
func (s *Sub) Ready() <-chan struct{} { return s.ready }

// Done is closed when the sub is closed; Err says why.
func (s *Sub) Done() <-chan struct{} { return s.done }

// Err is nil while the sub is open, then ErrOverflow or ErrClosed.
func (s *Sub) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mu.err
}

// Take appends the waiting deliveries to buf, oldest first, and empties the queue.
func (s *Sub) Take(buf []Delivery) []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	buf = append(buf, s.mu.queue...)
	clear(s.mu.queue)
	if cap(s.mu.queue) > 64 {
		s.mu.queue = nil // let a burst's backing array go
	} else {
		s.mu.queue = s.mu.queue[:0]
	}
	return buf
}

// Deliver queues d without blocking. It reports false when the sub is closed or has
// just overflowed (and is now closed with ErrOverflow); the router should then drop
// it with Leave.
func (s *Sub) Deliver(d Delivery) bool {
	s.mu.Lock()
	if s.mu.err != nil {
		s.mu.Unlock()
		return false
	}
	if len(s.mu.queue) >= s.limit {
		s.closeLocked(ErrOverflow)
		s.mu.Unlock()
		return false
	}
	s.mu.queue = append(s.mu.queue, d)
	s.mu.Unlock()
	select {
	case s.ready <- struct{}{}:
	default:
	}
	return true
}

// Close closes the sub with ErrClosed; closing again does nothing. Routers still
// hold a closed sub until Leave.
func (s *Sub) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeLocked(ErrClosed)
}

func (s *Sub) closeLocked(err error) {
	if s.mu.err != nil {
		return
	}
	s.mu.err = err
	s.mu.queue = nil
	close(s.done)
}

// addKey records key; it reports false for a closed sub.
func (s *Sub) addKey(key Key) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.err != nil {
		return false
	}
	if s.mu.keys == nil {
		s.mu.keys = make(map[Key]struct{}, 4)
	}
	s.mu.keys[key] = struct{}{}
	return true
}

func (s *Sub) dropKey(key Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.mu.keys, key)
}

// leave closes the sub and returns the keys it held.
func (s *Sub) leave() []Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeLocked(ErrClosed)
	keys := make([]Key, 0, len(s.mu.keys))
	for k := range s.mu.keys {
		keys = append(keys, k)
	}
	s.mu.keys = nil
	return keys
}

// Keys lists the keys the sub listens to, in no order.
func (s *Sub) Keys() []Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]Key, 0, len(s.mu.keys))
	for k := range s.mu.keys {
		keys = append(keys, k)
	}
	return keys
}
