package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/text"
)

// maxRemotePins bounds the statuses of a remote featured collection that are read
// (each may be fetched); Mastodon's own accounts pin at most 5.
const maxRemotePins = 10

// queueFeatured queues the fetch of a remote account's featured collections (its
// pinned statuses and featured tags), when it has either.
func (s *Service) queueFeatured(ctx context.Context, a *account.Account) error {
	if a.Local() || (a.FeaturedURL == "" && a.FeaturedTagsURL == "") {
		return nil
	}
	b, err := json.Marshal(fetchJob{Kind: "featured", Actor: a.URI})
	if err != nil {
		return err
	}
	if err := s.bus.Publish(ctx, bus.Message{Topic: FetchTopic, Key: []byte(a.URI), Value: b}); err != nil {
		return fmt.Errorf("queue the featured collections of %s: %w", a.URI, err)
	}
	return nil
}

// syncFeatured makes a remote account's pins and featured tags here those its
// featured and featuredTags collections list, as Mastodon's
// SynchronizeFeaturedCollectionWorker: pinned statuses are fetched when unknown, and
// an account without a featuredTags collection features the Hashtags its featured
// collection lists.
func (s *Service) syncFeatured(ctx context.Context, a *account.Account) error {
	if a.Local() || a.Suspended {
		return nil
	}
	var tags []any
	read := time.Now() // what is recorded here from now on is newer than the collections
	if a.FeaturedURL != "" {
		items, err := s.firstItems(ctx, a.FeaturedURL)
		if err != nil {
			return fmt.Errorf("featured collection of %s: %w", a.URI, err)
		}
		if err := s.syncPins(ctx, a, items, read); err != nil {
			return err
		}
		tags = items
	}
	if a.FeaturedTagsURL != "" {
		read = time.Now()
		items, err := s.firstItems(ctx, a.FeaturedTagsURL)
		if err != nil {
			return fmt.Errorf("featured tags of %s: %w", a.URI, err)
		}
		tags = items
	}
	if a.FeaturedURL == "" && a.FeaturedTagsURL == "" {
		return nil
	}
	var names []string
	for _, it := range tags {
		if name := featuredTagName(it); name != "" {
			names = append(names, name)
		}
	}
	return s.actions.SyncFeaturedTags(ctx, a, names, read)
}

// syncPins pins the account's own statuses among items (objects or their ids).
func (s *Service) syncPins(ctx context.Context, a *account.Account, items []any, read time.Time) error {
	var ids []shard.ID
	for _, it := range items {
		if m, ok := it.(map[string]any); ok && str2(m, "type") == "Hashtag" {
			continue
		}
		uri := idAny(it)
		if uri == "" || s.isLocal(uri) || hostOf(uri) != hostOf(a.URI) {
			continue
		}
		if len(ids) == maxRemotePins {
			break
		}
		st, err := s.ResolveStatus(ctx, uri)
		if unusable(err) || errors.Is(err, status.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("pinned status %s of %s: %w", uri, a.URI, err)
		}
		if st.AccountID == a.ID {
			ids = append(ids, st.ID)
		}
	}
	return s.actions.SyncPins(ctx, a, ids, read)
}

// featuredTagName is the normalised name of a Hashtag object, or "".
func featuredTagName(v any) string {
	m, ok := v.(map[string]any)
	if !ok || str2(m, "type") != "Hashtag" {
		return ""
	}
	return text.NormalizeTag(strings.TrimPrefix(str2(m, "name"), "#"))
}
