// Package fs is the blob engine of the single shape: objects are files under a
// directory (the node's data directory), each written whole to a temporary file,
// synced and renamed into place, so that a reader or a crash sees the old object or
// the new one, never a part.
//
// Every path is resolved through an os.Root of the directory: a key, already checked
// by blob.CheckKey, cannot reach outside it, not even through a symbolic link planted
// inside. It owns the layout of the directory and must not be shared with anything
// else writing there.
package fs

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/herd-social/herd/blob"
)

// Layout of the directory: objects/<key> holds each object, tmp/ the files being
// written. Each object file starts with a header of headerSize bytes: magic, the
// content type and a newline, padded with zeros. The header has a fixed size so that
// an object's size is its file's size less it, which List reads without opening files.
const (
	objectsDir = "objects"
	tmpDir     = "tmp"
	headerSize = 256
	magic      = "herd-blob 1\n"
	// staleTemp is the age after which a temporary file is a crashed write's, removed
	// by Open.
	staleTemp = time.Hour
)

// Options configure a store.
type Options struct {
	// Dir is the directory of the store, created if missing. Required.
	Dir string
	// NoSync skips fsync (tests and benchmarks only): a crash may then lose or
	// truncate recent objects.
	NoSync bool
	// PublicURL, if set, is the base URL the directory's objects are served from
	// (a CDN whose origin is the node); URL joins it with the key.
	PublicURL string
}

// Validate reports the first unusable option.
func (o Options) Validate() error {
	if o.Dir == "" {
		return errors.New("blob/fs: Dir is required")
	}
	if o.PublicURL != "" {
		if err := blob.CheckPublicURL(o.PublicURL); err != nil {
			return err
		}
	}
	return nil
}

// Store is a blob.Store on a local directory.
type Store struct {
	opts Options
	root *os.Root
}

var _ blob.Store = (*Store)(nil)

// Open opens the store in opts.Dir, creating it if missing, and removes the
// temporary files of writes that a crash interrupted.
func Open(opts Options) (*Store, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	for _, d := range []string{objectsDir, tmpDir} {
		if err := os.MkdirAll(path.Join(opts.Dir, d), 0o755); err != nil {
			return nil, fmt.Errorf("blob/fs: %w", err)
		}
	}
	root, err := os.OpenRoot(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("blob/fs: %w", err)
	}
	s := &Store{opts: opts, root: root}
	if err := s.removeStaleTemps(); err != nil {
		root.Close()
		return nil, err
	}
	return s, nil
}

// removeStaleTemps removes the temporary files older than staleTemp; younger ones may
// be another store's writes in progress on the same directory.
func (s *Store) removeStaleTemps() error {
	entries, err := iofs.ReadDir(s.root.FS(), tmpDir)
	if err != nil {
		return fmt.Errorf("blob/fs: %w", err)
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || time.Since(fi.ModTime()) < staleTemp {
			continue
		}
		if err := s.root.Remove(path.Join(tmpDir, e.Name())); err != nil && !errors.Is(err, iofs.ErrNotExist) {
			return fmt.Errorf("blob/fs: remove a stale temporary file: %w", err)
		}
	}
	return nil
}

// Close releases the directory.
func (s *Store) Close() error { return s.root.Close() }

// URL returns the key's URL under PublicURL, if there is one.
func (s *Store) URL(key string) (string, bool) {
	if s.opts.PublicURL == "" || blob.CheckKey(key) != nil {
		return "", false
	}
	return blob.PublicURL(s.opts.PublicURL, key), true
}

// objectPath is the path of key's file in the root.
func objectPath(key string) string { return objectsDir + "/" + key }

// Put writes the object to a temporary file, syncs it and renames it into place.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	ct, err := blob.CheckPut(key, contentType, size)
	if err != nil {
		return err
	}
	tmp, err := s.writeTemp(ctx, blob.ExactReader(untilDone(ctx, r), size), ct)
	if err != nil {
		return fmt.Errorf("blob/fs: put %q: %w", key, err)
	}
	if err := s.rename(tmp, key); err != nil {
		s.root.Remove(tmp)
		return fmt.Errorf("blob/fs: put %q: %w", key, err)
	}
	return nil
}

// writeTemp writes a header of ct and what r yields to a new temporary file, synced
// and closed, and returns its path in the root.
func (s *Store) writeTemp(ctx context.Context, r io.Reader, ct string) (name string, err error) {
	var rnd [8]byte
	rand.Read(rnd[:])
	name = tmpDir + "/" + hex.EncodeToString(rnd[:])
	f, err := s.root.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			s.root.Remove(name)
		}
	}()
	var header [headerSize]byte
	copy(header[:], magic+ct+"\n")
	if _, err := f.Write(header[:]); err != nil {
		return name, err
	}
	if _, err := io.Copy(f, r); err != nil {
		return name, err
	}
	if err := ctx.Err(); err != nil {
		return name, err
	}
	if !s.opts.NoSync {
		if err := f.Sync(); err != nil {
			return name, err
		}
	}
	return name, nil
}

// rename moves the temporary file tmp to key's path, making its directories, and
// syncs the directories that got new entries: the one that now names the file, and
// those made for it with their parent. A concurrent Delete may remove an emptied
// directory while it is made or before the rename: both are then tried again.
func (s *Store) rename(tmp, key string) error {
	dir := path.Dir(objectPath(key))
	// top is the deepest directory that exists already: the directories made below
	// it are new entries of their parents, down to dir.
	top := dir
	for top != objectsDir {
		if _, err := s.root.Stat(top); err == nil {
			break
		}
		top = path.Dir(top)
	}
	var err error
	for range 10 {
		if err = s.root.MkdirAll(dir, 0o755); err == nil {
			err = s.root.Rename(tmp, objectPath(key))
		}
		if !errors.Is(err, iofs.ErrNotExist) {
			break
		}
	}
	if err != nil || s.opts.NoSync {
		return err
	}
	for d := dir; ; d = path.Dir(d) {
		if err := s.syncDir(d); err != nil {
			return err
		}
		if d == top {
			return nil
		}
	}
}

// syncDir makes the entries of a directory durable. A directory already removed (by
// a Delete of the key just put) has nothing to sync.
func (s *Store) syncDir(dir string) error {
	d, err := s.root.Open(dir)
	if errors.Is(err, iofs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Open opens key's file and reads its header.
func (s *Store) Open(ctx context.Context, key string, rng blob.Range) (io.ReadCloser, blob.Info, error) {
	if err := blob.CheckKey(key); err != nil {
		return nil, blob.Info{}, err
	}
	if err := rng.Check(); err != nil {
		return nil, blob.Info{}, err
	}
	f, info, err := s.open(ctx, key)
	if err != nil {
		return nil, blob.Info{}, err
	}
	off, n, err := rng.Clip(info.Size)
	if err != nil {
		f.Close()
		return nil, blob.Info{}, err
	}
	return object{io.NewSectionReader(f, headerSize+off, n), f}, info, nil
}

// object is an open object's reader: a section of its file, which Close closes.
type object struct {
	*io.SectionReader
	io.Closer
}

// Stat reads key's header.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Info{}, err
	}
	f, info, err := s.open(ctx, key)
	if err != nil {
		return blob.Info{}, err
	}
	f.Close()
	return info, nil
}

// open opens key's file and describes the object.
func (s *Store) open(ctx context.Context, key string) (*os.File, blob.Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, blob.Info{}, err
	}
	f, err := s.root.Open(objectPath(key))
	if err != nil {
		return nil, blob.Info{}, fmt.Errorf("blob/fs: open %q: %w", key, notFound(err))
	}
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		err = blob.ErrNotFound // a directory of other keys
	}
	var ct string
	if err == nil {
		ct, err = readHeader(f, fi.Size())
	}
	if err != nil {
		f.Close()
		return nil, blob.Info{}, fmt.Errorf("blob/fs: open %q: %w", key, err)
	}
	return f, blob.Info{Key: key, Size: fi.Size() - headerSize, ContentType: ct, ModTime: fi.ModTime()}, nil
}

// readHeader returns the content type in the header of an object file of size bytes.
func readHeader(f *os.File, size int64) (string, error) {
	var header [headerSize]byte
	if size < headerSize {
		return "", errors.New("not an object file: too short")
	}
	if _, err := f.ReadAt(header[:], 0); err != nil {
		return "", err
	}
	rest, ok := bytes.CutPrefix(header[:], []byte(magic))
	end := bytes.IndexByte(rest, '\n')
	if !ok || end < 0 {
		return "", errors.New("not an object file: no header")
	}
	return string(rest[:end]), nil
}

// notFound turns the errors of a path that names no file (or crosses a file as if it
// were a directory) into blob.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, iofs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return blob.ErrNotFound
	}
	return err
}

// Delete removes key's file, then the directories it leaves empty.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fi, err := s.root.Lstat(objectPath(key))
	if err == nil && fi.IsDir() {
		return nil // a directory of other keys, no object
	}
	if err == nil {
		err = s.root.Remove(objectPath(key))
	}
	if err != nil {
		if errors.Is(notFound(err), blob.ErrNotFound) {
			return nil
		}
		return fmt.Errorf("blob/fs: delete %q: %w", key, err)
	}
	// Removing a directory that is not empty fails, which ends the climb.
	for dir := path.Dir(key); dir != "."; dir = path.Dir(dir) {
		if s.root.Remove(objectPath(dir)) != nil {
			break
		}
	}
	return nil
}

// List walks the directory that holds every key starting with prefix.
func (s *Store) List(ctx context.Context, prefix string, fn func(blob.Info) error) error {
	if err := blob.CheckPrefix(prefix); err != nil {
		return err
	}
	start := objectsDir
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = objectPath(prefix[:i])
	}
	err := iofs.WalkDir(s.root.FS(), start, func(p string, d iofs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			// Gone (deleted meanwhile, or the prefix's directory never was).
			if errors.Is(notFound(err), blob.ErrNotFound) {
				return nil
			}
			return err
		}
		key := strings.TrimPrefix(p, objectsDir+"/")
		if d.IsDir() {
			if p != start && !strings.HasPrefix(key+"/", prefix) && !strings.HasPrefix(prefix, key+"/") {
				return iofs.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, iofs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if fi.Size() < headerSize {
			return fmt.Errorf("blob/fs: %s is not an object file", p)
		}
		return fn(blob.Info{Key: key, Size: fi.Size() - headerSize, ModTime: fi.ModTime()})
	})
	return err
}

// untilDone returns a reader of r that fails once ctx is done, so that a long copy
// stops.
func untilDone(ctx context.Context, r io.Reader) io.Reader {
	return readFunc(func(p []byte) (int, error) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		return r.Read(p)
	})
}

// readFunc is an io.Reader of a function.
type readFunc func([]byte) (int, error)

func (f readFunc) Read(p []byte) (int, error) { return f(p) }
