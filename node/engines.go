package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/herd-social/herd/blob"
	"github.com/herd-social/herd/bus"
	buskafka "github.com/herd-social/herd/bus/kafka"
	buslocal "github.com/herd-social/herd/bus/local"
	"github.com/herd-social/herd/store"
	storepebble "github.com/herd-social/herd/store/pebble"
	storescylla "github.com/herd-social/herd/store/scylla"
)

// openTimeout bounds connecting to the cluster engines, a schema migration and
// topic creation included.
const openTimeout = 3 * time.Minute

// openEngines opens the store, the event log and the media store the configuration
// names: Pebble and the embedded log under Data, or ScyllaDB (migrated unless
// scylla.no_migrate) and Kafka (missing topics created); a directory or an S3 bucket
// (media.go).
func openEngines(cfg Config, log *slog.Logger, migrate bool) (store.Store, bus.Bus, blob.Store, error) {
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	st, err := openStore(ctx, cfg, Schema(), log, migrate)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("node: open store: %w", err)
	}
	b, err := openBus(ctx, cfg, log)
	if err != nil {
		st.Close()
		return nil, nil, nil, fmt.Errorf("node: open event log: %w", err)
	}
	media, err := openMedia(ctx, cfg, log)
	if err != nil {
		b.Close()
		st.Close()
		return nil, nil, nil, fmt.Errorf("node: open media store: %w", err)
	}
	return st, b, media, nil
}

func openStore(ctx context.Context, cfg Config, schema store.Schema, log *slog.Logger, migrate bool) (store.Store, error) {
	if cfg.Store == StorePebble {
		return storepebble.Open(storepebble.Options{Dir: filepath.Join(cfg.Data, "store"), Schema: schema,
			NoSync: cfg.NoSync, Logger: log})
	}
	st, err := storescylla.Open(storescylla.Options{Hosts: cfg.Scylla.Hosts, Keyspace: cfg.Scylla.Keyspace,
		Replication: cfg.Scylla.Replication, Schema: schema, Timeout: cfg.Scylla.Timeout, Parallel: cfg.Scylla.Parallel, Logger: log})
	if err != nil {
		return nil, err
	}
	if migrate {
		t0 := time.Now()
		if err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, err
		}
		log.Info("node: store schema migrated", "keyspace", cfg.Scylla.Keyspace, "tables", len(schema),
			"took", time.Since(t0).Round(time.Millisecond))
	}
	if cfg.Scylla.Namespace != "" {
		return store.Prefixed(st, []byte(cfg.Scylla.Namespace)), nil
	}
	return st, nil
}

func openBus(ctx context.Context, cfg Config, log *slog.Logger) (bus.Bus, error) {
	if cfg.Bus == BusLocal {
		return buslocal.Open(buslocal.Options{Dir: filepath.Join(cfg.Data, "log"), Topics: Topics(),
			NoSync: cfg.NoSync, Logger: log})
	}
	// Topics missing are created with their declared partition counts, capped by
	// kafka.max_partitions.
	topics := Topics()
	if max := cfg.Kafka.MaxPartitions; max > 0 {
		for i := range topics {
			topics[i].Partitions = min(topics[i].Partitions, max)
		}
	}
	return buskafka.Open(ctx, buskafka.Options{Brokers: cfg.Kafka.Brokers, Topics: topics, Prefix: cfg.Kafka.Prefix,
		ReplicationFactor: int16(cfg.Kafka.ReplicationFactor), ClientID: fmt.Sprintf("herd-%d", cfg.NodeID),
		SessionTimeout: cfg.Kafka.SessionTimeout, HeartbeatInterval: cfg.Kafka.HeartbeatInterval, Logger: log})
}

// OpenStore opens the store cfg names with the tables of schema, every table of
// Schema when it is nil (the CQL schema migrated unless scylla.no_migrate), for tools
// and tests that use a store without a node. The caller closes it.
func OpenStore(cfg Config, schema store.Schema, log *slog.Logger) (store.Store, error) {
	cfg = cfg.WithDefaults()
	if log == nil {
		log = slog.Default()
	}
	if schema == nil {
		schema = Schema()
	}
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	return openStore(ctx, cfg, schema, log, cfg.Store == StoreScylla && !cfg.Scylla.NoMigrate)
}

// OpenBus opens the event log cfg names, with every topic of Topics (created on Kafka
// when missing), for tools and tests that use an event log without a node. The caller
// closes it.
func OpenBus(cfg Config, log *slog.Logger) (bus.Bus, error) {
	cfg = cfg.WithDefaults()
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	return openBus(ctx, cfg, log)
}

// Migrate prepares the engines cfg names for nodes to open: it creates the keyspace
// and tables of the CQL store (idempotently) and the missing Kafka topics. The
// embedded engines need nothing: they create what they need when they open.
func Migrate(ctx context.Context, cfg Config, log *slog.Logger) error {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("node: config: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}
	if cfg.Store == StorePebble && cfg.Bus == BusLocal {
		log.Info("node: embedded engines: nothing to migrate")
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	var errs []error
	if cfg.Store == StoreScylla {
		st, err := openStore(ctx, cfg, Schema(), log, true)
		if err == nil {
			err = st.Close()
		}
		errs = append(errs, err)
	}
	if cfg.Bus == BusKafka {
		b, err := openBus(ctx, cfg, log)
		if err == nil {
			err = b.Close()
			log.Info("node: topics ready", "topics", len(Topics()))
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
