package media

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/shard"
)

// refetch is one fetch of a pruned attachment's file under way, and the views
// waiting for it.
type refetch struct {
	done    chan struct{}
	waiters int
	a       *Attachment
	err     error
}

// Refetch makes the files of a remote attachment here again when they are not (its
// cache pruned, or not yet made), as Mastodon's media proxy does on a view: the file is
// fetched through the same guarded download, size cap and processing as the
// media_remote job's (cache), and the attachment returned cached. One already cached is
// returned as it is. A file that cannot be fetched or made is recorded so
// (CacheFailed: it is then shown at its server, under remote_url, and not fetched
// again), and answered ErrNotFound, as is a local attachment, one of unknown type, one
// of a server whose media are rejected, or any when the service fetches nothing (which
// records it so too).
//
// Views that ask at once on this node share one fetch. Nodes of a cluster do not
// coordinate: two nodes asked at the same moment may each fetch the file, and write the
// same keys (a cached file's key is made of the attachment's id), the last write
// standing.
func (s *Service) Refetch(ctx context.Context, id shard.ID) (*Attachment, error) {
	s.refetches.Lock()
	f := s.refetches.m[id]
	if f == nil {
		f = &refetch{done: make(chan struct{})}
		if s.refetches.m == nil {
			s.refetches.m = map[shard.ID]*refetch{}
		}
		s.refetches.m[id] = f
		// The fetch outlives the view that started it, for the others waiting on it;
		// download bounds it by RemoteTimeout.
		go s.runRefetch(context.WithoutCancel(ctx), id, f)
	}
	f.waiters++
	s.refetches.Unlock()
	select {
	case <-f.done:
		if f.err != nil {
			return nil, f.err
		}
		a := *f.a // each view its own copy
		return &a, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *Service) runRefetch(ctx context.Context, id shard.ID, f *refetch) {
	f.a, f.err = s.refetchOne(ctx, id)
	s.refetches.Lock()
	delete(s.refetches.m, id)
	s.refetches.Unlock()
	close(f.done)
}

func (s *Service) refetchOne(ctx context.Context, id shard.ID) (*Attachment, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.Local() {
		return nil, fmt.Errorf("attachment %d is not remote: %w", id, ErrNotFound)
	}
	if a.Cached() {
		return a, nil
	}
	if s.opts.HTTP == nil && a.CacheFailed == "" { // media.no_cache since it was pruned
		a.CacheFailed = "remote media are not fetched"
		if err := s.save(ctx, a); err != nil {
			return nil, err
		}
	}
	if err := s.cache(ctx, a); err != nil {
		return nil, err
	}
	if !a.Cached() {
		why := a.CacheFailed
		if why == "" {
			why = "not fetched"
		}
		return nil, fmt.Errorf("attachment %d: %s: %w", id, why, ErrNotFound)
	}
	return a, nil
}
