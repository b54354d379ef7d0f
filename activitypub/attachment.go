package activitypub

import (
	"context"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/mediaproc"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/text"
)

// Media is the part of the media service that federation reads.
type Media interface {
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*media.Attachment, error)
	FileURL(key string) string
}

// maxRemoteAttachments is how many attachments of a remote status are kept, as
// Mastodon keeps four.
const maxRemoteAttachments = 4

// Document is an attachment of a status object, as Mastodon writes it.
type Document struct {
	Type       string    `json:"type"`
	MediaType  string    `json:"mediaType"`
	URL        string    `json:"url"`
	Name       *string   `json:"name"`
	Blurhash   string    `json:"blurhash,omitempty"`
	FocalPoint []float64 `json:"focalPoint,omitempty"`
	Width      int       `json:"width,omitempty"`
	Height     int       `json:"height,omitempty"`
	// Icon is the custom preview its uploader gave, as Mastodon sends it.
	Icon *Image `json:"icon,omitempty"`
}

// attachments renders the attachments of a local status.
func (s *Service) attachments(ctx context.Context, st *status.Status) ([]any, error) {
	out := []any{}
	if len(st.MediaIDs) == 0 || s.media == nil {
		return out, nil
	}
	got, err := s.media.GetMany(ctx, st.MediaIDs)
	if err != nil {
		return nil, err
	}
	for _, id := range st.MediaIDs {
		a := got[id]
		if a == nil || !a.Processed || !a.Local() {
			continue
		}
		d := Document{Type: "Document", MediaType: a.Original.ContentType, URL: s.media.FileURL(a.Original.Key),
			Blurhash: a.Blurhash}
		if a.Description != "" {
			d.Name = &a.Description
		}
		if a.Focus != nil {
			d.FocalPoint = []float64{a.Focus.X, a.Focus.Y}
		}
		d.Width, d.Height = a.Width, a.Height
		if a.Thumbnail.Key != "" {
			d.Icon = &Image{Type: "Image", MediaType: a.Thumbnail.ContentType, URL: s.media.FileURL(a.Thumbnail.Key)}
		}
		out = append(out, d)
	}
	return out, nil
}

// readAttachments reads the attachments of a remote status object by actor: the
// first four with a usable URL, as Mastodon keeps them. Those of a domain blocked
// with reject_media keep their URL and description only: of unknown type, as
// Mastodon records the media it does not download.
func (s *Service) readAttachments(ctx context.Context, actor *account.Account, obj map[string]any) ([]media.Remote, error) {
	out := s.attachmentsOf(obj)
	if len(out) == 0 {
		return out, nil
	}
	if rejected, err := s.mediaRejected(ctx, actor.Domain); err != nil || !rejected {
		return out, err
	}
	for i, r := range out {
		out[i] = media.Remote{URL: r.URL, Description: r.Description}
	}
	return out, nil
}

// attachmentsOf reads the attachments of a remote status object.
func (s *Service) attachmentsOf(obj map[string]any) []media.Remote {
	var out []media.Remote
	for _, v := range asList(obj["attachment"]) {
		m, _ := v.(map[string]any)
		u := text.CleanURL(linkOf(m["url"]), true)
		if m == nil || u == "" || len(out) == maxRemoteAttachments {
			continue
		}
		r := media.Remote{URL: u, MediaType: strings.ToLower(str2(m, "mediaType")), Description: str2(m, "name"),
			Blurhash: str2(m, "blurhash"), Width: int(int64From(m["width"])), Height: int(int64From(m["height"]))}
		if icon, _ := m["icon"].(map[string]any); icon != nil {
			r.Thumbnail = text.CleanURL(linkOf(icon["url"]), true)
		}
		if r.MediaType == "" && str2(m, "type") == "Image" {
			r.MediaType = "image/*"
		}
		if fp := asList(m["focalPoint"]); len(fp) == 2 {
			x, xok := fp[0].(float64)
			y, yok := fp[1].(float64)
			if f := (mediaproc.Focus{X: x, Y: y}); xok && yok && f.Validate() == nil {
				r.Focus = &f
			}
		}
		out = append(out, r)
	}
	return out
}
