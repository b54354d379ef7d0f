package announcement

import (
	"context"
	"time"

	"github.com/herd-social/herd/stream"
)

// schedulePoll is how long RunScheduled waits at most before reading the
// announcements again, to learn of those another node published for a later time (a
// save on this node wakes it at once).
const schedulePoll = 10 * time.Second

// RunScheduled streams the event of each announcement published for a later time when
// that time comes, as Mastodon's scheduled publication does, until ctx is done. Every
// node runs it with its own subscribers' hub (not a router that forwards to peers), so
// that each stream gets the event once. An announcement published at once was streamed
// when it was saved, and is left alone here.
func (s *Service) RunScheduled(ctx context.Context, pub publisher) error {
	since := s.opts.Now()
	for {
		now := s.opts.Now()
		next, err := s.streamDue(ctx, pub, since, now)
		if err != nil {
			return err
		}
		since = now
		wait := schedulePoll
		if !next.IsZero() {
			wait = min(wait, next.Sub(now))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.saved:
		case <-time.After(wait):
		}
	}
}

// streamDue publishes the announcements scheduled for a time in (since, now] that are
// listed at now, and returns the soonest scheduled time after now (zero: none).
func (s *Service) streamDue(ctx context.Context, pub publisher, since, now time.Time) (time.Time, error) {
	all, err := s.All(ctx)
	if err != nil {
		return time.Time{}, err
	}
	var next time.Time
	for _, a := range all {
		if !a.Published || !a.PublishedAt.After(a.UpdatedAt) { // published at once: streamed on save
			continue
		}
		switch at := a.PublishedAt; {
		case at.After(now):
			if next.IsZero() || at.Before(next) {
				next = at
			}
		case at.After(since) && a.Listed(now):
			pub.Publish(stream.Announcements(), stream.Event{Kind: stream.Announcement, ID: a.ID})
		}
	}
	return next, nil
}
