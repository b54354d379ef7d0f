package account

import (
	"context"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Profile limits, as Mastodon's (also published in the instance configuration).
const (
	MaxDisplayName = 30
	MaxNote        = 500
	MaxFields      = 4
	MaxFieldName   = 255
	MaxFieldValue  = 255
	// MaxPictureDescription bounds an avatar's or header's alt text, as a media
	// attachment's description.
	MaxPictureDescription = 1500
	// MaxAttributionDomains is Mastodon's ATTRIBUTION_DOMAINS_LIMIT.
	MaxAttributionDomains = 100
)

// ProfileUpdate is PATCH /accounts/update_credentials; nil fields are left alone.
type ProfileUpdate struct {
	DisplayName, Note                                     *string
	Locked, Bot, Discoverable, Indexable, HideCollections *bool
	Fields                                                *[]Field // plain-text name and value
	Privacy, Language                                     *string
	Sensitive                                             *bool
	// QuotePolicy is who may quote new posts by default: public, followers or nobody.
	QuotePolicy *string
	// ChosenLanguages are the languages the public and hashtag timelines show
	// (User.ChosenLanguages), as CleanLanguages reads them; an empty list shows all.
	ChosenLanguages *[]string
	// AvatarKey and HeaderKey are new pictures, already in the media store.
	AvatarKey, HeaderKey *string
	// The settings of GET/PATCH /api/v1/profile (Mastodon 4.6); attribution domains
	// also through update_credentials (4.3).
	AvatarDescription, HeaderDescription      *string
	ShowMedia, ShowMediaReplies, ShowFeatured *bool
	AttributionDomains                        *[]string
}

// RenderFunc turns plain text typed by a user into HTML (links, mentions, hashtags).
type RenderFunc func(ctx context.Context, src string) string

func (p *ProfileUpdate) validate() error {
	var bad []string
	if p.DisplayName != nil && utf8.RuneCountInString(*p.DisplayName) > MaxDisplayName {
		bad = append(bad, fmt.Sprintf("Display name is too long (maximum is %d characters)", MaxDisplayName))
	}
	if p.Note != nil && utf8.RuneCountInString(*p.Note) > MaxNote {
		bad = append(bad, fmt.Sprintf("Note is too long (maximum is %d characters)", MaxNote))
	}
	if p.Fields != nil {
		if len(*p.Fields) > MaxFields {
			bad = append(bad, fmt.Sprintf("Fields is too long (maximum is %d fields)", MaxFields))
		}
		for _, f := range *p.Fields {
			if utf8.RuneCountInString(f.Name) > MaxFieldName || utf8.RuneCountInString(f.Value) > MaxFieldValue {
				bad = append(bad, "Fields are too long")
				break
			}
		}
	}
	if p.Privacy != nil {
		switch *p.Privacy {
		case "public", "unlisted", "private":
		default:
			bad = append(bad, "Source privacy is not included in the list")
		}
	}
	if p.QuotePolicy != nil {
		switch *p.QuotePolicy {
		case "public", "followers", "nobody":
		default:
			bad = append(bad, "Source quote policy is not included in the list")
		}
	}
	if p.Language != nil && len(*p.Language) > 16 {
		bad = append(bad, "Source language is invalid")
	}
	for _, d := range []*string{p.AvatarDescription, p.HeaderDescription} {
		if d != nil && utf8.RuneCountInString(*d) > MaxPictureDescription {
			bad = append(bad, fmt.Sprintf("Description is too long (maximum is %d characters)", MaxPictureDescription))
			break
		}
	}
	if p.AttributionDomains != nil {
		domains, ok := AttributionDomains(*p.AttributionDomains)
		switch {
		case !ok:
			bad = append(bad, "Attribution domains is invalid")
		case len(domains) > MaxAttributionDomains:
			bad = append(bad, fmt.Sprintf("Attribution domains is too long (maximum is %d characters)", MaxAttributionDomains))
		}
		p.AttributionDomains = &domains
	}
	if p.ChosenLanguages != nil {
		if langs, ok := CleanLanguages(*p.ChosenLanguages); ok {
			p.ChosenLanguages = &langs
		} else {
			bad = append(bad, "Chosen languages is invalid")
		}
	}
	if len(bad) > 0 {
		return invalid("%s", strings.Join(bad, ", "))
	}
	return nil
}

// UpdateProfile applies an update to a local account and its user.
func (s *Service) UpdateProfile(ctx context.Context, id shard.ID, p ProfileUpdate, render RenderFunc) (*Account, *User, error) {
	if err := p.validate(); err != nil {
		return nil, nil, err
	}
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.User(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	prev := *a
	setString(&a.DisplayName, p.DisplayName)
	if p.Note != nil {
		a.NoteSource = *p.Note
		a.Note = render(ctx, *p.Note)
	}
	setBool(&a.Locked, p.Locked)
	setBool(&a.Bot, p.Bot)
	setBool(&a.Discoverable, p.Discoverable)
	setBool(&a.Indexable, p.Indexable)
	setBool(&a.HideCollections, p.HideCollections)
	setString(&a.AvatarKey, p.AvatarKey)
	setString(&a.HeaderKey, p.HeaderKey)
	setString(&a.AvatarDescription, p.AvatarDescription)
	setString(&a.HeaderDescription, p.HeaderDescription)
	setHidden(&a.HideMediaTab, p.ShowMedia)
	setHidden(&a.HideMediaReplies, p.ShowMediaReplies)
	setHidden(&a.HideFeaturedTab, p.ShowFeatured)
	if p.AttributionDomains != nil {
		a.AttributionDomains = *p.AttributionDomains
	}
	if p.Fields != nil {
		a.FieldSources, a.Fields = nil, nil
		for _, f := range *p.Fields {
			if strings.TrimSpace(f.Name) == "" && strings.TrimSpace(f.Value) == "" {
				continue
			}
			a.FieldSources = append(a.FieldSources, Field{Name: f.Name, Value: f.Value})
			a.Fields = append(a.Fields, Field{Name: f.Name, Value: renderField(ctx, f.Value, render)})
		}
	}
	setString(&u.DefaultPrivacy, p.Privacy)
	setString(&u.DefaultQuotePolicy, p.QuotePolicy)
	setString(&u.DefaultLanguage, p.Language)
	setBool(&u.DefaultSensitive, p.Sensitive)
	if p.ChosenLanguages != nil {
		u.ChosenLanguages = *p.ChosenLanguages
	}
	if err := s.saveBoth(ctx, a, u); err != nil {
		return nil, nil, err
	}
	s.written(ctx, a, &prev)
	return a, u, nil
}

// renderField renders a field value: links become anchors, the rest is escaped text.
func renderField(ctx context.Context, v string, render RenderFunc) string {
	out := render(ctx, v)
	// Mastodon renders field values without the paragraph wrapper.
	out = strings.TrimSuffix(strings.TrimPrefix(out, "<p>"), "</p>")
	if out == "" {
		return html.EscapeString(v)
	}
	return out
}

func setString(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

// setHidden sets a hidden flag from its shown setting.
func setHidden(dst *bool, shown *bool) {
	if shown != nil {
		*dst = !*shown
	}
}

// AttributionDomains normalises attribution domains as Mastodon does (trimmed,
// without a scheme or a leading "*.", blanks dropped, each once; lower-cased too) and
// keeps those that are domain names; valid is false when one was not (a local profile
// is refused, a remote actor's list keeps the rest).
func AttributionDomains(raw []string) (domains []string, valid bool) {
	domains, valid = []string{}, true
	for _, d := range raw {
		d = strings.TrimSpace(d)
		d = strings.TrimPrefix(strings.TrimPrefix(d, "http://"), "https://")
		d = strings.ToLower(strings.TrimPrefix(d, "*."))
		switch {
		case d == "" || slices.Contains(domains, d):
		case !validDomain(d):
			valid = false
		default:
			domains = append(domains, d)
		}
	}
	return domains, valid
}

// validDomain reports whether d is a host name of dot-separated labels of letters,
// digits and inner hyphens (an internationalised name in its Unicode form passes,
// as Mastodon's DomainValidator converts it first).
func validDomain(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || utf8.RuneCountInString(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
}

// Marker is a saved reading position of one timeline.
type Marker struct {
	LastReadID shard.ID  `cbor:"1,keyasint"`
	Version    int64     `cbor:"2,keyasint"`
	UpdatedAt  time.Time `cbor:"3,keyasint"`
}

// Markers returns the saved positions of the named timelines that have one.
func (s *Service) Markers(ctx context.Context, id shard.ID, timelines []string) (map[string]Marker, error) {
	out := map[string]Marker{}
	for _, tl := range timelines {
		b, err := s.st.Get(ctx, tMarkers, id.Bytes(), []byte(tl))
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("load marker %s of %d: %w", tl, id, err)
		}
		var m Marker
		if err := store.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		out[tl] = m
	}
	return out, nil
}

// SetMarker saves the position of one timeline, bumping its version.
func (s *Service) SetMarker(ctx context.Context, id shard.ID, timeline string, last shard.ID) (Marker, error) {
	cur, err := s.Markers(ctx, id, []string{timeline})
	if err != nil {
		return Marker{}, err
	}
	m := Marker{LastReadID: last, Version: cur[timeline].Version + 1, UpdatedAt: s.opts.Now().UTC()}
	b, err := store.Marshal(&m)
	if err != nil {
		return Marker{}, err
	}
	if err := s.st.Put(ctx, tMarkers, id.Bytes(), []byte(timeline), b, 0); err != nil {
		return Marker{}, fmt.Errorf("save marker %s of %d: %w", timeline, id, err)
	}
	return m, nil
}
