package activitypub

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/activitypub/ldsig"
	"github.com/herd-social/herd/status"
)

// withRelays adds the inboxes of the accepted relays to those of a public status's
// activity, as Mastodon's StatusReachFinder adds them to every activity of a public
// status (its Create, Update, Delete, and a boost's Announce and Undo).
func (s *Service) withRelays(ctx context.Context, st *status.Status, inboxes []string) ([]string, error) {
	if s.relays == nil || st.Visibility != status.Public {
		return inboxes, nil
	}
	relays, err := s.relays.Inboxes(ctx)
	if err != nil {
		return nil, fmt.Errorf("relay inboxes: %w", err)
	}
	for _, in := range relays {
		if !slices.Contains(inboxes, in) {
			inboxes = append(inboxes, in)
		}
	}
	return inboxes, nil
}

// sendStatusActivity delivers the activity of a status event. A public status's
// activity carries a Linked Data signature by its author, as Mastodon signs them, so
// that a relay can forward it and its readers can check it came from the author.
func (s *Service) sendStatusActivity(ctx context.Context, author *account.Account, st *status.Status, act map[string]any, inboxes []string) error {
	if st.Visibility != status.Public || len(inboxes) == 0 || s.delivery == nil {
		return s.send(ctx, author.ID, act, inboxes)
	}
	act["@context"] = noteContext
	key, err := s.Keys.PrivateKey(ctx, author.ID)
	if err != nil {
		return err
	}
	if err := ldsig.Sign(act, s.ActorURI(author.Username)+"#main-key", key, s.now()); err != nil {
		// Too large to canonicalise: it goes unsigned, as to a server in secure mode,
		// and relays' subscribers fetch it from here.
		s.log.Warn("activitypub: activity sent without a Linked Data signature", "status", st.ID, "err", err)
	}
	b, err := json.Marshal(act)
	if err != nil {
		return err
	}
	return s.delivery.Enqueue(ctx, b, author.ID, inboxes)
}
