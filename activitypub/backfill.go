package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/shard"
)

// FetchTopic carries background fetches (profile backfill, featured collections and
// pictures, keyed by actor; replies crawls, keyed by status), so that they survive a
// node's death and never slow a request down.
const FetchTopic = "fetch"

// FetchGroup is the consumer group of the fetch workers.
const FetchGroup = "fetch"

// backfillPosts is how many of a remote actor's recent public posts are fetched when
// someone here first follows it, so its profile and the follower's home are not empty.
const backfillPosts = 20

type fetchJob struct {
	Kind  string `json:"kind"` // outbox, featured, pictures or replies
	Actor string `json:"actor,omitempty"`
	// Object is the status whose replies are fetched.
	Object string `json:"object,omitempty"`
	// Refresh, if set, is the key of the async refresh the replies crawl reports to.
	Refresh string `json:"refresh,omitempty"`
	// Follower, if set, is a local account whose home gets the posts afterwards.
	Follower shard.ID `json:"follower,omitempty"`
}

// Backfill queues the fetch of a remote account's recent posts from its outbox.
func (s *Service) Backfill(ctx context.Context, a *account.Account) error {
	return s.backfillFor(ctx, a, 0)
}

// backfillFor is Backfill that then merges the posts into follower's home.
func (s *Service) backfillFor(ctx context.Context, a *account.Account, follower shard.ID) error {
	if a.Local() || a.OutboxURL == "" {
		return nil
	}
	b, err := json.Marshal(fetchJob{Kind: "outbox", Actor: a.URI, Follower: follower})
	if err != nil {
		return err
	}
	if err := s.bus.Publish(ctx, bus.Message{Topic: FetchTopic, Key: []byte(a.URI), Value: b}); err != nil {
		return fmt.Errorf("queue backfill of %s: %w", a.URI, err)
	}
	return nil
}

// RunFetch runs the fetch workers until ctx is done. A fetch that fails is logged and
// dropped: backfill is a courtesy, and the next follow queues it again. A job that
// cannot be decoded is set aside as a dead letter.
func (s *Service) RunFetch(ctx context.Context) error {
	return s.bus.Consume(ctx, FetchGroup, FetchTopic, bus.ConsumeOptions{MaxBatch: 8}, s.dead.Handler(FetchGroup, s.fetch))
}

func (s *Service) fetch(ctx context.Context, m bus.Message) error {
	var job fetchJob
	if err := json.Unmarshal(m.Value, &job); err != nil {
		return bus.Permanent(fmt.Errorf("activitypub: undecodable fetch job: %w", err))
	}
	var err error
	switch job.Kind {
	case "outbox":
		var actor *account.Account
		actor, err = s.backfillOutbox(ctx, job.Actor)
		if err == nil && job.Follower != 0 {
			err = s.actions.FollowBackfilled(ctx, job.Follower, actor.ID)
		}
		if err == nil {
			err = s.syncFeatured(ctx, actor)
		}
	case "pictures":
		err = s.cachePictures(ctx, job.Actor)
	case "featured":
		var actor *account.Account
		if actor, err = s.RemoteAccount(ctx, job.Actor, false); err == nil {
			err = s.syncFeatured(ctx, actor)
		}
	case "replies":
		err = s.crawlReplies(ctx, job.Object, job.Refresh)
	default:
		return bus.Permanent(fmt.Errorf("activitypub: fetch job of unknown kind %q", job.Kind))
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.log.Info("activitypub: backfill failed", "actor", job.Actor, "object", job.Object, "err", err)
	}
	return nil
}

// backfillOutbox stores the public posts of the first outbox page of an actor.
func (s *Service) backfillOutbox(ctx context.Context, actorURI string) (*account.Account, error) {
	actor, err := s.RemoteAccount(ctx, actorURI, false)
	if err != nil {
		return nil, err
	}
	items, err := s.firstItems(ctx, actor.OutboxURL)
	if err != nil {
		return nil, err
	}
	stored := 0
	for _, it := range items {
		act, _ := it.(map[string]any)
		obj, _ := act["object"].(map[string]any)
		if str2(act, "type") != "Create" || obj == nil || idAny(act["actor"]) != actor.URI {
			continue
		}
		vis := addressedVisibility(asStrings(obj["to"]), asStrings(obj["cc"]), actor.FollowersURL, nil)
		if vis != "public" && vis != "unlisted" {
			continue
		}
		if _, err := s.storeNote(ctx, actor, obj); err != nil && !unusable(err) {
			return nil, err
		}
		if stored++; stored == backfillPosts {
			break
		}
	}
	return actor, nil
}

// unusable tells a remote object that cannot be had or kept (gone, invalid, refused),
// which a backfill or a sync passes over, from a failure that may pass.
func unusable(err error) bool {
	return errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrRefused)
}

// firstItems fetches a collection and returns the items of its first page (the
// collection's own when it has no pages).
func (s *Service) firstItems(ctx context.Context, uri string) ([]any, error) {
	coll, err := s.Fetch(ctx, uri)
	if err != nil {
		return nil, err
	}
	page := coll
	if first := coll["first"]; first != nil {
		if m, ok := first.(map[string]any); ok {
			page = m
		} else if page, err = s.Fetch(ctx, idAny(first)); err != nil {
			return nil, err
		}
	}
	items := asList(page["orderedItems"])
	if len(items) == 0 {
		items = asList(page["items"])
	}
	return items, nil
}
