package status_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/testrig"
	"github.com/herd-social/herd/visibility"
)

// flakyBus fails every Publish while down, like a node dying between the write of a
// status and the publish of its event.
type flakyBus struct {
	bus.Bus
	down bool
}

func (f *flakyBus) Publish(ctx context.Context, msgs ...bus.Message) error {
	if f.down {
		return errors.New("publish lost")
	}
	return f.Bus.Publish(ctx, msgs...)
}

type plainFormatter struct{}

func (plainFormatter) Format(_ context.Context, text string) (status.Formatted, error) {
	return status.Formatted{HTML: "<p>" + text + "</p>"}, nil
}
func (plainFormatter) Length(spoiler, text string) int { return len(spoiler) + len(text) }

type noNotifier struct{}

func (noNotifier) Notify(context.Context, shard.ID, shard.ID, notification.Kind, shard.ID) error {
	return nil
}

func (noNotifier) Withdraw(context.Context, shard.ID, shard.ID, notification.Kind, shard.ID) error {
	return nil
}

// TestOutboxRepublishesAfterALostPublish: a status whose created event was never
// published (the node died in between) is announced by Republish at the next start, so
// fan-out never misses an accepted post.
func TestOutboxRepublishesAfterALostPublish(t *testing.T) {
	ctx := context.Background()
	st, lb, ids, accounts := engines(t)
	author, _, err := accounts.Register(ctx, account.Registration{Username: "ann", Email: "ann@example.com",
		Password: "long enough password", Agreement: true})
	if err != nil {
		t.Fatal(err)
	}
	fb := &flakyBus{Bus: lb, down: true}
	svc := status.New(st, fb, ids, accounts, visibility.New(accounts), noNotifier{}, plainFormatter{}, status.Options{})
	if _, err := svc.Create(ctx, author.ID, status.Post{Text: "survives"}); err == nil {
		t.Fatal("Create succeeded with the event log down")
	}
	fb.down = false
	if n, err := svc.Republish(ctx, time.Hour); err != nil || n != 0 { // a sweep passes over a fresh status
		t.Fatalf("Republish of statuses an hour old = %d, %v; want 0", n, err)
	}
	n, err := svc.Republish(ctx, 0)
	if err != nil || n != 1 {
		t.Fatalf("Republish = %d, %v; want 1", n, err)
	}
	got := make(chan status.Event, 1)
	cctx, cancel := context.WithTimeout(ctx, testrig.Wait())
	defer cancel()
	go lb.Consume(cctx, "check", status.Topic, bus.ConsumeOptions{}, func(_ context.Context, msgs []bus.Message) error {
		for _, m := range msgs {
			e, err := status.DecodeEvent(m)
			if err == nil {
				got <- e
				cancel()
			}
		}
		return nil
	})
	var e status.Event
	select {
	case e = <-got:
	case <-cctx.Done():
		// The consumer cancels right after sending, so both may be ready at once.
		select {
		case e = <-got:
		default:
			t.Fatal("the lost event was never republished")
		}
	}
	if e.Kind != status.Created || e.Author != author.ID {
		t.Fatalf("event %+v", e)
	}
	if n, err := svc.Republish(ctx, 0); err != nil || n != 0 {
		t.Fatalf("second Republish = %d, %v; want 0", n, err)
	}
}
