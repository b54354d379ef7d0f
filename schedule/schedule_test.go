package schedule_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/schedule"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
	"github.com/herd-social/herd/visibility"
)

type plainFormatter struct{}

func (plainFormatter) Format(_ context.Context, text string) (status.Formatted, error) {
	return status.Formatted{HTML: "<p>" + text + "</p>"}, nil
}
func (plainFormatter) Length(spoiler, text string) int { return len(spoiler) + len(text) }

// clock is a clock the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// dying is a node's status service that dies in a publish: before making the
// status, or after.
type dying struct {
	*status.Service
	after bool
}

var errKilled = errors.New("killed")

func (d dying) Create(ctx context.Context, author shard.ID, p status.Post) (*status.Status, error) {
	if d.after {
		if _, err := d.Service.Create(ctx, author, p); err != nil {
			return nil, err
		}
	}
	return nil, errKilled
}

// meetings hold each status's making back until a second maker of the same status
// arrives (or a while has passed), so that two publishes of one status, if the nodes
// ever made them, would overlap.
type meetings struct {
	mu      sync.Mutex
	waiting map[shard.ID]chan struct{}
}

func (m *meetings) meet(id shard.ID) {
	m.mu.Lock()
	ch, ok := m.waiting[id]
	if ok {
		close(ch)
		delete(m.waiting, id)
	} else {
		ch = make(chan struct{})
		m.waiting[id] = ch
	}
	m.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(200 * time.Millisecond):
	}
}

// meetingStore is a node's store whose writes of a new status go through the
// meetings: two makings of one status, if the nodes ever began them, would both pass
// the status's check for an existing one before either wrote.
type meetingStore struct {
	store.Store
	*meetings
}

func (m meetingStore) Batch(ctx context.Context, muts []store.Mutation) error {
	for _, mu := range muts {
		if mu.Kind == store.Put && mu.Table == "statuses" {
			m.meet(shard.FromBytes(mu.PK))
		}
	}
	return m.Store.Batch(ctx, muts)
}

// rig is two nodes over one store and one event log: each with its own ids and its
// own status and schedule services, as the workers of a cluster.
type rig struct {
	accounts *account.Service
	statuses [2]*status.Service
	nodes    [2]*schedule.Service
	clock    *clock
	author   shard.ID
	st       store.Store
	ids      *shard.Generator
}

const lease = 3 * time.Second

func newRig(t *testing.T) *rig {
	t.Helper()
	e := testrig.NewEngines(t)
	var schema store.Schema
	for _, part := range []store.Schema{account.Schema(), status.Schema(), notification.Schema(), schedule.Schema()} {
		schema = append(schema, part...)
	}
	st, lb := e.OpenStore(schema...), e.OpenBus()
	r := &rig{st: st, clock: &clock{t: time.Now()}}
	meet := &meetings{waiting: map[shard.ID]chan struct{}{}}
	for i := range 2 {
		ids, err := shard.NewGenerator(i+1, shard.DefaultNodeBits, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			r.ids = ids
			r.accounts = account.New(st, ids, account.Options{Domain: "example.com", BcryptCost: 4})
		}
		notes := notification.New(st, ids, r.accounts, notification.Options{})
		r.statuses[i] = status.New(meetingStore{st, meet}, lb, ids, r.accounts, visibility.New(r.accounts), notes, plainFormatter{}, status.Options{})
		r.nodes[i] = schedule.New(st, ids, r.statuses[i], nil, schedule.Options{Now: r.clock.Now, Lease: lease})
	}
	a, _, err := r.accounts.Register(t.Context(), account.Registration{Username: "ann", Email: "ann@example.com",
		Password: "long enough password", Agreement: true})
	if err != nil {
		t.Fatal(err)
	}
	r.author = a.ID
	return r
}

// scheduleSome schedules n posts ten minutes ahead and moves the clock past them.
func (r *rig) scheduleSome(t *testing.T, n int) []*schedule.Scheduled {
	t.Helper()
	var out []*schedule.Scheduled
	for i := range n {
		sc, err := r.nodes[0].Schedule(t.Context(), r.author, status.Post{Text: fmt.Sprint("post ", i)},
			r.clock.Now().Add(10*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sc)
	}
	r.clock.Add(11 * time.Minute)
	return out
}

// published checks that the author has exactly the statuses of scs, each once, and
// nothing left scheduled.
func (r *rig) published(t *testing.T, scs []*schedule.Scheduled) {
	t.Helper()
	ctx := t.Context()
	ids, err := r.statuses[0].ByAccount(ctx, r.author, r.author, paging.Page{Limit: 40}, status.AccountFilter{})
	if err != nil {
		t.Fatal(err)
	}
	counts, err := r.accounts.Counts(ctx, []shard.ID{r.author})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(scs) || counts[0].Statuses != int64(len(scs)) {
		t.Fatalf("%d statuses listed, %d counted, want %d", len(ids), counts[0].Statuses, len(scs))
	}
	for _, sc := range scs {
		if _, err := r.statuses[0].Get(ctx, sc.StatusID); err != nil {
			t.Fatalf("status of scheduled %d: %v", sc.ID, err)
		}
	}
	left, err := r.nodes[0].List(ctx, r.author, paging.Page{Limit: 40})
	if err != nil || len(left) != 0 {
		t.Fatalf("left scheduled: %d, %v", len(left), err)
	}
}

// TestTwoNodesSweepingTogetherPublishOnce: both nodes sweep at once, again and
// again; every status is published once.
func TestTwoNodesSweepingTogetherPublishOnce(t *testing.T) {
	r := newRig(t)
	scs := r.scheduleSome(t, 6)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			for range 5 {
				if _, err := r.nodes[i%2].PublishDue(t.Context()); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	r.published(t, scs)
}

// TestNodeKilledMidPublish: a node that claimed a status and died, before making it
// or after, holds it for the lease only; the other node then publishes it, once.
func TestNodeKilledMidPublish(t *testing.T) {
	for _, after := range []bool{false, true} {
		t.Run(fmt.Sprintf("after create %v", after), func(t *testing.T) {
			r := newRig(t)
			scs := r.scheduleSome(t, 1)
			dead := schedule.New(r.st, r.ids, dying{Service: r.statuses[0], after: after}, nil,
				schedule.Options{Now: r.clock.Now, Lease: lease})
			if _, err := dead.PublishDue(t.Context()); !errors.Is(err, errKilled) {
				t.Fatalf("the dying node's sweep: %v", err)
			}
			if n, err := r.nodes[1].PublishDue(t.Context()); err != nil || n != 0 {
				t.Fatalf("a sweep during the lease published %d (%v)", n, err)
			}
			testrig.Eventually(t, "published after the lease", func() error {
				n, err := r.nodes[1].PublishDue(t.Context())
				if err != nil {
					return err
				}
				if n != 1 {
					return fmt.Errorf("published %d", n)
				}
				return nil
			})
			r.published(t, scs)
		})
	}
}
