// Package card owns link preview cards, as Mastodon's FetchLinkCardService: the card
// of a URL (OpenGraph, Twitter card and plain HTML meta of the page, parse.go), the
// card a status shows, and the fetch, off the request path, by a consumer of the
// `statuses` topic (fetch.go) that takes the first link of a created or edited
// status, local or remote, that is not a mention, a hashtag or a link to this server,
// and fetches its page through the outbound HTTP client it is given (which guards the
// addresses it reaches). A card fetched for a URL within two weeks is reused. Card
// images are recorded by URL only, never downloaded. It must not know the doors
// (HTTP handlers, federation) or engines.
package card

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// Type is a card's type, named as Mastodon's PreviewCard types.
type Type string

// The types.
const (
	Link  Type = "link"
	Photo Type = "photo"
	Video Type = "video"
	Rich  Type = "rich"
)

// Author is one author of the page, from its fediverse:creator meta.
type Author struct {
	Name    string `cbor:"1,keyasint,omitempty"`
	URL     string `cbor:"2,keyasint,omitempty"`
	Account string `cbor:"3,keyasint,omitempty"` // the handle, as @user@domain
}

// Card is the preview of one page.
type Card struct {
	URL              string    `cbor:"1,keyasint"`
	Title            string    `cbor:"2,keyasint,omitempty"`
	Description      string    `cbor:"3,keyasint,omitempty"`
	Type             Type      `cbor:"4,keyasint"`
	AuthorName       string    `cbor:"5,keyasint,omitempty"`
	AuthorURL        string    `cbor:"6,keyasint,omitempty"`
	ProviderName     string    `cbor:"7,keyasint,omitempty"`
	ProviderURL      string    `cbor:"8,keyasint,omitempty"`
	HTML             string    `cbor:"9,keyasint,omitempty"` // always empty: no oEmbed yet
	Width            int       `cbor:"10,keyasint,omitempty"`
	Height           int       `cbor:"11,keyasint,omitempty"`
	Image            string    `cbor:"12,keyasint,omitempty"` // the image's URL, not downloaded
	ImageDescription string    `cbor:"13,keyasint,omitempty"`
	EmbedURL         string    `cbor:"14,keyasint,omitempty"`
	Blurhash         string    `cbor:"15,keyasint,omitempty"`
	Language         string    `cbor:"16,keyasint,omitempty"`
	PublishedAt      time.Time `cbor:"17,keyasint,omitempty"`
	Authors          []Author  `cbor:"18,keyasint,omitempty"`
	// FetchedAt is when the page was fetched.
	FetchedAt time.Time `cbor:"19,keyasint"`
	// None records a page that gave no card, so that it is not fetched again soon.
	None bool `cbor:"20,keyasint,omitempty"`
}

const (
	tByURL    = "card_by_url"    // URL → Card (None when the page gave none)
	tByStatus = "card_by_status" // status id → Card, as shown
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tByURL, TTL: 30 * 24 * time.Hour}, {Name: tByStatus}}
}

// Group is the consumer group of the card fetchers, on status.Topic.
const Group = "cards"

// Statuses is the part of the status service that the fetcher needs.
type Statuses interface {
	Get(ctx context.Context, id shard.ID) (*status.Status, error)
}

// DeadLetters is the part of deadletter.Keeper that the fetcher needs.
type DeadLetters interface {
	Handler(group string, each deadletter.Each) bus.Handler
}

// Options tune the service.
type Options struct {
	// Domain is this server's host; links to it are never carded.
	Domain string
	// HTTP is the outbound client pages are fetched with; it must guard the addresses
	// it reaches (activitypub.NewHTTPClient does). Default a client that fetches nothing.
	HTTP *http.Client
	// MaxBody caps a page; default 1 MiB. A larger page gives no card.
	MaxBody int64
	// Timeout bounds one fetch; default 10s.
	Timeout time.Duration
	// Reuse is how long a URL's card is reused instead of fetched; default 2 weeks.
	Reuse time.Duration
	// UserAgent names Herd to the pages' servers.
	UserAgent string
	// DeadLetters sets aside events that can never be processed; default a
	// deadletter.Keeper on the service's store.
	DeadLetters DeadLetters
	// Logger receives fetch failures; default slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.MaxBody == 0 {
		o.MaxBody = 1 << 20
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Reuse == 0 {
		o.Reuse = 14 * 24 * time.Hour
	}
	if o.UserAgent == "" {
		o.UserAgent = "Herd"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Service keeps cards and fetches them.
type Service struct {
	st       store.Store
	bus      bus.Bus
	statuses Statuses
	opts     Options
}

// New returns a service.
func New(st store.Store, b bus.Bus, statuses Statuses, opts Options) *Service {
	opts = opts.withDefaults()
	if opts.DeadLetters == nil {
		opts.DeadLetters = deadletter.New(st, deadletter.Options{Logger: opts.Logger})
	}
	return &Service{st: st, bus: b, statuses: statuses, opts: opts}
}

// ForStatuses returns the cards of the statuses that have one, keyed by status id,
// in one read.
func (s *Service) ForStatuses(ctx context.Context, ids []shard.ID) (map[shard.ID]*Card, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = store.Key{PK: id.Bytes(), CK: empty}
	}
	vals, err := s.st.MultiGet(ctx, tByStatus, keys)
	if err != nil {
		return nil, fmt.Errorf("load cards: %w", err)
	}
	out := make(map[shard.ID]*Card, len(vals))
	for i, v := range vals {
		if v == nil {
			continue
		}
		var c Card
		if err := store.Unmarshal(v, &c); err != nil {
			return nil, fmt.Errorf("card of status %d: %w", ids[i], err)
		}
		out[ids[i]] = &c
	}
	return out, nil
}

var empty = []byte{}
