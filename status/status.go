// Package status owns statuses and what people do with them: posting, editing,
// deleting, replies and threads, favourites, boosts, bookmarks and pins. It stores them
// through the store contract and announces changes on the bus `statuses` topic; it
// must not know HTTP, JSON entities, timelines or engines.
package status

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/recordcache"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

var (
	// ErrNotFound is returned for a status that does not exist or that the viewer may
	// not see (Mastodon answers 404 to both).
	ErrNotFound = errors.New("status: not found")
	// ErrForbidden is returned when the viewer may see the status but not do that.
	ErrForbidden = errors.New("status: not allowed")
)

// Validation is a user-facing validation failure (Mastodon answers 422).
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

func invalid(format string, args ...any) error {
	return &Validation{Msg: fmt.Sprintf(format, args...)}
}

// Visibility is who a status is addressed to, named as in the API (and stored so).
// Who may see it follows from that, and is the visibility package's to say.
type Visibility string

// The four visibilities.
const (
	Public   Visibility = "public"
	Unlisted Visibility = "unlisted"
	Private  Visibility = "private"
	Direct   Visibility = "direct"
)

// Valid reports whether v is one of the four visibilities.
func (v Visibility) Valid() bool {
	return v == Public || v == Unlisted || v == Private || v == Direct
}

// Status is one post, or a boost when ReblogOfID is set.
type Status struct {
	ID                 shard.ID   `cbor:"1,keyasint"`
	AccountID          shard.ID   `cbor:"2,keyasint"`
	URI                string     `cbor:"3,keyasint,omitempty"` // remote statuses only
	URL                string     `cbor:"4,keyasint,omitempty"`
	Text               string     `cbor:"5,keyasint,omitempty"` // source text
	Content            string     `cbor:"6,keyasint,omitempty"` // HTML
	SpoilerText        string     `cbor:"7,keyasint,omitempty"`
	Visibility         Visibility `cbor:"8,keyasint"`
	Sensitive          bool       `cbor:"9,keyasint,omitempty"`
	Language           string     `cbor:"10,keyasint,omitempty"`
	InReplyToID        shard.ID   `cbor:"11,keyasint,omitempty"`
	InReplyToAccountID shard.ID   `cbor:"12,keyasint,omitempty"`
	ReblogOfID         shard.ID   `cbor:"13,keyasint,omitempty"`
	Mentions           []shard.ID `cbor:"14,keyasint,omitempty"`
	Tags               []string   `cbor:"15,keyasint,omitempty"`
	CreatedAt          time.Time  `cbor:"16,keyasint"`
	EditedAt           time.Time  `cbor:"17,keyasint,omitempty"`
	AppName            string     `cbor:"18,keyasint,omitempty"`
	AppWebsite         string     `cbor:"19,keyasint,omitempty"`
	// Local is true for statuses posted on this server.
	Local bool `cbor:"20,keyasint,omitempty"`
	// ThreadID is the id of the thread's root (for conversation mutes).
	ThreadID shard.ID `cbor:"21,keyasint,omitempty"`
	// Poll is the question the status asks, if any; its id is the status's.
	Poll *poll.Poll `cbor:"22,keyasint,omitempty"`
	// MediaIDs are its attachments, in order.
	MediaIDs []shard.ID `cbor:"23,keyasint,omitempty"`
	// Quote is the status this one quotes, if any (quote.go).
	Quote *Quote `cbor:"24,keyasint,omitempty"`
	// QuotePolicy is who the author lets quote it; see EffectiveQuotePolicy.
	QuotePolicy QuotePolicy `cbor:"25,keyasint,omitempty"`
	// TagDisplays are the tags as the status spells them (Tags' order), for a tag's
	// display name on its first use; empty in statuses stored before it existed.
	TagDisplays []string `cbor:"26,keyasint,omitempty"`
	// RemoteMedia are the attachments of a remote status as its server describes
	// them, for CreateRemote to record (as MediaIDs); never stored.
	RemoteMedia []media.Remote `cbor:"-"`
}

// IsReply reports whether the status replies to someone else's status (a self-reply
// continues a thread and counts as a post, as in Mastodon's filters).
func (s *Status) IsReply() bool {
	return s.InReplyToID != 0 && s.InReplyToAccountID != s.AccountID
}

// Mentioned reports whether the account is mentioned.
func (s *Status) Mentioned(id shard.ID) bool {
	for _, m := range s.Mentions {
		if m == id {
			return true
		}
	}
	return false
}

// Counts are a status's counters.
type Counts struct{ Replies, Reblogs, Favourites, Quotes int64 }

// Counter names of the status_counters table.
const (
	countReplies    = "replies"
	countReblogs    = "reblogs"
	countFavourites = "favourites"
)

const (
	tStatuses    = "statuses"
	tByAccount   = "statuses_by_account"
	tCounts      = "status_counters"
	tReplies     = "status_replies"
	tEdits       = "status_edits"
	tIdempotency = "status_idempotency"
	tFavs        = "favourites"
	tFavsBy      = "favourited_by"
	tFavsOf      = "account_favourites"
	tReblogs     = "reblogs"
	tReblogsBy   = "reblogged_by"
	tBookmarks   = "bookmarks"
	tBookmarksOf = "account_bookmarks"
	tPins        = "pins"
	tPinsOf      = "account_pins"
	tThreadMutes = "thread_mutes"
	tOutbox      = "status_outbox"
)

// IdempotencyTTL is how long an Idempotency-Key is remembered, as Mastodon's.
const IdempotencyTTL = time.Hour

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return append(store.Schema{
		{Name: tStatuses}, {Name: tByAccount, Order: store.Desc}, {Name: tCounts, Kind: store.Counters},
		{Name: tReplies}, {Name: tEdits}, {Name: tIdempotency, TTL: IdempotencyTTL},
		{Name: tFavs}, {Name: tFavsBy, Order: store.Desc}, {Name: tFavsOf, Order: store.Desc},
		{Name: tReblogs}, {Name: tReblogsBy, Order: store.Desc},
		{Name: tBookmarks}, {Name: tBookmarksOf, Order: store.Desc},
		{Name: tPins}, {Name: tPinsOf, Order: store.Desc},
		{Name: tThreadMutes}, {Name: tOutbox}, {Name: tURIs}, {Name: tQuotes, Order: store.Desc}, {Name: tQuoteAuths},
		{Name: tTombstones, TTL: TombstoneTTL},
	}, poll.Schema()...)
}

// Topic is the bus topic of status events, keyed by author.
const Topic = "statuses"

// Accounts is the part of the account service that statuses need.
type Accounts interface {
	Get(ctx context.Context, id shard.ID) (*account.Account, error)
	User(ctx context.Context, id shard.ID) (*account.User, error)
	// LastStatusMutations are the writes that record that the account posted at t,
	// for the batch of the new status.
	LastStatusMutations(ctx context.Context, id shard.ID, t time.Time) ([]store.Mutation, error)
}

// Policy is the part of the visibility policy (package visibility) that statuses
// need: who may see a status, which of an author's statuses a listing shows, and who
// may boost or quote one.
type Policy interface {
	CanSee(ctx context.Context, viewer shard.ID, st *Status) (bool, error)
	Filter(ctx context.Context, viewer shard.ID, sts []*Status) ([]*Status, error)
	Listed(ctx context.Context, viewer, author shard.ID) ([]Visibility, error)
	Boostable(viewer shard.ID, st *Status) bool
	// Quotable reports whether viewer, who may see st, may quote it with the quote
	// accepted at once.
	Quotable(ctx context.Context, viewer shard.ID, st *Status) (bool, error)
}

// Notifier is the part of the notification service that statuses need.
type Notifier interface {
	Notify(ctx context.Context, to, from shard.ID, kind notification.Kind, statusID shard.ID) error
	Withdraw(ctx context.Context, to, from shard.ID, kind notification.Kind, statusID shard.ID) error
}

// Formatted is a status text turned into HTML, with what it refers to.
type Formatted struct {
	HTML     string
	Mentions []shard.ID
	Tags     []string
	// TagDisplays are Tags as the text spells them first, in Tags' order.
	TagDisplays []string
}

// Formatter renders status text; node wires it to the text package.
type Formatter interface {
	Format(ctx context.Context, text string) (Formatted, error)
	// Length counts the characters of a status and its content warning as Mastodon's
	// limit does (URLs in the text count as a fixed length).
	Length(spoiler, text string) int
}

// Options configure the service.
type Options struct {
	MaxCharacters int // default 500
	MaxPinned     int // default 5
	Polls         poll.Limits
	// Media keeps the attachments; nil: statuses carry none (media_ids are refused).
	Media Media
	Now   func() time.Time
	// Cache bounds the statuses this node keeps decoded for rendering (Cached);
	// zero: recordcache's defaults.
	Cache recordcache.Options
}

// Media is the part of the media service that statuses need.
type Media interface {
	Attach(ctx context.Context, account shard.ID, ids []shard.ID, statusID shard.ID) ([]*media.Attachment, error)
	AddRemote(ctx context.Context, account, statusID shard.ID, rs []media.Remote) ([]shard.ID, error)
	Release(ctx context.Context, ids []shard.ID, keep bool) error
	Amend(ctx context.Context, a *media.Attachment, c media.Change) error
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*media.Attachment, error)
	EditRemote(ctx context.Context, account, statusID shard.ID, old []shard.ID, rs []media.Remote) ([]shard.ID, error)
}

func (o Options) withDefaults() Options {
	if o.MaxCharacters == 0 {
		o.MaxCharacters = 500
	}
	if o.MaxPinned == 0 {
		o.MaxPinned = 5
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Polls = o.Polls.WithDefaults()
	return o
}

// Service is the status repository and its use cases.
type Service struct {
	st       store.Store
	bus      bus.Bus
	ids      *shard.Generator
	accounts Accounts
	policy   Policy
	notifier Notifier
	format   Formatter
	polls    *poll.Service
	opts     Options
	// cache keeps records for Cached; every write of a record here forgets it.
	cache  *recordcache.Cache[*Status]
	outbox *outbox
}

// New returns a service.
func New(st store.Store, b bus.Bus, ids *shard.Generator, accounts Accounts, p Policy, n Notifier, f Formatter, opts Options) *Service {
	return &Service{st: st, bus: b, ids: ids, accounts: accounts, policy: p, notifier: n, format: f,
		polls: poll.New(st), opts: opts.withDefaults(), cache: recordcache.New[*Status](opts.Cache),
		outbox: newOutbox(opts.withDefaults().Now)}
}

var empty = []byte{}

// Get returns one status, whoever may see it.
func (s *Service) Get(ctx context.Context, id shard.ID) (*Status, error) {
	b, err := s.st.Get(ctx, tStatuses, id.Bytes(), empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("status %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load status %d: %w", id, err)
	}
	var st Status
	if err := store.Unmarshal(b, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// GetMany returns the statuses of ids that exist, keyed by id.
func (s *Service) GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*Status, error) {
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = store.Key{PK: id.Bytes(), CK: empty}
	}
	vals, err := s.st.MultiGet(ctx, tStatuses, keys)
	if err != nil {
		return nil, fmt.Errorf("load statuses: %w", err)
	}
	out := make(map[shard.ID]*Status, len(vals))
	for _, v := range vals {
		if v == nil {
			continue
		}
		var st Status
		if err := store.Unmarshal(v, &st); err != nil {
			return nil, err
		}
		out[st.ID] = &st
	}
	return out, nil
}

// CacheStats counts the lookups of Cached's cache since the service was made.
func (s *Service) CacheStats() recordcache.Stats { return s.cache.Stats() }

// Cached returns the statuses of ids that exist, keyed by id, as GetMany does, but
// from this node's cache where it holds them: for rendering, where a record a moment
// old on another node's write is as good as Mastodon's own caches give. A write here
// forgets the record at once (a client reads its own writes), and node forgets those
// the event log tells of (Forget). Use cases that change a status read it with Get.
// Each status returned is a copy the caller may change, but not its slices, maps
// and poll, which are shared.
func (s *Service) Cached(ctx context.Context, ids []shard.ID) (map[shard.ID]*Status, error) {
	kept, err := s.cache.GetMany(ctx, ids, s.GetMany)
	if err != nil {
		return nil, err
	}
	for id, st := range kept {
		cp := *st
		kept[id] = &cp
	}
	return kept, nil
}

// Forget drops statuses from this node's cache (Cached), after a write elsewhere.
func (s *Service) Forget(ids ...shard.ID) { s.cache.Forget(ids...) }

// ForgetEvent drops from this node's cache the status an event of the statuses
// topic changed; created statuses were not cached, since they did not exist.
func (s *Service) ForgetEvent(e Event) {
	if e.Kind != Created {
		s.cache.Forget(e.StatusID)
	}
}

// Counts returns the counters of statuses, in order.
func (s *Service) Counts(ctx context.Context, ids []shard.ID) ([]Counts, error) {
	keys := make([]store.Key, 0, 4*len(ids))
	for _, id := range ids {
		pk := id.Bytes() // the keys of a status share it: the store only reads keys
		for _, c := range []string{countReplies, countReblogs, countFavourites, countQuotes} {
			keys = append(keys, store.Key{PK: pk, CK: []byte(c)})
		}
	}
	vals, err := s.st.Counters(ctx, tCounts, keys)
	if err != nil {
		return nil, fmt.Errorf("load status counters: %w", err)
	}
	out := make([]Counts, len(ids))
	for i := range ids {
		out[i] = Counts{Replies: max(vals[4*i], 0), Reblogs: max(vals[4*i+1], 0), Favourites: max(vals[4*i+2], 0),
			Quotes: max(vals[4*i+3], 0)}
	}
	return out, nil
}

func countMutation(id shard.ID, counter string, delta int64) store.Mutation {
	return store.Mutation{Kind: store.Add, Table: tCounts, PK: id.Bytes(), CK: []byte(counter), Delta: delta}
}

// Visible returns a status the viewer may see, or ErrNotFound. A boost is visible
// when its original is too (and exists): every use case acts on the original.
func (s *Service) Visible(ctx context.Context, viewer, id shard.ID) (*Status, error) {
	st, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.mustSee(ctx, viewer, st); err != nil {
		return nil, err
	}
	if st.ReblogOfID != 0 {
		orig, err := s.Get(ctx, st.ReblogOfID)
		if err != nil {
			return nil, err
		}
		if err := s.mustSee(ctx, viewer, orig); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func (s *Service) mustSee(ctx context.Context, viewer shard.ID, st *Status) error {
	ok, err := s.policy.CanSee(ctx, viewer, st)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("status %d hidden from %d: %w", st.ID, viewer, ErrNotFound)
	}
	return nil
}
