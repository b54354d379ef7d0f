package activitypub

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// SendFeatured tells the remote followers of a local account that it pinned (Add) or
// unpinned (Remove) one of its statuses: the target is its featured collection, as
// Mastodon's PinsController sends.
func (s *Service) SendFeatured(ctx context.Context, accountID, statusID shard.ID, pinned bool) error {
	a, err := s.accounts.Get(ctx, accountID)
	if err != nil || !a.Local() {
		return err
	}
	kind := "Remove"
	if pinned {
		kind = "Add"
	}
	actor := s.ActorURI(a.Username)
	inboxes, err := s.followerInboxes(ctx, a.ID)
	if err != nil {
		return err
	}
	act := map[string]any{"id": actor + "#" + strings.ToLower(kind) + "s/featured/" + statusID.String() + "/" + nonce(),
		"type": kind, "actor": actor, "object": s.StatusURI(a.Username, statusID), "target": actor + "/collections/featured"}
	return s.send(ctx, a.ID, act, inboxes)
}

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
		_, err = s.statuses.Unpin(ctx, actor.ID, st.ID)
		return err
	}
	var v *status.Validation
	if err := s.statuses.PinRemote(ctx, actor.ID, st.ID); errors.As(err, &v) {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	} else if err != nil {
		return err
	}
	return nil
}
