package status_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
	"github.com/herd-social/herd/visibility"
)

// engines opens the store and the event log of the test shape (testrig.NewEngines),
// closed when t ends, and the account service on them.
func engines(t *testing.T) (store.Store, bus.Bus, *shard.Generator, *account.Service) {
	t.Helper()
	e := testrig.NewEngines(t)
	st, lb := e.OpenStore(append(account.Schema(), status.Schema()...)...), e.OpenBus()
	ids, _ := shard.NewGenerator(1, shard.DefaultNodeBits, nil)
	return st, lb, ids, account.New(st, ids, account.Options{Domain: "example.com", BcryptCost: 4})
}

// remoteRig is a status service on the engines, with one remote author.
func remoteRig(t *testing.T) (*status.Service, store.Store, *account.Account) {
	t.Helper()
	st, lb, ids, accounts := engines(t)
	author, err := accounts.UpsertRemote(context.Background(), &account.Account{Username: "rem", Domain: "remote.example",
		URI: "https://remote.example/users/rem"})
	if err != nil {
		t.Fatal(err)
	}
	return status.New(st, lb, ids, accounts, visibility.New(accounts), noNotifier{}, plainFormatter{}, status.Options{}), st, author
}

func remoteNote(author *account.Account, uri string) *status.Status {
	return &status.Status{URI: uri, AccountID: author.ID, Content: "<p>hi</p>", Visibility: status.Public,
		CreatedAt: time.Now().Add(-time.Minute).UTC()}
}

// TestCreateRemoteConcurrently: several workers storing one remote status at once (the
// inbox and a backfill fetch) all get the one status, created once.
func TestCreateRemoteConcurrently(t *testing.T) {
	svc, _, author := remoteRig(t)
	const workers = 8
	var wg sync.WaitGroup
	got := make([]*status.Status, workers)
	created := make([]bool, workers)
	errs := make([]error, workers)
	for i := range workers {
		wg.Go(func() {
			got[i], created[i], errs[i] = svc.CreateRemote(context.Background(), remoteNote(author, "https://remote.example/notes/1"))
		})
	}
	wg.Wait()
	n := 0
	for i := range workers {
		if errs[i] != nil {
			t.Fatalf("worker %d: %v", i, errs[i])
		}
		if got[i].ID != got[0].ID {
			t.Fatalf("worker %d got status %d, worker 0 %d", i, got[i].ID, got[0].ID)
		}
		if created[i] {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d workers created the status, want 1", n)
	}
}

// TestCreateRemoteCompletesOrphanedReservation: a URI reserved by a creator that died
// before writing the status does not block the status forever.
func TestCreateRemoteCompletesOrphanedReservation(t *testing.T) {
	t.Parallel()
	svc, st, author := remoteRig(t)
	uri := "https://remote.example/notes/orphan"
	orphan := shard.At(time.Now().Add(-time.Minute))
	if err := st.Put(context.Background(), "status_uris", []byte(uri), []byte{}, orphan.Bytes(), 0); err != nil {
		t.Fatal(err)
	}
	got, created, err := svc.CreateRemote(context.Background(), remoteNote(author, uri))
	if err != nil || !created || got.ID != orphan {
		t.Fatalf("CreateRemote = %v, %v, %v; want the status created under the reserved id %d", got, created, err, orphan)
	}
	if again, err := svc.ByURI(context.Background(), uri); err != nil || again.ID != orphan {
		t.Fatalf("ByURI = %v, %v", again, err)
	}
}
