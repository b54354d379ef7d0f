package api

import (
	"github.com/herd-social/herd/trends"
)

// AdminTag is Mastodon's Admin::Tag entity.
type AdminTag struct {
	*HashtagEntity
	Trendable      bool `json:"trendable"`
	Usable         bool `json:"usable"`
	RequiresReview bool `json:"requires_review"`
	Listable       bool `json:"listable"`
}

// AdminTrendsLink is Mastodon's admin view of a trending link.
type AdminTrendsLink struct {
	*TrendsLink
	ID             string `json:"id"`
	RequiresReview bool   `json:"requires_review"`
}

// AdminTrendsStatus is Mastodon's admin view of a trending status.
type AdminTrendsStatus struct {
	*Status
	RequiresReview bool `json:"requires_review"`
}

// AdminPublisher is Mastodon's admin view of a publisher of links (a domain).
type AdminPublisher struct {
	ID                string  `json:"id"`
	Domain            string  `json:"domain"`
	Trendable         bool    `json:"trendable"`
	ReviewedAt        *string `json:"reviewed_at"`
	RequestedReviewAt *string `json:"requested_review_at"`
	RequiresReview    bool    `json:"requires_review"`
}

// routeAdminTrends registers the moderators' review of trends: the items trending
// now, reviewed or not, and their approval or rejection.
func (s *Server) routeAdminTrends() {
	read, write := user("admin:read"), user("admin:write")
	s.handle("GET", "/api/v1/admin/trends/tags", read, s.adminTrendTags)
	s.handle("GET", "/api/v1/admin/trends/statuses", read, s.adminTrendStatuses)
	s.handle("GET", "/api/v1/admin/trends/links", read, s.adminTrendLinks)
	s.handle("GET", "/api/v1/admin/trends/links/publishers", read, s.adminPublishers)
	for _, k := range []struct {
		path string
		kind trends.Kind
	}{{"tags", trends.Tag}, {"statuses", trends.Status}, {"links", trends.Link}, {"links/publishers", trends.Publisher}} {
		for verb, state := range map[string]trends.State{"approve": trends.Approved, "reject": trends.Rejected} {
			s.handle("POST", "/api/v1/admin/trends/"+k.path+"/{id}/"+verb, write, s.reviewTrend(k.kind, state))
		}
	}
}

func (s *Server) adminTrendTags(r *req) error {
	ranked, err := s.d.Trends.Rank(r.context(), trends.Tag, true)
	if err != nil {
		return err
	}
	out := []*AdminTag{}
	for _, it := range trendPage(r, ranked, 10) {
		e, err := s.adminTag(r, it.Item)
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	return r.json(out)
}

func (s *Server) adminStatuses(r *req, its []trends.Ranked) ([]*AdminTrendsStatus, error) {
	sts, err := s.statusesByID(r.context(), r.viewer, trendStatusIDs(its), false)
	if err != nil {
		return nil, err
	}
	pending := map[string]bool{}
	for _, it := range its {
		pending[it.ID.String()] = trends.RequiresReview(it.Item)
	}
	out := make([]*AdminTrendsStatus, len(sts))
	for i, st := range sts {
		out[i] = &AdminTrendsStatus{Status: st, RequiresReview: pending[st.ID]}
	}
	return out, nil
}

func (s *Server) adminTrendStatuses(r *req) error {
	ranked, err := s.d.Trends.Rank(r.context(), trends.Status, true)
	if err != nil {
		return err
	}
	out, err := s.adminStatuses(r, trendPage(r, ranked, 20))
	if err != nil {
		return err
	}
	return r.json(out)
}

func (s *Server) adminLinks(r *req, its []trends.Ranked) ([]*AdminTrendsLink, error) {
	links, err := s.trendsLinks(r.context(), its)
	if err != nil {
		return nil, err
	}
	out := make([]*AdminTrendsLink, len(links))
	for i, l := range links {
		out[i] = &AdminTrendsLink{TrendsLink: l.link, ID: l.item.ID.String(), RequiresReview: l.item.State == trends.Pending}
	}
	return out, nil
}

func (s *Server) adminTrendLinks(r *req) error {
	ranked, err := s.d.Trends.Rank(r.context(), trends.Link, true)
	if err != nil {
		return err
	}
	out, err := s.adminLinks(r, trendPage(r, ranked, 10))
	if err != nil {
		return err
	}
	return r.json(out)
}

func adminPublisher(p *trends.Item) *AdminPublisher {
	out := &AdminPublisher{ID: p.ID.String(), Domain: p.Key, Trendable: p.State == trends.Approved,
		RequestedReviewAt: ptr(datetime(p.RequestedAt)), RequiresReview: p.State == trends.Pending}
	if !p.ReviewedAt.IsZero() {
		out.ReviewedAt = ptr(datetime(p.ReviewedAt))
	}
	return out
}

func (s *Server) adminPublishers(r *req) error {
	ps, err := s.d.Trends.Publishers(r.context())
	if err != nil {
		return err
	}
	out := make([]*AdminPublisher, len(ps))
	for i, p := range ps {
		out[i] = adminPublisher(p)
	}
	return r.json(out)
}

// reviewTrend approves or rejects the item of kind k named by the route's id and
// answers with it, as Mastodon's admin trends controllers.
func (s *Server) reviewTrend(k trends.Kind, state trends.State) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		it, err := s.d.Trends.Review(r.context(), k, id, state)
		if err != nil {
			return trendItemErr(err)
		}
		one := []trends.Ranked{{Item: it}}
		var out any
		switch k {
		case trends.Tag:
			out, err = s.adminTag(r, it)
		case trends.Status:
			var sts []*AdminTrendsStatus
			if sts, err = s.adminStatuses(r, one); err == nil && len(sts) == 0 {
				return errNotFound
			} else if err == nil {
				out = sts[0]
			}
		case trends.Link:
			var ls []*AdminTrendsLink
			if ls, err = s.adminLinks(r, one); err == nil && len(ls) == 0 {
				return errNotFound
			} else if err == nil {
				out = ls[0]
			}
		default:
			out = adminPublisher(it)
		}
		if err != nil {
			return err
		}
		return r.json(out)
	}
}
