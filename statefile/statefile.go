// Package statefile keeps the progress of a resumable job (where a copy or a reindex
// stands) in a small JSON file, written whole to a temporary file and renamed over
// the old one, so that a crash leaves one state or the other. It must not grow into
// a store: one value per file, read and written whole.
package statefile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// File is the path of a file holding one T.
type File[T any] string

// Load returns the saved value, and false when there is none.
func (f File[T]) Load() (T, bool, error) {
	var v T
	b, err := os.ReadFile(string(f))
	if errors.Is(err, os.ErrNotExist) {
		return v, false, nil
	}
	if err != nil {
		return v, false, fmt.Errorf("statefile: read %s: %w", f, err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, false, fmt.Errorf("statefile: %s: %w", f, err)
	}
	return v, true, nil
}

// Save writes v in place of the saved value.
func (f File[T]) Save(v T) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("statefile: encode %s: %w", f, err)
	}
	tmp := string(f) + ".tmp"
	if err := os.MkdirAll(filepath.Dir(tmp), 0o750); err != nil {
		return fmt.Errorf("statefile: save %s: %w", f, err)
	}
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("statefile: save %s: %w", f, err)
	}
	if err := os.Rename(tmp, string(f)); err != nil {
		return fmt.Errorf("statefile: save %s: %w", f, err)
	}
	return nil
}

// Clear removes the saved value.
func (f File[T]) Clear() error {
	if err := os.Remove(string(f)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("statefile: clear %s: %w", f, err)
	}
	return nil
}
