package hashtag

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// tByID finds a tag's name by its id (the admin measures name tags by id): written
// when a tag is made and at each use, so tags made before the table existed are
// found once used again.
const tByID = "hashtag_ids" // id → — → name

func (s *Service) index(ctx context.Context, t *Tag) error {
	if err := s.st.Put(ctx, tByID, t.ID.Bytes(), []byte(rowKey), []byte(t.Name), 0); err != nil {
		return fmt.Errorf("index tag %q: %w", t.Name, err)
	}
	return nil
}

// ByID returns the tag of id; ErrNotFound when unknown (or made before ids were
// indexed and not used since).
func (s *Service) ByID(ctx context.Context, id shard.ID) (*Tag, error) {
	b, err := s.st.Get(ctx, tByID, id.Bytes(), []byte(rowKey))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load tag %d: %w", id, err)
	}
	return &Tag{ID: id, Name: string(b)}, nil
}

// HistoryBetween returns the uses of name on each day from the day of from to that
// of to, both included, oldest first.
func (s *Service) HistoryBetween(ctx context.Context, name string, from, to time.Time) ([]Day, error) {
	first, last := dayOf(from), dayOf(to)
	var keys []store.Key
	for d := first; d <= last; d++ {
		keys = append(keys, store.Key{PK: []byte(name), CK: historyKey(d, kindUses)},
			store.Key{PK: []byte(name), CK: historyKey(d, kindAccounts)})
	}
	cs, err := s.st.Counters(ctx, tHistory, keys)
	if err != nil {
		return nil, fmt.Errorf("history of %q: %w", name, err)
	}
	out := make([]Day, 0, last-first+1)
	for i, d := 0, first; d <= last; i, d = i+1, d+1 {
		out = append(out, Day{Day: time.Unix(d*secondsPerDay, 0).UTC(), Uses: max(cs[2*i], 0), Accounts: max(cs[2*i+1], 0)})
	}
	return out, nil
}

// Record returns the full record of the tag of id (its moderation fields too).
func (s *Service) Record(ctx context.Context, id shard.ID) (*Tag, error) {
	t, err := s.ByID(ctx, id)
	if err != nil {
		return nil, err
	}
	ts, err := s.Tags(ctx, []string{t.Name})
	if err != nil {
		return nil, err
	}
	if ts[0] == nil || ts[0].ID != id {
		return nil, ErrNotFound
	}
	return ts[0], nil
}

// Save rewrites the record of an existing tag (a moderator's changes).
func (s *Service) Save(ctx context.Context, t *Tag) error {
	b, err := store.Marshal(t)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tTags, []byte(t.Name), []byte(rowKey), b, 0); err != nil {
		return fmt.Errorf("save tag %q: %w", t.Name, err)
	}
	return nil
}
