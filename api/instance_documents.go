package api

import (
	_ "embed"
	"html"
	"slices"
	"strconv"
	"time"

	"github.com/herd-social/herd/text"
)

// The instance's documents: the extended description (its about page), the privacy
// policy and the versions of its terms of service, as the administrators wrote them
// (node reads them from the files the configuration names).

// Document is a page of the instance, rendered to HTML.
type Document struct {
	Content   string
	UpdatedAt time.Time
}

// Terms is a version of the terms of service, in effect from its date on.
type Terms struct {
	Effective time.Time // a day, at 00:00 UTC
	Content   string
}

// Documents are the instance's pages; a nil page takes its default.
type Documents struct {
	// About is the extended description; by default, the instance's description.
	About *Document
	// PrivacyPolicy is the privacy policy; by default, privacy.md, which says what
	// Herd keeps and shares.
	PrivacyPolicy *Document
	// Terms are the versions of the terms of service, oldest first; none by default
	// (404, as Mastodon without terms).
	Terms []Terms
}

//go:embed documents/privacy.md
var defaultPrivacy []byte

// defaultPrivacyDate is when documents/privacy.md last changed.
var defaultPrivacyDate = time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)

var defaultPrivacyHTML = func() string {
	html, err := text.Markdown(defaultPrivacy)
	if err != nil {
		panic("api: documents/privacy.md: " + err.Error())
	}
	return html
}()

type documentEntity struct {
	UpdatedAt string `json:"updated_at"`
	Content   string `json:"content"`
}

func (s *Server) extendedDescription(r *req) error {
	if d := s.d.Instance.Documents.About; d != nil {
		return r.json(documentEntity{UpdatedAt: datetime(d.UpdatedAt), Content: d.Content})
	}
	var content string
	if desc := s.d.Instance.Description; desc != "" {
		content = "<p>" + html.EscapeString(desc) + "</p>"
	}
	return r.json(documentEntity{UpdatedAt: datetime(s.started), Content: content})
}

func (s *Server) privacyPolicy(r *req) error {
	if d := s.d.Instance.Documents.PrivacyPolicy; d != nil {
		return r.json(documentEntity{UpdatedAt: datetime(d.UpdatedAt), Content: d.Content})
	}
	return r.json(documentEntity{UpdatedAt: datetime(defaultPrivacyDate), Content: defaultPrivacyHTML})
}

type termsEntity struct {
	EffectiveDate string  `json:"effective_date"`
	Effective     bool    `json:"effective"`
	Content       string  `json:"content"`
	SucceededBy   *string `json:"succeeded_by"`
}

// termsOfService answers the version in effect today (the newest whose date has
// come), or, before any has, the first to come.
func (s *Server) termsOfService(r *req) error {
	terms := s.d.Instance.Documents.Terms
	today := s.d.Now()
	i := len(terms) - 1
	for i > 0 && terms[i].Effective.After(today) {
		i--
	}
	return s.terms(r, i)
}

// termsOn answers the version that took or takes effect on the day given.
func (s *Server) termsOn(r *req) error {
	day, err := time.Parse(time.DateOnly, r.pathStr("date"))
	if err != nil {
		return errNotFound
	}
	i := slices.IndexFunc(s.d.Instance.Documents.Terms, func(t Terms) bool { return t.Effective.Equal(day) })
	return s.terms(r, i)
}

func (s *Server) terms(r *req, i int) error {
	terms := s.d.Instance.Documents.Terms
	if i < 0 || i >= len(terms) {
		return errNotFound
	}
	t := terms[i]
	e := termsEntity{EffectiveDate: t.Effective.Format(time.DateOnly), Effective: !t.Effective.After(s.d.Now()), Content: t.Content}
	if i+1 < len(terms) {
		next := terms[i+1].Effective.Format(time.DateOnly)
		e.SucceededBy = &next
	}
	return r.json(e)
}

// instancePeers answers the domains of the remote accounts the instance knows.
func (s *Server) instancePeers(r *req) error {
	peers, err := s.d.Accounts.Peers(r.context())
	if err != nil {
		return err
	}
	return r.json(peers)
}

type weekEntity struct {
	Week          string `json:"week"`
	Statuses      string `json:"statuses"`
	Logins        string `json:"logins"`
	Registrations string `json:"registrations"`
}

// instanceActivity answers the last twelve weeks, this one first, as Mastodon does:
// each week by the Unix time of its Monday, its figures as strings.
func (s *Server) instanceActivity(r *req) error {
	weeks, err := s.d.Accounts.Activity(r.context())
	if err != nil {
		return err
	}
	out := make([]weekEntity, len(weeks))
	for i, w := range weeks {
		out[i] = weekEntity{Week: strconv.FormatInt(w.Start.Unix(), 10), Statuses: strconv.FormatInt(w.Statuses, 10),
			Logins: strconv.FormatInt(w.Logins, 10), Registrations: strconv.FormatInt(w.Registrations, 10)}
	}
	return r.json(out)
}
