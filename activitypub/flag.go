package activitypub

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// maxFlagObjects bounds the accounts and statuses one incoming Flag may name.
const maxFlagObjects = 100

// SendFlag forwards a report about a remote account to the target's inbox, from the
// instance actor as Mastodon does: object lists the target actor and the URIs of the
// reported statuses, content is the comment.
func (s *Sender) SendFlag(ctx context.Context, r *moderation.Report) error {
	target, err := s.accounts.Get(ctx, r.TargetAccountID)
	if err != nil || target.Local() {
		return err
	}
	objects := []string{target.URI}
	sts, err := s.statuses.GetMany(ctx, r.StatusIDs)
	if err != nil {
		return err
	}
	for _, id := range r.StatusIDs {
		if st := sts[id]; st != nil && st.URI != "" {
			objects = append(objects, st.URI)
		}
	}
	inbox := target.InboxURL
	if inbox == "" {
		inbox = target.SharedInboxURL
	}
	instance := instanceActorURI(s.opts)
	act := map[string]any{"id": instance + "#flags/" + r.ID.String() + "/" + nonce(), "type": "Flag",
		"actor": instance, "content": r.Comment, "object": objects}
	return s.send(ctx, 0, act, []string{inbox})
}

// applyFlag files a report, by the sending actor, against each local account the
// Flag names, with the named local statuses of that account, as Mastodon's
// ActivityPub::Activity::Flag, through the report action (which does not forward a
// peer's report back). The reports of a domain blocked with reject_reports are
// dropped.
func (s *Service) applyFlag(ctx context.Context, actor *account.Account, act map[string]any) error {
	if s.domains != nil {
		b, err := s.domains.BlockFor(ctx, actor.Domain)
		if err != nil {
			return err
		}
		if b != nil && b.RejectReports {
			s.log.Info("activitypub: report refused by a domain block", "actor", actor.URI, "block", b.Domain)
			return nil
		}
	}
	uris := asStrings(act["object"])
	if len(uris) > maxFlagObjects {
		uris = uris[:maxFlagObjects]
	}
	var targets []*account.Account
	byAccount := map[shard.ID][]shard.ID{}
	for _, uri := range uris {
		if !s.isLocal(uri) {
			continue
		}
		if a, err := s.localTarget(ctx, uri); err == nil {
			targets = append(targets, a)
		} else if st, err := s.localStatus(ctx, uri); err == nil && st.Local {
			byAccount[st.AccountID] = append(byAccount[st.AccountID], st.ID)
		}
	}
	if len(targets) == 0 {
		return fmt.Errorf("%w: Flag %s names no local account", ErrNotFound, str2(act, "id"))
	}
	reported := map[shard.ID]bool{}
	for _, t := range targets {
		if reported[t.ID] {
			continue
		}
		reported[t.ID] = true
		_, err := s.actions.Report(ctx, actor, moderation.NewReport{TargetAccountID: t.ID,
			StatusIDs: byAccount[t.ID], Comment: str2(act, "content"), URI: s.remoteURL(str2(act, "id"))})
		var v *moderation.Validation
		if errors.As(err, &v) || errors.Is(err, account.ErrNotFound) || errors.Is(err, status.ErrNotFound) {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
