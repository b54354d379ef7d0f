package due_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/due"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
)

// TestDue: entries come back once their time has come, oldest first, across hours and
// within the limit; a deleted entry does not; a sweep moves the start of the next
// past the empty hours, yet finds an entry put later into an hour behind it (a node
// whose clock runs late) within the hour kept behind.
func TestDue(t *testing.T) {
	ctx := context.Background()
	x := due.Index{Table: "things_due", From: "things_due_from", What: "things"}
	st := testrig.Store(t, x.Schema()...)
	now := time.Date(2026, 12, 6, 12, 30, 0, 0, time.UTC)
	put := func(id shard.ID, at time.Time, value string) {
		t.Helper()
		if err := st.Batch(ctx, []store.Mutation{x.Put(due.Entry{ID: id, At: at, Value: []byte(value)})}); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(es []due.Entry) []shard.ID {
		var out []shard.ID
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	put(1, now.Add(-50*time.Hour), "a")
	put(2, now.Add(-90*time.Minute), "b")
	put(3, now.Add(-time.Minute), "c")
	put(4, now.Add(time.Minute), "d") // not yet
	got, err := x.Due(ctx, st, now, 10)
	if err != nil || !slices.Equal(ids(got), []shard.ID{1, 2, 3}) || string(got[1].Value) != "b" || !got[2].At.Equal(now.Add(-time.Minute)) {
		t.Fatalf("due: %+v, %v", got, err)
	}
	if got, _ := x.Due(ctx, st, now, 2); !slices.Equal(ids(got), []shard.ID{1, 2}) {
		t.Fatalf("due, two at most: %v", ids(got))
	}
	for _, e := range got[:2] {
		d := x.Delete(e.ID, e.At)
		if err := st.Delete(ctx, d.Table, d.PK, d.CK); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := x.Due(ctx, st, now.Add(2*time.Minute), 10); !slices.Equal(ids(got), []shard.ID{3, 4}) {
		t.Fatalf("due after deletes: %v", ids(got))
	}
	put(5, now.Add(-30*time.Minute), "late") // an hour the sweep has already passed
	if got, _ := x.Due(ctx, st, now.Add(2*time.Minute), 10); !slices.Contains(ids(got), 5) {
		t.Fatalf("an entry put late into the hour kept behind: %v", ids(got))
	}
}
