package activitypub

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/logctx"
	"github.com/herd-social/herd/store"
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
	ids, seen, err := s.seenOf(ctx, msgs)
	if err != nil {
		return err
	}
	groups := byActor(msgs, ids, seen, done)
	results := make([]groupResult, len(groups))
	if len(groups) == 1 {
		results[0] = s.applyGroup(ctx, msgs, groups[0], ids)
	} else {
		var wg sync.WaitGroup
		sem := make(chan struct{}, maxApplyActors)
		for i, g := range groups {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				results[i] = s.applyGroup(ctx, msgs, g, ids)
			})
		}
		wg.Wait()
	}
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
			s.retried.keep(part, done)
			return fmt.Errorf("activitypub: remember %d applied activities: %w", len(marks), err)
		}
	}
	if failed != nil {
		s.retried.keep(part, done)
	}
	return failed
}

// seenOf reads the id of every message and whether it was applied before.
func (s *Service) seenOf(ctx context.Context, msgs []bus.Message) (ids []string, seen []bool, err error) {
	ids, seen = make([]string, len(msgs)), make([]bool, len(msgs))
	keys := make([]store.Key, 0, len(msgs))
	at := make([]int, 0, len(msgs))
	for i, m := range msgs {
		var env envelope
		if json.Unmarshal(m.Value, &env) == nil && env.ID != "" {
			ids[i] = env.ID
			keys, at = append(keys, store.Key{PK: []byte(env.ID), CK: []byte{}}), append(at, i)
		}
	}
	if len(keys) == 0 {
		return ids, seen, nil
	}
	vals, err := s.st.MultiGet(ctx, tSeen, keys)
	if err != nil {
		return nil, nil, fmt.Errorf("activitypub: read applied activities: %w", err)
	}
	for j, v := range vals {
		seen[at[j]] = v != nil
	}
	return ids, seen, nil
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
func (s *Service) applyGroup(ctx context.Context, msgs []bus.Message, idx []int, ids []string) groupResult {
	var r groupResult
	for _, i := range idx {
		m := msgs[i]
		mctx := ctx
		if id, ok := m.HeaderValue(logctx.Header); ok { // the request the message came from, for the log lines
			mctx = logctx.With(ctx, string(id))
		}
		if err := s.dead.Settle(mctx, InboxGroup, m, s.applyActivity(mctx, m.Value, ids[i])); err != nil {
			r.err = err
			return r
		}
		r.applied = append(r.applied, i)
	}
	return r
}

// applyActivity applies one activity. Its error is marked bus.Permanent when the
// activity can never apply (malformed, pointing at nothing, not allowed); other
// failures (a fetch, the store) may pass.
func (s *Service) applyActivity(ctx context.Context, body []byte, id string) error {
	act, err := decodeDocument(body)
	if err != nil {
		return bus.Permanent(fmt.Errorf("activitypub: undecodable activity: %w", err))
	}
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
