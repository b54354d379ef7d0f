package schedule

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// The times to come are indexed by the hour they fall in (tDue), as the ends of polls
// are, so that a sweep reads a few small partitions: the hours from the oldest that
// may still hold one (tDueFrom) to the present.

var dueFromKey = []byte{0}

// maxPublish bounds the statuses one sweep publishes; the next sweep takes the rest.
const maxPublish = 500

// firstLook is how far back the first sweep of a store looks.
const firstLook = 7 * 24 * time.Hour

func hourOf(t time.Time) uint64 { return uint64(t.Unix() / 3600) }

func hourKey(h uint64) []byte { return binary.BigEndian.AppendUint64(nil, h) }

func dueMutation(sc *Scheduled) store.Mutation {
	ck := append(binary.BigEndian.AppendUint64(nil, uint64(sc.AtMS)), sc.ID.Bytes()...)
	return store.Mutation{Kind: store.Put, Table: tDue, PK: hourKey(hourOf(sc.At())), CK: ck, Value: sc.AccountID.Bytes()}
}

// due is a scheduled status whose time has come.
type due struct {
	id, account shard.ID
	at          time.Time
}

// PublishDue publishes the scheduled statuses whose time has come and returns how
// many it published. Every node may run it at any time: each status is claimed
// first (a row written only if absent, for the lease), so two sweeps never publish
// one together, and the status is made under the id reserved for it, so a sweep
// that takes over from a node that died mid-way (once the claim's lease is over)
// finds the status made, if it was, and only clears what is left.
func (s *Service) PublishDue(ctx context.Context) (int, error) {
	now := s.opts.Now()
	list, err := s.due(ctx, now)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, d := range list {
		ok, err := s.publish(ctx, d)
		if err != nil {
			errs = append(errs, err) // the others go on; this one is tried after its lease
			if ctx.Err() != nil {
				break
			}
		}
		if ok {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// publish makes the status of d if d is still scheduled and no one else holds it.
func (s *Service) publish(ctx context.Context, d due) (bool, error) {
	won, _, err := s.st.PutIfAbsent(ctx, tClaims, d.id.Bytes(), empty, empty, s.opts.Lease)
	if err != nil {
		return false, fmt.Errorf("claim scheduled status %d: %w", d.id, err)
	}
	if !won {
		return false, nil // being published or changed; if its holder died, a sweep after the lease
	}
	sc, err := s.Get(ctx, d.account, d.id)
	if errors.Is(err, ErrNotFound) || (err == nil && sc.AtMS != d.at.UnixMilli()) {
		// Published or cancelled since, or moved (its new time has a row of its own).
		stale := dueMutation(&Scheduled{ID: d.id, AccountID: d.account, AtMS: d.at.UnixMilli()})
		if err := s.st.Delete(ctx, tDue, stale.PK, stale.CK); err != nil {
			return false, fmt.Errorf("clear scheduled status %d: %w", d.id, err)
		}
		s.giveBack(ctx, d.id)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	pctx, cancel := context.WithTimeout(ctx, s.opts.Lease/2)
	defer cancel()
	_, err = s.statuses.Create(pctx, sc.AccountID, sc.Post())
	if err != nil && permanent(err) {
		s.opts.Logger.Info("schedule: a scheduled status is no longer valid and is dropped", "id", sc.ID,
			"account", sc.AccountID, "err", err)
		return false, s.remove(ctx, sc, true)
	}
	if err != nil {
		// Left claimed: a sweep tries again when the lease is over.
		return false, fmt.Errorf("publish scheduled status %d: %w", sc.ID, err)
	}
	return true, s.remove(ctx, sc, false)
}

func (s *Service) giveBack(ctx context.Context, id shard.ID) {
	if err := s.st.Delete(ctx, tClaims, id.Bytes(), empty); err != nil {
		s.opts.Logger.Warn("schedule: give back a claim (it ends with its lease)", "id", id, "err", err)
	}
}

// due returns the scheduled statuses whose time has come by now, at most maxPublish,
// oldest first, and moves the start of the next sweep past the hours found empty.
func (s *Service) due(ctx context.Context, now time.Time) ([]due, error) {
	from, err := s.dueFrom(ctx, now)
	if err != nil {
		return nil, err
	}
	var out []due
	oldest := hourOf(now)
	upper := store.Incl(binary.BigEndian.AppendUint64(nil, uint64(now.UnixMilli())+1))
	for h := from; h <= hourOf(now) && len(out) < maxPublish; h++ {
		rows, err := s.st.Scan(ctx, tDue, hourKey(h), store.Range{Upper: upper, Limit: maxPublish - len(out)})
		if err != nil {
			return nil, fmt.Errorf("read the scheduled statuses due: %w", err)
		}
		if len(rows) > 0 {
			oldest = min(oldest, h)
		}
		for _, r := range rows {
			if len(r.CK) != 16 || len(r.Value) != 8 {
				continue
			}
			at := time.UnixMilli(int64(binary.BigEndian.Uint64(r.CK[:8]))).UTC()
			out = append(out, due{id: shard.FromBytes(r.CK[8:]), account: shard.FromBytes(r.Value), at: at})
		}
	}
	if oldest > from {
		// The hours before are empty; the sweep keeps one hour behind the oldest, for
		// a node whose clock runs behind this one's.
		if err := s.st.Put(ctx, tDueFrom, dueFromKey, empty, hourKey(oldest-1), 0); err != nil {
			return nil, fmt.Errorf("advance the scheduled statuses due: %w", err)
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
		return 0, fmt.Errorf("read the scheduled statuses due: %w", err)
	}
	return binary.BigEndian.Uint64(b), nil
}
