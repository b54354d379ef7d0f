package node

import (
	"encoding/binary"
	"errors"
	"log/slog"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/stream"
)

// The cluster's stream router. A client's streaming connection is held by one node,
// while the event it waits for is caused on any node (fan-out runs where Kafka put
// the author's partition). Each node therefore announces, in its memberlist
// metadata, which channel keys it holds subscribers for, coarsely: a bitmap of
// interestBits buckets of key hashes. Publish hands an event to the local hub and
// forwards it to the nodes whose bitmap has the key's bucket, in batches over
// memberlist's reliable (TCP) transport; they publish it to their own hub.
//
// What this gives: events reach only nodes that may want them (a node with
// subscribers in every bucket gets everything, which is the cost of coarseness);
// a subscription is visible to the other nodes after the next metadata gossip
// (about a second), so events caused in the first moment of a connection may be
// missed, as Mastodon's streaming may miss them; and forwarding never blocks a
// publisher: a peer whose queue is full loses events (counted in /ops/cluster), as a
// slow local subscriber is closed.

const (
	// interestBits is the number of key buckets a node announces: 256 bytes of the
	// 512 that memberlist's node metadata can hold.
	interestBits = 2048
	// interestBytes is the bitmap's size.
	interestBytes = interestBits / 8
	// peerQueue is how many events wait for one peer before new ones are dropped.
	peerQueue = 8192
	// forwardBatch is the most events sent to a peer in one message.
	forwardBatch = 512
	// msgEvents tags a message of forwarded events.
	msgEvents = 1
)

// bucket is the interest bucket of a key (FNV-1a).
func bucket(k stream.Key) int {
	x := uint32(2166136261)
	for i := 0; i < len(k); i++ {
		x ^= uint32(k[i])
		x *= 16777619
	}
	return int(x % interestBits)
}

// interest is a node's bitmap of buckets with subscribers.
type interest [interestBytes]byte

func (in *interest) has(b int) bool { return in[b/8]&(1<<(b%8)) != 0 }

// count is the number of buckets set.
func (in *interest) count() int {
	n := 0
	for _, x := range in {
		n += bits.OnesCount8(x)
	}
	return n
}

// router is the stream.Router of a clustered node: a local stream.Hub plus
// forwarding to the peers that announced interest.
type router struct {
	hub   *stream.Hub
	log   *slog.Logger
	peers atomic.Pointer[[]*peer] // immutable snapshot, replaced on join and leave
	send  func(to *memberlist.Node, msg []byte) error

	forwarded, dropped, received, failed atomic.Int64

	mu struct {
		sync.Mutex
		subs    map[*stream.Sub]map[stream.Key]struct{}
		keys    map[stream.Key]int // subscribers per key
		buckets [interestBits]int  // keys per bucket
		dirty   bool               // the bitmap changed since takeDirty
		peers   map[string]*peer
	}
}

var _ stream.Router = (*router)(nil)

func newRouter(hub *stream.Hub, log *slog.Logger) *router {
	r := &router{hub: hub, log: log}
	r.mu.subs = make(map[*stream.Sub]map[stream.Key]struct{})
	r.mu.keys = make(map[stream.Key]int)
	r.mu.peers = make(map[string]*peer)
	r.peers.Store(&[]*peer{})
	return r
}

// Publish hands e to the local subscribers of key and queues it for every peer that
// announced interest in key's bucket.
func (r *router) Publish(key stream.Key, e stream.Event) {
	r.hub.Publish(key, e)
	r.forward(key, e)
}

// PublishEach hands e to the local subscribers of keys, tied by one batch, and
// queues it for every peer that announced interest in each key's bucket.
func (r *router) PublishEach(keys []stream.Key, e stream.Event) {
	r.hub.PublishEach(keys, e)
	for _, key := range keys {
		r.forward(key, e)
	}
}

// forward queues e on key for every peer that announced interest in key's bucket.
func (r *router) forward(key stream.Key, e stream.Event) {
	b := bucket(key)
	for _, p := range *r.peers.Load() {
		if !p.interested(b) {
			continue
		}
		select {
		case p.queue <- stream.Delivery{Key: key, Event: e}:
			r.forwarded.Add(1)
		default:
			r.dropped.Add(1)
		}
	}
}

// HasSubscribers reports whether key has a local subscriber or a peer announced
// interest in its bucket.
func (r *router) HasSubscribers(key stream.Key) bool {
	if r.hub.HasSubscribers(key) {
		return true
	}
	b := bucket(key)
	for _, p := range *r.peers.Load() {
		if p.interested(b) {
			return true
		}
	}
	return false
}

// Subscribe adds keys to sub, locally, and counts them in the announced interest.
func (r *router) Subscribe(sub *stream.Sub, keys ...stream.Key) {
	r.hub.Subscribe(sub, keys...)
	if sub.Err() != nil {
		return // closed: the hub did not take it, and Leave may have run
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	held := r.mu.subs[sub]
	if held == nil {
		held = make(map[stream.Key]struct{}, len(keys))
		r.mu.subs[sub] = held
	}
	for _, k := range keys {
		if _, ok := held[k]; !ok {
			held[k] = struct{}{}
			r.addKeyLocked(k, 1)
		}
	}
}

// Unsubscribe removes keys from sub.
func (r *router) Unsubscribe(sub *stream.Sub, keys ...stream.Key) {
	r.hub.Unsubscribe(sub, keys...)
	r.mu.Lock()
	defer r.mu.Unlock()
	held := r.mu.subs[sub]
	for _, k := range keys {
		if _, ok := held[k]; ok {
			delete(held, k)
			r.addKeyLocked(k, -1)
		}
	}
}

// Leave closes sub and removes all its keys. The hub may have dropped sub already
// (an overflow); the router keeps its keys until Leave, which the connection calls
// when it ends.
func (r *router) Leave(sub *stream.Sub) {
	r.hub.Leave(sub)
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.mu.subs[sub] {
		r.addKeyLocked(k, -1)
	}
	delete(r.mu.subs, sub)
}

// addKeyLocked counts one more (or one fewer) subscriber of k.
func (r *router) addKeyLocked(k stream.Key, delta int) {
	n := r.mu.keys[k] + delta
	if n > 0 {
		r.mu.keys[k] = n
	} else {
		delete(r.mu.keys, k)
	}
	if (delta > 0 && n != 1) || (delta < 0 && n != 0) {
		return // the key was and stays subscribed
	}
	b := bucket(k)
	r.mu.buckets[b] += delta
	if c := r.mu.buckets[b]; (delta > 0 && c == 1) || (delta < 0 && c == 0) {
		r.mu.dirty = true
	}
}

// interest returns the bitmap of buckets with local subscribers.
func (r *router) interest() interest {
	var in interest
	r.mu.Lock()
	defer r.mu.Unlock()
	for b, c := range r.mu.buckets {
		if c > 0 {
			in[b/8] |= 1 << (b % 8)
		}
	}
	return in
}

// takeDirty reports whether the bitmap changed since the last call.
func (r *router) takeDirty() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.mu.dirty
	r.mu.dirty = false
	return d
}

// peerUp adds or updates a peer from its memberlist node.
func (r *router) peerUp(n *memberlist.Node, in interest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.mu.peers[n.Name]
	fresh := p == nil
	if fresh {
		p = &peer{name: n.Name, queue: make(chan stream.Delivery, peerQueue), stop: make(chan struct{}),
			stopped: make(chan struct{})}
	}
	node := *n
	p.node.Store(&node)
	p.interest.Store(&in)
	if fresh {
		r.mu.peers[n.Name] = p
		go p.run(r) // owned: peerDown or close stops it
		r.snapshotLocked()
	}
}

// peerDown stops forwarding to a peer that left or died. It does not wait for the
// peer's sender, which may be in a send to the dead peer until memberlist's TCP
// timeout: memberlist calls it inline.
func (r *router) peerDown(name string) {
	r.mu.Lock()
	p := r.mu.peers[name]
	delete(r.mu.peers, name)
	r.snapshotLocked()
	r.mu.Unlock()
	if p != nil {
		p.stopSending()
	}
}

func (r *router) snapshotLocked() {
	list := make([]*peer, 0, len(r.mu.peers))
	for _, p := range r.mu.peers {
		list = append(list, p)
	}
	r.peers.Store(&list)
}

// closeWait bounds how long close waits for senders in a send.
const closeWait = 2 * time.Second

// close stops every peer's sender and waits for them, at most closeWait; a sender
// still in a send then ends when the send times out.
func (r *router) close() {
	r.mu.Lock()
	peers := r.mu.peers
	r.mu.peers = make(map[string]*peer)
	r.snapshotLocked()
	r.mu.Unlock()
	for _, p := range peers {
		p.stopSending()
	}
	deadline := time.After(closeWait)
	for _, p := range peers {
		select {
		case <-p.stopped:
		case <-deadline:
			r.log.Warn("node: a stream sender is still sending at close", "peer", p.name)
			return
		}
	}
}

// receive publishes the events of a message from a peer to the local hub.
func (r *router) receive(msg []byte) {
	ds, err := decodeEvents(msg)
	if err != nil {
		r.log.Warn("node: undecodable stream message from a peer", "err", err)
		return
	}
	// A run of one event on several keys (a post to its followers' homes) is
	// published as one, so that its deliveries here are batched as at its origin.
	var keys []stream.Key
	for i, d := range ds {
		keys = append(keys, d.Key)
		if i+1 == len(ds) || ds[i+1].Event != d.Event {
			r.hub.PublishEach(keys, d.Event)
			keys = keys[:0]
		}
	}
	r.received.Add(int64(len(ds)))
}

// peer is another node as the router forwards to it.
type peer struct {
	name     string
	node     atomic.Pointer[memberlist.Node]
	interest atomic.Pointer[interest]
	queue    chan stream.Delivery
	stop     chan struct{}
	stopped  chan struct{}
	once     sync.Once
}

func (p *peer) interested(b int) bool { return p.interest.Load().has(b) }

// stopSending tells the sender to stop after the send in hand, if any.
func (p *peer) stopSending() { p.once.Do(func() { close(p.stop) }) }

// run sends the peer's queued events in batches until stopped.
func (p *peer) run(r *router) {
	defer close(p.stopped)
	batch := make([]stream.Delivery, 0, forwardBatch)
	var lastErr time.Time
	for {
		select {
		case <-p.stop:
			return
		case d := <-p.queue:
			batch = append(batch[:0], d)
		}
	fill:
		for len(batch) < forwardBatch {
			select {
			case d := <-p.queue:
				batch = append(batch, d)
			default:
				break fill
			}
		}
		if err := r.send(p.node.Load(), encodeEvents(batch)); err != nil {
			r.failed.Add(int64(len(batch)))
			if time.Since(lastErr) > 10*time.Second {
				lastErr = time.Now()
				r.log.Warn("node: forward stream events", "peer", p.name, "events", len(batch), "err", err)
			}
		}
	}
}

// encodeEvents encodes a batch: the tag, a count, then per event its key, kind, id
// and name.
func encodeEvents(ds []stream.Delivery) []byte {
	b := make([]byte, 0, 1+binary.MaxVarintLen64+len(ds)*48)
	b = append(b, msgEvents)
	b = binary.AppendUvarint(b, uint64(len(ds)))
	for _, d := range ds {
		b = binary.AppendUvarint(b, uint64(len(d.Key)))
		b = append(b, d.Key...)
		b = binary.AppendUvarint(b, uint64(len(d.Event.Kind)))
		b = append(b, d.Event.Kind...)
		b = binary.BigEndian.AppendUint64(b, uint64(d.Event.ID))
		b = binary.AppendUvarint(b, uint64(len(d.Event.Name)))
		b = append(b, d.Event.Name...)
	}
	return b
}

var errBadEvents = errors.New("node: malformed stream events")

// decodeEvents decodes a batch of encodeEvents; it copies what it keeps.
func decodeEvents(b []byte) ([]stream.Delivery, error) {
	if len(b) == 0 || b[0] != msgEvents {
		return nil, errBadEvents
	}
	b = b[1:]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, errBadEvents
	}
	b = b[k:]
	out := make([]stream.Delivery, 0, n)
	str := func() (string, bool) {
		l, k := binary.Uvarint(b)
		if k <= 0 || l > uint64(len(b)-k) {
			return "", false
		}
		s := string(b[k : k+int(l)])
		b = b[k+int(l):]
		return s, true
	}
	for range n {
		key, ok1 := str()
		kind, ok2 := str()
		if !ok1 || !ok2 || len(b) < 8 {
			return nil, errBadEvents
		}
		id := shard.ID(binary.BigEndian.Uint64(b))
		b = b[8:]
		name, ok := str()
		if !ok {
			return nil, errBadEvents
		}
		out = append(out, stream.Delivery{Key: stream.Key(key), Event: stream.Event{Kind: kind, ID: id, Name: name}})
	}
	if len(b) != 0 {
		return nil, errBadEvents
	}
	return out, nil
}
