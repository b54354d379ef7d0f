package stream_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/stream"
)

func TestKeys(t *testing.T) {
	for _, tc := range []struct {
		got  stream.Key
		want string
	}{
		{stream.User(7), "timeline:7"},
		{stream.Notifications(7), "timeline:7:notifications"},
		{stream.Direct(7), "timeline:direct:7"},
		{stream.System(7), "timeline:system:7"},
		{stream.List(9), "timeline:list:9"},
		{stream.Public(stream.Everywhere, false), "timeline:public"},
		{stream.Public(stream.Local, true), "timeline:public:local:media"},
		{stream.Public(stream.Remote, false), "timeline:public:remote"},
		{stream.Hashtag("go", false), "timeline:hashtag:go"},
		{stream.Hashtag("go", true), "timeline:hashtag:go:local"},
	} {
		if string(tc.got) != tc.want {
			t.Errorf("key %q, want %q", tc.got, tc.want)
		}
	}
}

// A delivery says when the hub routed it, so that connections can tell a read made
// after it from one made before.
func TestPublishStampsRouting(t *testing.T) {
	h := stream.NewHub()
	s := stream.NewSub(8)
	h.Subscribe(s, stream.User(1))
	before := time.Now()
	h.Publish(stream.User(1), stream.Event{Kind: stream.Update, ID: 10})
	after := time.Now()
	got := s.Take(nil)
	if len(got) != 1 || got[0].Routed.Before(before) || got[0].Routed.After(after) {
		t.Fatalf("routed at %v, want between %v and %v", got, before, after)
	}
}

func TestPublishReachesSubscribersOnly(t *testing.T) {
	h := stream.NewHub()
	a, b := stream.NewSub(8), stream.NewSub(8)
	pub := stream.Public(stream.Everywhere, false)
	h.Subscribe(a, pub, stream.User(1))
	h.Subscribe(b, pub)
	if !h.HasSubscribers(stream.User(1)) || h.HasSubscribers(stream.User(2)) || h.Subscribers(pub) != 2 {
		t.Fatalf("subscribers wrong")
	}
	h.Publish(stream.User(1), stream.Event{Kind: stream.Update, ID: 10})
	h.Publish(pub, stream.Event{Kind: stream.Update, ID: 11})
	h.Publish(stream.User(2), stream.Event{Kind: stream.Update, ID: 12})
	got := a.Take(nil)
	if len(got) != 2 || got[0].Event.ID != 10 || got[0].Key != stream.User(1) || got[1].Event.ID != 11 {
		t.Fatalf("a got %v", got)
	}
	if got := b.Take(nil); len(got) != 1 || got[0].Event.ID != 11 {
		t.Fatalf("b got %v", got)
	}
	h.Unsubscribe(a, pub)
	h.Publish(pub, stream.Event{Kind: stream.Delete, ID: 11})
	if got := a.Take(nil); len(got) != 0 {
		t.Fatalf("a got %v after unsubscribing", got)
	}
	if keys := a.Keys(); len(keys) != 1 || keys[0] != stream.User(1) {
		t.Fatalf("a keys %v", keys)
	}
	h.Leave(a)
	if h.HasSubscribers(stream.User(1)) || a.Err() != stream.ErrClosed {
		t.Fatalf("leave: subscribers remain or err %v", a.Err())
	}
	h.Subscribe(a, pub)
	if h.Subscribers(pub) != 1 {
		t.Fatalf("a closed sub was subscribed")
	}
}

// A subscriber that never drains is closed once its queue is full, and dropped from
// every key; the publisher never waits for it and others keep receiving.
func TestOverflowDropsSlowSubscriber(t *testing.T) {
	h := stream.NewHub()
	slow, fast := stream.NewSub(4), stream.NewSub(4)
	key := stream.Hashtag("busy", false)
	h.Subscribe(slow, key, stream.User(1))
	h.Subscribe(fast, key)
	for i := 0; i < 1000; i++ {
		h.Publish(key, stream.Event{Kind: stream.Update, ID: shard.ID(i)})
		fast.Take(nil)
	}
	select {
	case <-slow.Done():
	default:
		t.Fatal("slow subscriber still open")
	}
	if !errors.Is(slow.Err(), stream.ErrOverflow) {
		t.Fatalf("slow err %v", slow.Err())
	}
	if h.Subscribers(key) != 1 || h.HasSubscribers(stream.User(1)) {
		t.Fatal("slow subscriber not dropped from its keys")
	}
	if fast.Err() != nil {
		t.Fatalf("fast closed: %v", fast.Err())
	}
}

// Subscribing, leaving and publishing from many goroutines leaves no key behind
// (run with -race).
func TestConcurrentSubscribeLeave(t *testing.T) {
	h := stream.NewHub()
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				sub := stream.NewSub(2)
				keys := []stream.Key{stream.User(shard.ID(i % 7)), stream.Hashtag(fmt.Sprint(i%5), false)}
				wg.Add(1)
				go func() { defer wg.Done(); h.Subscribe(sub, keys...) }()
				h.Publish(keys[0], stream.Event{Kind: stream.Update, ID: 1})
				h.Leave(sub)
			}
		}()
	}
	wg.Wait()
	for i := 0; i < 7; i++ {
		if n := h.Subscribers(stream.User(shard.ID(i))); n != 0 {
			t.Errorf("user %d has %d subscribers left", i, n)
		}
	}
}

// BenchmarkPublish1k publishes to a key with 1,000 subscribers (one post reaching a
// busy hashtag), and, in parallel, to 1,000 keys with one subscriber each and to
// keys nobody listens to (fan-out checking followers' home channels).
func BenchmarkPublish1k(b *testing.B) {
	h := stream.NewHub()
	subs := make([]*stream.Sub, 1000)
	tag := stream.Hashtag("busy", false)
	for i := range subs {
		subs[i] = stream.NewSub(1 << 20)
		h.Subscribe(subs[i], tag, stream.User(shard.ID(i)))
	}
	e := stream.Event{Kind: stream.Update, ID: 1}
	b.Run("one key", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			h.Publish(tag, e)
			if i%512 == 0 {
				for _, s := range subs {
					s.Take(nil)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/delivery")
	})
	b.Run("home keys", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			k := stream.User(shard.ID(i % 2000)) // half have a subscriber
			if h.HasSubscribers(k) {
				h.Publish(k, e)
			}
			if i%(512*1000) == 0 {
				for _, s := range subs {
					s.Take(nil)
				}
			}
		}
	})
}

// PublishEach hands one event on several keys to their subscribers, a subscriber
// once per key, with one routing time and one Batch naming them all; a lone
// subscriber gets no batch.
func TestPublishEachBatches(t *testing.T) {
	h := stream.NewHub()
	a, b, c := stream.NewSub(8), stream.NewSub(8), stream.NewSub(8)
	a.Owner = "a"
	h.Subscribe(a, stream.User(1), stream.User(3))
	h.Subscribe(b, stream.User(2))
	h.Subscribe(c, stream.User(9))
	e := stream.Event{Kind: stream.Update, ID: 10}
	h.PublishEach([]stream.Key{stream.User(1), stream.User(2), stream.User(3), stream.User(4)}, e)
	got := append(a.Take(nil), b.Take(nil)...)
	if len(got) != 3 || c.Take(nil) != nil {
		t.Fatalf("deliveries %+v, want two to a and one to b, none to c", got)
	}
	batch := got[0].Batch
	if batch == nil || len(batch.Subs()) != 3 {
		t.Fatalf("batch %+v, want the three deliveries'", batch)
	}
	keys := map[stream.Key]bool{}
	for _, d := range got {
		if d.Batch != batch || d.Event != e || !d.Routed.Equal(got[0].Routed) {
			t.Errorf("delivery %+v not of the one batch and routing", d)
		}
		keys[d.Key] = true
	}
	if !keys[stream.User(1)] || !keys[stream.User(2)] || !keys[stream.User(3)] {
		t.Errorf("keys %v", keys)
	}
	if batch.Subs()[0].Owner == nil && batch.Subs()[1].Owner == nil && batch.Subs()[2].Owner == nil {
		t.Errorf("the owner of a is not in the batch")
	}
	n := 0
	for range 3 {
		if v := batch.Memo(func() any { n++; return n }); v != 1 {
			t.Fatalf("Memo = %v, want the first call's 1", v)
		}
	}
	h.Publish(stream.User(9), e)
	if d := c.Take(nil); len(d) != 1 || d[0].Batch != nil {
		t.Fatalf("a lone subscriber's delivery %+v, want no batch", d)
	}
}
