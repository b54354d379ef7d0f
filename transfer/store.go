package transfer

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/herd-social/herd/store"
)

// CopyStore copies every live row of every table of schema from src to dst, from
// the state st (the zero State for a new copy), calling save with the state after
// every page; a copy stopped at any point and run again from the saved state ends
// with the same rows. Rows keep the time they had left to live (CQL rounds it up to
// a second); a row without one, in a table with a default TTL, gets the default.
func CopyStore(ctx context.Context, src store.Dumper, dst store.Store, schema store.Schema, st State,
	save func(State) error, opts Options) (State, error) {
	opts = opts.withDefaults()
	if st.Tables == nil {
		st.Tables = make(map[string]TableState, len(schema))
	}
	for _, t := range schema {
		ts := st.Tables[t.Name]
		for !ts.Done {
			page, err := src.Dump(ctx, t.Name, ts.Cursor, opts.PageSize)
			if err != nil {
				return st, fmt.Errorf("transfer: read %s: %w", t.Name, err)
			}
			if err := copyPage(ctx, dst, t, page.Rows, opts); err != nil {
				return st, fmt.Errorf("transfer: write %s: %w", t.Name, err)
			}
			ts.Rows += int64(len(page.Rows))
			ts.Cursor, ts.Done = page.Next, page.Next == nil
			st.Tables[t.Name] = ts
			if err := save(st); err != nil {
				return st, err
			}
			opts.Progress(t.Name, ts.Rows)
		}
	}
	return st, nil
}

// copyPage writes one page of rows of table t.
func copyPage(ctx context.Context, dst store.Store, t store.Table, rows []store.DumpRow, opts Options) error {
	if len(rows) == 0 {
		return nil
	}
	if t.Kind == store.Counters {
		return copyCounters(ctx, dst, t.Name, rows, opts.Parallel)
	}
	muts := make([]store.Mutation, len(rows))
	for i, r := range rows {
		muts[i] = store.Mutation{Kind: store.Put, Table: t.Name, PK: r.PK, CK: r.CK, Value: r.Value, TTL: r.TTL}
	}
	return dst.ApplyEach(ctx, muts)
}

// copyCounters brings the target's counters to the source's values by adding the
// difference, so that a page copied again (after a crash, or an Add whose outcome
// was unknown) adds nothing more.
func copyCounters(ctx context.Context, dst store.Store, table string, rows []store.DumpRow, parallel int) error {
	keys := make([]store.Key, len(rows))
	for i, r := range rows {
		keys[i] = store.Key{PK: r.PK, CK: r.CK}
	}
	have, err := dst.Counters(ctx, table, keys)
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for i, r := range rows {
		if delta := r.Counter - have[i]; delta != 0 {
			g.Go(func() error { return dst.Add(gctx, table, r.PK, r.CK, delta) })
		}
	}
	return g.Wait()
}
