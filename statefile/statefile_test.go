package statefile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/herd-social/herd/statefile"
)

type place struct {
	Table string `json:"table"`
	Done  bool   `json:"done"`
}

// TestRoundTrip: nothing saved loads as absent; a saved value loads back, a later one
// replaces it, a cleared one is absent again; a torn file is an error, not a fresh start.
func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deep", "state.json")
	f := statefile.File[place](path)
	if _, ok, err := f.Load(); ok || err != nil {
		t.Fatalf("before any save: ok %v, err %v", ok, err)
	}
	for _, want := range []place{{Table: "statuses"}, {Table: "accounts", Done: true}} {
		if err := f.Save(want); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := f.Load(); !ok || err != nil || got != want {
			t.Fatalf("load: %+v %v %v, want %+v", got, ok, err, want)
		}
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Fatalf("the temporary file is left: %v", err)
	}
	if err := f.Clear(); err != nil {
		t.Fatal(err)
	}
	if err := f.Clear(); err != nil {
		t.Fatalf("clearing twice: %v", err)
	}
	if _, ok, err := f.Load(); ok || err != nil {
		t.Fatalf("after clear: ok %v, err %v", ok, err)
	}
	if err := os.WriteFile(path, []byte(`{"table":`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Load(); err == nil {
		t.Fatal("a torn file loaded")
	}
}
