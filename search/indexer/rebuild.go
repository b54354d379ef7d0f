package indexer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/statefile"
	"github.com/herd-social/herd/store"
)

// Lister is the part of the account service a rebuild needs: the listing of every
// account, newest first.
type Lister interface {
	Listing(ctx context.Context, partition []byte, r store.Range) ([]store.Row, error)
}

// RebuildState is where a rebuild stands, kept by a Cursor after each page of accounts.
type RebuildState struct {
	// After is the last account whose documents are all indexed (accounts go newest
	// first); 0 before the first.
	After shard.ID `json:"after,string"`
	// Build names the fresh indexes an engine rebuilds into (search/elastic's version),
	// "" for an engine rebuilt in place.
	Build string `json:"build,omitempty"`
	// Accounts and Statuses count the documents indexed so far, over every run.
	Accounts int64     `json:"accounts"`
	Statuses int64     `json:"statuses"`
	Started  time.Time `json:"started"`
}

// Cursor keeps a rebuild's state between runs, so that one stopped halfway resumes.
type Cursor interface {
	// Load returns the state saved last; ok is false when there is none.
	Load() (st RebuildState, ok bool, err error)
	Save(st RebuildState) error
	// Clear forgets the state: the rebuild is finished.
	Clear() error
}

// FileCursor keeps the state in a JSON file that a crash leaves whole (statefile.File).
type FileCursor = statefile.File[RebuildState]

// Rebuild indexes every listed account and all its statuses from the store, newest
// account first, from the state st (the zero state for a new rebuild), saving the state
// in cur after each page of accounts and calling progress with it. Stopped at any
// point, Rebuild again from the saved state ends with the same documents: indexing is
// idempotent, and the account in progress is indexed again whole. It does not clear
// the cursor, nor anything already in the engine.
func (s *Service) Rebuild(ctx context.Context, list Lister, st RebuildState, cur Cursor, progress func(RebuildState)) error {
	if st.Started.IsZero() {
		st.Started = s.opts.Now()
	}
	for {
		r := store.Range{Limit: s.opts.RebuildPage}
		if st.After != 0 {
			r.Upper = store.Excl(st.After.Bytes())
		}
		rows, err := list.Listing(ctx, []byte(account.OriginAll), r)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		for _, row := range rows {
			n, err := s.rebuildAccount(ctx, shard.FromBytes(row.CK))
			if err != nil {
				return err
			}
			st.Accounts++
			st.Statuses += n
		}
		st.After = shard.FromBytes(rows[len(rows)-1].CK)
		if err := cur.Save(st); err != nil {
			return err
		}
		if progress != nil {
			progress(st)
		}
	}
}

// rebuildAccount indexes an account (or drops it, suspended or pending) and its
// statuses; it returns how many statuses it indexed.
func (s *Service) rebuildAccount(ctx context.Context, id shard.ID) (int64, error) {
	a, err := s.accounts.Get(ctx, id)
	if errors.Is(err, account.ErrNotFound) {
		return 0, s.engine.DeleteAccounts(ctx, uint64(id))
	}
	if err != nil {
		return 0, fmt.Errorf("search: rebuild account %d: %w", id, err)
	}
	if err := s.indexAccount(ctx, a); err != nil {
		return 0, fmt.Errorf("search: rebuild account %d: %w", id, err)
	}
	n, err := s.indexStatusesOf(ctx, a)
	if err != nil {
		return n, fmt.Errorf("search: rebuild the statuses of %d: %w", id, err)
	}
	return n, nil
}

// Reindex rebuilds the engine from the store, from the state cur holds (a reindex
// stopped halfway resumes there), calling progress after each page of accounts, and
// clears cur when it is done. With rb (the service's engine, unwrapped), it writes
// into fresh indexes, the build the state names, that replace the current ones in
// one step at the end; without, the engine is rebuilt in place.
func (s *Service) Reindex(ctx context.Context, rb search.Rebuilder, list Lister, cur Cursor, progress func(RebuildState)) error {
	st, _, err := cur.Load()
	if err != nil {
		return err
	}
	svc := s
	if rb != nil {
		e, build, err := rb.Rebuild(ctx, st.Build)
		if err != nil {
			return err
		}
		st.Build, svc = build, s.WithEngine(e)
	}
	if err := svc.Rebuild(ctx, list, st, cur, progress); err != nil {
		return err
	}
	if rb != nil {
		if err := rb.Swap(ctx, st.Build); err != nil {
			return err
		}
	}
	return cur.Clear()
}

// WithEngine returns a copy of the service that writes to engine (a rebuild's).
func (s *Service) WithEngine(engine search.Engine) *Service {
	c := *s
	c.engine = engine
	return &c
}
