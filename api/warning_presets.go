package api

import (
	"context"

	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/shard"
)

// WarningPreset is a warning preset as admins manage it (a Herd extension; Mastodon's
// AccountWarningPreset is managed in its web admin only).
type WarningPreset struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Text      string `json:"text"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// routeWarningPresets registers the admin endpoints on warning presets.
func (s *Server) routeWarningPresets() {
	read, write := user("admin:read"), user("admin:write")
	s.handle("GET", "/api/v1/admin/warning_presets", read, func(r *req) error {
		ps, err := s.d.Reports.Presets(r.context())
		if err != nil {
			return err
		}
		out := make([]WarningPreset, len(ps))
		for i, p := range ps {
			out[i] = warningPreset(p)
		}
		return r.json(out)
	})
	change := func(r *req) moderation.PresetChange {
		return moderation.PresetChange{Title: r.p.opt("title"), Text: r.p.opt("text")}
	}
	s.handle("POST", "/api/v1/admin/warning_presets", write, func(r *req) error {
		p, err := s.d.Reports.SavePreset(r.context(), r.viewer, 0, change(r))
		if err != nil {
			return err
		}
		return r.json(warningPreset(p))
	})
	s.handle("GET", "/api/v1/admin/warning_presets/{id}", read, s.presetDo(
		func(ctx context.Context, _ *req, id shard.ID) (*moderation.Preset, error) {
			return s.d.Reports.Preset(ctx, id)
		}))
	s.handle("PUT", "/api/v1/admin/warning_presets/{id}", write, s.presetDo(
		func(ctx context.Context, r *req, id shard.ID) (*moderation.Preset, error) {
			return s.d.Reports.SavePreset(ctx, r.viewer, id, change(r))
		}))
	s.handle("DELETE", "/api/v1/admin/warning_presets/{id}", write, s.presetDo(
		func(ctx context.Context, r *req, id shard.ID) (*moderation.Preset, error) {
			return s.d.Reports.RemovePreset(ctx, r.viewer, id)
		}))
}

func warningPreset(p *moderation.Preset) WarningPreset {
	return WarningPreset{ID: p.ID.String(), Title: p.Title, Text: p.Text, CreatedAt: datetime(p.CreatedAt),
		UpdatedAt: datetime(p.UpdatedAt)}
}

// presetDo answers the endpoints on one preset with it (as it was, for a removal).
func (s *Server) presetDo(do func(ctx context.Context, r *req, id shard.ID) (*moderation.Preset, error)) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		p, err := do(r.context(), r, id)
		if err != nil {
			return err
		}
		return r.json(warningPreset(p))
	}
}
