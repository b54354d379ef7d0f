package filter

import (
	"context"
	"fmt"
	"slices"

	"github.com/herd-social/herd/shard"
)

// find returns owner's filter that holds the part for which has is true.
func (s *Service) find(ctx context.Context, owner shard.ID, has func(*Filter) bool) (*Filter, error) {
	fs, err := s.Of(ctx, owner)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		if has(f) {
			return f, nil
		}
	}
	return nil, ErrNotFound
}

// KeywordOf returns owner's keyword id and the filter that holds it.
func (s *Service) KeywordOf(ctx context.Context, owner, id shard.ID) (*Filter, Keyword, error) {
	f, err := s.find(ctx, owner, func(f *Filter) bool {
		return slices.ContainsFunc(f.Keywords, func(k Keyword) bool { return k.ID == id })
	})
	if err != nil {
		return nil, Keyword{}, fmt.Errorf("keyword %d of %d: %w", id, owner, err)
	}
	i := slices.IndexFunc(f.Keywords, func(k Keyword) bool { return k.ID == id })
	return f, f.Keywords[i], nil
}

// AddKeyword adds a keyword to owner's filter id.
func (s *Service) AddKeyword(ctx context.Context, owner, id shard.ID, kc KeywordChange) (Keyword, error) {
	kc.ID, kc.Destroy = 0, false
	f, err := s.Update(ctx, owner, id, Changes{Keywords: []KeywordChange{kc}})
	if err != nil {
		return Keyword{}, err
	}
	return f.Keywords[len(f.Keywords)-1], nil
}

// UpdateKeyword changes owner's keyword kc.ID.
func (s *Service) UpdateKeyword(ctx context.Context, owner shard.ID, kc KeywordChange) (Keyword, error) {
	f, _, err := s.KeywordOf(ctx, owner, kc.ID)
	if err != nil {
		return Keyword{}, err
	}
	kc.Destroy = false
	if f, err = s.Update(ctx, owner, f.ID, Changes{Keywords: []KeywordChange{kc}}); err != nil {
		return Keyword{}, err
	}
	_, k, err := s.KeywordOf(ctx, owner, kc.ID)
	return k, err
}

// DeleteKeyword removes owner's keyword id.
func (s *Service) DeleteKeyword(ctx context.Context, owner, id shard.ID) error {
	f, _, err := s.KeywordOf(ctx, owner, id)
	if err != nil {
		return err
	}
	_, err = s.Update(ctx, owner, f.ID, Changes{Keywords: []KeywordChange{{ID: id, Destroy: true}}})
	return err
}

// StatusOf returns owner's filtered status id and the filter that holds it.
func (s *Service) StatusOf(ctx context.Context, owner, id shard.ID) (*Filter, Status, error) {
	f, err := s.find(ctx, owner, func(f *Filter) bool {
		return slices.ContainsFunc(f.Statuses, func(st Status) bool { return st.ID == id })
	})
	if err != nil {
		return nil, Status{}, fmt.Errorf("filtered status %d of %d: %w", id, owner, err)
	}
	i := slices.IndexFunc(f.Statuses, func(st Status) bool { return st.ID == id })
	return f, f.Statuses[i], nil
}

// AddStatus adds a status to owner's filter id; a status already there is refused with
// Mastodon's message. Whether the status exists is the caller's to check.
func (s *Service) AddStatus(ctx context.Context, owner, id, statusID shard.ID) (Status, error) {
	f, err := s.Get(ctx, owner, id)
	if err != nil {
		return Status{}, err
	}
	if slices.ContainsFunc(f.Statuses, func(st Status) bool { return st.StatusID == statusID }) {
		return Status{}, &Validation{"Status has already been taken"}
	}
	st := Status{ID: s.ids.Next(), StatusID: statusID}
	f.Statuses = append(f.Statuses, st)
	return st, s.put(ctx, f)
}

// DeleteStatus removes owner's filtered status id.
func (s *Service) DeleteStatus(ctx context.Context, owner, id shard.ID) error {
	f, _, err := s.StatusOf(ctx, owner, id)
	if err != nil {
		return err
	}
	f.Statuses = slices.DeleteFunc(f.Statuses, func(st Status) bool { return st.ID == id })
	return s.put(ctx, f)
}

// UpdatePhrase is the v1 API's update of keyword kc.ID of owner: the keyword's phrase
// and whole_word, and the filter's fields in c, which Mastodon refuses to change for
// a filter of more than one keyword.
func (s *Service) UpdatePhrase(ctx context.Context, owner shard.ID, kc KeywordChange, c Changes) (*Filter, Keyword, error) {
	f, _, err := s.KeywordOf(ctx, owner, kc.ID)
	if err != nil {
		return nil, Keyword{}, err
	}
	if (c.Context != nil || c.Action != nil || c.ExpiresIn != nil) && len(f.Keywords) > 1 {
		return nil, Keyword{}, &Validation{"These parameters cannot be changed from this application because they apply to more than one filter keyword. Use a more recent application or the web interface."}
	}
	kc.Destroy = false
	c.Keywords = []KeywordChange{kc}
	if f, err = s.Update(ctx, owner, f.ID, c); err != nil {
		return nil, Keyword{}, err
	}
	_, k, err := s.KeywordOf(ctx, owner, kc.ID)
	return f, k, err
}
