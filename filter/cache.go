package filter

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// versionKey is the clustering key of the one row of filter_versions per owner.
var versionKey = []byte("v")

// maxCached bounds the accounts whose filters a node keeps; past it the cache starts
// over.
const maxCached = 10000

// cache keeps accounts' filters as read at a version, so that a request reads one
// version row rather than scanning and decoding every filter. A change writes its
// rows, then a new version (changed), so a reader that sees the version of a change
// also sees its rows; one that read rows of a newer change under an older version
// reads them again at the next. Every node sharing the store sees the same versions.
// Cached filters are shared and must not be modified.
type cache struct {
	mu struct {
		sync.Mutex
		m map[shard.ID]cached
	}
}

type cached struct {
	version shard.ID
	fs      []*Filter
}

func (c *cache) get(owner, version shard.ID) ([]*Filter, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.mu.m[owner]
	return e.fs, ok && e.version == version
}

func (c *cache) put(owner, version shard.ID, fs []*Filter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.m == nil || len(c.mu.m) >= maxCached {
		c.mu.m = make(map[shard.ID]cached)
	}
	c.mu.m[owner] = cached{version: version, fs: fs}
}

// version is the id of the last change of owner's filters; zero if there was none.
func (s *Service) version(ctx context.Context, owner shard.ID) (shard.ID, error) {
	b, err := s.st.Get(ctx, tVersions, owner.Bytes(), versionKey)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("version of the filters of %d: %w", owner, err)
	}
	return shard.FromBytes(b), nil
}

// Versions returns the version of each owner's filters (zero for none), as
// Matcher reads it, in one multi-get: how the viewers of a streamed event are read
// together.
func (s *Service) Versions(ctx context.Context, owners []shard.ID) ([]shard.ID, error) {
	keys := make([]store.Key, len(owners))
	for i, o := range owners {
		keys[i] = store.Key{PK: o.Bytes(), CK: versionKey}
	}
	vals, err := s.st.MultiGet(ctx, tVersions, keys)
	if err != nil {
		return nil, fmt.Errorf("versions of filters: %w", err)
	}
	out := make([]shard.ID, len(vals))
	for i, b := range vals {
		if b != nil {
			out[i] = shard.FromBytes(b)
		}
	}
	return out, nil
}
