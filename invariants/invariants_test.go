package invariants

import "testing"

// TestCheck: a failed check panics in invariants builds and is silent in others.
func TestCheck(t *testing.T) {
	Check(true, "holds")
	defer func() {
		if got := recover(); (got != nil) != Enabled {
			t.Fatalf("Check(false) with Enabled=%v recovered %v", Enabled, got)
		}
	}()
	Check(false, "broken")
}
