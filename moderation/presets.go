package moderation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// tPresets holds every warning preset in one partition, clustered by id (an instance
// has a handful).
const tPresets = "account_warning_presets"

var presetPartition = []byte("all")

// Preset is a warning text moderators reuse, Mastodon's AccountWarningPreset.
type Preset struct {
	ID        shard.ID  `cbor:"1,keyasint"`
	Title     string    `cbor:"2,keyasint,omitempty"`
	Text      string    `cbor:"3,keyasint"`
	CreatedAt time.Time `cbor:"4,keyasint"`
	UpdatedAt time.Time `cbor:"5,keyasint"`
}

// PresetChange is what a moderator gives to make or change a preset; nil fields are
// left as they are (on create: empty).
type PresetChange struct {
	Title, Text *string
}

// Presets lists the warning presets by title, then text, as Mastodon's.
func (s *Service) Presets(ctx context.Context) ([]*Preset, error) {
	rows, err := s.st.Scan(ctx, tPresets, presetPartition, store.Range{})
	if err != nil {
		return nil, fmt.Errorf("list warning presets: %w", err)
	}
	out := make([]*Preset, 0, len(rows))
	for _, r := range rows {
		var p Preset
		if err := store.Unmarshal(r.Value, &p); err != nil {
			return nil, err
		}
		out = append(out, &p)
	}
	slices.SortStableFunc(out, func(a, b *Preset) int {
		return cmp.Or(cmp.Compare(a.Title, b.Title), cmp.Compare(a.Text, b.Text))
	})
	return out, nil
}

// Preset returns one warning preset.
func (s *Service) Preset(ctx context.Context, id shard.ID) (*Preset, error) {
	b, err := s.st.Get(ctx, tPresets, presetPartition, id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("warning preset %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load warning preset %d: %w", id, err)
	}
	var p Preset
	if err := store.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// SavePreset makes a preset (id 0) or changes one; the text is required. Written to
// the audit log.
func (s *Service) SavePreset(ctx context.Context, moderator, id shard.ID, c PresetChange) (*Preset, error) {
	p, verb := &Preset{ID: s.ids.Next(), CreatedAt: s.opts.Now().UTC()}, "create_account_warning_preset"
	if id != 0 {
		var err error
		if p, err = s.Preset(ctx, id); err != nil {
			return nil, err
		}
		verb = "update_account_warning_preset"
	}
	if c.Title != nil {
		p.Title = strings.TrimSpace(*c.Title)
	}
	if c.Text != nil {
		p.Text = strings.TrimSpace(*c.Text)
	}
	if p.Text == "" {
		return nil, invalid("Text can't be blank")
	}
	p.UpdatedAt = s.opts.Now().UTC()
	b, err := store.Marshal(p)
	if err != nil {
		return nil, err
	}
	if err := s.st.Put(ctx, tPresets, presetPartition, p.ID.Bytes(), b, 0); err != nil {
		return nil, fmt.Errorf("save warning preset: %w", err)
	}
	if err := s.audit(ctx, moderator, verb, "AccountWarningPreset", p.ID.String(), p.Text); err != nil {
		return nil, err
	}
	return p, nil
}

// RemovePreset removes a preset and answers it as it was; the warnings made with it
// keep their text.
func (s *Service) RemovePreset(ctx context.Context, moderator, id shard.ID) (*Preset, error) {
	p, err := s.Preset(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.st.Delete(ctx, tPresets, presetPartition, id.Bytes()); err != nil {
		return nil, fmt.Errorf("remove warning preset %d: %w", id, err)
	}
	if err := s.audit(ctx, moderator, "destroy_account_warning_preset", "AccountWarningPreset", p.ID.String(), ""); err != nil {
		return nil, err
	}
	return p, nil
}
