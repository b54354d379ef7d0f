// Package due keeps the things that fall due at a time, the ends of polls and the
// scheduled statuses, where every node's sweep finds them cheaply: a row per thing in
// the partition of the hour it falls in, clustered by its time and id, and one row
// naming the oldest hour that may still hold one, so that a sweep reads the few small
// partitions from there to the present, however long the index has been in use.
package due

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// firstLook is how far back the first sweep of a store looks.
const firstLook = 7 * 24 * time.Hour

var fromKey = []byte{0}

// Index is one index of things that fall due: its two tables, and what it holds, for
// errors.
type Index struct {
	// Table holds the things: hour → time (ms) ‖ id → the holder's value.
	Table string
	// From holds one row: the oldest hour that may still hold a thing.
	From string
	// What names the things ("polls"), in errors.
	What string
}

// Schema lists the index's tables.
func (x Index) Schema() store.Schema { return store.Schema{{Name: x.Table}, {Name: x.From}} }

// Entry is a thing that falls due at At, with the value its holder keeps beside it.
type Entry struct {
	ID    shard.ID
	At    time.Time
	Value []byte
}

func hourOf(t time.Time) uint64 { return uint64(t.Unix() / 3600) }

func hourKey(h uint64) []byte { return binary.BigEndian.AppendUint64(nil, h) }

func key(id shard.ID, at time.Time) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(at.UnixMilli())), id.Bytes()...)
}

// Put indexes e; it goes in the batch that stores the thing. Putting one twice is
// harmless.
func (x Index) Put(e Entry) store.Mutation {
	value := e.Value
	if value == nil {
		value = []byte{}
	}
	return store.Mutation{Kind: store.Put, Table: x.Table, PK: hourKey(hourOf(e.At)), CK: key(e.ID, e.At), Value: value}
}

// Delete removes the entry of id due at at (the time it was put with).
func (x Index) Delete(id shard.ID, at time.Time) store.Mutation {
	return store.Mutation{Kind: store.Delete, Table: x.Table, PK: hourKey(hourOf(at)), CK: key(id, at)}
}

// Due returns the entries whose time has come by now, at most limit, oldest first,
// and moves the start of the next sweep past the hours it found empty. Sweeps on
// several nodes may return the same entry: what the caller does with one must be
// idempotent, and it deletes the entry once done.
func (x Index) Due(ctx context.Context, st store.Store, now time.Time, limit int) ([]Entry, error) {
	from, err := x.from(ctx, st, now)
	if err != nil {
		return nil, err
	}
	var out []Entry
	oldest := hourOf(now) // the oldest hour left holding an entry
	upper := store.Incl(binary.BigEndian.AppendUint64(nil, uint64(now.UnixMilli())+1))
	for h := from; h <= hourOf(now) && len(out) < limit; h++ {
		rows, err := st.Scan(ctx, x.Table, hourKey(h), store.Range{Upper: upper, Limit: limit - len(out)})
		if err != nil {
			return nil, fmt.Errorf("read the %s due: %w", x.What, err)
		}
		if len(rows) > 0 {
			oldest = min(oldest, h)
		}
		for _, r := range rows {
			if len(r.CK) != 16 {
				continue
			}
			at := time.UnixMilli(int64(binary.BigEndian.Uint64(r.CK[:8]))).UTC()
			out = append(out, Entry{ID: shard.FromBytes(r.CK[8:]), At: at, Value: r.Value})
		}
	}
	if oldest > from {
		// The hours before are empty. Nothing is put into the past but by a clock
		// behind this one's, so the sweep keeps one hour behind the oldest.
		if err := st.Put(ctx, x.From, fromKey, []byte{}, hourKey(oldest-1), 0); err != nil {
			return nil, fmt.Errorf("advance the %s due: %w", x.What, err)
		}
	}
	return out, nil
}

func (x Index) from(ctx context.Context, st store.Store, now time.Time) (uint64, error) {
	b, err := st.Get(ctx, x.From, fromKey, []byte{})
	if errors.Is(err, store.ErrNotFound) || (err == nil && len(b) != 8) {
		return hourOf(now.Add(-firstLook)), nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the %s due: %w", x.What, err)
	}
	return binary.BigEndian.Uint64(b), nil
}
