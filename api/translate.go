package api

import (
	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/translate"
)

// Translation is Mastodon's Translation entity.
type Translation struct {
	Content                string                  `json:"content"`
	SpoilerText            string                  `json:"spoiler_text"`
	Poll                   *TranslationPoll        `json:"poll,omitempty"`
	MediaAttachments       []TranslationAttachment `json:"media_attachments"`
	DetectedSourceLanguage string                  `json:"detected_source_language"`
	Language               string                  `json:"language"`
	Provider               string                  `json:"provider"`
}

// TranslationPoll is a poll's options translated.
type TranslationPoll struct {
	ID      string              `json:"id"`
	Options []TranslationOption `json:"options"`
}

// TranslationOption is one poll option translated.
type TranslationOption struct {
	Title string `json:"title"`
}

// TranslationAttachment is an attachment's description translated.
type TranslationAttachment struct {
	ID          string `json:"id"`
	Description string `json:"description"`
}

// translateStatus is POST /api/v1/statuses/:id/translate: the status as the viewer
// sees it, translated into `lang` or else the viewer's language, as Mastodon's
// TranslationsController (404 without a service, 403 for a status that is neither
// public nor unlisted or a language pair the service lacks, 503 when the service
// fails).
func (s *Server) translateStatus(r *req) error {
	st, err := s.visibleStatus(r)
	if err != nil {
		return err
	}
	sts, err := s.statuses(r.context(), r.viewer, []*status.Status{st})
	if err != nil {
		return err
	}
	e := sts[0]
	if e.Reblog != nil {
		e = e.Reblog
	}
	target := r.p.str("lang")
	if target == "" {
		target, err = s.viewerLocale(r)
		if err != nil {
			return err
		}
	}
	res, err := s.d.Translator.Translate(r.context(), translationSource(e), target)
	if err != nil {
		return err
	}
	return r.json(translationEntity(e, res))
}

// viewerLocale is the language the viewer reads the interface in.
func (s *Server) viewerLocale(r *req) (string, error) {
	u, err := s.d.Accounts.User(r.context(), r.viewer)
	if err != nil {
		return "", err
	}
	if u.Locale != "" {
		return u.Locale, nil
	}
	return account.InstanceLocale, nil
}

// translationSource is what a status entity has to translate.
func translationSource(e *Status) translate.Source {
	src := translate.Source{Distributable: e.Visibility == string(status.Public) || e.Visibility == string(status.Unlisted),
		Content: e.Content, SpoilerText: e.SpoilerText}
	if e.Language != nil {
		src.Language = *e.Language
	}
	if e.Poll != nil {
		for _, o := range e.Poll.Options {
			src.PollOptions = append(src.PollOptions, o.Title)
		}
	}
	for _, m := range e.MediaAttachments {
		d := translate.Media{ID: m.ID}
		if m.Description != nil {
			d.Description = *m.Description
		}
		src.Media = append(src.Media, d)
	}
	for _, em := range e.Emojis {
		src.Emojis = append(src.Emojis, em.Shortcode)
	}
	return src
}

func translationEntity(e *Status, res *translate.Result) Translation {
	t := Translation{Content: res.Content, SpoilerText: res.SpoilerText, DetectedSourceLanguage: res.DetectedSourceLanguage,
		Language: res.Language, Provider: res.Provider, MediaAttachments: make([]TranslationAttachment, len(res.Media))}
	for i, m := range res.Media {
		t.MediaAttachments[i] = TranslationAttachment{ID: m.ID, Description: m.Description}
	}
	if e.Poll != nil {
		t.Poll = &TranslationPoll{ID: e.Poll.ID, Options: make([]TranslationOption, len(res.PollOptions))}
		for i, o := range res.PollOptions {
			t.Poll.Options[i] = TranslationOption{Title: o}
		}
	}
	return t
}

// translationLanguages is GET /api/v1/instance/translation_languages: each source
// language with its targets, the targets of a status of unknown language under
// "und"; {} without a translation service.
func (s *Server) translationLanguages(r *req) error {
	langs, err := s.d.Translator.Languages(r.context())
	if err != nil {
		return err
	}
	return r.json(langs)
}
