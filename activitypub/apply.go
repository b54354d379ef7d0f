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

// apply dispatches one activity on its type, as Mastodon's ActivityPub::Activity.factory.
func (s *Service) apply(ctx context.Context, act map[string]any) error {
	actor, err := s.RemoteAccount(ctx, idAny(act["actor"]), false)
	if err != nil {
		return err
	}
	if handled, err := s.relayActivity(ctx, actor, act); handled {
		return err
	}
	switch str2(act, "type") {
	case "Follow":
		return s.applyFollow(ctx, actor, act)
	case "Accept":
		return s.applyAccept(ctx, actor, act, true)
	case "Reject":
		return s.applyAccept(ctx, actor, act, false)
	case "Undo":
		return s.applyUndo(ctx, actor, act)
	case "Create":
		return s.applyCreate(ctx, actor, act)
	case "Update":
		return s.applyUpdate(ctx, actor, act)
	case "Delete":
		return s.applyDelete(ctx, actor, act)
	case "Like":
		return s.applyLike(ctx, actor, act)
	case "Announce":
		return s.applyAnnounce(ctx, actor, act)
	case "Flag":
		return s.applyFlag(ctx, actor, act)
	case "Move":
		return s.applyMove(ctx, actor, act)
	case "Add":
		return s.applyFeatured(ctx, actor, act, true)
	case "Remove":
		return s.applyFeatured(ctx, actor, act, false)
	case "QuoteRequest":
		return s.applyQuoteRequest(ctx, actor, act)
	case "Block":
		target, err := s.localTarget(ctx, idAny(act["object"]))
		if err != nil {
			return err
		}
		return s.actions.Block(ctx, actor, target)
	}
	return fmt.Errorf("%w: %q", ErrUnhandled, str2(act, "type"))
}

// ErrUnhandled is an activity of a type Herd does not act on (an emoji reaction, an
// extension of another server): ordinary traffic, dropped.
var ErrUnhandled = errors.New("activitypub: activity type not handled")

// ErrRefused is a status, or an edit of one, that a content rule refused: dropped, as
// an activity with nothing to act on.
var ErrRefused = errors.New("activitypub: refused by a content rule")

// idAny reads an id given as a string or an object.
func idAny(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return str2(t, "id")
	}
	return ""
}

// localTarget finds the local account an actor URI of this server names.
func (s *Service) localTarget(ctx context.Context, uri string) (*account.Account, error) {
	base := s.Base() + "/users/"
	if !strings.HasPrefix(uri, base) || strings.Contains(uri[len(base):], "/") {
		return nil, fmt.Errorf("%w: %s is not a local actor", ErrNotFound, uri)
	}
	return s.localAccount(ctx, uri[len(base):])
}

// localStatus finds the status a URI names: a local status URI or a known remote one.
func (s *Service) localStatus(ctx context.Context, uri string) (*status.Status, error) {
	if strings.HasPrefix(uri, s.Base()+"/users/") {
		if i := strings.LastIndex(uri, "/statuses/"); i > 0 {
			id, err := shard.Parse(strings.TrimSuffix(uri[i+len("/statuses/"):], "/activity"))
			if err != nil {
				return nil, fmt.Errorf("%w: %s", ErrNotFound, uri)
			}
			return s.statuses.Get(ctx, id)
		}
		return nil, fmt.Errorf("%w: %s", ErrNotFound, uri)
	}
	return s.statuses.ByURI(ctx, uri)
}

func (s *Service) applyFollow(ctx context.Context, actor *account.Account, act map[string]any) error {
	target, err := s.localTarget(ctx, idAny(act["object"]))
	if err != nil {
		return err
	}
	if err := s.remember(ctx, followKey(actor.ID, target.ID), str2(act, "id")); err != nil {
		return err
	}
	// The action answers with Accept (or Reject, if either blocks the other) using the
	// id remembered above; a locked target's owner decides later.
	return s.actions.Follow(ctx, actor, target, account.FollowOptions{})
}

func (s *Service) applyAccept(ctx context.Context, actor *account.Account, act map[string]any, accepted bool) error {
	if handled, err := s.relayAnswer(ctx, actor.URI, act, accepted); handled {
		return err
	}
	if handled, err := s.quoteAnswer(ctx, actor, act, accepted); handled {
		return err
	}
	obj := act["object"]
	follower := ""
	if m, ok := obj.(map[string]any); ok {
		follower = idAny(m["actor"])
	}
	if follower == "" {
		follower = s.recall(ctx, idAny(obj))
	}
	local, err := s.localTarget(ctx, follower)
	if err != nil {
		return err
	}
	if accepted {
		if err := s.actions.FollowAccepted(ctx, local.ID, actor.ID); err != nil {
			return err
		}
		return s.backfillFor(ctx, actor, local.ID) // recent posts reach the new follower's home
	}
	return s.actions.FollowRejected(ctx, local.ID, actor.ID)
}

func (s *Service) applyUndo(ctx context.Context, actor *account.Account, act map[string]any) error {
	inner, ok := act["object"].(map[string]any)
	if !ok {
		return s.undoReference(ctx, actor, idAny(act["object"]))
	}
	if idAny(inner["actor"]) != "" && idAny(inner["actor"]) != actor.URI {
		return fmt.Errorf("%w: Undo of another actor's activity", ErrInvalid)
	}
	switch str2(inner, "type") {
	case "Follow":
		target, err := s.localTarget(ctx, idAny(inner["object"]))
		if err != nil {
			return err
		}
		return s.actions.Unfollow(ctx, actor, target)
	case "Like":
		st, err := s.localStatus(ctx, idAny(inner["object"]))
		if err != nil {
			return err
		}
		_, err = s.actions.Unfavourite(ctx, actor, st.ID)
		return err
	case "Announce":
		boost, err := s.statuses.ByURI(ctx, str2(inner, "id"))
		if err != nil {
			return err
		}
		_, err = s.statuses.Delete(ctx, actor.ID, boost.ID)
		return err
	case "Block":
		target, err := s.localTarget(ctx, idAny(inner["object"]))
		if err != nil {
			return err
		}
		return s.actions.Unblock(ctx, actor, target)
	}
	return fmt.Errorf("%w: Undo of %q", ErrInvalid, str2(inner, "type"))
}

// undoReference undoes an activity named by its id only, as Pleroma and Akkoma name
// the boost they undo: a boost of the actor's with that URI is the one Herd can find
// by it, as Mastodon finds it; Herd keeps no other activity's id.
func (s *Service) undoReference(ctx context.Context, actor *account.Account, ref string) error {
	boost, err := s.statuses.ByURI(ctx, ref)
	if errors.Is(err, status.ErrNotFound) || (err == nil && (boost.AccountID != actor.ID || boost.ReblogOfID == 0)) {
		return fmt.Errorf("%w: Undo of %q, which is no boost of the actor", ErrInvalid, ref)
	}
	if err != nil {
		return err
	}
	_, err = s.statuses.Delete(ctx, actor.ID, boost.ID)
	return err
}

func (s *Service) applyLike(ctx context.Context, actor *account.Account, act map[string]any) error {
	st, err := s.localStatus(ctx, idAny(act["object"]))
	if err != nil {
		return err
	}
	_, err = s.actions.Favourite(ctx, actor, st.ID)
	if errors.Is(err, status.ErrNotFound) {
		return fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	return err
}

func (s *Service) applyDelete(ctx context.Context, actor *account.Account, act map[string]any) error {
	uri := idAny(act["object"])
	if uri == actor.URI {
		return s.accounts.DeleteRemote(ctx, actor)
	}
	st, err := s.statuses.ByURI(ctx, uri)
	if errors.Is(err, status.ErrNotFound) {
		if revoked, err := s.revokeAuthorization(ctx, actor, uri); revoked {
			return err
		}
		return s.statuses.Tombstone(ctx, uri) // a Delete before its Create
	}
	if err != nil {
		return err
	}
	if st.AccountID != actor.ID {
		return fmt.Errorf("%w: %s deletes a status of another actor", ErrInvalid, actor.URI)
	}
	_, err = s.statuses.Delete(ctx, actor.ID, st.ID)
	return err
}

func (s *Service) applyUpdate(ctx context.Context, actor *account.Account, act map[string]any) error {
	obj, _ := act["object"].(map[string]any)
	if obj == nil {
		return fmt.Errorf("%w: Update without an embedded object", ErrInvalid)
	}
	if idAny(obj) == actor.URI {
		a, err := s.RemoteAccount(ctx, actor.URI, true)
		if err != nil {
			return err
		}
		return s.queueFeatured(ctx, a) // as Mastodon's ProcessAccountService
	}
	st, err := s.statuses.ByURI(ctx, idAny(obj))
	if err != nil {
		return err
	}
	if st.AccountID != actor.ID {
		return fmt.Errorf("%w: %s updates a status of another actor", ErrInvalid, actor.URI)
	}
	content, _ := s.noteContent(obj)
	spoiler, content, sensitive := str2(obj, "summary"), sanitize(content), obj["sensitive"] == true
	if err := s.recordEmoji(ctx, actor.Domain, obj["tag"]); err != nil {
		return err
	}
	q := readQuestion(obj)
	if st.Poll != nil && st.Poll.SameQuestion(q) && content == st.Content && spoiler == st.SpoilerText {
		// The poll's counts, not an edit, as Mastodon tells them apart.
		if err := s.statuses.RecordTally(ctx, st, q); err != nil {
			return err
		}
		return s.refreshQuote(ctx, st, obj)
	}
	if q != nil && !q.SameQuestion(st.Poll) { // a new question: its votes start afresh
		if st.Poll != nil {
			q.Round = st.Poll.Round + 1
		}
		st.Poll = q
	}
	attached, err := s.readAttachments(ctx, actor, obj)
	if err != nil {
		return err
	}
	edited := &status.Status{ID: st.ID, AccountID: st.AccountID, Content: content, SpoilerText: spoiler, Poll: q,
		RemoteMedia: attached}
	v, err := s.actions.ScreenRemote(ctx, edited)
	if err != nil {
		return err
	}
	if r := v.Rejected(); r != nil {
		return fmt.Errorf("%w: edit of %s matched content rule %d", ErrRefused, st.URI, r.ID)
	}
	if err := s.statuses.UpdateRemote(ctx, st, content, spoiler, sensitive || spoiler != "" || edited.Sensitive,
		edited.RemoteMedia); err != nil {
		return err
	}
	s.actions.ReportMatches(ctx, st, v)
	return s.refreshQuote(ctx, st, obj)
}
