package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Backups of the single shape. Backup writes a point-in-time copy of the store and of
// the event log while the node serves; Restore puts one back in a data directory whose
// node is stopped. The store is copied first, then the log: every status in the
// copied store has its created event in the copied log, or an outbox row that
// republishes it at start, so no accepted post is lost; the log may hold events of
// statuses the store copy lacks (their consumers find nothing and move on), and
// consumers' offsets may be a moment ahead of the store (effects of that moment, such
// as home rows, are missing). The cluster shape is backed up with its engines' own
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
}

// Backup writes a copy of the node's store and event log to dir, which must not exist,
// while the node runs.
func (n *Node) Backup(ctx context.Context, dir string) (Manifest, error) {
	st, okStore := engineOf(n.store).(checkpointer)
	b, okBus := n.bus.(checkpointer)
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

// Restore copies the backup in from into the data directory data, whose node must be
// stopped and which must hold no store or log yet (move them away first: Restore
// never deletes data).
func Restore(from, data string) (Manifest, error) {
	var m Manifest
	raw, err := os.ReadFile(filepath.Join(from, manifestFile))
	if err != nil {
		return m, fmt.Errorf("node: restore: %s is not a backup: %w", from, err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("node: restore: %s: %w", manifestFile, err)
	}
	for _, part := range []string{"store", "log"} {
		if _, err := os.Stat(filepath.Join(data, part)); !errors.Is(err, fs.ErrNotExist) {
			return m, fmt.Errorf("node: restore: %s already holds a %s; move it away first", data, part)
		}
	}
	for _, part := range []string{"store", "log"} {
		if err := copyTree(filepath.Join(from, part), filepath.Join(data, part)); err != nil {
			return m, fmt.Errorf("node: restore %s: %w", part, err)
		}
	}
	return m, nil
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
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
