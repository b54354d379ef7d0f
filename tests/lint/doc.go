// Package lint holds the tests that keep the house plan of docs/architecture.md from
// eroding quietly: which package may import which, and that every package says what
// it owns. They read `go list` and run no node; the package has no code of its own.
package lint
