package api

import (
	"strings"
	"time"

	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/shard"
)

// throttleMediaProxy is Mastodon's throttle_media_proxy: views of /media_proxy/ per IP,
// each of which may fetch a file from another server.
var throttleMediaProxy = throttle{"media-proxy", 30, 10 * time.Minute}

const mediaProxyPrefix = "/media_proxy/"

// mediaProxyURL is where a pruned remote attachment's file (style "original" or
// "small") is fetched again and served from.
func (s *Server) mediaProxyURL(id shard.ID, style string) string {
	return s.d.Instance.Scheme + "://" + s.d.Instance.Domain + mediaProxyPrefix + id.String() + "/" + style
}

// mediaProxy answers GET /media_proxy/:id/:style, as Mastodon's MediaProxyController:
// the file of a remote attachment of a status the viewer may see, fetched again when
// its cache was pruned (media.Service.Refetch), then a redirect to it; /small (a path
// ending so) is the preview, anything else the original. A file that cannot be fetched
// is not found.
func (s *Server) mediaProxy(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	a, err := s.d.Media.Get(r.context(), id)
	if err != nil {
		return err
	}
	if a.Local() || a.StatusID == 0 {
		return media.ErrNotFound
	}
	if _, err := s.d.Statuses.Visible(r.context(), r.viewer, a.StatusID); err != nil {
		return err
	}
	if a, err = s.d.Media.Refetch(r.context(), id); err != nil {
		return err
	}
	file := a.Original
	if strings.HasSuffix(string(r.ctx.Path()), "/small") {
		file = a.Small
		if a.Thumbnail.Key != "" {
			file = a.Thumbnail
		}
	}
	if file.Key == "" { // audio has no preview
		return media.ErrNotFound
	}
	r.ctx.Response.Header.Set("Location", s.d.Media.FileURL(file.Key))
	r.ctx.SetStatusCode(302)
	return nil
}
