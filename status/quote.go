package status

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// ErrQuoteNotFound is returned when a post quotes a status that does not exist, that
// its author may not see, or that its author may not quote: Mastodon answers all three
// alike (404), so that a refusal says nothing of a post one may not see.
var ErrQuoteNotFound = errors.New("status: quoted status not found")

// QuoteState is where a quote stands, named as Mastodon's Quote.state.
type QuoteState string

// The states a quote is stored in. Mastodon's API also shows deleted, unauthorized,
// blocked_account, blocked_domain and muted_account, which depend on the quoted
// status and on the viewer, so they are worked out when rendering and never stored.
const (
	QuotePending  QuoteState = "pending"
	QuoteAccepted QuoteState = "accepted"
	QuoteRejected QuoteState = "rejected"
	QuoteRevoked  QuoteState = "revoked"
)

// Quote is what a status quotes. A known quoted status is known by id; a remote one
// also by URI (alone while it could not be fetched), and a remote quote by the URI
// of the QuoteAuthorization its quoted author's server gave (FEP-044f). The
// authorizations this server gives for its own statuses are not stored: their URI
// follows from the quoting status (activitypub).
type Quote struct {
	StatusID shard.ID   `cbor:"1,keyasint,omitempty"`
	URI      string     `cbor:"2,keyasint,omitempty"`
	State    QuoteState `cbor:"3,keyasint"`
	// Authorization is the URI of the QuoteAuthorization stamp, for remote quotes.
	Authorization string `cbor:"4,keyasint,omitempty"`
}

// QuotePolicy is who may quote a status, as the API's quote_approval_policy names it.
type QuotePolicy string

// The policies a local author can choose. Mastodon's federated policies also name
// "following" audiences; those arrive with federation.
const (
	QuotePublic    QuotePolicy = "public"
	QuoteFollowers QuotePolicy = "followers"
	QuoteNobody    QuotePolicy = "nobody"
)

// Valid reports whether p is one of the three policies.
func (p QuotePolicy) Valid() bool { return p == QuotePublic || p == QuoteFollowers || p == QuoteNobody }

// EffectiveQuotePolicy is who may quote st: nobody but its author for a private or
// direct status, as Mastodon ignores the policy asked for those; a status stored
// without a policy (posted before quotes) is quotable by anyone, as Mastodon treats
// statuses that predate its quote policies.
func (st *Status) EffectiveQuotePolicy() QuotePolicy {
	switch {
	case st.Visibility == Private || st.Visibility == Direct:
		return QuoteNobody
	case st.QuotePolicy == "":
		return QuotePublic
	}
	return st.QuotePolicy
}

// Revoked is the statuses-topic event of a quote its quoted author revoked; the
// event is the quoting status's, so that caches forget it and, later, federation
// withdraws the authorization.
const Revoked = "quote_revoked"

// PolicyChanged is the statuses-topic event of a status whose quote policy changed
// alone (PUT /api/v1/statuses/:id/interaction_policy), which is no edit.
const PolicyChanged = "quote_policy_changed"

// countQuotes is the counter of accepted quotes of a status.
const countQuotes = "quotes"

// tQuotes lists the accepted quotes of a status: PK the quoted status, CK and value
// the quoting status (the value is what a listing returns).
const tQuotes = "status_quotes"

// quote makes st quote the status quotedID, which st's author must be allowed to
// quote: the quote of a local status is accepted at once, as Mastodon's is.
// A private status quoted by its own author keeps the quote private.
func (s *Service) quote(ctx context.Context, st *Status, quotedID shard.ID) (*Status, error) {
	if quotedID == 0 {
		return nil, nil
	}
	quoted, err := s.Visible(ctx, st.AccountID, quotedID)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("quote %d: %w", quotedID, ErrQuoteNotFound)
	}
	if err != nil {
		return nil, err
	}
	if quoted, err = s.original(ctx, quoted); err != nil {
		return nil, err
	}
	ok, err := s.policy.Quotable(ctx, st.AccountID, quoted)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("quote %d by %d not allowed: %w", quoted.ID, st.AccountID, ErrQuoteNotFound)
	}
	if quoted.Visibility == Private && (st.Visibility == Public || st.Visibility == Unlisted) {
		st.Visibility = Private
	}
	st.Quote = &Quote{StatusID: quoted.ID, URI: quoted.URI, State: QuoteAccepted}
	if !quoted.Local && quoted.AccountID != st.AccountID {
		// Another server's author decides: federation asks them (a QuoteRequest) and
		// their answer accepts or rejects the quote (FEP-044f).
		st.Quote.State = QuotePending
	}
	return quoted, nil
}

// quoteRows are the writes that list st among the accepted quotes of what it quotes
// (delta 1), or take it off that list (delta -1).
func quoteRows(st *Status, delta int64) []store.Mutation {
	q := st.Quote
	if q == nil || q.StatusID == 0 || q.State != QuoteAccepted {
		return nil
	}
	row := store.Mutation{Kind: store.Put, Table: tQuotes, PK: q.StatusID.Bytes(), CK: st.ID.Bytes(), Value: st.ID.Bytes()}
	if delta < 0 {
		row = store.Mutation{Kind: store.Delete, Table: tQuotes, PK: q.StatusID.Bytes(), CK: st.ID.Bytes()}
	}
	return []store.Mutation{row, countMutation(q.StatusID, countQuotes, delta)}
}

// notifyQuoted tells the quoted author of a new quote; quoting oneself tells no one.
func (s *Service) notifyQuoted(ctx context.Context, st, quoted *Status) error {
	if quoted == nil || quoted.AccountID == st.AccountID || !quoted.Local {
		return nil
	}
	return s.notifier.Notify(ctx, quoted.AccountID, st.AccountID, notification.Quote, st.ID)
}

// Quotes lists the accepted quotes of one of viewer's own statuses, newest first, as
// Mastodon lists them only to the quoted author.
func (s *Service) Quotes(ctx context.Context, viewer, id shard.ID, p paging.Page) ([]Listed, error) {
	st, err := s.Visible(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	if st.AccountID != viewer || st.ReblogOfID != 0 {
		return nil, fmt.Errorf("quotes of %d for %d: %w", id, viewer, ErrForbidden)
	}
	return s.listing(ctx, tQuotes, id, p)
}

// RevokeQuote detaches the quote quotingID from author's status id: the quote's
// state becomes revoked and it leaves the list and count of id's quotes. It returns
// the quoting status as it is now.
func (s *Service) RevokeQuote(ctx context.Context, author, id, quotingID shard.ID) (*Status, error) {
	quoted, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if quoted.AccountID != author {
		return nil, fmt.Errorf("revoke quote of %d by %d: %w", id, author, ErrForbidden)
	}
	st, err := s.Get(ctx, quotingID)
	if err != nil {
		return nil, err
	}
	if st.Quote == nil || st.Quote.StatusID != id {
		return nil, fmt.Errorf("status %d does not quote %d: %w", quotingID, id, ErrNotFound)
	}
	if st.Quote.State == QuoteRevoked {
		return st, nil
	}
	muts := quoteRows(st, -1)
	q := *st.Quote
	q.State = QuoteRevoked
	st.Quote = &q
	b, err := store.Marshal(st)
	if err != nil {
		return nil, err
	}
	muts = append(muts, store.Mutation{Kind: store.Put, Table: tStatuses, PK: st.ID.Bytes(), CK: empty, Value: b})
	if err := s.st.Batch(ctx, muts); err != nil {
		return nil, fmt.Errorf("revoke quote %d of %d: %w", quotingID, id, err)
	}
	s.cache.Forget(st.ID)
	if err := s.publish(ctx, Event{Kind: Revoked, StatusID: st.ID, Author: st.AccountID}); err != nil {
		return nil, err
	}
	return st, nil
}

// SetQuotePolicy changes who may quote one of author's statuses. Quotes already
// accepted stay, as Mastodon's do; the change is no edit (edited_at stays).
func (s *Service) SetQuotePolicy(ctx context.Context, author, id shard.ID, p QuotePolicy) (*Status, error) {
	if !p.Valid() {
		return nil, invalid("Quote approval policy is not included in the list")
	}
	st, err := s.Visible(ctx, author, id)
	if err != nil {
		return nil, err
	}
	if st.AccountID != author || st.ReblogOfID != 0 {
		return nil, fmt.Errorf("quote policy of %d by %d: %w", id, author, ErrForbidden)
	}
	if st.QuotePolicy == p {
		return st, nil
	}
	st.QuotePolicy = p
	b, err := store.Marshal(st)
	if err != nil {
		return nil, err
	}
	if err := s.st.Put(ctx, tStatuses, st.ID.Bytes(), empty, b, 0); err != nil {
		return nil, fmt.Errorf("save quote policy of %d: %w", id, err)
	}
	s.cache.Forget(st.ID)
	return st, s.publish(ctx, Event{Kind: PolicyChanged, StatusID: st.ID, Author: author})
}

// QuotedBy lists the accepted quotes of a status, newest first, whoever asks: for
// those who quoted it to hear of its edits.
func (s *Service) QuotedBy(ctx context.Context, id shard.ID, p paging.Page) ([]Listed, error) {
	return s.listing(ctx, tQuotes, id, p)
}
