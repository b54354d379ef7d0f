package pebble

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// sweepChunk is how many expiry index entries the sweeper handles per batch.
const sweepChunk = 256

// Sweep deletes the rows that have expired by now and returns how many it deleted.
// Reads never return expired rows, so sweeping only reclaims space. It walks the expiry
// index, which costs in proportion to the rows that expired, not to the database.
func (s *Store) Sweep(ctx context.Context) (int, error) {
	if err := s.gate.Enter(ctx); err != nil {
		return 0, fmt.Errorf("pebble: sweep: %w", err)
	}
	defer s.gate.Leave()
	n, err := s.sweep(ctx, s.now())
	if err != nil {
		return n, fmt.Errorf("pebble: sweep: %w", err)
	}
	return n, nil
}

func (s *Store) sweep(ctx context.Context, now int64) (deleted int, err error) {
	it, err := s.db.NewIterWithContext(ctx, &pebble.IterOptions{
		LowerBound: appendID(nil, expiryID),
		UpperBound: expiryBound(now),
	})
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, it.Close()) }()
	entries := make([][]byte, 0, sweepChunk)
	for valid := it.First(); valid; valid = it.Next() {
		entries = append(entries, append([]byte(nil), it.Key()...))
		if len(entries) < sweepChunk {
			continue
		}
		n, err := s.sweepEntries(ctx, entries, now)
		deleted += n
		if err != nil {
			return deleted, err
		}
		entries = entries[:0]
	}
	if err := it.Error(); err != nil {
		return deleted, err
	}
	n, err := s.sweepEntries(ctx, entries, now)
	return deleted + n, err
}

// sweepEntries deletes expiry index entries and the rows they point to that are still
// expired. The rows' stripes are held from the re-check to the commit, so a row written
// after the index was read is never deleted.
func (s *Store) sweepEntries(ctx context.Context, entries [][]byte, now int64) (int, error) {
	if len(entries) == 0 {
		return 0, nil
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var locked stripeSet
	for _, e := range entries {
		s.locks.add(&locked, e[idLen+8:])
	}
	b := s.db.NewBatch()
	defer b.Close()
	s.locks.lock(&locked)
	defer s.locks.unlock(&locked)
	deleted := 0
	for _, e := range entries {
		row := e[idLen+8:]
		expired, err := s.expired(row, now)
		if err != nil {
			return 0, err
		}
		if expired {
			deleted++
			if err := b.Delete(row, nil); err != nil {
				return 0, err
			}
		}
		if err := b.Delete(e, nil); err != nil {
			return 0, err
		}
	}
	// Losing these deletes in a crash loses nothing: the next sweep redoes them.
	return deleted, b.Commit(pebble.NoSync)
}

// expired reports whether the row at key exists and has expired by now.
func (s *Store) expired(key []byte, now int64) (bool, error) {
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer closer.Close()
	expiry, _, err := decodeValue(v)
	return err == nil && !live(expiry, now), err
}

// sweepLoop sweeps every SweepInterval until ctx is canceled by Close.
func (s *Store) sweepLoop(ctx context.Context) {
	defer close(s.swept)
	if s.opts.SweepInterval < 0 {
		return
	}
	tick := time.NewTicker(s.opts.SweepInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		n, err := s.Sweep(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.opts.Logger.Error("sweep expired rows", "engine", "pebble", "err", err)
		case n > 0:
			s.opts.Logger.Debug("swept expired rows", "engine", "pebble", "rows", n)
		}
	}
}
