package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/due"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// times are the scheduled statuses by the hour they fall due in (due.Index), each
// with its account.
var times = due.Index{Table: "scheduled_due", From: "scheduled_due_from", What: "scheduled statuses"}

// maxPublish bounds the statuses one sweep publishes; the next sweep takes the rest.
const maxPublish = 500

func dueMutation(sc *Scheduled) store.Mutation {
	return times.Put(due.Entry{ID: sc.ID, At: sc.At(), Value: sc.AccountID.Bytes()})
}

// ready is a scheduled status whose time has come.
type ready struct {
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
func (s *Service) publish(ctx context.Context, d ready) (bool, error) {
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
		stale := times.Delete(d.id, d.at)
		if err := s.st.Delete(ctx, stale.Table, stale.PK, stale.CK); err != nil {
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
// oldest first.
func (s *Service) due(ctx context.Context, now time.Time) ([]ready, error) {
	es, err := times.Due(ctx, s.st, now, maxPublish)
	if err != nil {
		return nil, err
	}
	out := make([]ready, 0, len(es))
	for _, e := range es {
		if len(e.Value) == 8 {
			out = append(out, ready{id: e.ID, account: shard.FromBytes(e.Value), at: e.At})
		}
	}
	return out, nil
}
