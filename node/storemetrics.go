package node

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/herd-social/herd/store"
)

// timedStore is the store the domain services get: the engine, each call timed into
// herd_store_request_duration_seconds by operation (never by table or key).
type timedStore struct {
	store.Store
	ops map[string]prometheus.Observer
}

var storeOps = []string{"get", "multiget", "scan", "put", "delete", "batch", "apply_each", "put_if_absent", "add", "counters"}

func newTimedStore(st store.Store, h *prometheus.HistogramVec) *timedStore {
	t := &timedStore{Store: st, ops: make(map[string]prometheus.Observer, len(storeOps))}
	for _, op := range storeOps {
		t.ops[op] = h.WithLabelValues(op)
	}
	return t
}

// engineOf is the engine under a timed store, for the engine's own methods (backup).
func engineOf(st store.Store) store.Store {
	if t, ok := st.(*timedStore); ok {
		return t.Store
	}
	return st
}

func (t *timedStore) since(op string, start time.Time) {
	t.ops[op].Observe(time.Since(start).Seconds())
}

func (t *timedStore) Get(ctx context.Context, table string, pk, ck []byte) ([]byte, error) {
	defer t.since("get", time.Now())
	return t.Store.Get(ctx, table, pk, ck)
}

func (t *timedStore) MultiGet(ctx context.Context, table string, keys []store.Key) ([][]byte, error) {
	defer t.since("multiget", time.Now())
	return t.Store.MultiGet(ctx, table, keys)
}

func (t *timedStore) Scan(ctx context.Context, table string, pk []byte, r store.Range) ([]store.Row, error) {
	defer t.since("scan", time.Now())
	return t.Store.Scan(ctx, table, pk, r)
}

func (t *timedStore) Put(ctx context.Context, table string, pk, ck, value []byte, ttl time.Duration) error {
	defer t.since("put", time.Now())
	return t.Store.Put(ctx, table, pk, ck, value, ttl)
}

func (t *timedStore) Delete(ctx context.Context, table string, pk, ck []byte) error {
	defer t.since("delete", time.Now())
	return t.Store.Delete(ctx, table, pk, ck)
}

func (t *timedStore) Batch(ctx context.Context, muts []store.Mutation) error {
	defer t.since("batch", time.Now())
	return t.Store.Batch(ctx, muts)
}

func (t *timedStore) ApplyEach(ctx context.Context, muts []store.Mutation) error {
	defer t.since("apply_each", time.Now())
	return t.Store.ApplyEach(ctx, muts)
}

func (t *timedStore) PutIfAbsent(ctx context.Context, table string, pk, ck, value []byte, ttl time.Duration) (bool, []byte, error) {
	defer t.since("put_if_absent", time.Now())
	return t.Store.PutIfAbsent(ctx, table, pk, ck, value, ttl)
}

func (t *timedStore) Add(ctx context.Context, table string, pk, ck []byte, delta int64) error {
	defer t.since("add", time.Now())
	return t.Store.Add(ctx, table, pk, ck, delta)
}

func (t *timedStore) Counters(ctx context.Context, table string, keys []store.Key) ([]int64, error) {
	defer t.since("counters", time.Now())
	return t.Store.Counters(ctx, table, keys)
}
