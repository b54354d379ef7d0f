package action

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/shard"
)

// Tags is the part of hashtag.Service that keeps the tags accounts feature.
type Tags interface {
	Feature(ctx context.Context, account shard.ID, name string) (*hashtag.Featured, error)
	Unfeature(ctx context.Context, account shard.ID, name string) (bool, error)
	RemoveFeatured(ctx context.Context, account, id shard.ID) (string, error)
	FeaturedTags(ctx context.Context, account shard.ID) ([]hashtag.Featured, error)
}

// FeatureTag features the tag name (normalised) on by's profile. A local account's
// remote followers hear of a new one as an Add of the Hashtag to its featured
// collection, as Mastodon's CreateFeaturedTagService sends.
func (s *Service) FeatureTag(ctx context.Context, by *account.Account, name string) (*hashtag.Featured, error) {
	f, err := s.tags.Feature(ctx, by.ID, name)
	if err != nil || !f.Created || !by.Local() {
		return f, err
	}
	return f, s.sendFeaturedTag(ctx, by, name, true)
}

// UnfeatureTag stops featuring the tag name; a local account's remote followers hear
// of it as a Remove when it was featured.
func (s *Service) UnfeatureTag(ctx context.Context, by *account.Account, name string) error {
	was, err := s.tags.Unfeature(ctx, by.ID, name)
	if err != nil || !was || !by.Local() {
		return err
	}
	return s.sendFeaturedTag(ctx, by, name, false)
}

// RemoveFeaturedTag stops featuring by's featured tag id, as UnfeatureTag.
func (s *Service) RemoveFeaturedTag(ctx context.Context, by *account.Account, id shard.ID) error {
	name, err := s.tags.RemoveFeatured(ctx, by.ID, id)
	if err != nil || !by.Local() {
		return err
	}
	return s.sendFeaturedTag(ctx, by, name, false)
}

// SyncFeaturedTags makes a remote account feature exactly the tags names (normalised;
// the first hashtag.MaxFeatured), as its server's featuredTags collection, read at
// read, lists them, as Mastodon's FetchFeaturedTagsCollectionService; a tag featured
// here after read stays.
func (s *Service) SyncFeaturedTags(ctx context.Context, by *account.Account, names []string, read time.Time) error {
	if by.Local() {
		return fmt.Errorf("action: sync the featured tags of local account %d", by.ID)
	}
	names = names[:min(len(names), hashtag.MaxFeatured)]
	had, err := s.tags.FeaturedTags(ctx, by.ID)
	if err != nil {
		return err
	}
	for _, f := range had {
		if !slices.Contains(names, f.Name) && f.ID.Time().Before(read) { // one featured since is newer news
			if _, err := s.tags.Unfeature(ctx, by.ID, f.Name); err != nil {
				return err
			}
		}
	}
	for _, name := range names {
		var v *hashtag.Validation
		if _, err := s.tags.Feature(ctx, by.ID, name); errors.As(err, &v) {
			continue // a name that is no tag
		} else if err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) sendFeaturedTag(ctx context.Context, by *account.Account, name string, added bool) error {
	if err := s.federation.SendFeaturedTag(ctx, by.ID, name, added); err != nil {
		return fmt.Errorf("action: send featured tag %q of %d: %w", name, by.ID, err)
	}
	return nil
}
