package api

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
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

// apiVersion is the Mastodon API version Herd implements, for feature sniffing.
const apiVersion = 6

func (s *Server) configuration() map[string]any {
	i := s.d.Instance
	return map[string]any{
		"urls": map[string]any{"streaming": "ws" + i.Scheme[4:] + "://" + i.Domain, "status": nil,
			"about": s.baseURL() + "/about", "privacy_policy": nil, "terms_of_service": nil},
		"vapid": map[string]any{"public_key": ""},
		"accounts": map[string]any{"max_featured_tags": 10, "max_pinned_statuses": i.MaxPinned,
			"max_display_name_length": 30, "max_note_length": 500, "max_profile_fields": 4,
			"profile_field_name_limit": 255, "profile_field_value_limit": 255,
			"max_avatar_description_length": 1500, "max_header_description_length": 1500},
		"statuses": map[string]any{"max_characters": i.MaxCharacters, "max_media_attachments": 4,
			"characters_reserved_per_url": 23},
		"media_attachments": map[string]any{"supported_mime_types": []string{}, "description_limit": 1500,
			"image_size_limit": 16777216, "image_matrix_limit": 33177600, "video_size_limit": 103809024,
			"video_frame_rate_limit": 120, "video_matrix_limit": 8294400},
		"polls": map[string]any{"max_options": 4, "max_characters_per_option": 50,
			"min_expiration": 300, "max_expiration": 2629746},
		"translation": map[string]any{"enabled": false},
		"timelines_access": map[string]any{
			"live_feeds":          map[string]string{"local": "public", "remote": "public"},
			"hashtag_feeds":       map[string]string{"local": "public", "remote": "public"},
			"trending_link_feeds": map[string]string{"local": "public", "remote": "public"}},
		"limited_federation": false,
	}
}

func (s *Server) instanceV2(r *req) error {
	i := s.d.Instance
	return r.json(map[string]any{
		"domain": i.Domain, "title": i.Title, "version": i.Version, "source_url": "https://github.com/herd-social/herd",
		"description":   i.Description,
		"usage":         map[string]any{"users": map[string]any{"active_month": 0}},
		"thumbnail":     map[string]any{"url": s.baseURL() + missingHeader, "blurhash": nil, "versions": map[string]string{}},
		"icon":          []any{},
		"languages":     []string{"en"},
		"configuration": s.configuration(),
		"registrations": map[string]any{"enabled": i.OpenRegistrations, "approval_required": false,
			"message": nil, "min_age": nil, "reason_required": false, "url": nil},
		"api_versions": map[string]int{"mastodon": apiVersion},
		"contact":      map[string]any{"email": i.ContactEmail, "account": nil},
		"rules":        []any{},
	})
}

func (s *Server) instanceV1(r *req) error {
	i := s.d.Instance
	cfg := s.configuration()
	delete(cfg, "urls")
	users, posts, err := s.d.Accounts.InstanceCounts(r.context())
	if err != nil {
		return err
	}
	return r.json(map[string]any{
		"uri": i.Domain, "title": i.Title, "short_description": i.Description, "description": i.Description,
		"email": i.ContactEmail, "version": i.Version,
		"urls":      map[string]any{"streaming_api": "ws" + i.Scheme[4:] + "://" + i.Domain},
		"stats":     map[string]int64{"user_count": users, "status_count": posts, "domain_count": 0},
		"thumbnail": s.baseURL() + missingHeader, "languages": []string{"en"},
		"registrations": i.OpenRegistrations, "approval_required": false, "invites_enabled": false,
		"configuration": cfg, "contact_account": nil, "rules": []any{},
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

func (s *Server) missingImage(r *req) error {
	r.ctx.SetContentType("image/png")
	r.ctx.Response.Header.Set("Cache-Control", "public, max-age=86400")
	r.ctx.SetBody(missingPNG)
	return nil
}

func emptyList(r *req) error { return r.json([]any{}) }
