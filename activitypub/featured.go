package activitypub

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/status"
)

// applyFeatured handles Add (pinned) and Remove whose target is the actor's featured
// collection: the named status of the actor is pinned (fetched when unknown) or
// unpinned, and a Hashtag featured or no longer, as Mastodon's
// ActivityPub::Activity::Add and Remove (Mastodon sends a Hashtag to the featured
// collection; the featuredTags collection is taken too). Other collections are not
// handled.
func (s *Service) applyFeatured(ctx context.Context, actor *account.Account, act map[string]any, pinned bool) error {
	target := idAny(act["target"])
	if obj, ok := act["object"].(map[string]any); ok && str2(obj, "type") == "Hashtag" &&
		target != "" && (target == actor.FeaturedURL || target == actor.FeaturedTagsURL) {
		name := featuredTagName(obj)
		if name == "" {
			return fmt.Errorf("%w: a featured Hashtag without a name", ErrInvalid)
		}
		if !pinned {
			return s.actions.UnfeatureTag(ctx, actor, name)
		}
		var v *hashtag.Validation
		if _, err := s.actions.FeatureTag(ctx, actor, name); errors.As(err, &v) {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		} else if err != nil {
			return err
		}
		return nil
	}
	if target == "" || target != actor.FeaturedURL {
		return fmt.Errorf("%w: %s to %q, not the featured collection of %s", ErrInvalid, str2(act, "type"), target, actor.URI)
	}
	uri := idAny(act["object"])
	var st *status.Status
	var err error
	if pinned {
		st, err = s.ResolveStatus(ctx, uri)
	} else {
		st, err = s.statuses.ByURI(ctx, uri)
	}
	if errors.Is(err, status.ErrNotFound) {
		return fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	if err != nil {
		return err
	}
	if st.AccountID != actor.ID {
		return fmt.Errorf("%w: %s features a status of another account", ErrInvalid, actor.URI)
	}
	if !pinned {
		_, err = s.actions.Unpin(ctx, actor, st.ID)
		return err
	}
	var v *status.Validation
	if _, err := s.actions.Pin(ctx, actor, st.ID); errors.As(err, &v) {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	} else if err != nil {
		return err
	}
	return nil
}

// FeaturedTags returns the featuredTags collection of a local actor: a Collection of
// the Hashtags it features, as Mastodon's.
func (s *Service) FeaturedTags(ctx context.Context, username string) (*Collection, error) {
	a, err := s.contentAccount(ctx, username)
	if err != nil {
		return nil, err
	}
	coll := &Collection{Context: noteContext, ID: s.ActorURI(a.Username) + "/collections/tags", Type: "Collection", Items: []any{}}
	if s.tags != nil {
		fs, err := s.tags.FeaturedTags(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			coll.Items = append(coll.Items, s.hashtag(f.Name))
		}
	}
	total := int64(len(coll.Items))
	coll.TotalItems = &total
	return coll, nil
}
