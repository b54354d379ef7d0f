package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// ErrRemoteTooLarge is the refusal of a remote file over Options.RemoteMaxBytes.
var ErrRemoteTooLarge = errors.New("media: remote file too large")

// RunRemote fetches and keeps the files of remote attachments, as queued on
// RemoteTopic, until ctx is done.
func (s *Service) RunRemote(ctx context.Context) error {
	return s.bus.Consume(ctx, Group, RemoteTopic, bus.ConsumeOptions{}, s.opts.DeadLetters.Handler(Group, s.handle))
}

// queueCache queues the fetch of remote attachments' files, when the service fetches
// any (Options.HTTP).
func (s *Service) queueCache(ctx context.Context, account shard.ID, ids []shard.ID) error {
	if s.opts.HTTP == nil {
		return nil
	}
	for _, id := range ids {
		if err := s.bus.Publish(ctx, bus.Message{Topic: RemoteTopic, Key: account.Bytes(), Value: id.Bytes()}); err != nil {
			return fmt.Errorf("queue the cache of attachment %d: %w", id, err)
		}
	}
	return nil
}

// cache fetches the file of a remote attachment and makes its files here as of an
// upload (re-encoded without metadata, a preview, meta, blurhash), so that it is
// served from this server with its server's URL as remote_url. A file that cannot be
// fetched or made is left at its server (CacheFailed says why); one already cached,
// or already refused, is not fetched again; nor is one of unknown type.
func (s *Service) cache(ctx context.Context, a *Attachment) error {
	if s.opts.HTTP == nil || a.Cached() || a.CacheFailed != "" || a.Kind == Unknown {
		// Unknown: a link its server named no media type for, or one of a server
		// whose media are rejected (recorded so by federation).
		return nil
	}
	if rejected, err := s.rejected(ctx, a.RemoteURL); err != nil || rejected {
		if err == nil {
			a.CacheFailed = "media of its server are rejected"
			err = s.save(ctx, a)
		}
		return err
	}
	data, err := s.download(ctx, a.RemoteURL)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.CacheFailed = err.Error()
		return s.save(ctx, a)
	}
	if a.RemoteThumbnail != "" && a.Thumbnail.Key == "" {
		// A preview that cannot be had leaves the one made of the file.
		if thumb, err := s.download(ctx, a.RemoteThumbnail); err == nil {
			_ = s.thumbnail(ctx, a, thumb) // a refused thumbnail only is not kept
		}
	}
	return s.derive(ctx, a, data)
}

// rejected reports whether the host of u is one whose media are not fetched.
func (s *Service) rejected(ctx context.Context, u string) (bool, error) {
	if s.opts.RejectMedia == nil {
		return false, nil
	}
	p, err := url.Parse(u)
	if err != nil {
		return true, nil // a URL that does not parse is not fetched either
	}
	rejected, err := s.opts.RejectMedia(ctx, p.Hostname())
	if err != nil {
		return false, fmt.Errorf("check the media policy of %s: %w", p.Hostname(), err)
	}
	return rejected, nil
}

// download gets a remote file through the guarded client: status 200 only, at most
// RemoteMaxBytes, within RemoteTimeout.
func (s *Service) download(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.RemoteTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	req.Header.Set("Accept", "*/*")
	if s.opts.UserAgent != "" {
		req.Header.Set("User-Agent", s.opts.UserAgent)
	}
	resp, err := s.opts.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: answered %s", u, resp.Status)
	}
	if resp.ContentLength > s.opts.RemoteMaxBytes {
		return nil, fmt.Errorf("fetch %s: %w", u, ErrRemoteTooLarge)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, s.opts.RemoteMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	if int64(len(data)) > s.opts.RemoteMaxBytes {
		return nil, fmt.Errorf("fetch %s: %w", u, ErrRemoteTooLarge)
	}
	return data, nil
}

// cached saves a remote attachment whose files were just made, and notes the hour,
// for PruneCache.
func (s *Service) cached(ctx context.Context, a *Attachment) error {
	a.CachedAt, a.PrunedAt = s.opts.Now().UTC(), time.Time{}
	b, err := store.Marshal(a)
	if err != nil {
		return err
	}
	if err := s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Put, Table: tMedia, PK: a.ID.Bytes(), CK: empty, Value: b},
		{Kind: store.Put, Table: tCached, PK: hourKey(a.CachedAt), CK: a.ID.Bytes(), Value: empty},
	}); err != nil {
		return fmt.Errorf("save cached attachment %d: %w", a.ID, err)
	}
	return nil
}

// pruneLookback is how far before the cutoff PruneCache reads the hours cached; a
// prune that has not run for longer leaves what was cached before to a wider one.
const pruneLookback = 90 * 24 * time.Hour

// PruneCache removes the files of remote attachments cached more than age ago, as
// Mastodon's `tootctl media remove --days`: their files are then fetched again when
// they are next viewed (Refetch). It returns how many it let go.
func (s *Service) PruneCache(ctx context.Context, age time.Duration) (int, error) {
	end := s.opts.Now().Add(-age)
	n := 0
	for h := end.Add(-pruneLookback); !h.After(end); h = h.Add(time.Hour) {
		rows, err := s.st.Scan(ctx, tCached, hourKey(h), store.Range{Limit: 1000})
		if err != nil {
			return n, fmt.Errorf("read cached media: %w", err)
		}
		for _, r := range rows {
			a, err := s.Get(ctx, shard.FromBytes(r.CK))
			switch {
			case err != nil && !errors.Is(err, ErrNotFound):
				return n, err
			case err == nil && a.Cached() && !a.CachedAt.After(end):
				if err := s.uncache(ctx, a); err != nil {
					return n, err
				}
				n++
			}
			if err := s.st.Delete(ctx, tCached, r.PK, r.CK); err != nil {
				return n, fmt.Errorf("prune cached media: %w", err)
			}
		}
	}
	return n, nil
}

// uncache removes the files of a cached remote attachment, which are fetched again
// when it is next viewed (Refetch).
func (s *Service) uncache(ctx context.Context, a *Attachment) error {
	for _, key := range []string{a.Original.Key, a.Small.Key, a.Thumbnail.Key} {
		if err := s.DeleteFile(ctx, key); err != nil {
			return fmt.Errorf("uncache attachment %d: %w", a.ID, err)
		}
	}
	a.Original, a.Small, a.Thumbnail, a.CachedAt = File{}, File{}, File{}, time.Time{}
	a.PrunedAt = s.opts.Now().UTC()
	return s.save(ctx, a)
}

// EditRemote makes rs the attachments of a remote status that had old, as its
// server's edit describes them: one still there (by URL) keeps its files and takes
// the new description, focus and preview URL; a new one is recorded (and cached)
// as AddRemote does; one no longer there is removed with its files. It returns the
// attachments' ids, in order.
func (s *Service) EditRemote(ctx context.Context, account, statusID shard.ID, old []shard.ID, rs []Remote) ([]shard.ID, error) {
	got, err := s.GetMany(ctx, old)
	if err != nil {
		return nil, err
	}
	byURL := make(map[string]*Attachment, len(got))
	for _, a := range got {
		byURL[a.RemoteURL] = a
	}
	ids := make([]shard.ID, 0, len(rs))
	for _, r := range rs {
		a := byURL[r.URL]
		if a == nil {
			added, err := s.AddRemote(ctx, account, statusID, []Remote{r})
			if err != nil {
				return nil, err
			}
			ids = append(ids, added...)
			continue
		}
		delete(byURL, r.URL)
		a.Description, a.Focus, a.RemoteThumbnail = r.Description, r.Focus, r.Thumbnail
		if r.Focus != nil {
			a.Meta = withFocus(a.Meta, *r.Focus)
		}
		if err := s.save(ctx, a); err != nil {
			return nil, err
		}
		ids = append(ids, a.ID)
	}
	var gone []shard.ID
	for _, a := range byURL {
		gone = append(gone, a.ID)
	}
	return ids, s.Release(ctx, gone, false)
}
