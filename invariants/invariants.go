// Package invariants switches on the checks that are too costly, or too paranoid, for
// a production build: code asks `if invariants.Enabled { … }`, which the compiler
// drops unless the build has the `invariants` tag. `make test-invariants` (in CI) runs
// the whole suite with the tag and the race detector, as Pebble runs its invariants.
// A failed check panics: it is a bug, never an input error. The package imports
// nothing.
package invariants

// Check panics with msg when ok is false, in invariants builds only.
func Check(ok bool, msg string) {
	if Enabled && !ok {
		panic("invariant violated: " + msg)
	}
}
