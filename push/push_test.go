package push_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/push"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
)

type noStatuses struct{}

func (noStatuses) Get(context.Context, shard.ID) (*status.Status, error) {
	return nil, status.ErrNotFound
}

type allTokens struct{}

func (allTokens) Valid(context.Context, string) (bool, error) { return true, nil }

func newService(t *testing.T, st store.Store, b bus.Bus) *push.Service {
	t.Helper()
	ids, err := shard.NewGenerator(0, shard.DefaultNodeBits, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := push.New(st, b, ids, account.New(st, ids, account.Options{Domain: "herd.example"}), noStatuses{},
		allTokens{}, push.Options{HTTP: http.DefaultClient, Subscriber: "https://herd.example/",
			Icon: func(*account.Account) string { return "" }, DeadLetters: deadletter.New(st, deadletter.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestServerKeyOnce: the instance's VAPID key is made once, whichever node asks
// first, and every node (services sharing the store) reads the same key after.
func TestServerKeyOnce(t *testing.T) {
	e := testrig.NewEngines(t)
	st, b := e.OpenStore(push.Schema()...), e.OpenBus()
	services := []*push.Service{newService(t, st, b), newService(t, st, b), newService(t, st, b)}
	keys := make([]string, len(services))
	var wg sync.WaitGroup
	for i, s := range services {
		wg.Go(func() {
			k, err := s.ServerKey(context.Background())
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for _, k := range keys {
		if k == "" || k != keys[0] {
			t.Fatalf("keys %q", keys)
		}
	}
	if k, err := newService(t, st, b).ServerKey(context.Background()); err != nil || k != keys[0] {
		t.Errorf("a later service read %q (%v), want %q", k, err, keys[0])
	}
}

// TestNewRefusesIncompleteOptions: the service is complete when built.
func TestNewRefusesIncompleteOptions(t *testing.T) {
	if _, err := push.New(nil, nil, nil, nil, nil, nil, push.Options{}); err == nil {
		t.Error("New took empty options")
	}
}
