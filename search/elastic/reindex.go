package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// Version returns the name of the index kind's alias points at.
func (e *Engine) Version(ctx context.Context, kind string) (string, error) {
	if err := e.check(); err != nil {
		return "", err
	}
	b, err := e.call(esapi.IndicesGetAliasRequest{Name: []string{e.alias(kind)}}.Do(ctx, e.es))
	if err != nil {
		return "", fmt.Errorf("search: alias %s: %w", kind, err)
	}
	var byIndex map[string]json.RawMessage
	if err := json.Unmarshal(b, &byIndex); err != nil {
		return "", fmt.Errorf("search: alias %s: %w", kind, err)
	}
	if len(byIndex) != 1 {
		return "", fmt.Errorf("search: alias %s is on %d indexes", e.alias(kind), len(byIndex))
	}
	for index := range byIndex {
		return index, nil
	}
	return "", nil
}

// Reindex rebuilds the kind's index from its current template without downtime: it
// creates the next version (<prefix><kind>-v<N+1>), copies the documents into it on
// the server, then in one atomic alias update points the alias at it and deletes the
// old version. Queries answer from the old version until the swap. Documents written
// during the copy may miss the new version: run it when the indexer is paused, or
// replay the event log afterwards (indexing is idempotent).
func (e *Engine) Reindex(ctx context.Context, kind string) (string, error) {
	if _, ok := templates[kind]; !ok {
		return "", fmt.Errorf("search: no kind %q", kind)
	}
	if err := e.install(ctx, kind); err != nil { // the template may have changed
		return "", err
	}
	old, err := e.Version(ctx, kind)
	if err != nil {
		return "", err
	}
	n, err := strconv.Atoi(strings.TrimPrefix(old, e.alias(kind)+"-v"))
	if err != nil {
		return "", fmt.Errorf("search: index %s is not versioned", old)
	}
	next := fmt.Sprintf("%s-v%d", e.alias(kind), n+1)
	if err := e.create(ctx, kind, next, false); err != nil {
		return "", err
	}
	copyBody, _ := json.Marshal(obj{"source": obj{"index": old}, "dest": obj{"index": next}})
	yes := true
	if _, err := e.call(esapi.ReindexRequest{Body: bytes.NewReader(copyBody), Refresh: &yes,
		WaitForCompletion: &yes}.Do(ctx, e.es)); err != nil {
		return "", fmt.Errorf("search: reindex %s into %s: %w", old, next, err)
	}
	swap, _ := json.Marshal(obj{"actions": []obj{
		{"add": obj{"index": next, "alias": e.alias(kind), "is_write_index": true}},
		{"remove_index": obj{"index": old}},
	}})
	if _, err := e.call(esapi.IndicesUpdateAliasesRequest{Body: bytes.NewReader(swap)}.Do(ctx, e.es)); err != nil {
		return "", fmt.Errorf("search: swap %s for %s: %w", next, old, err)
	}
	return next, nil
}

// Drop deletes every index and template of the engine's prefix: all its documents.
func (e *Engine) Drop(ctx context.Context) error {
	if err := e.check(); err != nil {
		return err
	}
	patterns := make([]string, len(kinds))
	for i, k := range kinds {
		patterns[i] = e.alias(k) + "-v*"
	}
	b, err := e.call(esapi.IndicesGetRequest{Index: patterns}.Do(ctx, e.es))
	if err != nil {
		return fmt.Errorf("search: list indexes: %w", err)
	}
	var byIndex map[string]json.RawMessage
	if err := json.Unmarshal(b, &byIndex); err != nil {
		return fmt.Errorf("search: list indexes: %w", err)
	}
	var names []string
	for name := range byIndex {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) > 0 {
		if _, err := e.call(esapi.IndicesDeleteRequest{Index: names}.Do(ctx, e.es)); err != nil {
			return fmt.Errorf("search: delete indexes: %w", err)
		}
	}
	for _, k := range kinds {
		if _, err := e.call(esapi.IndicesDeleteIndexTemplateRequest{Name: e.alias(k)}.Do(ctx, e.es)); err != nil {
			return fmt.Errorf("search: delete template %s: %w", k, err)
		}
	}
	return nil
}

// Size is the bytes the current indexes of the engine's prefix take on the server's
// disks, primaries and replicas, as the index stats API tells them: the server
// measures them again every 10 s (index.store.stats_refresh_interval), so a size may
// be that old.
func (e *Engine) Size(ctx context.Context) (int64, error) {
	if err := e.check(); err != nil {
		return 0, err
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = e.target(k)
	}
	b, err := e.call(esapi.IndicesStatsRequest{Index: names, Metric: []string{"store"}}.Do(ctx, e.es))
	if err != nil {
		return 0, fmt.Errorf("search: index stats: %w", err)
	}
	var stats struct {
		All struct {
			Total struct {
				Store struct {
					Bytes int64 `json:"size_in_bytes"`
				} `json:"store"`
			} `json:"total"`
		} `json:"_all"`
	}
	if err := json.Unmarshal(b, &stats); err != nil {
		return 0, fmt.Errorf("search: index stats: %w", err)
	}
	return stats.All.Total.Store.Bytes, nil
}
