package node

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/herd-social/herd/search"
)

// timedSearch is the search engine the indexer and the API get: the engine, each call
// timed into herd_search_request_duration_seconds by operation (never by query).
// The engine's optional interfaces (search.Rebuilder) stay on Node.index, which
// the reindex reads.
type timedSearch struct {
	search.Engine
	ops map[string]prometheus.Observer
}

var searchOps = []string{"index_statuses", "index_accounts", "index_tags", "delete_statuses", "delete_accounts",
	"statuses", "accounts", "similar_accounts", "tags"}

func newTimedSearch(e search.Engine, h *prometheus.HistogramVec) *timedSearch {
	t := &timedSearch{Engine: e, ops: make(map[string]prometheus.Observer, len(searchOps))}
	for _, op := range searchOps {
		t.ops[op] = h.WithLabelValues(op)
	}
	return t
}

func (t *timedSearch) since(op string, start time.Time) {
	t.ops[op].Observe(time.Since(start).Seconds())
}

func (t *timedSearch) IndexStatuses(ctx context.Context, docs ...search.Status) error {
	defer t.since("index_statuses", time.Now())
	return t.Engine.IndexStatuses(ctx, docs...)
}

func (t *timedSearch) IndexAccounts(ctx context.Context, docs ...search.Account) error {
	defer t.since("index_accounts", time.Now())
	return t.Engine.IndexAccounts(ctx, docs...)
}

func (t *timedSearch) IndexTags(ctx context.Context, docs ...search.Tag) error {
	defer t.since("index_tags", time.Now())
	return t.Engine.IndexTags(ctx, docs...)
}

func (t *timedSearch) DeleteStatuses(ctx context.Context, ids ...uint64) error {
	defer t.since("delete_statuses", time.Now())
	return t.Engine.DeleteStatuses(ctx, ids...)
}

func (t *timedSearch) DeleteAccounts(ctx context.Context, ids ...uint64) error {
	defer t.since("delete_accounts", time.Now())
	return t.Engine.DeleteAccounts(ctx, ids...)
}

func (t *timedSearch) Statuses(ctx context.Context, q search.StatusQuery) ([]uint64, error) {
	defer t.since("statuses", time.Now())
	return t.Engine.Statuses(ctx, q)
}

func (t *timedSearch) Accounts(ctx context.Context, q search.AccountQuery) ([]uint64, error) {
	defer t.since("accounts", time.Now())
	return t.Engine.Accounts(ctx, q)
}

func (t *timedSearch) SimilarAccounts(ctx context.Context, q search.SimilarQuery) ([]uint64, error) {
	defer t.since("similar_accounts", time.Now())
	return t.Engine.SimilarAccounts(ctx, q)
}

func (t *timedSearch) Tags(ctx context.Context, prefix string, offset, limit int) ([]string, error) {
	defer t.since("tags", time.Now())
	return t.Engine.Tags(ctx, prefix, offset, limit)
}
