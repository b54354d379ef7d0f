package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/herd-social/herd/search"
)

var _ search.Rebuilder = (*Engine)(nil)

// Rebuild implements search.Rebuilder: a build is a version (v<N>, one more than every
// kind's current one) of all three indexes, created from the templates without the
// aliases, so that queries keep answering from the current versions until Swap.
func (e *Engine) Rebuild(ctx context.Context, build string) (search.Engine, string, error) {
	if err := e.check(); err != nil {
		return nil, "", err
	}
	if build == "" {
		n := 0
		for _, k := range kinds {
			v, err := e.versionNumber(ctx, k)
			if err != nil {
				return nil, "", err
			}
			n = max(n, v)
		}
		build = fmt.Sprintf("v%d", n+1)
	}
	for _, k := range kinds {
		if err := e.install(ctx, k); err != nil { // the template may have changed
			return nil, "", err
		}
		err := e.create(ctx, k, e.alias(k)+"-"+build, false)
		if err != nil && !strings.Contains(err.Error(), "resource_already_exists_exception") {
			return nil, "", err
		}
	}
	return &Engine{es: e.es, prefix: e.prefix, openSearch: e.openSearch, icu: e.icu, build: build}, build, nil
}

// versionNumber is N of the index (<alias>-v<N>) the kind's alias points at.
func (e *Engine) versionNumber(ctx context.Context, kind string) (int, error) {
	cur, err := e.Version(ctx, kind)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimPrefix(cur, e.alias(kind)+"-v"))
	if err != nil {
		return 0, fmt.Errorf("search: index %s is not versioned", cur)
	}
	return n, nil
}

// Swap implements search.Rebuilder: for each kind, one atomic alias update points the
// alias at the build's index and deletes the one it replaces. A kind already swapped
// (a Swap stopped halfway and run again) is left alone.
func (e *Engine) Swap(ctx context.Context, build string) error {
	if err := e.check(); err != nil {
		return err
	}
	for _, k := range kinds {
		next := e.alias(k) + "-" + build
		old, err := e.Version(ctx, k)
		if err != nil {
			return err
		}
		if old == next {
			continue
		}
		if _, err := e.call(esapi.IndicesRefreshRequest{Index: []string{next}}.Do(ctx, e.es)); err != nil {
			return fmt.Errorf("search: refresh %s: %w", next, err)
		}
		swap, _ := json.Marshal(obj{"actions": []obj{
			{"add": obj{"index": next, "alias": e.alias(k), "is_write_index": true}},
			{"remove_index": obj{"index": old}},
		}})
		if _, err := e.call(esapi.IndicesUpdateAliasesRequest{Body: bytes.NewReader(swap)}.Do(ctx, e.es)); err != nil {
			return fmt.Errorf("search: swap %s for %s: %w", next, old, err)
		}
	}
	return nil
}
