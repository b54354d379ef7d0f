package activitypub

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/visibility"
)

// Viewers is the visibility policy, for the statuses served to a signed fetch: the
// signer's account is the viewer, as a local account is in the client API.
type Viewers interface {
	CanSee(ctx context.Context, viewer shard.ID, st *status.Status) (bool, error)
}

// Why a fetch's signature was not taken.
var (
	errUnsigned      = errors.New("Request not signed")
	errBlockedDomain = errors.New("activitypub: the signer's domain is blocked")
)

// fetcher identifies who signed a GET of a document. With authorized fetch on, a GET
// without a valid signature from a resolvable actor is refused (401), and one signed
// from a blocked domain too (403), as Mastodon's secure mode refuses them. With it
// off, such a GET is answered as an anonymous one. A valid signature makes its
// signer the viewer either way, so that a follower's server may fetch a
// followers-only status.
func (h *Server) fetcher(ctx *fasthttp.RequestCtx) (*account.Account, error) {
	signer, err := h.s.fetchSigner(ctx)
	if err == nil {
		return signer, nil
	}
	if !h.s.opts.AuthorizedFetch {
		if !errors.Is(err, errUnsigned) {
			h.log.Debug("activitypub: fetch signature not taken", "path", string(ctx.Path()), "err", err)
		}
		return nil, nil
	}
	h.log.Info("activitypub: fetch refused", "path", string(ctx.Path()), "err", err)
	return nil, err
}

// fetchSigner verifies the signature of a GET and returns its signer's account.
func (s *Service) fetchSigner(ctx *fasthttp.RequestCtx) (*account.Account, error) {
	sreq := httpsig.FromFastHTTP(&ctx.Request)
	sreq.Scheme = s.opts.Scheme
	if sreq.Header.Get("Signature") == "" && sreq.Header.Get("Signature-Input") == "" {
		return nil, errUnsigned
	}
	// As in the inbox: not derived from ctx, whose values fasthttp resets.
	fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.KeyFetchBudget)
	defer cancel()
	keyID, err := httpsig.Verify(fetchCtx, sreq, s.now(), func(ctx context.Context, keyID string, refresh bool) (crypto.PublicKey, error) {
		if err := s.checkDomain(ctx, keyID); err != nil {
			return nil, err
		}
		return s.lookupVerifyKey(ctx, keyID, refresh)
	})
	if err != nil {
		return nil, err
	}
	signer, err := s.signerOf(fetchCtx, keyID)
	if err != nil {
		return nil, fmt.Errorf("%w: signer of %s: %v", httpsig.ErrKeyUnavailable, keyID, err)
	}
	return signer, nil
}

// checkDomain refuses a key on a domain the moderators suspended (subdomains of a
// suspended domain included).
func (s *Service) checkDomain(ctx context.Context, keyID string) error {
	if s.domains == nil {
		return nil
	}
	host := strings.ToLower(hostOf(keyID))
	blocked, err := s.domains.Refused(ctx, host)
	if err != nil {
		return err
	}
	if blocked {
		return fmt.Errorf("%w: %s", errBlockedDomain, host)
	}
	return nil
}

// refusal answers a fetch whose signature was not taken: 403 for a blocked domain,
// 401 otherwise (Mastodon's codes).
func (h *Server) refusal(ctx *fasthttp.RequestCtx, err error) {
	switch {
	case errors.Is(err, errBlockedDomain):
		h.reject(ctx, 403, "Domain not allowed")
	case errors.Is(err, errUnsigned):
		h.reject(ctx, 401, "Request not signed")
	default:
		h.reject(ctx, 401, err.Error())
	}
}

// signed serves a document of a local account to who fetches it: the signer's
// account (zero: anonymous). With authorized fetch on, only to a signed GET; an
// account that blocks the signer, or that the signer blocks, is not found for it.
func (h *Server) signed(build func(ctx *fasthttp.RequestCtx, viewer shard.ID) (any, error)) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		signer, err := h.fetcher(ctx)
		if err != nil {
			h.refusal(ctx, err)
			return
		}
		var viewer shard.ID
		if signer != nil {
			viewer = signer.ID
			if err := h.s.blockedFor(ctx, viewer, name(ctx)); err != nil {
				h.fail(ctx, err)
				return
			}
		}
		v, err := build(ctx, viewer)
		if err != nil {
			h.fail(ctx, err)
			return
		}
		h.writeDoc(ctx, ContentType, v, viewer != 0 || h.s.opts.AuthorizedFetch)
	}
}

// blockedFor is ErrNotFound when the local account username and viewer block each
// other either way.
func (s *Service) blockedFor(ctx context.Context, viewer shard.ID, username string) error {
	if username == "" {
		return nil
	}
	a, err := s.localAccount(ctx, username)
	if err != nil {
		return err
	}
	blocked, err := s.accounts.EitherBlocks(ctx, viewer, a.ID)
	if err != nil {
		return err
	}
	if blocked {
		return fmt.Errorf("%s and its fetcher block each other: %w", username, ErrNotFound)
	}
	return nil
}

// seenBy reports whether viewer (zero: anonymous) may see st, by the visibility
// policy; without one, only what anyone may see is served.
func (s *Service) seenBy(ctx context.Context, viewer shard.ID, st *status.Status) (bool, error) {
	if viewer == 0 || s.viewers == nil {
		return visibility.Anonymous(st), nil
	}
	return s.viewers.CanSee(ctx, viewer, st)
}
