package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/blob"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/shard"
)

// MediaAttachment is Mastodon's MediaAttachment entity.
type MediaAttachment struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	URL         *string         `json:"url"`
	PreviewURL  *string         `json:"preview_url"`
	RemoteURL   *string         `json:"remote_url"`
	Meta        json.RawMessage `json:"meta"`
	Description *string         `json:"description"`
	Blurhash    *string         `json:"blurhash"`
}

// syncWait is how long POST /api/v1/media waits for processing, and POST
// /api/v2/media before it answers 202.
const (
	syncWait  = 30 * time.Second
	asyncWait = 2 * time.Second
)

// mediaPrefix is the path local media files are served under, as Mastodon's (node
// gives the media service the same, as media.Options.FilesURL).
const mediaPrefix = "/system/"

// attachment renders an attachment; a file is at the configured public URL, or
// served by the node under /system/; a remote attachment's files are its server's
// until they are cached here (remote_url is then where its server serves it), and at
// /media_proxy/ once the cache is pruned, which fetches them again.
func (s *Server) attachment(a *media.Attachment) *MediaAttachment {
	out := &MediaAttachment{ID: a.ID.String(), Type: string(a.Kind), Meta: a.Meta}
	if a.Description != "" {
		out.Description = ptr(a.Description)
	}
	if a.Blurhash != "" {
		out.Blurhash = ptr(a.Blurhash)
	}
	if !a.Local() {
		out.RemoteURL = ptr(a.RemoteURL)
	}
	if a.Pruned() { // fetched again when viewed, as Mastodon's media proxy URLs
		out.URL = ptr(s.mediaProxyURL(a.ID, "original"))
		if a.Kind != media.Audio || a.RemoteThumbnail != "" {
			out.PreviewURL = ptr(s.mediaProxyURL(a.ID, "small"))
		}
		return out
	}
	if !a.Local() && !a.Cached() {
		out.URL = ptr(a.RemoteURL)
		switch {
		case a.RemoteThumbnail != "":
			out.PreviewURL = ptr(a.RemoteThumbnail)
		case a.Kind == media.Image:
			out.PreviewURL = ptr(a.RemoteURL)
		}
		return out
	}
	if a.Processed && a.Failed == "" {
		out.URL = ptr(s.d.Media.FileURL(a.Original.Key))
		if a.Small.Key != "" { // audio has no preview
			out.PreviewURL = ptr(s.d.Media.FileURL(a.Small.Key))
		}
	}
	if a.Thumbnail.Key != "" {
		out.PreviewURL = ptr(s.d.Media.FileURL(a.Thumbnail.Key))
	}
	return out
}

// uploadMedia answers POST /api/v1/media (when wait is long: processed, 200) and
// POST /api/v2/media (200 when processed within a moment, else 202 with no URL).
func (s *Server) uploadMedia(wait time.Duration) handlerFunc {
	return func(r *req) error {
		data, err := s.uploadedFile(r, "file")
		if err != nil {
			return err
		}
		if data == nil {
			return httpErr(422, "Validation failed: File can't be blank")
		}
		thumb, err := s.uploadedFile(r, "thumbnail")
		if err != nil {
			return err
		}
		a, err := s.d.Media.Upload(r.context(), r.viewer, data, media.Upload{Description: r.p.str("description"),
			Focus: r.p.str("focus"), Thumbnail: thumb})
		if err != nil {
			return err
		}
		if a, err = s.d.Media.Wait(r.context(), a.ID, wait); err != nil {
			return err
		}
		if a.Failed != "" {
			return failed(a, "Validation failed: File could not be processed")
		}
		if !a.Processed {
			writeJSON(r.ctx, 202, s.attachment(a))
			return nil
		}
		return r.json(s.attachment(a))
	}
}

// uploadedFile reads a multipart file field within the media size limit, or nil
// when the request has none.
func (s *Server) uploadedFile(r *req, field string) ([]byte, error) { return s.nthFile(r, field, 0) }

// nthFile reads the nth file of a multipart field (several files may share a
// name, as media_attributes[][thumbnail]), or nil when there is none.
func (s *Server) nthFile(r *req, field string, n int) ([]byte, error) {
	form, err := r.ctx.MultipartForm()
	if err != nil || len(form.File[field]) <= n {
		return nil, nil
	}
	fh := form.File[field][n]
	if fh.Size > s.d.Media.MaxBytes() {
		return nil, httpErr(422, fmt.Sprintf("Validation failed: File file size must be less than %d MB", s.d.Media.MaxBytes()>>20))
	}
	f, err := fh.Open()
	if err != nil {
		return nil, badBody("unreadable file", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.d.Media.MaxBytes()))
	if err != nil {
		return nil, badBody("unreadable file", err)
	}
	return data, nil
}

// getMedia answers GET /api/v1/media/:id: 206 while processing, 422 once failed, as
// Mastodon.
func (s *Server) getMedia(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	a, err := s.d.Media.Own(r.context(), r.viewer, id)
	if err != nil {
		return err
	}
	if a.Failed != "" {
		return failed(a, "Error processing thumbnail for uploaded media")
	}
	if !a.Processed {
		writeJSON(r.ctx, 206, s.attachment(a))
		return nil
	}
	return r.json(s.attachment(a))
}

// failed answers for an upload that could not be processed: 422 with the message it
// was refused with (a video over the limits: Mastodon's stream validation message),
// or msg.
func failed(a *media.Attachment, msg string) error {
	if a.Refusal != "" {
		msg = a.Refusal
	}
	return httpErr(422, msg)
}

// updateMedia answers PUT /api/v1/media/:id (description, focus, thumbnail).
func (s *Server) updateMedia(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	thumb, err := s.uploadedFile(r, "thumbnail")
	if err != nil {
		return err
	}
	a, err := s.d.Media.Update(r.context(), r.viewer, id, media.Change{Description: r.p.opt("description"),
		Focus: r.p.opt("focus"), Thumbnail: thumb})
	if err != nil {
		return err
	}
	return r.json(s.attachment(a))
}

// mediaIDs reads media_ids[] as ids; one that is no id is refused as Mastodon refuses
// an attachment it cannot find.
func mediaIDs(r *req) ([]shard.ID, error) {
	var ids []shard.ID
	for _, v := range r.p.list("media_ids") {
		if v == "" { // `media_ids[]=`, a form's way to send none
			continue
		}
		id, err := shard.Parse(v)
		if err != nil {
			return nil, httpErr(422, "Validation failed: Media attachments are invalid")
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// serveFile answers GET /system/<key>: a stored media file (a remote one's cached
// copy too) or account picture (never an upload as received), by byte range if asked,
// cacheable for a year (a file's key never names other bytes).
func (s *Server) serveFile(ctx *fasthttp.RequestCtx) {
	key := strings.TrimPrefix(string(ctx.Path()), mediaPrefix)
	if !strings.HasPrefix(key, "media_attachments/files/") && !strings.HasPrefix(key, "accounts/") &&
		!strings.HasPrefix(key, "custom_emojis/") && !strings.HasPrefix(key, "cache/media_attachments/files/") &&
		!strings.HasPrefix(key, "cache/accounts/") {
		writeJSON(ctx, 404, map[string]string{"error": "Record not found"})
		return
	}
	rng, ok := byteRange(string(ctx.Request.Header.Peek("Range")))
	if !ok {
		ctx.SetStatusCode(416)
		return
	}
	rc, info, err := s.d.Media.Open(ctx, key, rng)
	switch {
	case errors.Is(err, blob.ErrNotFound), errors.Is(err, blob.ErrBadKey):
		writeJSON(ctx, 404, map[string]string{"error": "Record not found"})
		return
	case errors.Is(err, blob.ErrBadRange):
		ctx.Response.Header.Set("Content-Range", "bytes */"+strconv.FormatInt(info.Size, 10))
		ctx.SetStatusCode(416)
		return
	case err != nil:
		writeJSON(ctx, 500, map[string]string{"error": "Internal server error"})
		return
	}
	offset, length, err := rng.Clip(info.Size)
	if err != nil { // the store read a range it should have refused
		rc.Close()
		writeJSON(ctx, 500, map[string]string{"error": "Internal server error"})
		return
	}
	h := &ctx.Response.Header
	h.Set("Content-Type", info.ContentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Accept-Ranges", "bytes")
	h.Set("X-Content-Type-Options", "nosniff")
	if rng != (blob.Range{}) {
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", offset, offset+length-1, info.Size))
		ctx.SetStatusCode(206)
	}
	ctx.SetBodyStream(rc, int(length)) // fasthttp closes rc once sent
}

// byteRange reads a Range header of one range, "bytes=A-B", "bytes=A-" ("bytes=-N",
// the last N bytes, is served whole, as allowed); an empty header is the whole file.
func byteRange(h string) (blob.Range, bool) {
	if h == "" {
		return blob.Range{}, true
	}
	spec, ok := strings.CutPrefix(h, "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return blob.Range{}, ok // another unit, or several ranges: the whole file
	}
	first, last, _ := strings.Cut(spec, "-")
	if first == "" {
		return blob.Range{}, true
	}
	from, err := strconv.ParseInt(first, 10, 64)
	if err != nil || from < 0 {
		return blob.Range{}, false
	}
	r := blob.Range{Offset: from}
	if last != "" {
		to, err := strconv.ParseInt(last, 10, 64)
		if err != nil || to < from {
			return blob.Range{}, false
		}
		r.Length = to - from + 1
	}
	return r, true
}
