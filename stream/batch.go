package stream

import "sync"

// Batch ties together the deliveries of one event that a hub handed to several
// subscribers at once (PublishEach, or a key with several subscribers), so that
// whoever renders the event for one of them may make the reads of all of them in
// one go: the per-viewer reads of a post's thousand followers become one multi-get
// per table instead of a thousand point reads. Each subscriber still delivers its
// own queue, in order.
type Batch struct {
	subs []*Sub
	memo struct {
		once sync.Once
		v    any
	}
}

// Subs are the subscribers the event was handed to, a subscriber once per key it
// got the event on. The slice is shared: callers must not change it.
func (b *Batch) Subs() []*Sub { return b.subs }

// Memo returns what f returned the first time Memo was called on b; f runs once,
// and concurrent callers wait for it.
func (b *Batch) Memo(f func() any) any {
	b.memo.once.Do(func() { b.memo.v = f() })
	return b.memo.v
}
