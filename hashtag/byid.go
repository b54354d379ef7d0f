package hashtag

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// tByID finds a tag's name by its id (the admin measures name tags by id): written
// when a tag is made and at each use, so tags made before the table existed are
// found once used again.
const tByID = "hashtag_ids" // id → — → name

// tListing lists every tag by id, newest first, for the admin listing: written when
// a tag is made, and at each use of a tag made before it existed.
const tListing = "hashtag_listing" // "tags" → id (Desc) → name

var listingPK = []byte("tags")

// index writes the tag's id row; and its listing row when the tag is made (its record
// then says it is Listed) or was made before the listing (each use lists it again, a
// cost old tags alone pay).
func (s *Service) index(ctx context.Context, t *Tag, made bool) error {
	if made || !t.Listed {
		if err := s.st.Put(ctx, tListing, listingPK, t.ID.Bytes(), []byte(t.Name), 0); err != nil {
			return fmt.Errorf("list tag %q: %w", t.Name, err)
		}
	}
	if err := s.st.Put(ctx, tByID, t.ID.Bytes(), []byte(rowKey), []byte(t.Name), 0); err != nil {
		return fmt.Errorf("index tag %q: %w", t.Name, err)
	}
	return nil
}

// Listing returns a page of every listed tag, newest first, their records read in
// one multi-get.
func (s *Service) Listing(ctx context.Context, p paging.Page) ([]*Tag, error) {
	rows, err := s.st.Scan(ctx, tListing, listingPK, p.Range())
	if err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	rows = p.Newest(rows)
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = string(r.Value)
	}
	ts, err := s.Tags(ctx, names)
	if err != nil {
		return nil, err
	}
	out := make([]*Tag, 0, len(ts))
	for i, t := range ts {
		if t != nil && t.ID == shard.FromBytes(rows[i].CK) {
			out = append(out, t)
		}
	}
	return out, nil
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
