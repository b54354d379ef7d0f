package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/herd-social/herd/store"
	storepebble "github.com/herd-social/herd/store/pebble"
	storescylla "github.com/herd-social/herd/store/scylla"
	"github.com/herd-social/herd/transfer"
)

// Moving an instance from the single shape to the cluster shape (`herd admin copy`).
// The node is stopped (the copy opens its data directory, which a running node
// holds), so nothing writes the source meanwhile. What moves, and how:
//   - the store: every live row of every table of Schema, Pebble to ScyllaDB or
//     Cassandra, with the time each row has left to live; counters are brought to the
//     source's values by adding the difference from what the target holds, so a
//     copy stopped and run again adds nothing twice. Its progress is saved in the
//     data directory after every page, and a run resumes where the last one stopped.
//     Then both sides are read again, table by table, and compared by row count and
//     checksum;
//   - the event log is not carried: the copy refuses to start while a consumer group
//     has not consumed every event it should (the operator drains the node first,
//     docs/operations.md), unless told to leave those events behind. The search
//     indexer's and the record caches' groups are not waited for: the search
//     indexes are rebuilt in the cluster (`herd admin search reindex`) and the
//     caches start empty;
//   - media files, when the target keeps them elsewhere (an S3 bucket): every object
//     is copied unless the target has it with the same size, then both are listed
//     and compared by count, keys and sizes.

// CopyOptions tune CopyToCluster.
type CopyOptions struct {
	// LeaveEvents copies although consumer groups trail the event log: the events
	// they have not consumed stay behind, unapplied.
	LeaveEvents bool
	// Margin is transfer.Options.Margin: rows expiring sooner after a table's check
	// starts are not compared. Default 10 minutes.
	Margin time.Duration
	// Progress, if set, receives a line after each page or step.
	Progress func(string)
}

// CopyReport is what a copy did and found.
type CopyReport struct {
	// Resumed says an earlier, interrupted copy was continued.
	Resumed bool
	// Trailing lists the consumer groups that had not consumed every event.
	Trailing []string
	// Tables holds the verification of each table.
	Tables []transfer.TableCheck
	// Media is the verification of the media files, nil when they stay where they are.
	Media *transfer.BlobCheck
	// MediaCopied counts the media files copied by this run.
	MediaCopied transfer.BlobSum
}

// Mismatched lists what the verification found different.
func (r CopyReport) Mismatched() []string {
	var bad []string
	for _, c := range r.Tables {
		if !c.OK() {
			bad = append(bad, fmt.Sprintf("table %s: %d rows (checksum %016x) at the source, %d (%016x) at the target",
				c.Table, c.Source.Rows, c.Source.Checksum, c.Target.Rows, c.Target.Checksum))
		}
	}
	if r.Media != nil && !r.Media.OK() {
		bad = append(bad, fmt.Sprintf("media: %d files at the source, %d of them at the target (missing: %s)",
			r.Media.Source.Objects, r.Media.Target.Objects, strings.Join(r.Media.Missing, ", ")))
	}
	return bad
}

// ErrCopyMismatch is returned when the copy's verification finds a difference.
var ErrCopyMismatch = errors.New("node: copy: the target differs from the source")

// CopyToCluster copies the instance of the single-shape configuration from into the
// engines of the cluster configuration to (migrated first: keyspace, tables and
// topics), and verifies the copy. The node of from must be stopped.
func CopyToCluster(ctx context.Context, from, to Config, log *slog.Logger, opts CopyOptions) (CopyReport, error) {
	var rep CopyReport
	from, to = from.WithDefaults(), to.WithDefaults()
	if err := checkCopyShapes(from, to); err != nil {
		return rep, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Progress == nil {
		opts.Progress = func(string) {}
	}
	trailing, err := trailingGroups(ctx, from, log)
	if err != nil {
		return rep, err
	}
	rep.Trailing = trailing
	if len(trailing) > 0 && !opts.LeaveEvents {
		return rep, fmt.Errorf("node: copy: consumer groups have not consumed every event (%s): let the node run, "+
			"its listener closed, until they have (docs/operations.md), or give --leave-events to leave them behind",
			strings.Join(trailing, "; "))
	}
	if err := Migrate(ctx, to, log); err != nil {
		return rep, fmt.Errorf("node: copy: prepare the cluster's engines: %w", err)
	}
	if err := copyStore(ctx, from, to, log, opts, &rep); err != nil {
		return rep, err
	}
	if err := copyMedia(ctx, from, to, log, opts, &rep); err != nil {
		return rep, err
	}
	if bad := rep.Mismatched(); len(bad) > 0 {
		// The next run copies every row again (puts and counter differences are
		// idempotent), not only the tables left undone.
		return rep, errors.Join(fmt.Errorf("%w: %s", ErrCopyMismatch, strings.Join(bad, "; ")), copyStateFile(from).Clear())
	}
	return rep, copyStateFile(from).Clear()
}

// checkCopyShapes refuses configurations that are not one single-shape instance and
// one cluster of the same domain.
func checkCopyShapes(from, to Config) error {
	for _, c := range []Config{from, to} {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("node: copy: %w", err)
		}
	}
	switch {
	case from.Store != StorePebble || from.Bus != BusLocal:
		return errors.New("node: copy: the source configuration must be of the single shape (store pebble, bus local)")
	case to.Store != StoreScylla:
		return errors.New("node: copy: the target configuration must name a ScyllaDB or Cassandra store (store = \"scylla\")")
	case to.Scylla.Namespace != "":
		return errors.New("node: copy: the target configuration has a scylla.namespace, which is for tests: give a keyspace of its own")
	case from.Domain != to.Domain:
		return fmt.Errorf("node: copy: the source serves %s and the target %s: an instance keeps its domain", from.Domain, to.Domain)
	}
	return nil
}

// trailingGroups lists the consumer groups of the embedded log that have not
// consumed every event of a topic, as "group on topic: n unconsumed". The search
// indexer's and the record caches' groups are left out: what they build is rebuilt.
func trailingGroups(ctx context.Context, from Config, log *slog.Logger) (_ []string, err error) {
	b, err := OpenBus(from, log)
	if err != nil {
		return nil, fmt.Errorf("node: copy: open the event log (is the node stopped?): %w", err)
	}
	defer func() { err = errors.Join(err, b.Close()) }()
	var trailing []string
	for _, ct := range consumerTopics() {
		lag, err := b.Lag(ctx, ct.group, ct.topic)
		if err != nil {
			return nil, fmt.Errorf("node: copy: lag of %s on %s: %w", ct.group, ct.topic, err)
		}
		var sum int64
		for _, l := range lag {
			sum += l
		}
		if sum > 0 {
			trailing = append(trailing, fmt.Sprintf("%s on %s: %d unconsumed", ct.group, ct.topic, sum))
		}
	}
	return trailing, nil
}

// copyStateFile keeps where a copy stands, in the source's data directory.
func copyStateFile(from Config) transfer.StateFile {
	return transfer.StateFile(filepath.Join(from.Data, "copy-to-cluster.json"))
}

// copyStore copies and verifies the store.
func copyStore(ctx context.Context, from, to Config, log *slog.Logger, opts CopyOptions, rep *CopyReport) (err error) {
	src, err := storepebble.Open(storepebble.Options{Dir: filepath.Join(from.Data, "store"), Schema: Schema(),
		Logger: log, SweepInterval: -1})
	if err != nil {
		return fmt.Errorf("node: copy: open the store (is the node stopped?): %w", err)
	}
	defer func() { err = errors.Join(err, src.Close()) }()
	dst, err := storescylla.Open(storescylla.Options{Hosts: to.Scylla.Hosts, Keyspace: to.Scylla.Keyspace,
		Schema: Schema(), Timeout: to.Scylla.Timeout, Parallel: to.Scylla.Parallel, Logger: log})
	if err != nil {
		return fmt.Errorf("node: copy: open the cluster's store: %w", err)
	}
	defer func() { err = errors.Join(err, dst.Close()) }()
	if err := resumeCopy(ctx, from, to, src, dst, opts, rep); err != nil {
		return err
	}
	topts := transfer.Options{Margin: opts.Margin, Progress: func(table string, rows int64) {
		opts.Progress(fmt.Sprintf("verifying %s: %d rows", table, rows))
	}}
	rep.Tables, err = transfer.Verify(ctx, src, dst, Schema(), topts)
	return err
}

// resumeCopy copies the store from where the saved state says (from the start
// without one), saving the state after every page.
func resumeCopy(ctx context.Context, from, to Config, src store.Dumper, dst store.Store, opts CopyOptions, rep *CopyReport) error {
	file := copyStateFile(from)
	st, resumed, err := file.Load()
	if err != nil {
		return err
	}
	target := strings.Join(to.Scylla.Hosts, ",") + "/" + to.Scylla.Keyspace
	if resumed && st.Target != target {
		return fmt.Errorf("node: copy: %s holds a copy to %s under way; remove it to copy to %s instead", file, st.Target, target)
	}
	if !resumed {
		st = transfer.State{Target: target, Started: time.Now().UTC()}
	}
	rep.Resumed = resumed
	topts := transfer.Options{Progress: func(table string, rows int64) {
		opts.Progress(fmt.Sprintf("copied %s: %d rows", table, rows))
	}}
	if _, err := transfer.CopyStore(ctx, src, dst, Schema(), st, file.Save, topts); err != nil {
		return fmt.Errorf("node: copy (run it again to resume): %w", err)
	}
	return nil
}

// copyMedia copies and verifies the media files when the target keeps them
// somewhere else than the source.
func copyMedia(ctx context.Context, from, to Config, log *slog.Logger, opts CopyOptions, rep *CopyReport) (err error) {
	if from.Media.Store == to.Media.Store && from.Media.Store == MediaFS && filepath.Clean(from.Media.Dir) == filepath.Clean(to.Media.Dir) {
		opts.Progress("media files stay in " + from.Media.Dir)
		return nil
	}
	src, err := OpenMedia(from, log)
	if err != nil {
		return fmt.Errorf("node: copy: open the media files: %w", err)
	}
	defer func() { err = errors.Join(err, src.Close()) }()
	dst, err := OpenMedia(to, log)
	if err != nil {
		return fmt.Errorf("node: copy: open the cluster's media store: %w", err)
	}
	defer func() { err = errors.Join(err, dst.Close()) }()
	topts := transfer.Options{Progress: func(_ string, n int64) {
		if n%100 == 0 {
			opts.Progress(fmt.Sprintf("copied %d media files", n))
		}
	}}
	if rep.MediaCopied, err = transfer.CopyBlobs(ctx, src, dst, topts); err != nil {
		return fmt.Errorf("node: copy media files (run it again to resume): %w", err)
	}
	check, err := transfer.VerifyBlobs(ctx, src, dst)
	rep.Media = &check
	return err
}
