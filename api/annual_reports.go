package api

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/herd-social/herd/annualreport"
	"github.com/herd-social/herd/asyncrefresh"
	"github.com/herd-social/herd/shard"
)

// AnnualReportEntity is Mastodon's AnnualReport entity.
type AnnualReportEntity struct {
	Year          int             `json:"year"`
	AccountID     string          `json:"account_id"`
	Data          json.RawMessage `json:"data"`
	SchemaVersion int             `json:"schema_version"`
	// ShareURL is null: Herd serves no public page of a report.
	ShareURL *string `json:"share_url"`
}

// AnnualReports is the body of the report routes, as Mastodon's AnnualReportsSerializer:
// the reports with the accounts and statuses they name.
type AnnualReports struct {
	AnnualReports []AnnualReportEntity `json:"annual_reports"`
	Accounts      []*Account           `json:"accounts"`
	Statuses      []*Status            `json:"statuses"`
}

// annualReportState is the body of GET /api/v1/annual_reports/:year/state.
type annualReportState struct {
	State annualreport.State `json:"state"`
}

// routeAnnualReports registers the annual reports (Wrapstodon) of the signed-in user.
func (s *Server) routeAnnualReports() {
	s.handle("GET", "/api/v1/annual_reports", user("read:accounts"), func(r *req) error {
		reps, err := s.d.AnnualReports.Pending(r.context(), r.viewer)
		if err != nil {
			return err
		}
		return s.renderAnnualReports(r, reps)
	})
	s.handle("GET", "/api/v1/annual_reports/{year}", user("read:accounts"), func(r *req) error {
		year, err := pathYear(r)
		if err != nil {
			return err
		}
		rep, err := s.d.AnnualReports.Get(r.context(), r.viewer, year)
		if err != nil {
			return err
		}
		return s.renderAnnualReports(r, []*annualreport.Report{rep})
	})
	s.handle("GET", "/api/v1/annual_reports/{year}/state", user("read:accounts"), func(r *req) error {
		year, err := pathYear(r)
		if err != nil {
			return err
		}
		st, err := s.d.AnnualReports.State(r.context(), r.viewer, year)
		if err != nil {
			return err
		}
		if st == annualreport.Generating {
			refreshHeader(r, year)
		}
		return r.json(annualReportState{State: st})
	})
	s.handle("POST", "/api/v1/annual_reports/{year}/generate", user("write:accounts"), func(r *req) error {
		year, err := pathYear(r)
		if err != nil {
			return err
		}
		st, err := s.d.AnnualReports.Generate(r.context(), r.viewer, year)
		if err != nil {
			return err
		}
		if st == annualreport.Generating {
			refreshHeader(r, year)
		}
		return r.json(struct{}{})
	})
	s.handle("POST", "/api/v1/annual_reports/{year}/read", user("write:accounts"), func(r *req) error {
		year, err := pathYear(r)
		if err != nil {
			return err
		}
		if err := s.d.AnnualReports.Read(r.context(), r.viewer, year); err != nil {
			return err
		}
		return r.json(struct{}{})
	})
}

// pathYear reads the route's year; one that is not a year names no report.
func pathYear(r *req) (int, error) {
	y, err := strconv.Atoi(r.pathStr("year"))
	if err != nil || y < 1 || y > 9999 {
		return 0, errNotFound
	}
	return y, nil
}

// refreshHeader tells the client, as Mastodon's Mastodon-Async-Refresh header does,
// that the report is being made and when to ask again.
func refreshHeader(r *req, year int) {
	ref := asyncrefresh.Refresh{Key: annualreport.RefreshKey(r.viewer, year)}
	r.ctx.Response.Header.Set("Mastodon-Async-Refresh", `id="`+ref.ID()+`", retry=2`)
}

// renderAnnualReports answers reports with the accounts and statuses they name.
func (s *Server) renderAnnualReports(r *req, reps []*annualreport.Report) error {
	out := AnnualReports{AnnualReports: []AnnualReportEntity{}, Accounts: []*Account{}, Statuses: []*Status{}}
	var accIDs, stIDs []shard.ID
	for _, rep := range reps {
		out.AnnualReports = append(out.AnnualReports, AnnualReportEntity{Year: rep.Year, AccountID: rep.AccountID.String(),
			Data: rep.Data, SchemaVersion: rep.SchemaVersion})
		for _, id := range rep.AccountIDs {
			if !slices.Contains(accIDs, id) {
				accIDs = append(accIDs, id)
			}
		}
		stIDs = append(stIDs, rep.StatusIDs...)
	}
	ctx := r.context()
	var err error
	if len(accIDs) > 0 {
		if out.Accounts, err = s.accounts(ctx, accIDs); err != nil {
			return err
		}
	}
	if len(stIDs) > 0 {
		if out.Statuses, err = s.statusesByID(ctx, r.viewer, stIDs, true); err != nil {
			return err
		}
	}
	return r.json(out)
}
