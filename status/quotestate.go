package status

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// QuoteStateChanged is the statuses-topic event of a quote whose state changed by
// federation (FEP-044f): a remote author's server accepted or rejected the quote of
// a local status, this server accepted another's, or a quoted author withdrew an
// authorization. The event is the quoting status's.
const QuoteStateChanged = "quote_state_changed"

// tQuoteAuths finds the quotes a QuoteAuthorization's URI names, for a Delete of it
// to revoke them: PK the URI, CK the quoting status's id. A stamp normally
// authorizes one quote, but notes that merely name it are listed too, and told
// apart by the quoted author when revoking.
const tQuoteAuths = "status_quote_authorizations"

// maxQuotesByAuthorization bounds the quotes one stamp's Delete revokes.
const maxQuotesByAuthorization = 20

// authorizationRows are the writes that index st's quote by its authorization's URI
// (put), or forget it.
func authorizationRows(st *Status, put bool) []store.Mutation {
	q := st.Quote
	if q == nil || q.Authorization == "" {
		return nil
	}
	if !put {
		return []store.Mutation{{Kind: store.Delete, Table: tQuoteAuths, PK: []byte(q.Authorization), CK: st.ID.Bytes()}}
	}
	return []store.Mutation{{Kind: store.Put, Table: tQuoteAuths, PK: []byte(q.Authorization), CK: st.ID.Bytes(), Value: empty}}
}

// ByQuoteAuthorization lists the statuses whose quotes name the authorization of
// that URI.
func (s *Service) ByQuoteAuthorization(ctx context.Context, uri string) ([]*Status, error) {
	rows, err := s.st.Scan(ctx, tQuoteAuths, []byte(uri), store.Range{Limit: maxQuotesByAuthorization})
	if err != nil {
		return nil, fmt.Errorf("look up quote authorization %s: %w", uri, err)
	}
	ids := make([]shard.ID, len(rows))
	for i, r := range rows {
		ids[i] = shard.FromBytes(r.CK)
	}
	byID, err := s.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []*Status
	for _, id := range ids {
		if st := byID[id]; st != nil && st.Quote != nil && st.Quote.Authorization == uri {
			out = append(out, st)
		}
	}
	return out, nil
}

// SetQuoteState moves the quote of status id to state, authorized by the
// QuoteAuthorization at authorization (empty for an authorization of this server's,
// or none). An accepted quote joins the quoted status's list and count of quotes, and
// leaves them when it is no longer accepted; a quote newly accepted tells a local
// quoted author. It reports whether anything changed.
func (s *Service) SetQuoteState(ctx context.Context, id shard.ID, state QuoteState, authorization string) (*Status, bool, error) {
	st, err := s.Get(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if st.Quote == nil {
		return nil, false, fmt.Errorf("status %d quotes nothing: %w", id, ErrNotFound)
	}
	old := *st.Quote
	if old.State == state && old.Authorization == authorization {
		return st, false, nil
	}
	was := &Status{ID: st.ID, Quote: &old}
	q := old
	q.State, q.Authorization = state, authorization
	st.Quote = &q
	var muts []store.Mutation
	switch {
	case old.State == QuoteAccepted && state != QuoteAccepted:
		muts = append(muts, quoteRows(was, -1)...)
	case old.State != QuoteAccepted && state == QuoteAccepted:
		muts = append(muts, quoteRows(st, 1)...)
	}
	if old.Authorization != authorization {
		muts = append(muts, authorizationRows(was, false)...)
		muts = append(muts, authorizationRows(st, true)...)
	}
	b, err := store.Marshal(st)
	if err != nil {
		return nil, false, err
	}
	muts = append(muts, store.Mutation{Kind: store.Put, Table: tStatuses, PK: st.ID.Bytes(), CK: empty, Value: b})
	if err := s.st.Batch(ctx, muts); err != nil {
		return nil, false, fmt.Errorf("quote of %d %s: %w", id, state, err)
	}
	s.cache.Forget(st.ID)
	if err := s.publish(ctx, Event{Kind: QuoteStateChanged, StatusID: st.ID, Author: st.AccountID}); err != nil {
		return nil, false, err
	}
	if state == QuoteAccepted && old.State != QuoteAccepted {
		if err := s.tellQuoted(ctx, st); err != nil {
			return nil, false, err
		}
	}
	return st, true, nil
}

// tellQuoted tells the local author of what st quotes, once its quote is accepted.
func (s *Service) tellQuoted(ctx context.Context, st *Status) error {
	if st.Quote == nil || st.Quote.State != QuoteAccepted || st.Quote.StatusID == 0 {
		return nil
	}
	quoted, err := s.Get(ctx, st.Quote.StatusID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.notifyQuoted(ctx, st, quoted)
}
