package testrig

import "net/url"

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

// FilterResult is Mastodon's FilterResult entity.
type FilterResult struct {
	Filter         Filter   `json:"filter"`
	KeywordMatches []string `json:"keyword_matches"`
	StatusMatches  []string `json:"status_matches"`
}

// V1Filter is Mastodon's V1::Filter entity.
type V1Filter struct {
	ID           string   `json:"id"`
	Phrase       string   `json:"phrase"`
	Context      []string `json:"context"`
	ExpiresAt    *string  `json:"expires_at"`
	Irreversible bool     `json:"irreversible"`
	WholeWord    bool     `json:"whole_word"`
}

// CreateFilter creates a v2 filter with the given action, in the given contexts,
// with one whole-word keyword per keyword given; extra form fields follow as name,
// value pairs.
func (u *User) CreateFilter(title, action string, contexts, keywords []string, extra ...string) Filter {
	u.c.t.Helper()
	form := formOf(extra...)
	form.Set("title", title)
	form.Set("filter_action", action)
	form["context[]"] = contexts
	for _, k := range keywords {
		form.Add("keywords_attributes[][keyword]", k)
	}
	var f Filter
	u.post("/api/v2/filters", form, &f)
	return f
}

// Filters lists the user's v2 filters.
func (u *User) Filters() []Filter {
	u.c.t.Helper()
	var l []Filter
	u.get("/api/v2/filters", url.Values{}, &l)
	return l
}
