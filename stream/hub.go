package stream

import (
	"sync"
	"time"
)

// hubShards spreads keys over locks so that publishing to unrelated keys does not
// contend.
const hubShards = 64

// Hub is the single-node Router: an in-memory map from keys to subscribers.
type Hub struct {
	shards [hubShards]hubShard
}

type hubShard struct {
	mu struct {
		sync.RWMutex
		subs map[Key]map[*Sub]struct{}
	}
}

var _ Router = (*Hub)(nil)

// NewHub returns an empty hub.
func NewHub() *Hub {
	h := &Hub{}
	for i := range h.shards {
		h.shards[i].mu.subs = make(map[Key]map[*Sub]struct{})
	}
	return h
}

func (h *Hub) shard(k Key) *hubShard {
	// FNV-1a.
	x := uint32(2166136261)
	for i := 0; i < len(k); i++ {
		x ^= uint32(k[i])
		x *= 16777619
	}
	return &h.shards[x%hubShards]
}

// Publish hands e to every subscriber of key without blocking; subscribers that
// overflow are closed and dropped.
func (h *Hub) Publish(key Key, e Event) { h.PublishEach([]Key{key}, e) }

// PublishEach hands e to every subscriber of each of keys without blocking, their
// deliveries tied by one Batch when there are several; subscribers that overflow
// are closed and dropped. Every delivery is stamped with one routing time, taken
// before the subscribers are looked up.
func (h *Hub) PublishEach(keys []Key, e Event) {
	d := Delivery{Event: e, Routed: time.Now()}
	type target struct {
		sub *Sub
		key Key
	}
	var targets []target
	for _, key := range keys {
		sh := h.shard(key)
		sh.mu.RLock()
		for sub := range sh.mu.subs[key] {
			targets = append(targets, target{sub, key})
		}
		sh.mu.RUnlock()
	}
	if len(targets) > 1 {
		b := &Batch{subs: make([]*Sub, len(targets))}
		for i, t := range targets {
			b.subs[i] = t.sub
		}
		d.Batch = b
	}
	var dropped []*Sub
	for _, t := range targets {
		d.Key = t.key
		if !t.sub.Deliver(d) {
			dropped = append(dropped, t.sub)
		}
	}
	for _, sub := range dropped {
		h.Leave(sub)
	}
}

// HasSubscribers reports whether any subscriber listens to key.
func (h *Hub) HasSubscribers(key Key) bool {
	return h.Subscribers(key) > 0
}

// Subscribers counts the subscribers of key.
func (h *Hub) Subscribers(key Key) int {
	sh := h.shard(key)
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	return len(sh.mu.subs[key])
}

// Subscribe adds keys to sub; a closed sub is left alone.
func (h *Hub) Subscribe(sub *Sub, keys ...Key) {
	for _, k := range keys {
		if !h.subscribe(sub, k) {
			return
		}
	}
}

func (h *Hub) subscribe(sub *Sub, k Key) bool {
	sh := h.shard(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	// The sub records the key under the shard lock, so a concurrent Leave either
	// sees the key (and removes it after this unlocks) or closes the sub first.
	if !sub.addKey(k) {
		return false
	}
	set := sh.mu.subs[k]
	if set == nil {
		set = make(map[*Sub]struct{}, 1)
		sh.mu.subs[k] = set
	}
	set[sub] = struct{}{}
	return true
}

// Unsubscribe removes keys from sub.
func (h *Hub) Unsubscribe(sub *Sub, keys ...Key) {
	for _, k := range keys {
		sh := h.shard(k)
		sh.mu.Lock()
		h.removeLocked(sh, sub, k)
		sub.dropKey(k)
		sh.mu.Unlock()
	}
}

// Leave closes sub and removes all its keys.
func (h *Hub) Leave(sub *Sub) {
	for _, k := range sub.leave() {
		sh := h.shard(k)
		sh.mu.Lock()
		h.removeLocked(sh, sub, k)
		sh.mu.Unlock()
	}
}

func (h *Hub) removeLocked(sh *hubShard, sub *Sub, k Key) {
	set := sh.mu.subs[k]
	delete(set, sub)
	if len(set) == 0 {
		delete(sh.mu.subs, k)
	}
}
