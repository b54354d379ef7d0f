package deadletter_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
)

// failingStore fails every write while down is set.
type failingStore struct {
	store.Store
	mu   sync.Mutex
	down bool
}

var errDown = errors.New("test: store down")

func (f *failingStore) isDown() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.down
}

func (f *failingStore) setDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

func (f *failingStore) Put(ctx context.Context, table string, pk, ck, v []byte, ttl time.Duration) error {
	if f.isDown() {
		return errDown
	}
	return f.Store.Put(ctx, table, pk, ck, v, ttl)
}

func (f *failingStore) PutIfAbsent(ctx context.Context, table string, pk, ck, v []byte, ttl time.Duration) (bool, []byte, error) {
	if f.isDown() {
		return false, nil, errDown
	}
	return f.Store.PutIfAbsent(ctx, table, pk, ck, v, ttl)
}

// openStore opens a store of the test shape (testrig.Store) that can be made to fail.
func openStore(t *testing.T) *failingStore {
	t.Helper()
	return &failingStore{Store: testrig.Store(t, deadletter.Schema()...)}
}

// fakeBus records what is published.
type fakeBus struct{ got []bus.Message }

func (b *fakeBus) Publish(_ context.Context, msgs ...bus.Message) error {
	b.got = append(b.got, msgs...)
	return nil
}

func msgs(n int) []bus.Message {
	out := make([]bus.Message, n)
	for i := range out {
		out[i] = bus.Message{Topic: "t", Partition: 3, Offset: int64(10 + i), Key: []byte("k"), Value: []byte{byte(i)}}
	}
	return out
}

// recorder is a per-message function that fails the messages fail names and records
// every call.
type recorder struct {
	calls []int64
	fail  map[int64]error
}

func (r *recorder) each(_ context.Context, m bus.Message) error {
	r.calls = append(r.calls, m.Offset)
	return r.fail[m.Offset]
}

func TestHandler(t *testing.T) {
	transient := errors.New("peer down")
	cases := []struct {
		name    string
		fail    error
		tries   int // batch deliveries until the handler returns nil
		letters int // dead letters then
	}{
		{"permanent", bus.Permanent(errors.New("bad json")), 1, 1},
		{"undecodable", fmt.Errorf("load: %w", store.Unmarshal([]byte{0xff}, new(struct{ A int }))), 1, 1},
		{"transient", transient, 3, 1},
		{"an error quoting invalid text", bus.Permanent(errors.New("bad name \xff")), 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t)
			var log bytes.Buffer
			k := deadletter.New(st, deadletter.Options{MaxTries: 3, Logger: slog.New(slog.NewTextHandler(&log, nil))})
			r := &recorder{fail: map[int64]error{11: tc.fail}}
			h := k.Handler("g", r.each)
			batch := msgs(3)
			deliveries := 0
			for {
				deliveries++
				if deliveries > 10 {
					t.Fatal("never set aside")
				}
				err := h(context.Background(), batch)
				if err == nil {
					break
				}
				if !errors.Is(err, tc.fail) {
					t.Fatalf("error %v, want %v", err, tc.fail)
				}
			}
			if deliveries != tc.tries {
				t.Fatalf("handled after %d deliveries, want %d", deliveries, tc.tries)
			}
			// Offset 10 is processed once: redeliveries skip it; 12 once, after 11 is set aside.
			want := []int64{10}
			for range tc.tries {
				want = append(want, 11)
			}
			want = append(want, 12)
			if fmt.Sprint(r.calls) != fmt.Sprint(want) {
				t.Fatalf("calls %v, want %v", r.calls, want)
			}
			ls, err := k.List(context.Background(), "", 0)
			if err != nil || len(ls) != tc.letters {
				t.Fatalf("letters %v, %v", ls, err)
			}
			l := ls[0]
			if l.ID() != "g/t/3/11" || l.Tries != tc.tries || !bytes.Equal(l.Value, []byte{1}) || l.Err != strings.ToValidUTF8(tc.fail.Error(), "\uFFFD") {
				t.Fatalf("letter %+v", l)
			}
			if n := strings.Count(log.String(), "set aside"); n != 1 {
				t.Fatalf("logged %d times: %s", n, log.String())
			}
			counts, err := k.Counts(context.Background())
			if err != nil || counts["g"] != 1 {
				t.Fatalf("counts %v, %v", counts, err)
			}
		})
	}
}

// A consumer that stops never counts a try nor sets a message aside.
func TestHandlerCancelled(t *testing.T) {
	st := openStore(t)
	k := deadletter.New(st, deadletter.Options{MaxTries: 2, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h := k.Handler("g", func(ctx context.Context, m bus.Message) error { return ctx.Err() })
	for range 5 {
		if err := h(ctx, msgs(1)); !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v", err)
		}
	}
	closed := k.Handler("g", func(context.Context, bus.Message) error { return fmt.Errorf("x: %w", store.ErrClosed) })
	for range 5 {
		if err := closed(context.Background(), msgs(1)); !errors.Is(err, store.ErrClosed) {
			t.Fatalf("error %v", err)
		}
	}
	if ls, err := k.List(context.Background(), "", 0); err != nil || len(ls) != 0 {
		t.Fatalf("letters %v, %v", ls, err)
	}
	// The tries before did not count: one transient failure now is retried.
	h = k.Handler("g", func(context.Context, bus.Message) error { return errors.New("transient") })
	if err := h(context.Background(), msgs(1)); err == nil {
		t.Fatal("first transient failure set aside")
	}
}

// A dead letter that cannot be recorded keeps the batch failing, and is recorded once
// the store is back.
func TestHandlerRecordFails(t *testing.T) {
	st := openStore(t)
	k := deadletter.New(st, deadletter.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	h := k.Handler("g", func(context.Context, bus.Message) error { return bus.Permanent(errors.New("bad")) })
	st.setDown(true)
	if err := h(context.Background(), msgs(1)); !errors.Is(err, errDown) {
		t.Fatalf("error %v, want the store's", err)
	}
	st.setDown(false)
	if err := h(context.Background(), msgs(1)); err != nil {
		t.Fatal(err)
	}
	if ls, err := k.List(context.Background(), "g", 0); err != nil || len(ls) != 1 {
		t.Fatalf("letters %v, %v", ls, err)
	}
}

func TestReplay(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	k := deadletter.New(st, deadletter.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	bad := func(context.Context, bus.Message) error { return bus.Permanent(errors.New("bad")) }
	for _, g := range []string{"a", "b"} {
		if err := k.Handler(g, bad)(ctx, msgs(2)); err != nil {
			t.Fatal(err)
		}
	}
	if ls, _ := k.List(ctx, "", 3); len(ls) != 3 || ls[2].ID() != "b/t/3/10" {
		t.Fatalf("list with limit: %v", ls)
	}
	var b fakeBus
	if err := k.Replay(ctx, &b, "a/t/3/11"); err != nil {
		t.Fatal(err)
	}
	if len(b.got) != 1 || b.got[0].Topic != "t" || string(b.got[0].Key) != "k" || !bytes.Equal(b.got[0].Value, []byte{1}) {
		t.Fatalf("published %+v", b.got)
	}
	if err := k.Replay(ctx, &b, "a/t/3/11"); !errors.Is(err, deadletter.ErrNotFound) {
		t.Fatalf("second replay: %v", err)
	}
	if ls, _ := k.List(ctx, "a", 0); len(ls) != 1 || ls[0].Offset != 10 {
		t.Fatalf("left in a: %v", ls)
	}
	counts, _ := k.Counts(ctx)
	if counts["a"] != 2 || counts["b"] != 2 {
		t.Fatalf("counts %v", counts)
	}
	for _, id := range []string{"", "a/t/3", "a/t/x/1", "/t/1/1"} {
		if _, err := deadletter.ParseID(id); err == nil {
			t.Errorf("ParseID(%q) accepted", id)
		}
	}
}

// A message that fails fewer than MaxTries times and then passes is never set aside,
// and its tries do not carry over to a later failure.
func TestHandlerTransientPasses(t *testing.T) {
	st := openStore(t)
	k := deadletter.New(st, deadletter.Options{MaxTries: 3, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	fails := 2
	h := k.Handler("g", func(context.Context, bus.Message) error {
		if fails > 0 {
			fails--
			return errors.New("transient")
		}
		return nil
	})
	for i := range 3 {
		err := h(context.Background(), msgs(1))
		if (err == nil) != (i == 2) {
			t.Fatalf("delivery %d: %v", i, err)
		}
	}
	fails = 2
	for i := range 3 {
		if err := h(context.Background(), msgs(1)); (err == nil) != (i == 2) {
			t.Fatalf("second round, delivery %d: %v", i, err)
		}
	}
	if ls, err := k.List(context.Background(), "", 0); err != nil || len(ls) != 0 {
		t.Fatalf("letters %v, %v", ls, err)
	}
}
