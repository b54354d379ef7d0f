package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	blobfs "github.com/herd-social/herd/blob/fs"
)

// Backups of the single shape. Backup writes a point-in-time copy of the store, of
// the event log and of the media files in a directory (media.store = "dir") while the
// node serves; Restore puts one back in a data directory whose
// node is stopped. The store is copied first, then the log: every status in the
// copied store has its created event in the copied log, or an outbox row that
// republishes it at start, so no accepted post is lost; the log may hold events of
// statuses the store copy lacks (their consumers find nothing and move on), and
// consumers' offsets may be a moment ahead of the store (effects of that moment, such
// as home rows, are missing). The media files are copied last, so that every file the
// copied store names was in place (one deleted in between, with what named it, is
// missing); files of uploads after the store copy may be in it, unnamed, and are
// swept as unattached uploads are. The search index is not copied: `herd admin search
// reindex` rebuilds it from the store. A bucket (media.store = "s3") is backed up with
// the object store's own tools (versioning, replication). The cluster shape is backed up with its engines' own
// tools: `nodetool snapshot` (ScyllaDB, Cassandra) and Kafka's replication.

// checkpointer is the part of the embedded engines a backup needs: both
// store/pebble.Store and bus/local.Bus have it.
type checkpointer interface {
	Checkpoint(ctx context.Context, dir string) error
}

// manifestFile names a backup and says what it holds.
const manifestFile = "herd-backup.json"

// Manifest describes a backup.
type Manifest struct {
	Version string    `json:"version"`
	Domain  string    `json:"domain"`
	NodeID  int       `json:"node_id"`
	Taken   time.Time `json:"taken"`
	// Media says whether the backup holds the media files (a "media" directory).
	Media bool `json:"media"`
}

// Backup writes a copy of the node's store and event log to dir, which must not exist,
// while the node runs.
func (n *Node) Backup(ctx context.Context, dir string) (Manifest, error) {
	st, okStore := engineOf(n.store).(checkpointer)
	b, okBus := unwrapBus(n.bus).(checkpointer)
	if !okStore || !okBus {
		return Manifest{}, errors.New("node: backup: the cluster shape is backed up with its engines' own tools (nodetool snapshot; Kafka replication)")
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		return Manifest{}, fmt.Errorf("node: backup: %s exists; name a new directory", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Manifest{}, fmt.Errorf("node: backup: %w", err)
	}
	if err := st.Checkpoint(ctx, filepath.Join(dir, "store")); err != nil {
		return Manifest{}, fmt.Errorf("node: backup: %w", err)
	}
	if err := b.Checkpoint(ctx, filepath.Join(dir, "log")); err != nil {
		return Manifest{}, fmt.Errorf("node: backup: %w", err)
	}
	m := Manifest{Version: SoftwareVersion, Domain: n.cfg.Domain, NodeID: n.cfg.NodeID, Taken: time.Now().UTC()}
	if files, ok := n.files.(checkpointer); ok {
		if err := files.Checkpoint(ctx, filepath.Join(dir, "media")); err != nil {
			return Manifest{}, fmt.Errorf("node: backup: %w", err)
		}
		m.Media = true
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, manifestFile), append(raw, '\n'), 0o600); err != nil {
		return Manifest{}, fmt.Errorf("node: backup: %w", err)
	}
	n.log.Info("node: backup written", "dir", dir)
	return m, nil
}

// Restore copies the backup in from into the data directory data, and its media files
// (if it has them) into the directory media, whose node must be stopped and which must
// hold no store, log or media files yet (move them away first: Restore never deletes
// data).
func Restore(from, data, media string) (Manifest, error) {
	var m Manifest
	raw, err := os.ReadFile(filepath.Join(from, manifestFile))
	if err != nil {
		return m, fmt.Errorf("node: restore: %s is not a backup: %w", from, err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("node: restore: %s: %w", manifestFile, err)
	}
	parts := map[string]string{"store": filepath.Join(data, "store"), "log": filepath.Join(data, "log")}
	if m.Media {
		if media == "" {
			return m, errors.New("node: restore: the backup holds media files, which go to a directory (media.store = \"dir\"), and this configuration keeps them in a bucket")
		}
		parts["media"] = media
	}
	for part, dst := range parts {
		if part == "media" {
			if held, err := holdsFiles(filepath.Join(dst, "objects")); err != nil || held {
				return m, fmt.Errorf("node: restore: %s already holds media files; move them away first (%v)", dst, err)
			}
			continue
		}
		if _, err := os.Stat(dst); !errors.Is(err, fs.ErrNotExist) {
			return m, fmt.Errorf("node: restore: %s already holds a %s; move it away first", data, part)
		}
	}
	for part, dst := range parts {
		if err := copyTree(filepath.Join(from, part), dst); err != nil {
			return m, fmt.Errorf("node: restore %s: %w", part, err)
		}
	}
	return m, nil
}

// holdsFiles reports whether the tree under dir has a regular file; a missing dir has
// none (a node that never stored a file made the media directory empty).
func holdsFiles(dir string) (bool, error) {
	found := false
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return found, err
}

// copyTree copies the regular files and directories under src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return blobfs.CreateSynced(dst, in, 0o600)
}
