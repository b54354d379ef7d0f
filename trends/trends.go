// Package trends owns Mastodon's trends: the hashtags, links and statuses that many
// distinct accounts use now, and their review by moderators. A consumer of the
// `statuses` topic (count.go) counts, per item and per UTC day, the distinct accounts
// that used it in an eligible status (public, by an account that is discoverable and
// not limited; links and statuses also not sensitive and without a content warning),
// and lists an item that reached a few accounts in the day's bounded candidates
// partition. Ranking (rank.go) happens on read, over today's and yesterday's
// candidates only, with Mastodon's score (accounts today against yesterday's, a
// decaying maximum) and review (an item is shown once approved, unless the options
// trust new items). It must not know HTTP or engines.
package trends

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// Kind is the kind of a trending item.
type Kind byte

// The kinds; a publisher is the domain of links.
const (
	Tag       Kind = 't'
	Link      Kind = 'l'
	Status    Kind = 's'
	Publisher Kind = 'p'
	// Account is an author's trendability: its statuses that no moderator reviewed
	// follow it, as Mastodon's Account#trendable.
	Account Kind = 'a'
)

// State is a moderator's review of an item.
type State uint8

// The states.
const (
	Pending State = iota
	Approved
	Rejected
)

const (
	tAccounts   = "trends_accounts"      // kind ‖ key ‖ 0 ‖ day → account id → — (counted once)
	tUses       = "trends_uses"          // kind ‖ key ‖ 0 ‖ day → status id → — (counted once)
	tCounts     = "trends_counts"        // kind ‖ key → day ‖ 0 (uses) or 1 (accounts) → counter
	tCandidates = "trends_candidates"    // kind ‖ day → key → — (the items that may trend)
	tItems      = "trends_items"         // kind ‖ key → — → Item
	tIDs        = "trends_ids"           // item id → — → kind ‖ key
	tLinkPosts  = "trends_link_statuses" // URL → status id (Desc) → author
	markerTTL   = 9 * 24 * time.Hour     // rows that make counting idempotent, and the link's statuses
	dayTTL      = 3 * 24 * time.Hour     // candidates: today and yesterday are read
	historyDays = 7
	secondsDay  = int64(24 * time.Hour / time.Second)
	countUses   = byte(0)
	countAccts  = byte(1)
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return append(store.Schema{{Name: tAccounts, TTL: markerTTL}, {Name: tUses, TTL: markerTTL}, {Name: tCounts, Kind: store.Counters},
		{Name: tCandidates, TTL: dayTTL}, {Name: tItems}, {Name: tIDs}, {Name: tLinkPosts, Order: store.Desc, TTL: markerTTL}}, dashTables()...)
}

// ErrNotFound is an item id that names no item of the kind asked.
var ErrNotFound = errors.New("trends: not found")

// Group is the consumer group of the counters, on status.Topic.
const Group = "trends"

// Item is the record of an item that became a candidate once: its id (a tag's id, a
// status's id, a fresh one for a link or a publisher) and its review.
type Item struct {
	ID          shard.ID  `cbor:"1,keyasint"`
	State       State     `cbor:"2,keyasint,omitempty"`
	RequestedAt time.Time `cbor:"3,keyasint"`
	ReviewedAt  time.Time `cbor:"4,keyasint,omitempty"`
	// Author is a status's author (0 for other kinds, and for statuses recorded
	// before authors were).
	Author shard.ID `cbor:"5,keyasint,omitempty"`
	// AuthorState is the review of a status's author, filled by Rank; not stored.
	AuthorState State `cbor:"-"`
	// Key is the item's name, URL, status id (8 bytes) or domain; not stored.
	Key  string `cbor:"-"`
	Kind Kind   `cbor:"-"`
}

// Statuses is the part of the status service that trends needs.
type Statuses interface {
	Get(ctx context.Context, id shard.ID) (*status.Status, error)
	Counts(ctx context.Context, ids []shard.ID) ([]status.Counts, error)
	ByAccount(ctx context.Context, viewer, author shard.ID, p paging.Page, f status.AccountFilter) ([]shard.ID, error)
}

// Accounts is the part of the account service that trends needs.
type Accounts interface {
	Get(ctx context.Context, id shard.ID) (*account.Account, error)
}

// Tags is the part of the hashtag service that trends needs: a tag's id, and which
// tags moderators made unusable (they are not counted, as Mastodon's).
type Tags interface {
	Ensure(ctx context.Context, name string) (*hashtag.Tag, error)
	Disallowed(ctx context.Context, names []string) ([]string, error)
}

// DeadLetters is the part of deadletter.Keeper that the consumer needs.
type DeadLetters interface {
	Handler(group string, each deadletter.Each) bus.Handler
}

// Options tune the service; the defaults are Mastodon's.
type Options struct {
	// Domain is this server's host; links to it do not trend.
	Domain string
	// TrendableByDefault shows items that no moderator reviewed yet; default false,
	// as Mastodon: an item trends only once approved.
	TrendableByDefault bool
	// Threshold is the distinct accounts (for a status: boosts and favourites) an
	// item needs in a day to score; default 5.
	Threshold int64
	// Candidate is the distinct accounts that make an item a candidate of the day;
	// default 2, which keeps the day's partition to items that more than one
	// account used.
	Candidate int64
	// Limited reports an author whose posts stay out of public listings (silenced
	// or suspended, or of a limited domain); default the account's own flags.
	Limited func(ctx context.Context, a *account.Account) (bool, error)
	// CacheFor is how long a node reuses its ranking of a kind; default 5 s. A
	// review on the node clears it.
	CacheFor time.Duration
	// DeadLetters sets aside events that can never be processed; default a keeper
	// on the service's store.
	DeadLetters DeadLetters
	Logger      *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Threshold == 0 {
		o.Threshold = 5
	}
	if o.CacheFor == 0 {
		o.CacheFor = 5 * time.Second
	}
	if o.Candidate == 0 {
		o.Candidate = 2
	}
	if o.Limited == nil {
		o.Limited = func(_ context.Context, a *account.Account) (bool, error) { return a.Silenced || a.Suspended, nil }
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Service counts and ranks trends.
type Service struct {
	st       store.Store
	bus      bus.Bus
	ids      *shard.Generator
	statuses Statuses
	accounts Accounts
	tags     Tags
	opts     Options
	cache    rankCache
}

// New returns the service.
func New(st store.Store, b bus.Bus, ids *shard.Generator, statuses Statuses, accounts Accounts, tags Tags, opts Options) *Service {
	opts = opts.withDefaults()
	if opts.DeadLetters == nil {
		opts.DeadLetters = deadletter.New(st, deadletter.Options{Logger: opts.Logger})
	}
	return &Service{st: st, bus: b, ids: ids, statuses: statuses, accounts: accounts, tags: tags, opts: opts}
}

var empty = []byte{}

func dayOf(t time.Time) int64 { return t.Unix() / secondsDay }

func itemKey(k Kind, key string) []byte { return append([]byte{byte(k)}, key...) }

func dayPK(k Kind, key string, d int64) []byte {
	return append(append(itemKey(k, key), 0), be32(d)...)
}

func be32(d int64) []byte { return []byte{byte(d >> 24), byte(d >> 16), byte(d >> 8), byte(d)} }

func countKey(d int64, what byte) []byte { return append(be32(d), what) }

// items loads the records of keys of kind k, in order; nil for an item never a
// candidate.
func (s *Service) items(ctx context.Context, k Kind, keys []string) ([]*Item, error) {
	sk := make([]store.Key, len(keys))
	for i, key := range keys {
		sk[i] = store.Key{PK: itemKey(k, key), CK: empty}
	}
	vals, err := s.st.MultiGet(ctx, tItems, sk)
	if err != nil {
		return nil, fmt.Errorf("load trend items: %w", err)
	}
	out := make([]*Item, len(vals))
	for i, v := range vals {
		if v == nil {
			continue
		}
		var it Item
		if err := store.Unmarshal(v, &it); err != nil {
			return nil, err
		}
		it.Key, it.Kind = keys[i], k
		out[i] = &it
	}
	return out, nil
}

// ensureItem records an item the first time it is a candidate, with the id given
// (0: a fresh one) and, for a status, its author, and indexes it by id. Two nodes
// racing keep the first record.
func (s *Service) ensureItem(ctx context.Context, k Kind, key string, id, author shard.ID) (*Item, error) {
	if id == 0 {
		id = s.ids.Next()
	}
	it := &Item{ID: id, RequestedAt: s.opts.Now().UTC(), Author: author}
	b, err := store.Marshal(it)
	if err != nil {
		return nil, err
	}
	wrote, had, err := s.st.PutIfAbsent(ctx, tItems, itemKey(k, key), empty, b, 0)
	if err != nil {
		return nil, fmt.Errorf("record trend item: %w", err)
	}
	if !wrote {
		it = &Item{}
		if err := store.Unmarshal(had, it); err != nil {
			return nil, err
		}
	}
	if err := s.st.Put(ctx, tIDs, it.ID.Bytes(), empty, itemKey(k, key), 0); err != nil {
		return nil, fmt.Errorf("index trend item: %w", err)
	}
	it.Key, it.Kind = key, k
	return it, nil
}

// Review sets the state of the item of kind k with the id given (approve or
// reject, as a moderator does) and returns it.
func (s *Service) Review(ctx context.Context, k Kind, id shard.ID, state State) (*Item, error) {
	b, err := s.st.Get(ctx, tIDs, id.Bytes(), empty)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (len(b) == 0 || Kind(b[0]) != k)) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find trend item %d: %w", id, err)
	}
	its, err := s.items(ctx, k, []string{string(b[1:])})
	if err != nil {
		return nil, err
	}
	it := its[0]
	if it == nil {
		return nil, ErrNotFound
	}
	it.State, it.ReviewedAt = state, s.opts.Now().UTC()
	v, err := store.Marshal(it)
	if err != nil {
		return nil, err
	}
	if err := s.st.Put(ctx, tItems, b, empty, v, 0); err != nil {
		return nil, fmt.Errorf("review trend item %d: %w", id, err)
	}
	s.cache.clear()
	return it, nil
}

// Allowed reports whether an item may be shown: approved, or not reviewed when
// the options trust new items. A status not reviewed itself follows its author's
// review, as Mastodon's Status#trendable.
func (s *Service) Allowed(it *Item) bool {
	if it == nil {
		return false
	}
	if it.State == Pending && it.Kind == Status && it.AuthorState != Pending {
		return it.AuthorState == Approved
	}
	return it.State == Approved || (it.State == Pending && s.opts.TrendableByDefault)
}

// RequiresReview reports whether no moderator reviewed an item yet (for a status:
// neither it nor its author), as Mastodon's requires_review.
func RequiresReview(it *Item) bool {
	return it.State == Pending && (it.Kind != Status || it.AuthorState == Pending)
}

// Reviewed reports, for each key of kind k, whether a moderator reviewed its item
// (approved or rejected it), as Mastodon's reviewed scope of tags; an item never a
// candidate was never reviewed.
func (s *Service) Reviewed(ctx context.Context, k Kind, keys []string) ([]bool, error) {
	its, err := s.items(ctx, k, keys)
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(its))
	for i, it := range its {
		out[i] = it != nil && !it.ReviewedAt.IsZero()
	}
	return out, nil
}

// ReviewAccount sets whether the statuses of an account may trend without each
// being reviewed (Mastodon's "allow author" and "disallow author"); a status's own
// review still comes first.
func (s *Service) ReviewAccount(ctx context.Context, acct shard.ID, state State) (*Item, error) {
	if _, err := s.ensureItem(ctx, Account, string(acct.Bytes()), acct, 0); err != nil {
		return nil, err
	}
	return s.Review(ctx, Account, acct, state)
}

// AccountReview returns the review of an account's trendability (Pending when
// never reviewed).
func (s *Service) AccountReview(ctx context.Context, acct shard.ID) (State, error) {
	its, err := s.items(ctx, Account, []string{string(acct.Bytes())})
	if err != nil || its[0] == nil {
		return Pending, err
	}
	return its[0].State, nil
}

// withAuthors fills the author's review of the statuses given that have one.
func (s *Service) withAuthors(ctx context.Context, its []*Item) error {
	var keys []string
	for _, it := range its {
		if it != nil && it.Author != 0 {
			keys = append(keys, string(it.Author.Bytes()))
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	accs, err := s.items(ctx, Account, keys)
	if err != nil {
		return err
	}
	states := make(map[shard.ID]State, len(keys))
	for i, a := range accs {
		if a != nil {
			states[shard.FromBytes([]byte(keys[i]))] = a.State
		}
	}
	for _, it := range its {
		if it != nil {
			it.AuthorState = states[it.Author]
		}
	}
	return nil
}

// ReviewTag sets whether the tag named name (of id, the tag's) may trend, recording
// its item if the tag was never a candidate, as Mastodon's trendable of a tag.
func (s *Service) ReviewTag(ctx context.Context, name string, id shard.ID, state State) (*Item, error) {
	if _, err := s.ensureItem(ctx, Tag, name, id, 0); err != nil {
		return nil, err
	}
	return s.Review(ctx, Tag, id, state)
}

// MarkTagReviewed takes a tag as reviewed, as Mastodon's admin update of a tag sets
// its reviewed_at, without changing whether it may trend: a tag not yet reviewed is
// approved when new items may trend unreviewed (Options.TrendableByDefault) and
// rejected otherwise; a reviewed tag keeps its review.
func (s *Service) MarkTagReviewed(ctx context.Context, name string, id shard.ID) (*Item, error) {
	its, err := s.items(ctx, Tag, []string{name})
	if err != nil {
		return nil, err
	}
	if its[0] != nil && its[0].State != Pending {
		return its[0], nil
	}
	state := Rejected
	if s.opts.TrendableByDefault {
		state = Approved
	}
	return s.ReviewTag(ctx, name, id, state)
}

// TagItems returns the items of the tags named, in order; nil for a tag never a
// candidate nor reviewed.
func (s *Service) TagItems(ctx context.Context, names []string) ([]*Item, error) {
	return s.items(ctx, Tag, names)
}
