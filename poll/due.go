package poll

import (
	"context"
	"fmt"
	"time"

	"github.com/herd-social/herd/due"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// ends are the polls that will end, by the hour they end in (due.Index).
var ends = due.Index{Table: "poll_due", From: "poll_due_from", What: "polls"}

// maxEndings bounds the polls one sweep ends; the next sweep takes the rest.
const maxEndings = 1000

// Ending is a poll whose end has come.
type Ending struct {
	ID shard.ID
	At time.Time
}

// DueMutation schedules the end of the poll of status id at at; it goes in the batch
// that stores the poll. Scheduling one twice is harmless, and an end that no longer
// matches the poll (an edit moved it) is for the caller of Due to ignore.
func DueMutation(id shard.ID, at time.Time) store.Mutation {
	return ends.Put(due.Entry{ID: id, At: at})
}

// Due returns the polls whose end has come by now and that Ended has not cleared, at
// most maxEndings, oldest first. Sweeps on several nodes may return the same poll:
// what the caller does with an ending must be idempotent.
func (s *Service) Due(ctx context.Context, now time.Time) ([]Ending, error) {
	es, err := ends.Due(ctx, s.st, now, maxEndings)
	if err != nil {
		return nil, err
	}
	out := make([]Ending, len(es))
	for i, e := range es {
		out[i] = Ending{ID: e.ID, At: e.At}
	}
	return out, nil
}

// Ended clears an ending once handled.
func (s *Service) Ended(ctx context.Context, e Ending) error {
	m := ends.Delete(e.ID, e.At)
	if err := s.st.Delete(ctx, m.Table, m.PK, m.CK); err != nil {
		return fmt.Errorf("clear the end of poll %d: %w", e.ID, err)
	}
	return nil
}
