package activitypub

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/visibility"
)

// Quote posts as Mastodon 4.5 federates them (FEP-044f). A note names what it quotes
// in `quote` (or, from older servers, `_misskey_quote`, `quoteUrl`, `quoteUri`), and
// the quoted author's consent in `quoteAuthorization`: the URI of a QuoteAuthorization
// stamp, served by the quoted author's server, attributed to the quoted author and
// naming the quoting note (interactingObject) and the quoted one (interactionTarget).
// A quote is accepted once its stamp verifies (or when authors quote themselves),
// pending until then; a Delete of the stamp revokes it. The quoting server asks for
// the stamp with a QuoteRequest, answered by an Accept whose result is the stamp's
// URI, or by a Reject.

// quoteKeys are the properties a note may name its quoted post by, in the order
// Mastodon reads them.
var quoteKeys = []string{"quote", "_misskey_quote", "quoteUrl", "quoteUri"}

// maxQuoteDepth bounds the chain of quoted posts one note makes Herd fetch, as
// Mastodon's synchronous depth.
const maxQuoteDepth = 2

// noteQuote is what a note says of its quote.
type noteQuote struct {
	uri, authorization string
}

// readNoteQuote reads the quote of a note object, if it has one.
func readNoteQuote(obj map[string]any) (noteQuote, bool) {
	var nq noteQuote
	for _, k := range quoteKeys {
		if l := asList(obj[k]); len(l) > 0 {
			if nq.uri = idAny(l[0]); nq.uri != "" {
				break
			}
		}
	}
	if l := asList(obj["quoteAuthorization"]); len(l) > 0 {
		nq.authorization = idAny(l[0])
	}
	return nq, nq.uri != ""
}

// quotePolicyOf reads who may quote a remote note without asking, from its
// interactionPolicy.canQuote.automaticApproval: everyone, the author's followers, or
// nobody else (also when the note states no policy, as Mastodon reads it).
func quotePolicyOf(obj map[string]any, author *account.Account) status.QuotePolicy {
	policy, _ := obj["interactionPolicy"].(map[string]any)
	canQuote, _ := policy["canQuote"].(map[string]any)
	auto := asStrings(canQuote["automaticApproval"])
	switch {
	case slices.ContainsFunc(auto, func(s string) bool { return s == Public || s == "as:Public" || s == "Public" }):
		return status.QuotePublic
	case author.FollowersURL != "" && slices.Contains(auto, author.FollowersURL):
		return status.QuoteFollowers
	}
	return status.QuoteNobody
}

// readQuote fills the quote of st, a note of actor's being stored: the quoted post is
// found or fetched, and the quote is accepted when actor quotes themselves or when
// its stamp verifies, rejected when its stamp is gone, and pending otherwise.
func (s *Service) readQuote(ctx context.Context, actor *account.Account, obj map[string]any, st *status.Status) {
	nq, ok := readNoteQuote(obj)
	if !ok || (!s.isLocal(nq.uri) && s.remoteURL(nq.uri) == "") {
		return
	}
	q := &status.Quote{URI: nq.uri, State: status.QuotePending}
	if !s.isLocal(nq.authorization) {
		q.Authorization = s.remoteURL(nq.authorization)
	}
	st.Quote = q
	quoted, err := s.localStatus(ctx, nq.uri)
	if errors.Is(err, status.ErrNotFound) && !s.isLocal(nq.uri) && ancestorDepth(ctx) < maxQuoteDepth {
		quoted, err = s.fetchNote(context.WithValue(ctx, depthKey{}, ancestorDepth(ctx)+1), nq.uri)
	}
	if err != nil || quoted.ReblogOfID != 0 {
		s.log.Info("activitypub: quote stored without the quoted post", "status", st.URI, "quote", nq.uri, "err", err)
		return
	}
	q.StatusID = quoted.ID
	if quoted.Local {
		q.URI = ""
	}
	switch {
	case quoted.AccountID == actor.ID:
		q.State = status.QuoteAccepted
	case nq.authorization != "":
		ok, err := s.verifyStamp(ctx, st.URI, nq.authorization, quoted)
		switch {
		case err == nil && ok:
			q.State = status.QuoteAccepted
		case errors.Is(err, ErrNotFound):
			q.State = status.QuoteRejected
		case err != nil:
			s.log.Info("activitypub: quote authorization not verified", "status", st.URI, "stamp", nq.authorization, "err", err)
		}
	}
}

// verifyStamp reports whether the QuoteAuthorization at stamp authorizes the note
// noteURI to quote quoted: fetched from its own host (or, for one of this server's,
// read from the store), attributed to the quoted author on that host, and naming the
// two posts. A stamp that is gone answers ErrNotFound.
func (s *Service) verifyStamp(ctx context.Context, noteURI, stamp string, quoted *status.Status) (bool, error) {
	if s.isLocal(stamp) {
		return s.ourStamp(ctx, noteURI, stamp, quoted)
	}
	doc, err := s.Fetch(ctx, stamp)
	if err != nil {
		return false, err
	}
	attributed := idAny(doc["attributedTo"])
	if str2(doc, "id") != stamp || !slices.Contains(asStrings(doc["type"]), "QuoteAuthorization") ||
		!sameHost(stamp, attributed) || idAny(doc["interactingObject"]) != noteURI {
		return false, nil
	}
	target, err := s.objectURI(ctx, quoted.ID)
	if err != nil || idAny(doc["interactionTarget"]) != target {
		return false, err
	}
	author, err := s.accounts.Get(ctx, quoted.AccountID)
	if err != nil {
		return false, err
	}
	return s.accountURI(author) == attributed, nil
}

// ourStamp reports whether stamp is one of this server's QuoteAuthorizations and
// authorizes the note noteURI to quote quoted.
func (s *Service) ourStamp(ctx context.Context, noteURI, stamp string, quoted *status.Status) (bool, error) {
	i := strings.LastIndex(stamp, quoteAuthorizationsPath)
	if i < 0 {
		return false, nil
	}
	id, err := shard.Parse(stamp[i+len(quoteAuthorizationsPath):])
	if err != nil {
		return false, nil
	}
	quoting, err := s.statuses.Get(ctx, id)
	if errors.Is(err, status.ErrNotFound) {
		return false, fmt.Errorf("stamp %s: %w", stamp, ErrNotFound)
	}
	if err != nil {
		return false, err
	}
	q := quoting.Quote
	return quoting.URI == noteURI && q != nil && q.StatusID == quoted.ID && q.State == status.QuoteAccepted, nil
}

// refreshQuote verifies, after an Update of st, the stamp the note now carries for
// a quote still pending (the quoting server sends the stamp once it has it).
func (s *Service) refreshQuote(ctx context.Context, st *status.Status, obj map[string]any) error {
	nq, ok := readNoteQuote(obj)
	if !ok || nq.authorization == "" || st.Quote == nil || st.Quote.State != status.QuotePending || st.Quote.StatusID == 0 {
		return nil
	}
	quoted, err := s.statuses.Get(ctx, st.Quote.StatusID)
	if errors.Is(err, status.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	ok, err = s.verifyStamp(ctx, st.URI, nq.authorization, quoted)
	if errors.Is(err, ErrNotFound) {
		_, _, err = s.statuses.SetQuoteState(ctx, st.ID, status.QuoteRejected, st.Quote.Authorization)
		return err
	}
	if err != nil || !ok {
		return err
	}
	auth := ""
	if !s.isLocal(nq.authorization) {
		auth = nq.authorization
	}
	_, _, err = s.statuses.SetQuoteState(ctx, st.ID, status.QuoteAccepted, auth)
	return err
}

// revokeAuthorization applies a Delete of a QuoteAuthorization by actor: the quotes
// of actor's posts it authorized are revoked (rejected if still pending), as
// Mastodon's. It reports false when uri names no known quote.
func (s *Service) revokeAuthorization(ctx context.Context, actor *account.Account, uri string) (bool, error) {
	sts, err := s.statuses.ByQuoteAuthorization(ctx, uri)
	if err != nil || len(sts) == 0 {
		return err != nil, err
	}
	if !sameHost(uri, actor.URI) {
		return true, fmt.Errorf("%w: %s deletes a quote authorization of another host", ErrInvalid, actor.URI)
	}
	for _, st := range sts {
		if id := st.Quote.StatusID; id != 0 {
			quoted, err := s.statuses.Get(ctx, id)
			if err != nil && !errors.Is(err, status.ErrNotFound) {
				return true, err
			}
			if err == nil && quoted.AccountID != actor.ID {
				continue // a quote of another author's post that names this stamp
			}
		}
		next := status.QuoteRejected
		switch st.Quote.State {
		case status.QuoteRevoked, status.QuoteRejected:
			continue
		case status.QuoteAccepted:
			next = status.QuoteRevoked
		}
		if _, _, err := s.statuses.SetQuoteState(ctx, st.ID, next, st.Quote.Authorization); err != nil {
			return true, err
		}
	}
	return true, nil
}

// applyQuoteRequest answers actor's request to quote a local post: accepted, with the
// stamp, when the post's policy lets actor quote it, rejected otherwise, as
// Mastodon's. Only public and unlisted posts are answered.
func (s *Service) applyQuoteRequest(ctx context.Context, actor *account.Account, act map[string]any) error {
	if !sameHost(str2(act, "id"), actor.URI) {
		return fmt.Errorf("%w: QuoteRequest %q is not on its actor's host", ErrInvalid, str2(act, "id"))
	}
	quoted, err := s.localStatus(ctx, idAny(act["object"]))
	if err != nil {
		return err
	}
	if !quoted.Local || quoted.ReblogOfID != 0 || !visibility.Anonymous(quoted) {
		return fmt.Errorf("%w: QuoteRequest of %s, which is not a public local post", ErrNotFound, idAny(act["object"]))
	}
	author, err := s.accounts.Get(ctx, quoted.AccountID)
	if err != nil {
		return err
	}
	ok, err := s.mayQuote(ctx, actor, quoted)
	if err != nil {
		return err
	}
	if !ok {
		return s.answerQuoteRequest(ctx, author, actor, act, 0)
	}
	quoting, err := s.instrument(ctx, actor, act)
	if err != nil {
		return err
	}
	if quoting.AccountID != actor.ID || quoting.Quote == nil || quoting.Quote.StatusID != quoted.ID {
		return fmt.Errorf("%w: the instrument of QuoteRequest %s does not quote %s", ErrInvalid, str2(act, "id"), idAny(act["object"]))
	}
	if _, _, err := s.statuses.SetQuoteState(ctx, quoting.ID, status.QuoteAccepted, ""); err != nil {
		return err
	}
	return s.answerQuoteRequest(ctx, author, actor, act, quoting.ID)
}

// mayQuote applies the quote policy of a local post to a remote actor.
func (s *Service) mayQuote(ctx context.Context, actor *account.Account, quoted *status.Status) (bool, error) {
	if blocked, err := s.accounts.EitherBlocks(ctx, actor.ID, quoted.AccountID); err != nil || blocked {
		return false, err
	}
	follows := false
	if quoted.EffectiveQuotePolicy() == status.QuoteFollowers {
		f, err := s.accounts.FollowOf(ctx, actor.ID, quoted.AccountID)
		if err != nil && !errors.Is(err, account.ErrNotFound) {
			return false, err
		}
		follows = err == nil && f != nil
	}
	return visibility.Quotable(actor.ID, quoted, follows), nil
}

// instrument finds the quoting post a QuoteRequest names: known, embedded in the
// request (from the actor's own host), or fetched.
func (s *Service) instrument(ctx context.Context, actor *account.Account, act map[string]any) (*status.Status, error) {
	uri := idAny(act["instrument"])
	if uri == "" {
		return nil, fmt.Errorf("%w: QuoteRequest without an instrument", ErrInvalid)
	}
	st, err := s.statuses.ByURI(ctx, uri)
	if !errors.Is(err, status.ErrNotFound) {
		return st, err
	}
	if obj, ok := act["instrument"].(map[string]any); ok && sameHost(uri, actor.URI) {
		return s.storeNote(ctx, actor, obj)
	}
	return s.fetchNote(ctx, uri)
}

// answerQuoteRequest sends author's Accept of a QuoteRequest, whose result is the
// stamp of the quote by quotingID, or its Reject when quotingID is zero.
func (s *Service) answerQuoteRequest(ctx context.Context, author, remote *account.Account, act map[string]any, quotingID shard.ID) error {
	me := s.ActorURI(author.Username)
	req := map[string]any{"id": str2(act, "id"), "type": "QuoteRequest", "actor": remote.URI,
		"object": idAny(act["object"]), "instrument": idAny(act["instrument"])}
	answer := map[string]any{"id": me + "#rejects/quote_requests/" + shortHash(str2(act, "id")), "type": "Reject",
		"actor": me, "object": req}
	if quotingID != 0 {
		answer["id"], answer["type"] = me+"#accepts/quote_requests/"+quotingID.String(), "Accept"
		answer["result"] = s.QuoteAuthorizationURI(author.Username, quotingID)
	}
	return s.send(ctx, author.ID, answer, []string{remote.InboxURL})
}

// quoteAnswer applies an Accept or Reject by actor of a local post's QuoteRequest,
// embedded or named by its id. It reports false when the activity answers no
// QuoteRequest.
func (s *Service) quoteAnswer(ctx context.Context, actor *account.Account, act map[string]any, accepted bool) (bool, error) {
	var quotingURI string
	if m, ok := act["object"].(map[string]any); ok && str2(m, "type") == "QuoteRequest" {
		quotingURI = idAny(m["instrument"])
	} else if id := idAny(act["object"]); strings.HasSuffix(id, quoteRequestSuffix) && s.isLocal(id) {
		quotingURI = strings.TrimSuffix(id, quoteRequestSuffix)
	}
	if quotingURI == "" {
		return false, nil
	}
	st, err := s.localStatus(ctx, quotingURI)
	if err != nil {
		return true, err
	}
	if !st.Local || st.Quote == nil || st.Quote.StatusID == 0 {
		return true, fmt.Errorf("%w: %s answers a QuoteRequest this server did not send", ErrInvalid, actor.URI)
	}
	quoted, err := s.statuses.Get(ctx, st.Quote.StatusID)
	if err != nil {
		return true, err
	}
	if quoted.AccountID != actor.ID {
		return true, fmt.Errorf("%w: %s answers a QuoteRequest of another author's post", ErrInvalid, actor.URI)
	}
	if !accepted {
		next := status.QuoteRejected
		if st.Quote.State == status.QuoteAccepted {
			next = status.QuoteRevoked
		} else if st.Quote.State == status.QuoteRevoked {
			return true, nil
		}
		_, _, err = s.statuses.SetQuoteState(ctx, st.ID, next, st.Quote.Authorization)
		return true, err
	}
	if st.Quote.State != status.QuotePending {
		return true, nil
	}
	var result string
	if l := asList(act["result"]); len(l) > 0 {
		result = s.remoteURL(idAny(l[0]))
	}
	if result == "" || !sameHost(result, actor.URI) {
		return true, fmt.Errorf("%w: Accept of a QuoteRequest without a stamp on %s's host", ErrInvalid, actor.URI)
	}
	_, _, err = s.statuses.SetQuoteState(ctx, st.ID, status.QuoteAccepted, result)
	return true, err
}
