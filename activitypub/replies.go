package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/asyncrefresh"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// The bounds of one crawl of a thread's replies, Mastodon's (FetchAllRepliesWorker's
// MAX_REPLIES and MAX_PAGES, FETCH_REPLIES_MAX_SINGLE): replies found in the whole
// tree, collection pages fetched, and items read from one collection.
const (
	maxCrawlReplies    = 1000
	maxCrawlPages      = 500
	maxCollectionItems = 500
)

// repliesCooldown is how long after a crawl of a status's replies none is started
// again (Mastodon's FETCH_REPLIES_COOLDOWN_MINUTES).
const repliesCooldown = 15 * time.Minute

// tRepliesFetched holds a row per remote status whose replies were crawled within
// repliesCooldown: uri → nothing, expiring with the cooldown. Taking the row with
// insert-if-absent is what makes one crawl start, whichever node is asked.
const tRepliesFetched = "replies_fetched"

// Refreshes is the part of asyncrefresh.Keeper that the replies crawl reports to.
type Refreshes interface {
	Get(ctx context.Context, key string) (*asyncrefresh.Refresh, error)
	Start(ctx context.Context, key string) (*asyncrefresh.Refresh, error)
	Progress(ctx context.Context, key string, count int) error
	Finish(ctx context.Context, key string, count int) error
}

// RefreshReplies starts, when it is due, a background crawl of the replies of a remote
// status someone opens, as Mastodon 4.5 does for the context of a status. It returns
// the refresh that is running for the status's thread (the one started now or an
// earlier one), or nil when none is: a local status, or replies crawled within the
// cooldown.
func (s *Service) RefreshReplies(ctx context.Context, st *status.Status) (*asyncrefresh.Refresh, error) {
	if st.Local || st.URI == "" || s.isLocal(st.URI) {
		return nil, nil
	}
	key := "context:" + st.ID.String()
	r, err := s.refreshes.Get(ctx, key)
	if err == nil && r.State == asyncrefresh.Running {
		return r, nil
	}
	if err != nil && !errors.Is(err, asyncrefresh.ErrNotFound) {
		return nil, err
	}
	if due, err := s.takeReplies(ctx, st.URI); err != nil || !due {
		return nil, err
	}
	if r, err = s.refreshes.Start(ctx, key); err != nil {
		return nil, s.untakeReplies(ctx, st.URI, err)
	}
	b, err := json.Marshal(fetchJob{Kind: "replies", Object: st.URI, Refresh: key})
	if err == nil {
		err = s.bus.Publish(ctx, bus.Message{Topic: FetchTopic, Key: []byte(st.URI), Value: b})
	}
	if err != nil {
		s.refreshes.Finish(ctx, key, 0) // nothing will run it
		return nil, s.untakeReplies(ctx, st.URI, fmt.Errorf("queue replies of %s: %w", st.URI, err))
	}
	return r, nil
}

// takeReplies reports whether the replies of uri are due for a crawl, and if so marks
// them crawled for the cooldown.
func (s *Service) takeReplies(ctx context.Context, uri string) (bool, error) {
	won, _, err := s.st.PutIfAbsent(ctx, tRepliesFetched, []byte(uri), []byte{}, []byte{}, repliesCooldown)
	return won, err
}

// untakeReplies clears the cooldown taken for a crawl that could not be queued, and
// returns the error that stopped it.
func (s *Service) untakeReplies(ctx context.Context, uri string, cause error) error {
	if err := s.st.Delete(ctx, tRepliesFetched, []byte(uri), []byte{}); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}

// crawlReplies walks the replies of a remote status, the replies of those replies and
// so on, within the crawl's bounds, and stores the replies it does not hold as an
// incoming Create would. A reply held already is walked into only when its own
// replies are due. With a refresh key, it records its count of new replies as it goes
// and finishes the refresh at the end, whatever the walk met (a crash before the end
// redelivers the job).
func (s *Service) crawlReplies(ctx context.Context, uri, key string) error {
	c := &replyCrawl{s: s, key: key, seen: map[string]bool{uri: true}, pages: map[string]bool{}}
	doc, err := s.Fetch(ctx, uri)
	if err == nil {
		err = c.walk(ctx, doc)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if key != "" {
		if ferr := s.refreshes.Finish(ctx, key, c.stored); ferr != nil {
			return errors.Join(err, ferr)
		}
	}
	return err
}

// replyCrawl is the state of one crawl.
type replyCrawl struct {
	s      *Service
	key    string
	seen   map[string]bool // statuses met
	pages  map[string]bool // collection documents fetched
	stored int             // new statuses stored
}

// walk reads the replies collection of each note in turn, depth first.
func (c *replyCrawl) walk(ctx context.Context, root map[string]any) error {
	notes := []map[string]any{root}
	for len(notes) > 0 && len(c.pages) < maxCrawlPages && len(c.seen) <= maxCrawlReplies {
		note := notes[len(notes)-1]
		notes = notes[:len(notes)-1]
		uris, err := c.collection(ctx, str2(note, "id"), note["replies"])
		if err != nil {
			if ctx.Err() != nil || len(c.seen) == 1 {
				return err
			}
			c.s.log.Info("activitypub: read replies", "note", str2(note, "id"), "err", err)
		}
		before := c.stored
		for _, uri := range uris {
			if len(c.seen) > maxCrawlReplies {
				break
			}
			if c.seen[uri] {
				continue
			}
			c.seen[uri] = true
			next, err := c.reply(ctx, uri)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				c.s.log.Info("activitypub: fetch reply", "uri", uri, "err", err)
			}
			if next != nil {
				notes = append(notes, next)
			}
		}
		if c.key != "" && c.stored != before {
			if err := c.s.refreshes.Progress(ctx, c.key, c.stored); err != nil {
				return err
			}
		}
	}
	return nil
}

// reply stores the reply at uri if it is new, and returns its document when its own
// replies are to be walked.
func (c *replyCrawl) reply(ctx context.Context, uri string) (map[string]any, error) {
	if c.s.isLocal(uri) {
		return nil, nil // ours: its replies are here already
	}
	_, err := c.s.statuses.ByURI(ctx, uri)
	known := err == nil
	if err != nil && !errors.Is(err, status.ErrNotFound) {
		return nil, err
	}
	if due, err := c.s.takeReplies(ctx, uri); err != nil || (known && !due) {
		return nil, err
	}
	doc, err := c.s.Fetch(ctx, uri)
	if err != nil {
		return nil, err
	}
	if !known {
		if _, err := c.s.fetchedNote(ctx, uri, doc); err != nil {
			if errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrRefused) {
				return nil, nil
			}
			return nil, err
		}
		c.stored++
	}
	if str2(doc, "id") != uri { // stored from its own host; not walked from this one
		return nil, nil
	}
	return doc, nil
}

// collection returns the item ids of the replies collection v of the note noteURI
// (embedded or named by id), page after page, within the crawl's bounds. Its
// documents must be on the note's host.
func (c *replyCrawl) collection(ctx context.Context, noteURI string, v any) ([]string, error) {
	var out []string
	page, err := c.page(ctx, noteURI, v)
	if page == nil || err != nil {
		return nil, err
	}
	if first, ok := page["first"]; ok && page["type"] != "CollectionPage" && page["type"] != "OrderedCollectionPage" {
		if page, err = c.page(ctx, noteURI, first); page == nil || err != nil {
			return nil, err
		}
	}
	for {
		for _, it := range append(asList(page["orderedItems"]), asList(page["items"])...) {
			if id := idAny(it); id != "" && len(out) < maxCollectionItems {
				out = append(out, id)
			}
		}
		if len(out) >= maxCollectionItems || page["next"] == nil {
			return out, nil
		}
		if page, err = c.page(ctx, noteURI, page["next"]); page == nil || err != nil {
			return out, err
		}
	}
}

// page returns a collection document, embedded or fetched by id, or nil once the
// crawl's page budget is spent or for a page already read.
func (c *replyCrawl) page(ctx context.Context, noteURI string, v any) (map[string]any, error) {
	if m, ok := v.(map[string]any); ok && (m["items"] != nil || m["orderedItems"] != nil || m["first"] != nil || m["next"] != nil) {
		return m, nil
	}
	id := idAny(v)
	if id == "" || c.pages[id] || len(c.pages) >= maxCrawlPages {
		return nil, nil
	}
	if !sameHost(id, noteURI) {
		return nil, fmt.Errorf("%w: replies page %s is not on the host of %s", ErrInvalid, id, noteURI)
	}
	c.pages[id] = true
	return c.s.Fetch(ctx, id)
}

func repliesSchema() store.Schema { return store.Schema{{Name: tRepliesFetched, TTL: repliesCooldown}} }
