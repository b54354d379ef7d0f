package media

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/herd-social/herd/blob"
	"github.com/herd-social/herd/mediaproc"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Update changes the description, focus or thumbnail of one of account's
// attachments, as PUT /api/v1/media/:id.
func (s *Service) Update(ctx context.Context, account, id shard.ID, c Change) (*Attachment, error) {
	a, err := s.Own(ctx, account, id)
	if err != nil {
		return nil, err
	}
	if err := s.Amend(ctx, a, c); err != nil {
		return nil, err
	}
	return a, s.save(ctx, a)
}

// Delete removes one of account's attachments that no status carries, with its
// files, as DELETE /api/v1/media/:id.
func (s *Service) Delete(ctx context.Context, account, id shard.ID) error {
	a, err := s.Own(ctx, account, id)
	if err != nil {
		return err
	}
	if a.StatusID != 0 {
		return invalid("Media attachment is currently used by a status")
	}
	return s.remove(ctx, a)
}

func (s *Service) remove(ctx context.Context, a *Attachment) error {
	for _, key := range []string{a.Upload, a.Original.Key, a.Small.Key, a.Thumbnail.Key} {
		if key == "" {
			continue
		}
		if err := s.files.Delete(ctx, key); err != nil {
			return fmt.Errorf("delete %s: %w", key, err)
		}
	}
	if err := s.st.Delete(ctx, tMedia, a.ID.Bytes(), empty); err != nil {
		return fmt.Errorf("delete attachment %d: %w", a.ID, err)
	}
	return nil
}

// Attach checks that account may attach ids to a status, as Mastodon's
// PostStatusService: its own, processed, not on another status, at most
// MaxPerStatus; it returns the attachments in order. Marks then makes the writes
// that record them as the status's, for the batch that stores the status.
func (s *Service) Attach(ctx context.Context, account shard.ID, ids []shard.ID, statusID shard.ID) ([]*Attachment, error) {
	if len(ids) > s.opts.MaxPerStatus {
		return nil, invalid("Media attachments can't contain more than %d items", s.opts.MaxPerStatus)
	}
	got, err := s.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*Attachment, 0, len(ids))
	for _, id := range ids {
		a := got[id]
		switch {
		case a == nil || a.AccountID != account || slices.ContainsFunc(out, func(o *Attachment) bool { return o.ID == id }):
			return nil, invalid("Media attachments are invalid")
		case a.StatusID != 0 && a.StatusID != statusID:
			return nil, invalid("Media attachments are invalid")
		case !a.Processed:
			return nil, invalid("Cannot attach files that have not finished processing. Try again in a moment!")
		}
		out = append(out, a)
	}
	return out, nil
}

// Marks returns the writes that record the attachments as the status's: they go in
// the batch that stores the status, so that a status and its attachments' marks are
// written together or not at all.
func Marks(as []*Attachment, statusID shard.ID) ([]store.Mutation, error) {
	muts := make([]store.Mutation, 0, len(as))
	for _, a := range as {
		a.StatusID = statusID
		b, err := store.Marshal(a)
		if err != nil {
			return nil, err
		}
		muts = append(muts, store.Mutation{Kind: store.Put, Table: tMedia, PK: a.ID.Bytes(), CK: empty, Value: b})
	}
	return muts, nil
}

// Remote is an attachment of a remote status, as its server describes it.
type Remote struct {
	URL, MediaType, Description, Blurhash string
	// Thumbnail is the URL of its custom preview (the Document's icon), if any.
	Thumbnail     string
	Width, Height int
	Focus         *mediaproc.Focus
}

// AddRemote records the attachments of a remote status by URL, in order, and
// returns their ids; their files are then fetched and kept here off the request path
// (the media topic's jobs, when Options.HTTP is set), and served from their server
// until they are.
func (s *Service) AddRemote(ctx context.Context, account, statusID shard.ID, rs []Remote) ([]shard.ID, error) {
	var muts []store.Mutation
	var ids []shard.ID
	for _, r := range rs {
		a := &Attachment{ID: s.ids.Next(), AccountID: account, StatusID: statusID, Kind: kindOf(r.MediaType),
			Description: r.Description, Blurhash: r.Blurhash, Focus: r.Focus, RemoteURL: r.URL, RemoteThumbnail: r.Thumbnail, Processed: true,
			Width: r.Width, Height: r.Height, CreatedAt: s.opts.Now().UTC()}
		if r.Width > 0 && r.Height > 0 {
			a.Meta = remoteMeta(r)
		}
		b, err := store.Marshal(a)
		if err != nil {
			return nil, err
		}
		muts = append(muts, store.Mutation{Kind: store.Put, Table: tMedia, PK: a.ID.Bytes(), CK: empty, Value: b})
		ids = append(ids, a.ID)
	}
	if len(muts) == 0 {
		return nil, nil
	}
	if err := s.st.ApplyEach(ctx, muts); err != nil {
		return nil, fmt.Errorf("record remote media of %d: %w", statusID, err)
	}
	return ids, s.queueCache(ctx, account, ids)
}

// kindOf is the kind of a media type, as Mastodon reads a remote attachment's.
func kindOf(mediaType string) Kind {
	major, _, _ := cutSlash(mediaType)
	switch major {
	case "image":
		return Image
	case "video":
		return Video
	case "audio":
		return Audio
	}
	return Unknown
}

func cutSlash(s string) (string, string, bool) {
	for i := range len(s) {
		if s[i] == '/' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// Release lets go of the attachments of a deleted status: kept, unattached, for a
// delete and redraft to post again (the prune removes them a day later), or removed
// with their files.
func (s *Service) Release(ctx context.Context, ids []shard.ID, keep bool) error {
	got, err := s.GetMany(ctx, ids)
	if err != nil {
		return err
	}
	now := s.opts.Now().UTC()
	for _, a := range got {
		if !keep || !a.Local() {
			if err := s.remove(ctx, a); err != nil {
				return err
			}
			continue
		}
		a.StatusID, a.ReleasedAt = 0, now
		b, err := store.Marshal(a)
		if err != nil {
			return err
		}
		if err := s.st.Batch(ctx, []store.Mutation{
			{Kind: store.Put, Table: tMedia, PK: a.ID.Bytes(), CK: empty, Value: b},
			{Kind: store.Put, Table: tUnattached, PK: hourKey(now), CK: a.ID.Bytes(), Value: empty},
		}); err != nil {
			return fmt.Errorf("release attachment %d: %w", a.ID, err)
		}
	}
	return nil
}

// Open reads a stored file by key, within rng, for serving.
func (s *Service) Open(ctx context.Context, key string, rng blob.Range) (io.ReadCloser, blob.Info, error) {
	return s.files.Open(ctx, key, rng)
}

// FileURL is the URL of a stored file: at the media store's public URL (a CDN) if it
// has one, else where the node serves it (Options.FilesURL).
func (s *Service) FileURL(key string) string {
	if u, ok := s.files.URL(key); ok {
		return u
	}
	return s.opts.FilesURL + key
}

// PruneUnattached removes the uploads that no status took within UnattachedFor,
// reading the hours uploaded from a week before that to its end, as Mastodon's
// MediaCleanupScheduler; it returns how many it removed.
func (s *Service) PruneUnattached(ctx context.Context) (int, error) {
	end := s.opts.Now().Add(-s.opts.UnattachedFor)
	n := 0
	for h := end.Add(-7 * 24 * time.Hour); !h.After(end); h = h.Add(time.Hour) {
		rows, err := s.st.Scan(ctx, tUnattached, hourKey(h), store.Range{Limit: 1000})
		if err != nil {
			return n, fmt.Errorf("read unattached media: %w", err)
		}
		for _, r := range rows {
			a, err := s.Get(ctx, shard.FromBytes(r.CK))
			switch {
			case err != nil && !errors.Is(err, ErrNotFound):
				return n, err
			case err == nil && a.StatusID == 0 && a.idleSince().After(end):
				continue // uploaded or released since: a later prune
			case err == nil && a.StatusID == 0:
				if err := s.remove(ctx, a); err != nil {
					return n, err
				}
				n++
			}
			if err := s.st.Delete(ctx, tUnattached, r.PK, r.CK); err != nil {
				return n, fmt.Errorf("read unattached media: %w", err)
			}
		}
	}
	return n, nil
}

// withFocus sets the focus of a meta object.
func withFocus(meta []byte, focus mediaproc.Focus) []byte {
	m := map[string]any{}
	_ = json.Unmarshal(meta, &m) // a meta that does not read is replaced
	m["focus"] = focus
	b, _ := json.Marshal(m) // a map of JSON values always encodes
	return b
}

// remoteMeta is the meta of a remote attachment whose size its server gave.
func remoteMeta(r Remote) []byte {
	m := map[string]any{"original": map[string]any{"width": r.Width, "height": r.Height,
		"size": fmt.Sprintf("%dx%d", r.Width, r.Height), "aspect": float64(r.Width) / float64(r.Height)}}
	if r.Focus != nil {
		m["focus"] = r.Focus
	}
	b, _ := json.Marshal(m) // a map of JSON values always encodes
	return b
}

// RemoveUnattachedOf removes, with their files, account's attachments that no status
// carries and that are still listed as unattached (uploaded or released within the
// listing's week), for the erasure of a deleted account; it returns how many.
func (s *Service) RemoveUnattachedOf(ctx context.Context, account shard.ID) (int, error) {
	now, n := s.opts.Now(), 0
	for h := now.Add(-8 * 24 * time.Hour); !h.After(now.Add(time.Hour)); h = h.Add(time.Hour) {
		rows, err := s.st.Scan(ctx, tUnattached, hourKey(h), store.Range{})
		if err != nil {
			return n, fmt.Errorf("read unattached media: %w", err)
		}
		for _, r := range rows {
			a, err := s.Get(ctx, shard.FromBytes(r.CK))
			if errors.Is(err, ErrNotFound) || (err == nil && (a.AccountID != account || a.StatusID != 0)) {
				continue
			}
			if err != nil {
				return n, err
			}
			if err := s.remove(ctx, a); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
