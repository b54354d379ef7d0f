package fs

import (
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
)

// Checkpoint writes a copy of the store's objects to dir, which must not exist, while
// the store serves; the copy is a directory Open takes. Each object is hard-linked
// where dir is on the same file system, else copied: objects are never rewritten in
// place (a Put renames a new file over the name, a Delete unlinks it), so a link keeps
// the version it saw. An object deleted during the walk is left out; one written
// during it may or may not be in.
func (s *Store) Checkpoint(ctx context.Context, dir string) error {
	if _, err := os.Stat(dir); !errors.Is(err, iofs.ErrNotExist) {
		return fmt.Errorf("blob/fs: checkpoint: %s exists", dir)
	}
	for _, d := range []string{objectsDir, tmpDir} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return fmt.Errorf("blob/fs: checkpoint: %w", err)
		}
	}
	var dirs []string
	err := iofs.WalkDir(s.root.FS(), objectsDir, func(p string, d iofs.DirEntry, err error) error {
		if errors.Is(err, iofs.ErrNotExist) {
			return nil // removed by a Delete during the walk
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			dirs = append(dirs, target)
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		err = os.Link(filepath.Join(s.opts.Dir, filepath.FromSlash(p)), target)
		if err != nil && !errors.Is(err, iofs.ErrNotExist) {
			err = s.copyOut(p, target)
		}
		if errors.Is(err, iofs.ErrNotExist) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("blob/fs: checkpoint: %w", err)
	}
	// The new names are durable once their directories are synced.
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := syncPath(dirs[i]); err != nil {
			return fmt.Errorf("blob/fs: checkpoint: %w", err)
		}
	}
	return syncPath(dir)
}

// copyOut copies the object file at p in the root to target, synced.
func (s *Store) copyOut(p, target string) error {
	in, err := s.root.Open(p)
	if err != nil {
		return err
	}
	defer in.Close()
	return CreateSynced(target, in, 0o644)
}

// CreateSynced writes r to a new file at path (an existing one is an error), synced
// before it returns, for copies that must survive a crash: checkpoints and backups.
func CreateSynced(path string, r io.Reader, perm os.FileMode) error {
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// syncPath syncs a directory, so that the entries made in it survive a crash.
func syncPath(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
