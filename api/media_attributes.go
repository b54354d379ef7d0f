package api

import (
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
