package api

import (
	"context"
	"strconv"

	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// mediaAttributes reads media_attributes[] of a status edit (id, description, focus,
// thumbnail), indexed (`media_attributes[0][id]`, as a JSON array flattens) or as
// parallel `media_attributes[][…]` lists; an entry whose id is no id is ignored, as
// Mastodon ignores one it does not find among the status's attachments.
func (s *Server) mediaAttributes(r *req) ([]status.MediaAttribute, error) {
	var out []status.MediaAttribute
	for i := 0; ; i++ {
		pre := "media_attributes[" + strconv.Itoa(i) + "]"
		if !r.p.has(pre + "[id]") {
			break
		}
		thumb, err := s.uploadedFile(r, pre+"[thumbnail]")
		if err != nil {
			return nil, err
		}
		out = appendAttribute(out, r.p.str(pre+"[id]"), r.p.opt(pre+"[description]"), r.p.opt(pre+"[focus]"), thumb)
	}
	ids, descs, foci := r.p["media_attributes[][id]"], r.p["media_attributes[][description]"], r.p["media_attributes[][focus]"]
	for i, id := range ids {
		var desc, focus *string
		if i < len(descs) {
			desc = &descs[i]
		}
		if i < len(foci) {
			focus = &foci[i]
		}
		thumb, err := s.nthFile(r, "media_attributes[][thumbnail]", i)
		if err != nil {
			return nil, err
		}
		out = appendAttribute(out, id, desc, focus, thumb)
	}
	return out, nil
}

func appendAttribute(out []status.MediaAttribute, id string, desc, focus *string, thumb []byte) []status.MediaAttribute {
	v, err := shard.Parse(id)
	if err != nil {
		return out
	}
	return append(out, status.MediaAttribute{ID: v, Change: media.Change{Description: desc, Focus: focus, Thumbnail: thumb}})
}

// revisionMedia renders the attachments of each version of a status, each with the
// description it had then (its present one when the version did not record it);
// those since removed are left out.
func (s *Server) revisionMedia(ctx context.Context, revs []status.Revision) ([][]any, error) {
	var ids []shard.ID
	for _, rev := range revs {
		ids = append(ids, rev.MediaIDs...)
	}
	got := map[shard.ID]*media.Attachment{}
	if len(ids) > 0 && s.d.Media != nil {
		var err error
		if got, err = s.d.Media.GetMany(ctx, ids); err != nil {
			return nil, err
		}
	}
	out := make([][]any, len(revs))
	for i, rev := range revs {
		out[i] = []any{}
		for j, id := range rev.MediaIDs {
			a := got[id]
			if a == nil {
				continue
			}
			m := s.attachment(a)
			if j < len(rev.MediaDescriptions) {
				m.Description = nil
				if d := rev.MediaDescriptions[j]; d != "" {
					m.Description = &d
				}
			}
			out[i] = append(out[i], m)
		}
	}
	return out, nil
}
