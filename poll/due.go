package poll

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// The polls that will end, by the hour they end in, so that a sweep reads a few small
// partitions: the hours from the oldest that may still hold one to the present.
const (
	tDue     = "poll_due"      // hour → end time (ms) + poll id
	tDueFrom = "poll_due_from" // one row: the oldest hour that may hold a poll not yet ended
)

var dueFromKey = []byte{0}

// maxEndings bounds the polls one sweep ends; the next sweep takes the rest.
const maxEndings = 1000

// firstLook is how far back the first sweep of a store looks.
const firstLook = 7 * 24 * time.Hour

func hourOf(t time.Time) uint64 { return uint64(t.Unix() / 3600) }

func hourKey(h uint64) []byte { return binary.BigEndian.AppendUint64(nil, h) }

func dueKey(id shard.ID, at time.Time) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(at.UnixMilli())), id.Bytes()...)
}

// Ending is a poll whose end has come.
type Ending struct {
	ID shard.ID
	At time.Time
}

// DueMutation schedules the end of the poll of status id at at; it goes in the batch
// that stores the poll. Scheduling one twice is harmless, and an end that no longer
// matches the poll (an edit moved it) is for the caller of Due to ignore.
func DueMutation(id shard.ID, at time.Time) store.Mutation {
	return store.Mutation{Kind: store.Put, Table: tDue, PK: hourKey(hourOf(at)), CK: dueKey(id, at), Value: empty}
}

// Due returns the polls whose end has come by now and that Ended has not cleared, at
// most maxEndings, oldest first. Sweeps on several nodes may return the same poll:
// what the caller does with an ending must be idempotent.
func (s *Service) Due(ctx context.Context, now time.Time) ([]Ending, error) {
	from, err := s.dueFrom(ctx, now)
	if err != nil {
		return nil, err
	}
	var out []Ending
	oldest := hourOf(now) // the oldest hour left holding a poll
	upper := store.Incl(binary.BigEndian.AppendUint64(nil, uint64(now.UnixMilli())+1))
	for h := from; h <= hourOf(now) && len(out) < maxEndings; h++ {
		rows, err := s.st.Scan(ctx, tDue, hourKey(h), store.Range{Upper: upper, Limit: maxEndings - len(out)})
		if err != nil {
			return nil, fmt.Errorf("read the polls due: %w", err)
		}
		if len(rows) > 0 {
			oldest = min(oldest, h)
		}
		for _, r := range rows {
			if len(r.CK) != 16 {
				continue
			}
			at := time.UnixMilli(int64(binary.BigEndian.Uint64(r.CK[:8]))).UTC()
			out = append(out, Ending{ID: shard.FromBytes(r.CK[8:]), At: at})
		}
	}
	if oldest > from {
		// The hours before are empty; a poll is never scheduled into the past but by a
		// clock behind this one, so the sweep keeps one hour behind the oldest.
		if err := s.st.Put(ctx, tDueFrom, dueFromKey, empty, hourKey(oldest-1), 0); err != nil {
			return nil, fmt.Errorf("advance the polls due: %w", err)
		}
	}
	return out, nil
}

func (s *Service) dueFrom(ctx context.Context, now time.Time) (uint64, error) {
	b, err := s.st.Get(ctx, tDueFrom, dueFromKey, empty)
	if errors.Is(err, store.ErrNotFound) || (err == nil && len(b) != 8) {
		return hourOf(now.Add(-firstLook)), nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the polls due: %w", err)
	}
	return binary.BigEndian.Uint64(b), nil
}

// Ended clears an ending once handled.
func (s *Service) Ended(ctx context.Context, e Ending) error {
	if err := s.st.Delete(ctx, tDue, hourKey(hourOf(e.At)), dueKey(e.ID, e.At)); err != nil {
		return fmt.Errorf("clear the end of poll %d: %w", e.ID, err)
	}
	return nil
}
