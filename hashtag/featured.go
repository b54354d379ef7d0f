package hashtag

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Tables of featured tags and of each account's use of tags.
const (
	tFeatured      = "featured_tags"            // account → featured id → name
	tFeaturedNames = "featured_tag_names"       // account → name → featured id
	tAccountTags   = "hashtag_account_tags"     // account → name → — (the tags an account used)
	tAccountUses   = "hashtag_account_uses"     // account → name → counter of statuses
	tAccountStatus = "hashtag_account_statuses" // account ‖ name → status id (Desc) → —
	MaxFeatured    = 10                         // featured tags per account, as Mastodon's FeaturedTag::LIMIT
	maxSuggestions = 10                         // suggested tags, as Mastodon
)

func featuredTables() store.Schema {
	return store.Schema{{Name: tFeatured}, {Name: tFeaturedNames}, {Name: tAccountTags},
		{Name: tAccountUses, Kind: store.Counters}, {Name: tAccountStatus, Order: store.Desc}}
}

// Validation is a user-facing validation failure (Mastodon answers 422).
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

// Featured is a tag an account features on its profile, with the account's use of
// it: how many of its public and unlisted statuses (not boosts) carry it, and when
// the last one was written (zero when none).
type Featured struct {
	ID            shard.ID
	Name          string
	Display       string // the tag's display name (Tag.DisplayName)
	StatusesCount int64
	LastStatusAt  time.Time
	// Created is set by Feature when it featured the tag now, not before.
	Created bool
}

func accountTagKey(account shard.ID, name string) []byte {
	return append(append(account.Bytes(), 0), name...)
}

// usedBy records that author's status used the tags, once per status: the account's
// count of statuses with each tag and its latest one, which featured tags show and
// suggestions rank by.
func (s *Service) usedBy(ctx context.Context, names []string, statusID, author shard.ID) error {
	for _, name := range names {
		wrote, _, err := s.st.PutIfAbsent(ctx, tAccountStatus, accountTagKey(author, name), statusID.Bytes(), []byte{1}, 0)
		if err != nil {
			return fmt.Errorf("count %d's use of %q: %w", author, name, err)
		}
		if !wrote {
			continue
		}
		if err := s.st.Put(ctx, tAccountTags, author.Bytes(), []byte(name), []byte{1}, 0); err != nil {
			return fmt.Errorf("count %d's use of %q: %w", author, name, err)
		}
		if err := s.st.Add(ctx, tAccountUses, author.Bytes(), []byte(name), 1); err != nil {
			return fmt.Errorf("count %d's use of %q: %w", author, name, err)
		}
	}
	return nil
}

// Unused takes back author's use of the tags by a deleted status, once: the row of
// the status goes, then the count is lowered.
func (s *Service) Unused(ctx context.Context, names []string, statusID, author shard.ID) error {
	for _, name := range names {
		key := accountTagKey(author, name)
		_, err := s.st.Get(ctx, tAccountStatus, key, statusID.Bytes())
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err == nil {
			err = s.st.Delete(ctx, tAccountStatus, key, statusID.Bytes())
		}
		if err == nil {
			err = s.st.Add(ctx, tAccountUses, author.Bytes(), []byte(name), -1)
		}
		if err != nil {
			return fmt.Errorf("take back %d's use of %q: %w", author, name, err)
		}
	}
	return nil
}

// Feature makes account feature the tag name (normalised), as Mastodon's
// CreateFeaturedTagService: featuring it again returns the same featured tag; an
// account features at most MaxFeatured.
func (s *Service) Feature(ctx context.Context, account shard.ID, name string) (*Featured, error) {
	if name == "" {
		return nil, &Validation{Msg: "Name is invalid"}
	}
	if _, err := s.Ensure(ctx, name); err != nil {
		return nil, err
	}
	had, err := s.featured(ctx, account)
	if err != nil {
		return nil, err
	}
	for _, f := range had {
		if f.Name == name {
			return s.withUses(ctx, account, f)
		}
	}
	if len(had) >= MaxFeatured {
		return nil, &Validation{Msg: "You have already featured the maximum number of hashtags"}
	}
	id := s.ids.Next()
	wrote, old, err := s.st.PutIfAbsent(ctx, tFeaturedNames, account.Bytes(), []byte(name), id.Bytes(), 0)
	if err != nil {
		return nil, fmt.Errorf("feature %q for %d: %w", name, account, err)
	}
	if !wrote { // featured meanwhile
		return s.withUses(ctx, account, Featured{ID: shard.FromBytes(old), Name: name})
	}
	if err := s.st.Put(ctx, tFeatured, account.Bytes(), id.Bytes(), []byte(name), 0); err != nil {
		return nil, fmt.Errorf("feature %q for %d: %w", name, account, err)
	}
	f, err := s.withUses(ctx, account, Featured{ID: id, Name: name})
	if err != nil {
		return nil, err
	}
	f.Created = true
	return f, nil
}

// Unfeature stops featuring name, and reports whether it was featured.
func (s *Service) Unfeature(ctx context.Context, account shard.ID, name string) (bool, error) {
	id, err := s.st.Get(ctx, tFeaturedNames, account.Bytes(), []byte(name))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("unfeature %q for %d: %w", name, account, err)
	}
	return true, s.unfeature(ctx, account, shard.FromBytes(id), name)
}

// RemoveFeatured removes account's featured tag id and returns its name; another's,
// or none, is not found.
func (s *Service) RemoveFeatured(ctx context.Context, account, id shard.ID) (string, error) {
	name, err := s.st.Get(ctx, tFeatured, account.Bytes(), id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("remove featured tag %d of %d: %w", id, account, err)
	}
	return string(name), s.unfeature(ctx, account, id, string(name))
}

func (s *Service) unfeature(ctx context.Context, account, id shard.ID, name string) error {
	err := s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Delete, Table: tFeatured, PK: account.Bytes(), CK: id.Bytes()},
		{Kind: store.Delete, Table: tFeaturedNames, PK: account.Bytes(), CK: []byte(name)},
	})
	if err != nil {
		return fmt.Errorf("unfeature %q for %d: %w", name, account, err)
	}
	return nil
}

func (s *Service) featured(ctx context.Context, account shard.ID) ([]Featured, error) {
	rows, err := s.st.Scan(ctx, tFeatured, account.Bytes(), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("featured tags of %d: %w", account, err)
	}
	out := make([]Featured, len(rows))
	for i, r := range rows {
		out[i] = Featured{ID: shard.FromBytes(r.CK), Name: string(r.Value)}
	}
	return out, nil
}

// FeaturedTags returns the tags account features with its use of each, most used
// first (then by name), as Mastodon lists them.
func (s *Service) FeaturedTags(ctx context.Context, account shard.ID) ([]Featured, error) {
	out, err := s.featured(ctx, account)
	if err != nil {
		return nil, err
	}
	for i := range out {
		f, err := s.withUses(ctx, account, out[i])
		if err != nil {
			return nil, err
		}
		out[i] = *f
	}
	slices.SortFunc(out, func(a, b Featured) int {
		return cmp.Or(cmp.Compare(b.StatusesCount, a.StatusesCount), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}

// withUses fills in f's display name, statuses count and last status time.
func (s *Service) withUses(ctx context.Context, account shard.ID, f Featured) (*Featured, error) {
	f.Display = f.Name
	if ts, err := s.Tags(ctx, []string{f.Name}); err != nil {
		return nil, err
	} else if ts[0] != nil {
		f.Display = ts[0].DisplayName()
	}
	cs, err := s.st.Counters(ctx, tAccountUses, []store.Key{{PK: account.Bytes(), CK: []byte(f.Name)}})
	if err != nil {
		return nil, fmt.Errorf("uses of %q by %d: %w", f.Name, account, err)
	}
	f.StatusesCount = cs[0]
	rows, err := s.st.Scan(ctx, tAccountStatus, accountTagKey(account, f.Name), store.Range{Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("uses of %q by %d: %w", f.Name, account, err)
	}
	if len(rows) == 1 {
		f.LastStatusAt = shard.FromBytes(rows[0].CK).Time()
	}
	return &f, nil
}

// Featuring reports, for each name, whether account features it.
func (s *Service) Featuring(ctx context.Context, account shard.ID, names []string) ([]bool, error) {
	keys := make([]store.Key, len(names))
	for i, n := range names {
		keys[i] = store.Key{PK: account.Bytes(), CK: []byte(n)}
	}
	vals, err := s.st.MultiGet(ctx, tFeaturedNames, keys)
	if err != nil {
		return nil, fmt.Errorf("featuring of %d: %w", account, err)
	}
	out := make([]bool, len(vals))
	for i, v := range vals {
		out[i] = v != nil
	}
	return out, nil
}

// Suggestions returns the names of the tags account used most in its public and
// unlisted statuses that it does not feature yet, at most ten, most used first.
func (s *Service) Suggestions(ctx context.Context, account shard.ID) ([]string, error) {
	rows, err := s.st.Scan(ctx, tAccountTags, account.Bytes(), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("tags used by %d: %w", account, err)
	}
	names := make([]string, len(rows))
	keys := make([]store.Key, len(rows))
	for i, r := range rows {
		names[i] = string(r.CK)
		keys[i] = store.Key{PK: account.Bytes(), CK: r.CK}
	}
	counts, err := s.st.Counters(ctx, tAccountUses, keys)
	if err != nil {
		return nil, fmt.Errorf("tags used by %d: %w", account, err)
	}
	featuring, err := s.Featuring(ctx, account, names)
	if err != nil {
		return nil, err
	}
	type used struct {
		name  string
		count int64
	}
	var list []used
	for i, n := range names {
		if !featuring[i] {
			list = append(list, used{n, counts[i]})
		}
	}
	slices.SortFunc(list, func(a, b used) int { return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.name, b.name)) })
	out := make([]string, 0, maxSuggestions)
	for _, u := range list[:min(len(list), maxSuggestions)] {
		out = append(out, u.name)
	}
	return out, nil
}
