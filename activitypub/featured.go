package activitypub

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/status"
)

// applyFeatured handles Add (pinned) and Remove whose target is the actor's featured
// collection: the named status of the actor is pinned (fetched when unknown) or
// unpinned, as Mastodon's ActivityPub::Activity::Add and Remove. Featured hashtags
// and other collections are not handled.
func (s *Service) applyFeatured(ctx context.Context, actor *account.Account, act map[string]any, pinned bool) error {
	target := idAny(act["target"])
	if target == "" || target != actor.FeaturedURL {
		return fmt.Errorf("%w: %s to %q, not the featured collection of %s", ErrInvalid, str2(act, "type"), target, actor.URI)
	}
	if obj, ok := act["object"].(map[string]any); ok && str2(obj, "type") == "Hashtag" {
		return fmt.Errorf("%w: featured hashtags are not supported", ErrInvalid)
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
