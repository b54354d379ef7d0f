package api

import (
	"strconv"

	"github.com/herd-social/herd/filter"
	"github.com/herd-social/herd/shard"
)

// Filter is Mastodon's Filter entity (v2).
type Filter struct {
	ID           string          `json:"id"`
	Title        string          `json:"title"`
	Context      []string        `json:"context"`
	ExpiresAt    *string         `json:"expires_at"`
	FilterAction string          `json:"filter_action"`
	Keywords     []FilterKeyword `json:"keywords"`
	Statuses     []FilterStatus  `json:"statuses"`
}

// FilterKeyword is Mastodon's FilterKeyword entity.
type FilterKeyword struct {
	ID        string `json:"id"`
	Keyword   string `json:"keyword"`
	WholeWord bool   `json:"whole_word"`
}

// FilterStatus is Mastodon's FilterStatus entity.
type FilterStatus struct {
	ID       string `json:"id"`
	StatusID string `json:"status_id"`
}

// FilterResult is Mastodon's FilterResult entity, inside Status.filtered.
type FilterResult struct {
	Filter         Filter   `json:"filter"`
	KeywordMatches []string `json:"keyword_matches"`
	StatusMatches  []string `json:"status_matches"`
}

// V1Filter is Mastodon's V1::Filter entity: one keyword of a filter.
type V1Filter struct {
	ID           string   `json:"id"`
	Phrase       string   `json:"phrase"`
	Context      []string `json:"context"`
	ExpiresAt    *string  `json:"expires_at"`
	Irreversible bool     `json:"irreversible"`
	WholeWord    bool     `json:"whole_word"`
}

func renderKeyword(k filter.Keyword) FilterKeyword {
	return FilterKeyword{ID: k.ID.String(), Keyword: k.Keyword, WholeWord: k.WholeWord}
}

func renderFilterStatus(st filter.Status) FilterStatus {
	return FilterStatus{ID: st.ID.String(), StatusID: st.StatusID.String()}
}

func contexts(f *filter.Filter) []string {
	out := make([]string, len(f.Context))
	for i, c := range f.Context {
		out[i] = string(c)
	}
	return out
}

func expiresAt(f *filter.Filter) *string {
	if f.ExpiresAt.IsZero() {
		return nil
	}
	return ptr(datetime(f.ExpiresAt))
}

func renderFilter(f *filter.Filter) Filter {
	out := Filter{ID: f.ID.String(), Title: f.Title, Context: contexts(f), ExpiresAt: expiresAt(f),
		FilterAction: string(f.Action), Keywords: []FilterKeyword{}, Statuses: []FilterStatus{}}
	for _, k := range f.Keywords {
		out.Keywords = append(out.Keywords, renderKeyword(k))
	}
	for _, st := range f.Statuses {
		out.Statuses = append(out.Statuses, renderFilterStatus(st))
	}
	return out
}

func renderV1Filter(f *filter.Filter, k filter.Keyword) V1Filter {
	return V1Filter{ID: k.ID.String(), Phrase: k.Keyword, Context: contexts(f), ExpiresAt: expiresAt(f),
		Irreversible: f.Action == filter.Hide, WholeWord: k.WholeWord}
}

// routeFilters registers the filter endpoints, v2 and v1, with Mastodon's scopes.
func (s *Server) routeFilters() {
	s.handle("GET", "/api/v2/filters", user("read:filters"), s.getFilters)
	s.handle("POST", "/api/v2/filters", user("write:filters"), s.createFilter)
	s.handle("GET", "/api/v2/filters/keywords/{id}", user("read:filters"), s.getFilterKeyword)
	s.handle("PUT", "/api/v2/filters/keywords/{id}", user("write:filters"), s.updateFilterKeyword)
	s.handle("DELETE", "/api/v2/filters/keywords/{id}", user("write:filters"), removeOwn(s.d.Filters.DeleteKeyword))
	s.handle("GET", "/api/v2/filters/statuses/{id}", user("read:filters"), s.getFilterStatus)
	s.handle("DELETE", "/api/v2/filters/statuses/{id}", user("write:filters"), removeOwn(s.d.Filters.DeleteStatus))
	s.handle("GET", "/api/v2/filters/{id}", user("read:filters"), s.getFilter)
	s.handle("PUT", "/api/v2/filters/{id}", user("write:filters"), s.updateFilter)
	s.handle("DELETE", "/api/v2/filters/{id}", user("write:filters"), removeOwn(s.d.Filters.Delete))
	s.handle("GET", "/api/v2/filters/{id}/keywords", user("read:filters"), s.getFilterKeywords)
	s.handle("POST", "/api/v2/filters/{id}/keywords", user("write:filters"), s.addFilterKeyword)
	s.handle("GET", "/api/v2/filters/{id}/statuses", user("read:filters"), s.getFilterStatuses)
	s.handle("POST", "/api/v2/filters/{id}/statuses", user("write:filters"), s.addFilterStatus)
	s.handle("GET", "/api/v1/filters", user("read:filters"), s.getV1Filters)
	s.handle("POST", "/api/v1/filters", user("write:filters"), s.createV1Filter)
	s.handle("GET", "/api/v1/filters/{id}", user("read:filters"), s.getV1Filter)
	s.handle("PUT", "/api/v1/filters/{id}", user("write:filters"), s.updateV1Filter)
	s.handle("DELETE", "/api/v1/filters/{id}", user("write:filters"), removeOwn(s.d.Filters.DeleteKeyword))
}

// filterChanges reads the parameters of a v2 create or update.
func filterChanges(p params) (filter.Changes, error) {
	c := filter.Changes{Title: p.opt("title")}
	if p.has("context[]") || p.has("context") || p.has("context[0]") {
		cs := p.list("context")
		c.Context = &cs
	}
	if v := p.opt("filter_action"); v != nil {
		a, err := filter.ParseAction(*v)
		if err != nil {
			return c, err
		}
		c.Action = &a
	}
	if err := expiresIn(p, &c); err != nil {
		return c, err
	}
	kcs, err := keywordsAttributes(p)
	c.Keywords = kcs
	return c, err
}

// expiresIn reads expires_in: seconds from now; blank removes the expiry.
func expiresIn(p params, c *filter.Changes) error {
	v := p.opt("expires_in")
	if v == nil {
		return nil
	}
	n := 0
	if *v != "" {
		var err error
		if n, err = strconv.Atoi(*v); err != nil {
			return &HTTPError{Code: 422, Msg: "Validation failed: Expires in is not a number", Cause: err}
		}
	}
	c.ExpiresIn = &n
	return nil
}

// keywordsAttributes reads keywords_attributes[i][keyword|whole_word|id|_destroy],
// indexed or as parallel keywords_attributes[][…] lists.
func keywordsAttributes(p params) ([]filter.KeywordChange, error) {
	var out []filter.KeywordChange
	for i := 0; ; i++ {
		pre := "keywords_attributes[" + strconv.Itoa(i) + "]"
		if !p.has(pre+"[keyword]") && !p.has(pre+"[id]") && !p.has(pre+"[_destroy]") && !p.has(pre+"[whole_word]") {
			break
		}
		kc, err := keywordChange(p.opt(pre+"[id]"), p.opt(pre+"[keyword]"), p.optBool(pre+"[whole_word]"), p.boolean(pre+"[_destroy]"))
		if err != nil {
			return nil, err
		}
		out = append(out, kc)
	}
	ids, kws, wws, ds := p["keywords_attributes[][id]"], p["keywords_attributes[][keyword]"],
		p["keywords_attributes[][whole_word]"], p["keywords_attributes[][_destroy]"]
	n := max(len(ids), len(kws))
	for i := range n {
		var id, kw *string
		var ww *bool
		if i < len(ids) {
			id = &ids[i]
		}
		if i < len(kws) {
			kw = &kws[i]
		}
		if i < len(wws) {
			ww = ptr(parseBool(wws[i]))
		}
		kc, err := keywordChange(id, kw, ww, i < len(ds) && parseBool(ds[i]))
		if err != nil {
			return nil, err
		}
		out = append(out, kc)
	}
	return out, nil
}

func keywordChange(id, kw *string, ww *bool, destroy bool) (filter.KeywordChange, error) {
	kc := filter.KeywordChange{Keyword: kw, WholeWord: ww, Destroy: destroy}
	if id != nil && *id != "" {
		v, err := shard.Parse(*id)
		if err != nil {
			return kc, errNotFound
		}
		kc.ID = v
	}
	return kc, nil
}

func (s *Server) getFilters(r *req) error {
	fs, err := s.d.Filters.Of(r.context(), r.viewer)
	if err != nil {
		return err
	}
	out := make([]Filter, len(fs))
	for i, f := range fs {
		out[i] = renderFilter(f)
	}
	return r.json(out)
}

func (s *Server) createFilter(r *req) error {
	c, err := filterChanges(r.p)
	if err != nil {
		return err
	}
	f, err := s.d.Filters.Create(r.context(), r.viewer, c)
	if err != nil {
		return err
	}
	return r.json(renderFilter(f))
}

// ownFilter loads the viewer's filter named by the route; another account's is not found.
func (s *Server) ownFilter(r *req) (*filter.Filter, error) {
	id, err := r.pathID("id")
	if err != nil {
		return nil, err
	}
	return s.d.Filters.Get(r.context(), r.viewer, id)
}

func (s *Server) getFilter(r *req) error {
	f, err := s.ownFilter(r)
	if err != nil {
		return err
	}
	return r.json(renderFilter(f))
}

func (s *Server) updateFilter(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	c, err := filterChanges(r.p)
	if err != nil {
		return err
	}
	f, err := s.d.Filters.Update(r.context(), r.viewer, id, c)
	if err != nil {
		return err
	}
	return r.json(renderFilter(f))
}

func (s *Server) getFilterKeywords(r *req) error {
	f, err := s.ownFilter(r)
	if err != nil {
		return err
	}
	return r.json(renderFilter(f).Keywords)
}

func (s *Server) addFilterKeyword(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	k, err := s.d.Filters.AddKeyword(r.context(), r.viewer, id,
		filter.KeywordChange{Keyword: ptr(r.p.str("keyword")), WholeWord: r.p.optBool("whole_word")})
	if err != nil {
		return err
	}
	return r.json(renderKeyword(k))
}

func (s *Server) getFilterKeyword(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	_, k, err := s.d.Filters.KeywordOf(r.context(), r.viewer, id)
	if err != nil {
		return err
	}
	return r.json(renderKeyword(k))
}

func (s *Server) updateFilterKeyword(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	k, err := s.d.Filters.UpdateKeyword(r.context(), r.viewer,
		filter.KeywordChange{ID: id, Keyword: r.p.opt("keyword"), WholeWord: r.p.optBool("whole_word")})
	if err != nil {
		return err
	}
	return r.json(renderKeyword(k))
}

func (s *Server) getFilterStatuses(r *req) error {
	f, err := s.ownFilter(r)
	if err != nil {
		return err
	}
	return r.json(renderFilter(f).Statuses)
}

// addFilterStatus filters a status the viewer can see (Mastodon finds it with the
// viewer's visibility).
func (s *Server) addFilterStatus(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	sid, err := shard.Parse(r.p.str("status_id"))
	if err != nil {
		return errNotFound
	}
	if _, err := s.d.Statuses.Visible(r.context(), r.viewer, sid); err != nil {
		return err
	}
	st, err := s.d.Filters.AddStatus(r.context(), r.viewer, id, sid)
	if err != nil {
		return err
	}
	return r.json(renderFilterStatus(st))
}

func (s *Server) getFilterStatus(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	_, st, err := s.d.Filters.StatusOf(r.context(), r.viewer, id)
	if err != nil {
		return err
	}
	return r.json(renderFilterStatus(st))
}

// v1Changes reads the parameters of a v1 create or update: phrase and whole_word for
// the keyword, context, irreversible (hide) and expires_in for the filter.
func v1Changes(p params) (filter.KeywordChange, filter.Changes, error) {
	kc := filter.KeywordChange{Keyword: p.opt("phrase"), WholeWord: p.optBool("whole_word")}
	var c filter.Changes
	if p.has("context[]") || p.has("context") || p.has("context[0]") {
		cs := p.list("context")
		c.Context = &cs
	}
	if v := p.optBool("irreversible"); v != nil {
		a := filter.Warn
		if *v {
			a = filter.Hide
		}
		c.Action = &a
	}
	return kc, c, expiresIn(p, &c)
}

// getV1Filters lists every keyword of the viewer's filters as a v1 filter, as
// Mastodon does.
func (s *Server) getV1Filters(r *req) error {
	fs, err := s.d.Filters.Of(r.context(), r.viewer)
	if err != nil {
		return err
	}
	out := []V1Filter{}
	for _, f := range fs {
		for _, k := range f.Keywords {
			out = append(out, renderV1Filter(f, k))
		}
	}
	return r.json(out)
}

// createV1Filter makes a filter titled by its phrase, with that one keyword.
func (s *Server) createV1Filter(r *req) error {
	kc, c, err := v1Changes(r.p)
	if err != nil {
		return err
	}
	c.Title, c.Keywords = kc.Keyword, []filter.KeywordChange{kc}
	f, err := s.d.Filters.Create(r.context(), r.viewer, c)
	if err != nil {
		return err
	}
	return r.json(renderV1Filter(f, f.Keywords[0]))
}

func (s *Server) getV1Filter(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	f, k, err := s.d.Filters.KeywordOf(r.context(), r.viewer, id)
	if err != nil {
		return err
	}
	return r.json(renderV1Filter(f, k))
}

func (s *Server) updateV1Filter(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	kc, c, err := v1Changes(r.p)
	if err != nil {
		return err
	}
	kc.ID = id
	f, k, err := s.d.Filters.UpdatePhrase(r.context(), r.viewer, kc, c)
	if err != nil {
		return err
	}
	return r.json(renderV1Filter(f, k))
}
