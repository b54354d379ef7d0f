package api

import (
	"context"
	"errors"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/asyncrefresh"
	"github.com/herd-social/herd/status"
)

// Federator is the part of the federation service that the client API uses.
type Federator interface {
	ResolveAcct(ctx context.Context, username, domain string) (*account.Account, error)
	ResolveURL(ctx context.Context, uri string, fetch bool) (*account.Account, *status.Status, error)
	Backfill(ctx context.Context, a *account.Account) error
	// RefreshReplies starts, when due, the crawl of a remote status's replies, and
	// returns the refresh running for its thread, or nil.
	RefreshReplies(ctx context.Context, st *status.Status) (*asyncrefresh.Refresh, error)
}

// search answers GET /api/v2/search: an actor or status URL (fetched when unknown with
// resolve=true), then accounts by handle and by prefix, statuses by full text with
// Mastodon's operators (a signed-in viewer only, and not for a bare handle), and
// hashtags by prefix, each paged by offset and limit.
func (s *Server) search(r *req) error {
	q := strings.TrimSpace(r.p.str("q"))
	if q == "" {
		return httpErr(400, "Missing parameter: q")
	}
	offset, limit, err := r.searchPage()
	if err != nil {
		return err
	}
	resolve := r.p.boolean("resolve") && r.viewer != 0
	// Remote fetches share one budget; what is not found in it is not in the answer.
	fetchCtx, cancel := context.WithTimeout(r.context(), s.d.ResolveBudget)
	defer cancel()
	typ := r.p.str("type")
	out := map[string]any{"accounts": []*Account{}, "statuses": []*Status{}, "hashtags": []*HashtagEntity{}}
	if strings.HasPrefix(q, "https://") || strings.HasPrefix(q, "http://") {
		if offset > 0 {
			return r.json(out)
		}
		a, st := s.findURL(fetchCtx, r, q, resolve)
		if a != nil && !a.Pending && (typ == "" || typ == "accounts") {
			acc, err := s.oneAccount(r.context(), a.ID)
			if err != nil {
				return err
			}
			out["accounts"] = []*Account{acc}
		}
		if st != nil && (typ == "" || typ == "statuses") {
			if ok, err := s.d.Visibility.CanSee(r.context(), r.viewer, st); err == nil && ok {
				rendered, err := s.oneStatus(r.context(), r.viewer, st)
				if err != nil {
					return err
				}
				out["statuses"] = []*Status{rendered}
			}
		}
		return r.json(out)
	}
	if typ == "" || typ == "accounts" {
		accs, err := s.searchAccounts(r, q, s.findHandle(fetchCtx, r, q, resolve), offset, limit)
		if err != nil {
			return err
		}
		out["accounts"] = accs
	}
	handle := strings.Contains(q, "@") && !strings.Contains(q, " ")
	if (typ == "" || typ == "statuses") && r.viewer != 0 && !handle {
		sts, err := s.searchStatuses(r, q, offset, limit)
		if err != nil {
			return err
		}
		out["statuses"] = sts
	}
	if typ == "" || typ == "hashtags" {
		tags, err := s.searchTags(r, q, offset, limit)
		if err != nil {
			return err
		}
		out["hashtags"] = tags
	}
	return r.json(out)
}

func (s *Server) findHandle(ctx context.Context, r *req, q string, resolve bool) *account.Account {
	handle := strings.TrimPrefix(q, "@")
	user, domain, _ := strings.Cut(handle, "@")
	if user == "" || strings.ContainsAny(user, " /") {
		return nil
	}
	if domain == "" || strings.EqualFold(domain, s.d.Instance.Domain) {
		a, err := s.d.Accounts.Lookup(r.context(), user, "")
		if err != nil {
			return nil
		}
		return a
	}
	if a, err := s.d.Accounts.Lookup(r.context(), user, strings.ToLower(domain)); err == nil && !resolve {
		return a
	}
	if !resolve || s.d.Federation == nil {
		return nil
	}
	a, err := s.d.Federation.ResolveAcct(ctx, user, strings.ToLower(domain))
	if err != nil {
		s.log.Info("api: resolve handle", "q", q, "err", err)
		return nil
	}
	s.backfill(r, a)
	return a
}

// findURL finds the account or status of a URL: a known remote actor or status by
// its id, this server's own by any of its URLs (ids and web pages), and, with resolve,
// any other server's, fetched (following a web page's alternate link).
func (s *Server) findURL(ctx context.Context, r *req, q string, resolve bool) (*account.Account, *status.Status) {
	if a, err := s.d.Accounts.ByURI(r.context(), q); err == nil {
		return a, nil
	}
	if st, err := s.d.Statuses.ByURI(r.context(), q); err == nil {
		return nil, st
	}
	if s.d.Federation == nil {
		return nil, nil
	}
	a, st, err := s.d.Federation.ResolveURL(ctx, q, resolve)
	if err != nil {
		if resolve && !errors.Is(err, status.ErrNotFound) {
			s.log.Info("api: resolve URL", "q", q, "err", err)
		}
		return nil, nil
	}
	if a != nil && !a.Local() {
		s.backfill(r, a)
	}
	return a, st
}

// backfill queues the fetch of a newly looked-up remote profile's recent posts, so
// that it is not empty when the user opens it.
func (s *Server) backfill(r *req, a *account.Account) {
	if err := s.d.Federation.Backfill(r.context(), a); err != nil {
		s.log.Info("api: queue backfill", "account", a.URI, "err", err)
	}
}
