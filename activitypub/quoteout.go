package activitypub

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// quoteAuthorizationsPath is the part of a stamp's URI, after its author's actor
// URI, that precedes the quoting post's id.
const quoteAuthorizationsPath = "/quote_authorizations/"

// quoteRequestSuffix makes the id of a local post's QuoteRequest from the post's URI,
// so that an Accept naming the request by id alone finds the post.
const quoteRequestSuffix = "#quote_request"

// InteractionPolicy is a note's interactionPolicy (GoToSocial's vocabulary, which
// Mastodon uses): who may quote it.
type InteractionPolicy struct {
	CanQuote Approval `json:"canQuote"`
}

// Approval lists the actors and collections whose interactions are approved.
type Approval struct {
	AutomaticApproval []string `json:"automaticApproval"`
}

// QuoteAuthorizationURI is the URI of the stamp by which the local account username
// authorizes the post quotingID to quote one of theirs.
func (s *Service) QuoteAuthorizationURI(username string, quotingID shard.ID) string {
	return s.ActorURI(username) + quoteAuthorizationsPath + quotingID.String()
}

// quoteFields fills the quote properties of n, the note of a's status st, as
// Mastodon's: who may quote it, and what it quotes with the stamp of an accepted
// quote. A quoted post that is gone is named by a Tombstone.
func (s *Service) quoteFields(ctx context.Context, n *Note, a *account.Account, st *status.Status) error {
	actor := s.ActorURI(a.Username)
	approved := []string{actor}
	switch st.EffectiveQuotePolicy() {
	case status.QuotePublic:
		approved = []string{Public}
	case status.QuoteFollowers:
		approved = []string{actor + "/followers"}
	}
	n.InteractionPolicy = &InteractionPolicy{CanQuote: Approval{AutomaticApproval: approved}}
	q := st.Quote
	if q == nil {
		return nil
	}
	var quoted *status.Status
	if q.StatusID != 0 {
		got, err := s.statuses.Get(ctx, q.StatusID)
		if err != nil && !errors.Is(err, status.ErrNotFound) {
			return err
		}
		quoted = got
	}
	uri := q.URI
	if quoted != nil && uri == "" {
		var err error
		if uri, err = s.objectURI(ctx, quoted.ID); err != nil && !errors.Is(err, account.ErrNotFound) {
			return err
		}
	}
	if quoted == nil || uri == "" {
		n.Quote = map[string]any{"type": "Tombstone"}
		return nil
	}
	n.Quote, n.MisskeyQuote, n.QuoteURI = uri, uri, uri
	if q.State != status.QuoteAccepted {
		return nil
	}
	if !quoted.Local {
		n.QuoteAuthorization = q.Authorization
		return nil
	}
	author, err := s.accounts.Get(ctx, quoted.AccountID)
	if errors.Is(err, account.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	n.QuoteAuthorization = s.QuoteAuthorizationURI(author.Username, st.ID)
	return nil
}

// QuoteAuthorization renders the stamp by which the local account username
// authorized the post id to quote one of theirs, for a viewer who may see that post
// (zero: anonymous); a quote not accepted has none.
func (s *Service) QuoteAuthorization(ctx context.Context, viewer shard.ID, username string, id shard.ID) (map[string]any, error) {
	a, err := s.contentAccount(ctx, username)
	if err != nil {
		return nil, err
	}
	quoting, err := s.statuses.Get(ctx, id)
	if errors.Is(err, status.ErrNotFound) {
		return nil, fmt.Errorf("quote authorization %d of %s: %w", id, username, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	q := quoting.Quote
	if q == nil || q.State != status.QuoteAccepted || q.StatusID == 0 {
		return nil, fmt.Errorf("status %d has no accepted quote: %w", id, ErrNotFound)
	}
	quoted, err := s.statuses.Get(ctx, q.StatusID)
	if errors.Is(err, status.ErrNotFound) || (err == nil && (quoted.AccountID != a.ID || !quoted.Local)) {
		return nil, fmt.Errorf("status %d quotes no status of %s: %w", id, username, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if ok, err := s.seenBy(ctx, viewer, quoting); err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("status %d is %s: %w", id, quoting.Visibility, ErrNotFound)
		}
		return nil, err
	}
	interacting, err := s.objectURI(ctx, quoting.ID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"@context": noteContext, "id": s.QuoteAuthorizationURI(username, id),
		"type": "QuoteAuthorization", "attributedTo": s.ActorURI(username),
		"interactingObject": interacting, "interactionTarget": s.StatusURI(username, quoted.ID)}, nil
}

// requestQuote asks the remote author of what a new local post quotes for a stamp,
// with the post embedded, as Mastodon's QuoteRequest.
func (s *Service) requestQuote(ctx context.Context, author *account.Account, st *status.Status) error {
	q := st.Quote
	if q == nil || q.State != status.QuotePending || q.StatusID == 0 {
		return nil
	}
	quoted, err := s.statuses.Get(ctx, q.StatusID)
	if errors.Is(err, status.ErrNotFound) || (err == nil && quoted.Local) {
		return nil
	}
	if err != nil {
		return err
	}
	them, err := s.accounts.Get(ctx, quoted.AccountID)
	if errors.Is(err, account.ErrNotFound) || (err == nil && (them.Local() || them.Suspended)) {
		return nil
	}
	if err != nil {
		return err
	}
	n, err := s.note(ctx, author, st)
	if err != nil {
		return err
	}
	act := map[string]any{"id": n.ID + quoteRequestSuffix, "type": "QuoteRequest", "actor": s.ActorURI(author.Username),
		"object": quoted.URI, "instrument": n}
	return s.send(ctx, author.ID, act, []string{them.InboxURL})
}

// federateRevoke sends the Delete of the stamp of a quote that a local author
// revoked to the servers of both posts' audiences, as Mastodon's RevokeQuoteService.
func (s *Service) federateRevoke(ctx context.Context, st *status.Status) error {
	q := st.Quote
	if q == nil || q.StatusID == 0 {
		return nil
	}
	quoted, err := s.statuses.Get(ctx, q.StatusID)
	if errors.Is(err, status.ErrNotFound) || (err == nil && !quoted.Local) {
		return nil
	}
	if err != nil {
		return err
	}
	accs, err := s.accounts.GetMany(ctx, []shard.ID{quoted.AccountID, st.AccountID})
	if err != nil {
		return err
	}
	author, quoting := accs[quoted.AccountID], accs[st.AccountID]
	if author == nil || quoting == nil {
		return nil
	}
	inboxes, err := s.audience(ctx, author, quoted, false)
	if err != nil {
		return err
	}
	theirs, err := s.audience(ctx, quoting, st, false)
	if err != nil {
		return err
	}
	if !quoting.Local() && !quoting.Suspended {
		theirs = append(theirs, inboxOf(quoting))
	}
	for _, in := range theirs {
		if !slices.Contains(inboxes, in) {
			inboxes = append(inboxes, in)
		}
	}
	stamp := s.QuoteAuthorizationURI(author.Username, st.ID)
	act := map[string]any{"id": stamp + "#delete", "type": "Delete", "actor": s.ActorURI(author.Username),
		"object": stamp, "to": []string{Public}}
	return s.send(ctx, author.ID, act, inboxes)
}
