package api

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strconv"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/text"
)

// Mastodon's paths for the pictures of accounts that have none.
const (
	missingAvatar = "/avatars/original/missing.png"
	missingHeader = "/headers/original/missing.png"
)

// missingPNG is a 1×1 grey PNG served for both.
var missingPNG = func() []byte {
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.Gray{Y: 0x9b})
	var b bytes.Buffer
	_ = png.Encode(&b, img) // encoding an in-memory image cannot fail
	return b.Bytes()
}()

// apiVersion is api_versions.mastodon: the highest Mastodon API version whose
// additions Herd serves, by which clients choose endpoints. Mastodon's documentation
// (the version history of each method, "4.3.0 (mastodon API version 2) - added")
// numbers them: 2 (4.3.0) grouped notifications, /api/v2/notifications; 3 (4.4.0)
// attribution_domains; 4 (4.4.0) DELETE /api/v1/media/:id and delete_media; 5 (4.4.0)
// the "blur" filter action; 7 (4.5.0) quote posts; 8 to 10 (4.6.0) annual reports, the
// profile API and collections. Herd serves version 2's grouped notifications, so it
// says 2 (at 2 or more Phanpy asks /api/v2/notifications only, with no fallback), and
// not 3 (attribution_domains). The versions a claim implies are tied to their routes
// in TestAPIVersionClaim.
const apiVersion = 2

// configuration publishes the limits Herd enforces, and no feature it lacks: images,
// video and audio of the types media.SupportedTypes lists (Mastodon's configuration
// has no audio limits of its own: audio is held to the video size limit), no featured
// tags, translation when a service is configured. The VAPID key is the instance's Web Push key.
func (s *Server) configuration(ctx context.Context) map[string]any {
	i := s.d.Instance
	polls := i.Polls.WithDefaults()
	var ml media.Limits
	if s.d.Media != nil {
		ml = s.d.Media.Limits()
	}
	return map[string]any{
		"urls": map[string]any{"streaming": "ws" + i.Scheme[4:] + "://" + i.Domain, "status": nil,
			"about": nil, "privacy_policy": nil, "terms_of_service": nil},
		"vapid": map[string]any{"public_key": s.vapidKey(ctx)},
		"accounts": map[string]any{"max_featured_tags": 0, "max_pinned_statuses": i.MaxPinned,
			"max_display_name_length": account.MaxDisplayName, "max_note_length": account.MaxNote,
			"max_profile_fields": account.MaxFields, "profile_field_name_limit": account.MaxFieldName,
			"profile_field_value_limit":     account.MaxFieldValue,
			"max_avatar_description_length": nil, "max_header_description_length": nil},
		"statuses": map[string]any{"max_characters": i.MaxCharacters, "max_media_attachments": ml.MaxPerStatus,
			"characters_reserved_per_url": text.CharactersReservedPerURL},
		"media_attachments": map[string]any{"supported_mime_types": ml.SupportedTypes,
			"description_limit": ml.MaxDescription, "image_size_limit": ml.MaxBytes, "image_matrix_limit": ml.MaxPixels,
			"video_size_limit": ml.MaxVideoBytes, "video_frame_rate_limit": ml.MaxVideoFrameRate,
			"video_matrix_limit": ml.MaxVideoPixels},
		"polls": map[string]any{"max_options": polls.MaxOptions, "max_characters_per_option": polls.MaxCharactersPerOption,
			"min_expiration": int(polls.MinExpiration.Seconds()), "max_expiration": int(polls.MaxExpiration.Seconds())},
		"translation": map[string]any{"enabled": s.d.Translator.Enabled()},
		"timelines_access": map[string]any{
			"live_feeds":          map[string]string{"local": "public", "remote": "public"},
			"hashtag_feeds":       map[string]string{"local": "public", "remote": "public"},
			"trending_link_feeds": map[string]string{"local": "public", "remote": "public"}},
		"limited_federation": i.LimitedFederation,
	}
}

func (s *Server) instanceV2(r *req) error {
	i := s.d.Instance
	rules, err := s.serverRules(r.context())
	if err != nil {
		return err
	}
	reg, err := s.d.Settings.Registrations(r.context())
	if err != nil {
		return err
	}
	return r.json(map[string]any{
		"domain": i.Domain, "title": i.Title, "version": i.Version, "source_url": "https://github.com/herd-social/herd",
		"description":   i.Description,
		"usage":         map[string]any{"users": map[string]any{"active_month": 0}},
		"thumbnail":     map[string]any{"url": s.baseURL() + missingHeader, "blurhash": nil, "versions": map[string]string{}},
		"icon":          []any{},
		"languages":     []string{account.InstanceLocale},
		"configuration": s.configuration(r.context()),
		"registrations": map[string]any{"enabled": reg.Open(), "approval_required": reg.ApprovalRequired(),
			"message": nil, "min_age": minAge(i.MinAge), "reason_required": reg.ApprovalRequired(), "url": nil},
		"api_versions": map[string]int{"mastodon": apiVersion},
		"contact":      map[string]any{"email": i.ContactEmail, "account": nil},
		"rules":        rules,
		"wrapstodon":   s.wrapstodon(),
	})
}

// wrapstodon is the year whose annual reports may be generated now, as a string, or
// nil outside the campaign: the web client offers the report when it is set.
func (s *Server) wrapstodon() any {
	if s.d.AnnualReports == nil {
		return nil
	}
	if y := s.d.AnnualReports.Campaign(); y != 0 {
		return strconv.Itoa(y)
	}
	return nil
}

func (s *Server) instanceV1(r *req) error {
	i := s.d.Instance
	cfg := s.configuration(r.context())
	delete(cfg, "urls")
	users, posts, err := s.d.Accounts.InstanceCounts(r.context())
	if err != nil {
		return err
	}
	rules, err := s.serverRules(r.context())
	if err != nil {
		return err
	}
	invites, err := s.invitesEnabled(r.context())
	if err != nil {
		return err
	}
	reg, err := s.d.Settings.Registrations(r.context())
	if err != nil {
		return err
	}
	return r.json(map[string]any{
		"uri": i.Domain, "title": i.Title, "short_description": i.Description, "description": i.Description,
		"email": i.ContactEmail, "version": i.Version,
		"urls":      map[string]any{"streaming_api": "ws" + i.Scheme[4:] + "://" + i.Domain},
		"stats":     map[string]int64{"user_count": users, "status_count": posts, "domain_count": 0},
		"thumbnail": s.baseURL() + missingHeader, "languages": []string{account.InstanceLocale},
		"registrations": reg.Open(), "approval_required": reg.ApprovalRequired(), "invites_enabled": invites,
		"configuration": cfg, "contact_account": nil, "rules": rules,
	})
}

func (s *Server) preferences(r *req) error {
	u, err := s.d.Accounts.User(r.context(), r.viewer)
	if err != nil {
		return err
	}
	var lang any
	if u.DefaultLanguage != "" {
		lang = u.DefaultLanguage
	}
	expand := u.ExpandMedia
	if expand == "" {
		expand = "default"
	}
	return r.json(map[string]any{
		"posting:default:visibility": u.Privacy(), "posting:default:sensitive": u.DefaultSensitive,
		"posting:default:language": lang, "posting:default:quote_policy": "public",
		"reading:expand:media": expand, "reading:expand:spoilers": u.ExpandSpoilers,
	})
}

func (s *Server) health(r *req) error {
	r.ctx.SetContentType("text/plain; charset=utf-8")
	r.ctx.SetBodyString("OK")
	return nil
}

// ready is the readiness check of load balancers: 200 while the node wants traffic,
// 503 while it starts or drains. /health is liveness: 200 whenever the node answers.
func (s *Server) ready(r *req) error {
	r.ctx.SetContentType("text/plain; charset=utf-8")
	if s.d.Ready != nil && !s.d.Ready() {
		r.ctx.SetStatusCode(fasthttp.StatusServiceUnavailable)
		r.ctx.Response.Header.Set("Cache-Control", "no-store")
		r.ctx.SetBodyString("Not ready")
		return nil
	}
	r.ctx.SetBodyString("OK")
	return nil
}

func (s *Server) missingImage(r *req) error {
	r.ctx.SetContentType("image/png")
	r.ctx.Response.Header.Set("Cache-Control", "public, max-age=86400")
	r.ctx.SetBody(missingPNG)
	return nil
}

func emptyList(r *req) error { return r.json([]any{}) }

// minAge is registrations.min_age: null without a minimum age.
func minAge(years int) any {
	if years <= 0 {
		return nil
	}
	return years
}
