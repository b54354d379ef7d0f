package api

import (
	"context"
	"strconv"

	"github.com/herd-social/herd/asyncrefresh"
	"github.com/herd-social/herd/status"
)

// Refreshes is the part of asyncrefresh.Keeper that the API reads.
type Refreshes interface {
	ByID(ctx context.Context, id string) (*asyncrefresh.Refresh, error)
}

// refreshRetry is how many seconds a client waits before polling a refresh, the retry
// Mastodon puts in the header.
const refreshRetry = 3

// refreshThread starts, for a signed-in viewer, the crawl of the replies of a remote
// status when it is due, and names the refresh running for its thread in the
// Mastodon-Async-Refresh header, as Mastodon 4.5 does: id="…", retry=3,
// result_count=N. Anonymous viewers start none, as in Mastodon. The thread is served
// as it is whether or not the crawl could be queued.
func (s *Server) refreshThread(r *req, st *status.Status) {
	if r.viewer == 0 || s.d.Federation == nil {
		return
	}
	ref, err := s.d.Federation.RefreshReplies(r.context(), st)
	if err != nil {
		s.log.Info("api: start replies crawl", "status", st.ID, "err", err)
		return
	}
	if ref == nil || ref.State != asyncrefresh.Running {
		return
	}
	r.ctx.Response.Header.Set("Mastodon-Async-Refresh", `id="`+ref.ID()+`", retry=`+strconv.Itoa(refreshRetry)+
		", result_count="+strconv.Itoa(ref.ResultCount))
}

// AsyncRefresh is Mastodon's AsyncRefresh entity.
type AsyncRefresh struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	ResultCount int    `json:"result_count"`
}

// asyncRefresh answers GET /api/v1_alpha/async_refreshes/:id: any signed-in user
// may read a refresh whose id they hold, as in Mastodon; an unknown or expired one
// is 404.
func (s *Server) asyncRefresh(r *req) error {
	if s.d.Refreshes == nil {
		return errNotFound
	}
	ref, err := s.d.Refreshes.ByID(r.context(), r.pathStr("id"))
	if err != nil {
		return err
	}
	return r.json(map[string]AsyncRefresh{"async_refresh": {ID: ref.ID(), Status: string(ref.State), ResultCount: ref.ResultCount}})
}
