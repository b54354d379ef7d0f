// Package asyncrefresh keeps the background refreshes a client may poll, Mastodon's
// experimental async refreshes (GET /api/v1_alpha/async_refreshes/:id and the
// Mastodon-Async-Refresh header): one row per refresh, named by a key its starter
// chooses ("context:<status id>"), holding its state and how many results it has
// found so far. The row lives in the store with a TTL, a day while it runs and an hour
// once finished, as in Mastodon, so that any node answers for it and none cleans up.
// It does not run the work: whoever starts a refresh queues its work and finishes it.
package asyncrefresh

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/store"
)

// ErrNotFound is returned for a refresh that is unknown or expired.
var ErrNotFound = errors.New("asyncrefresh: not found")

const table = "async_refreshes"

// How long a refresh is kept: a running one for a day (work that died is forgotten
// then), a finished one for an hour (Mastodon's NEW_ and FINISHED_REFRESH_EXPIRATION).
const (
	RunningTTL  = 24 * time.Hour
	FinishedTTL = time.Hour
)

// State is the state of a refresh, as the AsyncRefresh entity names it.
type State string

// The states of a refresh.
const (
	Running  State = "running"
	Finished State = "finished"
)

// Refresh is one background refresh.
type Refresh struct {
	Key         string `cbor:"1,keyasint"`
	State       State  `cbor:"2,keyasint"`
	ResultCount int    `cbor:"3,keyasint,omitempty"`
}

// ID is the refresh's public id: its key, encoded so that it is one URL path segment.
// Knowing it tells no more than the key does (which status's thread is refreshed).
func (r *Refresh) ID() string { return base64.RawURLEncoding.EncodeToString([]byte(r.Key)) }

// Schema lists the tables of the package.
func Schema() store.Schema { return store.Schema{{Name: table, TTL: RunningTTL}} }

// Keeper keeps refreshes in the store.
type Keeper struct{ st store.Store }

// New returns a keeper on st.
func New(st store.Store) *Keeper { return &Keeper{st: st} }

// Start records a running refresh of key with no results, replacing one that finished.
func (k *Keeper) Start(ctx context.Context, key string) (*Refresh, error) {
	r := &Refresh{Key: key, State: Running}
	return r, k.put(ctx, r, RunningTTL)
}

// Progress records how many results a running refresh has found so far.
func (k *Keeper) Progress(ctx context.Context, key string, count int) error {
	return k.put(ctx, &Refresh{Key: key, State: Running, ResultCount: count}, RunningTTL)
}

// Finish records that a refresh is done, with its final count.
func (k *Keeper) Finish(ctx context.Context, key string, count int) error {
	return k.put(ctx, &Refresh{Key: key, State: Finished, ResultCount: count}, FinishedTTL)
}

// Get returns the refresh of key, or ErrNotFound.
func (k *Keeper) Get(ctx context.Context, key string) (*Refresh, error) {
	b, err := k.st.Get(ctx, table, []byte(key), []byte{})
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("refresh %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var r Refresh
	if err := store.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode refresh %q: %w", key, err)
	}
	return &r, nil
}

// ByID returns the refresh of a public id (Refresh.ID), or ErrNotFound.
func (k *Keeper) ByID(ctx context.Context, id string) (*Refresh, error) {
	key, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("refresh id %q: %w", id, ErrNotFound)
	}
	return k.Get(ctx, string(key))
}

func (k *Keeper) put(ctx context.Context, r *Refresh, ttl time.Duration) error {
	b, err := store.Marshal(r)
	if err != nil {
		return err
	}
	if err := k.st.Put(ctx, table, []byte(r.Key), []byte{}, b, ttl); err != nil {
		return fmt.Errorf("record refresh %q: %w", r.Key, err)
	}
	return nil
}
