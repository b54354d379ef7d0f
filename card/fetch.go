package card

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// Errors of a fetch that gives no card.
var (
	ErrNotHTML  = errors.New("card: page is not HTML")
	ErrTooLarge = errors.New("card: page too large")
	ErrNoTitle  = errors.New("card: page has no title")
)

// Run consumes the statuses topic in its own group until ctx is done. An event that
// can never be processed is set aside as a dead letter; a page that cannot be fetched
// only gives no card.
func (s *Service) Run(ctx context.Context) error {
	return s.bus.Consume(ctx, Group, status.Topic, bus.ConsumeOptions{}, s.opts.DeadLetters.Handler(Group, s.handle))
}

func (s *Service) handle(ctx context.Context, m bus.Message) error {
	e, err := status.DecodeEvent(m)
	if err != nil {
		return fmt.Errorf("card: event: %w", err)
	}
	if err := s.Apply(ctx, e); err != nil {
		return fmt.Errorf("card for %s %d: %w", e.Kind, e.StatusID, err)
	}
	return nil
}

// Apply processes one event: a created or edited status gets the card of its first
// link (or loses its card when it has none now); a deleted one loses its card.
// Applying it again changes nothing but may fetch a page once more.
func (s *Service) Apply(ctx context.Context, e status.Event) error {
	switch e.Kind {
	case status.Created, status.Updated:
	case status.Deleted:
		return s.unlink(ctx, e.StatusID)
	default:
		return nil
	}
	st, err := s.statuses.Get(ctx, e.StatusID)
	if errors.Is(err, status.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.ReblogOfID != 0 {
		return nil
	}
	link := FirstLink(st.Content, s.opts.Domain)
	if link == "" {
		return s.unlink(ctx, st.ID)
	}
	c, err := s.ForURL(ctx, link)
	if err != nil {
		return err
	}
	if c.None {
		return s.unlink(ctx, st.ID)
	}
	return s.put(ctx, tByStatus, st.ID.Bytes(), c)
}

// ForURL returns the card of a URL: the one recorded, if fetched within Reuse, or a
// new fetch of the page, recorded. A page that gives no card gives a card with None.
func (s *Service) ForURL(ctx context.Context, link string) (*Card, error) {
	b, err := s.st.Get(ctx, tByURL, []byte(link), empty)
	switch {
	case err == nil:
		var c Card
		if err := store.Unmarshal(b, &c); err == nil && s.opts.Now().Sub(c.FetchedAt) < s.opts.Reuse {
			return &c, nil
		}
	case !errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("load card of %s: %w", link, err)
	}
	c, err := s.fetch(ctx, link)
	if err != nil {
		s.opts.Logger.Info("card: no card", "url", link, "err", err)
		c = &Card{URL: link, Type: Link, None: true}
	}
	c.FetchedAt = s.opts.Now()
	if err := s.put(ctx, tByURL, []byte(link), c); err != nil {
		return nil, err
	}
	return c, nil
}

// fetch gets a page and parses its card: text/html only, at most MaxBody bytes, in
// Timeout, through the guarded client.
func (s *Service) fetch(ctx context.Context, link string) (*Card, error) {
	if s.opts.HTTP == nil {
		return nil, errors.New("card: no HTTP client")
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	req.Header.Set("User-Agent", s.opts.UserAgent)
	resp, err := s.opts.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("card: %s answered %s", link, resp.Status)
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil ||
		(mt != "text/html" && mt != "application/xhtml+xml") {
		return nil, fmt.Errorf("%w: %q", ErrNotHTML, resp.Header.Get("Content-Type"))
	}
	if resp.ContentLength > s.opts.MaxBody {
		return nil, ErrTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, s.opts.MaxBody+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > s.opts.MaxBody {
		return nil, ErrTooLarge
	}
	page, err := url.Parse(link)
	if err != nil {
		return nil, err
	}
	c, ok := Parse(body, page)
	if !ok {
		return nil, ErrNoTitle
	}
	return c, nil
}

func (s *Service) unlink(ctx context.Context, id shard.ID) error {
	if err := s.st.Delete(ctx, tByStatus, id.Bytes(), empty); err != nil {
		return fmt.Errorf("remove card of status %d: %w", id, err)
	}
	return nil
}

func (s *Service) put(ctx context.Context, table string, pk []byte, c *Card) error {
	b, err := store.Marshal(c)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, table, pk, empty, b, 0); err != nil {
		return fmt.Errorf("save card of %s: %w", c.URL, err)
	}
	return nil
}
