// Package translate machine-translates statuses through a translation service,
// LibreTranslate or DeepL, as Mastodon's TranslationService and
// TranslateStatusService: the status's content, content warning, poll options and
// media descriptions go in one request, mentions, hashtags and custom emoji are
// marked not to be translated, and results are kept a day.
package translate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"slices"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

var (
	// ErrNotConfigured is a translation asked of a server without a service.
	ErrNotConfigured = errors.New("translate: no translation service configured")
	// ErrNotPermitted is a status that may not be translated: not public or
	// unlisted, nothing to translate, or a language pair the service lacks.
	ErrNotPermitted = errors.New("translate: not permitted")
	// ErrUnavailable is a service that refused or failed: rate limited, out of
	// quota, or an answer that could not be read.
	ErrUnavailable = errors.New("translate: service unavailable")
)

// Backend is a translation service.
type Backend interface {
	// Translate translates texts (HTML) from source ("" to let the service
	// detect it) to target, one result per text, in order.
	Translate(ctx context.Context, texts []string, source, target string) ([]Text, error)
	// Languages maps each source language to the targets it can be translated
	// to; the key "" lists the targets of a text of unknown language.
	Languages(ctx context.Context) (map[string][]string, error)
}

// Text is one translated text.
type Text struct {
	Text                   string
	DetectedSourceLanguage string
	Provider               string
}

// Media is an attachment's description.
type Media struct {
	ID          string
	Description string
}

// Source is what a status has to translate.
type Source struct {
	// Distributable is true for public and unlisted statuses, the only ones
	// Mastodon lets a service see.
	Distributable bool
	Language      string
	// Content is the status's content as the API shows it (HTML).
	Content     string
	SpoilerText string
	PollOptions []string
	Media       []Media
	// Emojis are the shortcodes of the custom emoji the status uses.
	Emojis []string
}

// Result is a status translated.
type Result struct {
	Content                string
	SpoilerText            string
	PollOptions            []string
	Media                  []Media
	DetectedSourceLanguage string
	Language               string
	Provider               string
}

const (
	resultTTL    = 24 * time.Hour
	resultsKept  = 10_000
	languagesTTL = 7 * 24 * time.Hour
)

// Service translates statuses through a backend, keeping results a day and the
// service's languages a week, per node.
type Service struct {
	backend Backend
	// results holds translations with their expiry. (The library's expirable LRU
	// runs a goroutine per cache that nothing stops.)
	results *lru.Cache[string, kept]

	mu        sync.Mutex
	languages map[string][]string
	fetched   time.Time
}

// New returns the service translating through b; with a nil b nothing is
// translated (ErrNotConfigured).
func New(b Backend) *Service {
	results, _ := lru.New[string, kept](resultsKept) // fails only for a size under 1
	return &Service{backend: b, results: results}
}

// kept is a translation and when it expires.
type kept struct {
	result  *Result
	expires time.Time
}

// Enabled reports whether a backend is configured.
func (s *Service) Enabled() bool { return s != nil && s.backend != nil }

// Languages maps source languages to their targets, as the instance's
// translation_languages shows them: the targets of a text of unknown language
// under "und". Empty when no service is configured.
func (s *Service) Languages(ctx context.Context) (map[string][]string, error) {
	if !s.Enabled() {
		return map[string][]string{}, nil
	}
	langs, err := s.pairs(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(langs))
	for src, targets := range langs {
		if src == "" {
			src = "und"
		}
		out[src] = targets
	}
	return out, nil
}

// pairs is the backend's languages, read again after a week.
func (s *Service) pairs(ctx context.Context) (map[string][]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.languages != nil && time.Since(s.fetched) < languagesTTL {
		return s.languages, nil
	}
	langs, err := s.backend.Languages(ctx)
	if err != nil {
		return nil, err
	}
	s.languages, s.fetched = langs, time.Now()
	return langs, nil
}

// Translate translates src into target.
func (s *Service) Translate(ctx context.Context, src Source, target string) (*Result, error) {
	if !s.Enabled() {
		return nil, ErrNotConfigured
	}
	texts, parts := sourceTexts(src)
	if !src.Distributable || len(texts) == 0 {
		return nil, ErrNotPermitted
	}
	langs, err := s.pairs(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(langs[src.Language], target) {
		return nil, ErrNotPermitted
	}
	key := cacheKey(src.Language, target, texts)
	if k, ok := s.results.Get(key); ok && time.Now().Before(k.expires) {
		return k.result, nil
	}
	out, err := s.backend.Translate(ctx, texts, src.Language, target)
	if err != nil {
		return nil, err
	}
	if len(out) != len(texts) {
		return nil, fmt.Errorf("%w: %d texts translated of %d", ErrUnavailable, len(out), len(texts))
	}
	r := build(src, parts, out, target)
	s.results.Add(key, kept{result: r, expires: time.Now().Add(resultTTL)})
	return r, nil
}

func cacheKey(source, target string, texts []string) string {
	b, _ := json.Marshal(texts)
	sum := sha256.Sum256(b)
	return source + "/" + target + "/" + hex.EncodeToString(sum[:])
}

// part is where a text sent for translation goes back: its kind and, for poll
// options and media, its index.
type part struct{ kind, i int }

const (
	partContent = iota
	partSpoiler
	partPollOption
	partMedia
)

// sourceTexts lists what src has to translate, as HTML, and where each goes back.
// Media without a description send nothing.
func sourceTexts(src Source) ([]string, []part) {
	var texts []string
	var parts []part
	add := func(t string, p part) {
		texts, parts = append(texts, t), append(parts, p)
	}
	if src.Content != "" {
		add(protect(src.Content, src.Emojis), part{kind: partContent})
	}
	if src.SpoilerText != "" {
		add(protect(html.EscapeString(src.SpoilerText), src.Emojis), part{kind: partSpoiler})
	}
	for i, o := range src.PollOptions {
		add(protect(html.EscapeString(o), src.Emojis), part{partPollOption, i})
	}
	for i, m := range src.Media {
		if m.Description != "" {
			add(html.EscapeString(m.Description), part{partMedia, i})
		}
	}
	return texts, parts
}

// build puts the translated texts back in their places: every poll option and
// attachment of src has its place, in order.
func build(src Source, parts []part, out []Text, target string) *Result {
	r := &Result{Language: target, DetectedSourceLanguage: out[0].DetectedSourceLanguage, Provider: out[0].Provider,
		PollOptions: make([]string, len(src.PollOptions)), Media: make([]Media, len(src.Media))}
	for i, m := range src.Media {
		r.Media[i].ID = m.ID
	}
	for i, t := range out {
		switch p := parts[i]; p.kind {
		case partContent:
			r.Content = unprotectHTML(t.Text)
		case partSpoiler:
			r.SpoilerText = unprotectText(t.Text)
		case partPollOption:
			r.PollOptions[p.i] = unprotectText(t.Text)
		case partMedia:
			r.Media[p.i].Description = html.UnescapeString(t.Text)
		}
	}
	return r
}
