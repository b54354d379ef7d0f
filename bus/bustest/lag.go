package bustest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/herd-social/herd/bus"
)

// testLag: a group that never consumed trails by every message, one count per
// partition; once it has handled them all its lag drops to zero, while another group
// still trails by all; an unknown topic is ErrUnknownTopic.
func testLag(t *testing.T, e Engine) {
	tp := newTopic(t, 3)
	b := open(t, e, tp)
	publishKeys(t, b, tp.Name, keys("key", 8), 0, 5, 4)
	group, other := name(t, "group"), name(t, "other")
	total := func(group string) (int64, error) {
		lag, err := b.Lag(context.Background(), group, tp.Name)
		if err != nil {
			return 0, err
		}
		if len(lag) != tp.Partitions {
			return 0, fmt.Errorf("lag of %d partitions, want %d", len(lag), tp.Partitions)
		}
		var sum int64
		for _, l := range lag {
			sum += l
		}
		return sum, nil
	}
	waitFor(t, func() error {
		if n, err := total(group); err != nil || n != 40 {
			return fmt.Errorf("lag before consuming: %d, %v; want 40", n, err)
		}
		return nil
	})
	var r recorder
	consume(t, b, group, tp.Name, bus.ConsumeOptions{MaxBatch: 4}, r.handler(nil))
	waitCount(t, &r, 40)
	waitFor(t, func() error {
		if n, err := total(group); err != nil || n != 0 {
			return fmt.Errorf("lag after consuming all: %d, %v; want 0", n, err)
		}
		return nil
	})
	if n, err := total(other); err != nil || n != 40 {
		t.Fatalf("lag of a group that never consumed: %d, %v; want 40", n, err)
	}
	if _, err := b.Lag(context.Background(), group, name(t, "missing")); !errors.Is(err, bus.ErrUnknownTopic) {
		t.Fatalf("lag of an unknown topic: %v, want ErrUnknownTopic", err)
	}
}
