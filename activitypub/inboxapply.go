package activitypub

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/logctx"
	"github.com/herd-social/herd/store"
	"golang.org/x/sync/errgroup"
)

// The inbox workers apply a batch of one partition at a time, grouped by actor (the
// message key): the activities of one actor in the order they were accepted, the
// actors of a batch side by side (up to maxApplyActors at once), as the partitions
// already are. Which activities were applied before is read for the whole batch in
// one multi-get, and the ones applied now are remembered in one write at its end,
// rather than one synced write after each. A batch whose actor failed for a reason
// that may pass is delivered again; what it applied is then passed over (remembered
// by id, and by offset on this node for the activities without an id), and the
// failed actor's later activities wait behind the one that failed.

// maxApplyActors bounds the actors of one batch applied at the same time.
const maxApplyActors = 8

// applyBatch is the inbox workers' bus.Handler.
func (s *Service) applyBatch(ctx context.Context, msgs []bus.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	part := msgs[0].Partition
	done := s.retried.take(part)
	acts, ids := decodeBatch(msgs)
	seen, err := s.seenOf(ctx, ids)
	if err != nil {
		s.retried.keep(part, done)
		return err
	}
	groups := byActor(msgs, ids, seen, done)
	apply := func(g []int) groupResult { return s.applyGroup(ctx, msgs, g, acts) }
	results := make([]groupResult, len(groups))
	var eg errgroup.Group
	eg.SetLimit(maxApplyActors)
	for i, g := range groups {
		eg.Go(func() error { results[i] = apply(g); return nil })
	}
	_ = eg.Wait() // each group's error is in its result
	err = s.rememberApplied(ctx, msgs, ids, results, done)
	if err != nil {
		s.retried.keep(part, done)
	}
	return err
}

// rememberApplied records the activities of a batch that were applied (or set aside): by id
// in the store, in one write, and by offset in done. It returns the first error that
// stopped an actor's activities, if any.
func (s *Service) rememberApplied(ctx context.Context, msgs []bus.Message, ids []string, results []groupResult, done map[int64]bool) error {
	var marks []store.Mutation
	var failed error
	for _, r := range results {
		for _, i := range r.applied {
			done[msgs[i].Offset] = true
			if ids[i] != "" {
				marks = append(marks, store.Mutation{Kind: store.Put, Table: tSeen, PK: []byte(ids[i]), CK: []byte{}, Value: []byte{}})
			}
		}
		if failed == nil {
			failed = r.err
		}
	}
	if len(marks) > 0 {
		if err := s.st.ApplyEach(ctx, marks); err != nil {
			return fmt.Errorf("activitypub: remember %d applied activities: %w", len(marks), err)
		}
	}
	return failed
}

// decodeBatch decodes the activities of a batch, and reads their ids; an activity
// that does not decode is nil (and set aside when its turn comes).
func decodeBatch(msgs []bus.Message) (acts []map[string]any, ids []string) {
	acts, ids = make([]map[string]any, len(msgs)), make([]string, len(msgs))
	for i, m := range msgs {
		if act, err := decodeDocument(m.Value); err == nil && act != nil {
			acts[i], ids[i] = act, str2(act, "id")
		}
	}
	return acts, ids
}

// undecodable is the permanent error of an activity decodeBatch could not decode.
func undecodable(body []byte) error {
	_, err := decodeDocument(body)
	if err == nil {
		err = errors.New("not a JSON object")
	}
	return bus.Permanent(fmt.Errorf("activitypub: undecodable activity: %w", err))
}

// seenOf reads which of the activities of ids (those not empty) were applied before.
func (s *Service) seenOf(ctx context.Context, ids []string) ([]bool, error) {
	seen := make([]bool, len(ids))
	keys := make([]store.Key, 0, len(ids))
	at := make([]int, 0, len(ids))
	for i, id := range ids {
		if id != "" {
			keys, at = append(keys, store.Key{PK: []byte(id), CK: []byte{}}), append(at, i)
		}
	}
	if len(keys) == 0 {
		return seen, nil
	}
	vals, err := s.st.MultiGet(ctx, tSeen, keys)
	if err != nil {
		return nil, fmt.Errorf("activitypub: read applied activities: %w", err)
	}
	for j, v := range vals {
		seen[at[j]] = v != nil
	}
	return seen, nil
}

// byActor groups the indexes of the messages still to apply by key, in order: those
// applied before (seen, or done on this node), and a second copy of an id in the
// batch, are left out.
func byActor(msgs []bus.Message, ids []string, seen []bool, done map[int64]bool) [][]int {
	var groups [][]int
	index := make(map[string]int)
	first := make(map[string]bool)
	for i, m := range msgs {
		if seen[i] || done[m.Offset] || (ids[i] != "" && first[ids[i]]) {
			continue
		}
		if ids[i] != "" {
			first[ids[i]] = true
		}
		g, ok := index[string(m.Key)]
		if !ok {
			g = len(groups)
			index[string(m.Key)] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// groupResult is what one actor's activities of a batch came to: the indexes of those
// applied (or set aside), and the error that stopped the rest, if one did.
type groupResult struct {
	applied []int
	err     error
}

// applyGroup applies one actor's activities of msgs (their indexes, in order) until
// one fails for a reason that may pass.
func (s *Service) applyGroup(ctx context.Context, msgs []bus.Message, idx []int, acts []map[string]any) groupResult {
	var r groupResult
	for _, i := range idx {
		m := msgs[i]
		mctx := ctx
		if id, ok := m.HeaderValue(logctx.Header); ok { // the request the message came from, for the log lines
			mctx = logctx.With(ctx, string(id))
		}
		var err error
		if acts[i] == nil {
			err = undecodable(m.Value)
		} else {
			err = s.applyActivity(mctx, acts[i])
		}
		if err := s.dead.Settle(mctx, InboxGroup, m, err); err != nil {
			r.err = err
			return r
		}
		r.applied = append(r.applied, i)
	}
	return r
}

// applyActivity applies one decoded activity. Its error is marked bus.Permanent when the
// activity can never apply (malformed, pointing at nothing, not allowed); other
// failures (a fetch, the store) may pass.
func (s *Service) applyActivity(ctx context.Context, act map[string]any) error {
	id := str2(act, "id")
	if err := s.apply(ctx, act); err != nil {
		err = fmt.Errorf("activitypub: apply %v %s: %w", act["type"], id, err)
		switch {
		case ignorable(err):
			s.log.Debug("activitypub: activity ignored", "id", id, "err", err)
		case permanent(err):
			return bus.Permanent(err)
		default:
			return err
		}
	}
	return nil
}

// retriedOffsets remembers, per partition of the inbox topic, the offsets of a batch
// that failed which were applied all the same, so that its next delivery on this node
// passes over them.
type retriedOffsets struct {
	mu sync.Mutex
	m  map[int]map[int64]bool
}

// take returns and forgets the offsets kept for a partition (an empty set if none).
func (r *retriedOffsets) take(part int) map[int64]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	done := r.m[part]
	delete(r.m, part)
	if done == nil {
		done = make(map[int64]bool)
	}
	return done
}

// keep records the offsets applied of a partition's batch that will come again.
func (r *retriedOffsets) keep(part int, done map[int64]bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = make(map[int]map[int64]bool)
	}
	r.m[part] = done
}
