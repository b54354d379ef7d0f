package indexer

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/status"
)

// writes gathers the index writes of events applied together, so that a batch of
// events is one write to each index, not one per event and index: a write makes an
// engine segment (Bleve) or a bulk request (Elasticsearch), and merging Bleve's
// segments of one document each was a quarter of the CPU of posting. The last write
// of a document wins, as applying the events one at a time would leave it.
type writes struct {
	statuses map[uint64]*search.Status  // nil: deleted
	accounts map[uint64]*search.Account // nil: deleted
	tags     map[string]bool            // re-counted at the flush
}

func newWrites() *writes {
	return &writes{statuses: map[uint64]*search.Status{}, accounts: map[uint64]*search.Account{}, tags: map[string]bool{}}
}

// applyAll applies a batch of events with one write to each index. On an error the
// caller applies them one at a time; what applyAll wrote before is written again then,
// which changes nothing.
func (s *Service) applyAll(ctx context.Context, msgs []bus.Message) error {
	w := newWrites()
	for _, m := range msgs {
		e, err := status.DecodeEvent(m)
		if err != nil {
			return fmt.Errorf("search: event: %w", err)
		}
		if err := s.apply(ctx, e, w); err != nil {
			return fmt.Errorf("search: index %s %d: %w", e.Kind, e.StatusID, err)
		}
	}
	return s.flush(ctx, w)
}

// flush writes what w gathered: statuses, then their authors, then their hashtags.
func (s *Service) flush(ctx context.Context, w *writes) error {
	var docs []search.Status
	var gone []uint64
	for _, id := range slices.Sorted(maps.Keys(w.statuses)) {
		if d := w.statuses[id]; d != nil {
			docs = append(docs, *d)
		} else {
			gone = append(gone, id)
		}
	}
	if len(docs) > 0 {
		if err := s.engine.IndexStatuses(ctx, docs...); err != nil {
			return err
		}
	}
	if len(gone) > 0 {
		if err := s.engine.DeleteStatuses(ctx, gone...); err != nil {
			return err
		}
	}
	var accounts []search.Account
	var hidden []uint64
	for _, id := range slices.Sorted(maps.Keys(w.accounts)) {
		if d := w.accounts[id]; d != nil {
			accounts = append(accounts, *d)
		} else {
			hidden = append(hidden, id)
		}
	}
	if len(accounts) > 0 {
		if err := s.engine.IndexAccounts(ctx, accounts...); err != nil {
			return err
		}
	}
	if len(hidden) > 0 {
		if err := s.engine.DeleteAccounts(ctx, hidden...); err != nil {
			return err
		}
	}
	return s.indexTags(ctx, slices.Sorted(maps.Keys(w.tags)))
}
