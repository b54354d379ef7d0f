package activitypub

import (
	"fmt"
	"slices"
	"testing"

	"github.com/herd-social/herd/bus"
)

// TestByActor checks how the inbox workers split a batch: one group per actor, each
// in the order of the partition; what was applied before (by id, or by offset on this
// node) and a second copy of an id left out.
func TestByActor(t *testing.T) {
	keys := []string{"a", "b", "a", "c", "b", "a", "b", "c"}
	ids := []string{"a1", "b1", "a2", "c1", "b1", "", "b2", "c2"}
	msgs := make([]bus.Message, len(keys))
	for i, k := range keys {
		msgs[i] = bus.Message{Key: []byte(k), Offset: int64(100 + i)}
	}
	seen := make([]bool, len(keys))
	seen[3] = true                    // c1 was applied before
	done := map[int64]bool{107: true} // c2 was applied by a try that failed
	got := byActor(msgs, ids, seen, done)
	want := [][]int{{0, 2, 5}, {1, 6}} // a1 a2 (no id), b1 b2 (the second b1 left out)
	if len(got) != len(want) {
		t.Fatalf("groups %v, want %v", got, want)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("groups %v, want %v", got, want)
		}
	}
}

// TestRetriedOffsets checks that what a failed batch applied is kept for its next
// delivery on the partition, once.
func TestRetriedOffsets(t *testing.T) {
	var r retriedOffsets
	if done := r.take(3); len(done) != 0 {
		t.Fatalf("fresh partition: %v", done)
	}
	r.keep(3, map[int64]bool{7: true, 8: true})
	if done := r.take(4); len(done) != 0 {
		t.Fatalf("other partition: %v", done)
	}
	if done := r.take(3); fmt.Sprint(done) != "map[7:true 8:true]" {
		t.Fatalf("kept: %v", done)
	}
	if done := r.take(3); len(done) != 0 {
		t.Fatalf("taken twice: %v", done)
	}
}
