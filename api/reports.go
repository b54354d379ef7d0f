package api

import (
	"context"

	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
)

// routeReports registers the report endpoints: filing one, and the moderators' side.
func (s *Server) routeReports() {
	s.handle("POST", "/api/v1/reports", user("write:reports"), s.createReport)
	read, write := user("admin:read:reports"), user("admin:write:reports")
	s.handle("GET", "/api/v1/admin/reports", read, s.listReports)
	s.handle("GET", "/api/v1/admin/reports/{id}", read, s.reportAction(nil))
	s.handle("PUT", "/api/v1/admin/reports/{id}", write, s.reportAction(
		func(ctx context.Context, r *req, id shard.ID) (*moderation.Report, error) {
			var rules *[]string
			if r.p.has("rule_ids[]") || r.p.has("rule_ids") {
				rules = ptr(r.p.list("rule_ids"))
			}
			return s.d.Reports.Update(ctx, id, r.p.opt("category"), rules)
		}))
	s.handle("POST", "/api/v1/admin/reports/{id}/resolve", write, s.reportAction(
		func(ctx context.Context, r *req, id shard.ID) (*moderation.Report, error) {
			return s.d.Reports.Resolve(ctx, id, r.viewer)
		}))
	s.handle("POST", "/api/v1/admin/reports/{id}/reopen", write, s.reportAction(
		func(ctx context.Context, _ *req, id shard.ID) (*moderation.Report, error) {
			return s.d.Reports.Reopen(ctx, id)
		}))
	s.handle("POST", "/api/v1/admin/reports/{id}/assign_to_self", write, s.reportAction(
		func(ctx context.Context, r *req, id shard.ID) (*moderation.Report, error) {
			return s.d.Reports.Assign(ctx, id, r.viewer)
		}))
	s.handle("POST", "/api/v1/admin/reports/{id}/unassign", write, s.reportAction(
		func(ctx context.Context, _ *req, id shard.ID) (*moderation.Report, error) {
			return s.d.Reports.Assign(ctx, id, 0)
		}))
}

// createReport answers POST /api/v1/reports. An unknown or malformed account or
// status id is a 404, as Mastodon's find; collection_ids are accepted and ignored
// (Herd has no collections).
func (s *Server) createReport(r *req) error {
	target, err := shard.Parse(r.p.str("account_id"))
	if err != nil {
		return errNotFound
	}
	n := moderation.NewReport{TargetAccountID: target, Comment: r.p.str("comment"),
		Category: r.p.str("category"), RuleIDs: r.p.list("rule_ids"), Forward: r.p.boolean("forward")}
	for _, v := range r.p.list("status_ids") {
		id, err := shard.Parse(v)
		if err != nil {
			return errNotFound
		}
		n.StatusIDs = append(n.StatusIDs, id)
	}
	me, err := s.me(r)
	if err != nil {
		return err
	}
	rep, err := s.d.Actions.Report(r.context(), me, n)
	if err != nil {
		return err
	}
	out, err := s.report(r.context(), rep)
	if err != nil {
		return err
	}
	return r.json(out)
}

// listReports answers GET /api/v1/admin/reports: open reports unless resolved=true,
// filtered by account_id (reporter) and target_account_id, paged by report id.
func (s *Server) listReports(r *req) error {
	p, err := r.page(100, 200)
	if err != nil {
		return err
	}
	q := moderation.Query{Resolved: r.p.boolean("resolved")}
	if q.AccountID, err = r.idParam("account_id"); err != nil {
		return err
	}
	if q.TargetAccountID, err = r.idParam("target_account_id"); err != nil {
		return err
	}
	reps, err := s.d.Reports.List(r.context(), q, p)
	if err != nil {
		return err
	}
	out, err := s.adminReports(r.context(), r.viewer, reps)
	if err != nil {
		return err
	}
	ids := make([]shard.ID, len(reps))
	for i, rep := range reps {
		ids[i] = rep.ID
	}
	r.link(paging.IDs(ids))
	return r.json(out)
}

// reportAction answers the admin endpoints on one report with its Admin::Report
// after do (nil: just read it).
func (s *Server) reportAction(do func(ctx context.Context, r *req, id shard.ID) (*moderation.Report, error)) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		var rep *moderation.Report
		if do == nil {
			rep, err = s.d.Reports.Get(r.context(), id)
		} else {
			rep, err = do(r.context(), r, id)
		}
		if err != nil {
			return err
		}
		out, err := s.adminReports(r.context(), r.viewer, []*moderation.Report{rep})
		if err != nil {
			return err
		}
		return r.json(out[0])
	}
}
