// Package account owns accounts (local and remote), local users and their credentials,
// and the relationships between accounts: follows, follow requests, blocks and mutes,
// domain blocks, private notes and endorsements; and the indexes that find accounts
// (a prefix index of handles, the profile directory).
// It sits on the store contract and must not know HTTP, JSON entities or engines.
package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/herd-social/herd/recordcache"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

var (
	// ErrNotFound is returned for an account or user that does not exist.
	ErrNotFound = errors.New("account: not found")
	// ErrUsernameTaken is returned when registering a username already in use.
	ErrUsernameTaken = errors.New("account: username taken")
	// ErrEmailTaken is returned when registering an email already in use.
	ErrEmailTaken = errors.New("account: email taken")
	// ErrBadCredentials is returned when a password does not match.
	ErrBadCredentials = errors.New("account: invalid credentials")
	// ErrSelf is returned for a relationship of an account with itself.
	ErrSelf = errors.New("account: cannot do that to yourself")
	// ErrBlocked is returned when a block forbids the action.
	ErrBlocked = errors.New("account: blocked")
)

// Validation is a user-facing validation failure (Mastodon answers 422).
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

func invalid(format string, args ...any) error {
	return &Validation{Msg: fmt.Sprintf(format, args...)}
}

// Field is a profile metadata field; Value is HTML.
type Field struct {
	Name       string    `cbor:"1,keyasint"`
	Value      string    `cbor:"2,keyasint"`
	VerifiedAt time.Time `cbor:"3,keyasint,omitempty"`
}

// Account is a local or remote actor.
type Account struct {
	ID              shard.ID  `cbor:"1,keyasint"`
	Username        string    `cbor:"2,keyasint"`
	Domain          string    `cbor:"3,keyasint,omitempty"` // empty for local accounts
	DisplayName     string    `cbor:"4,keyasint,omitempty"`
	Note            string    `cbor:"5,keyasint,omitempty"` // HTML
	NoteSource      string    `cbor:"6,keyasint,omitempty"`
	Locked          bool      `cbor:"7,keyasint,omitempty"`
	Bot             bool      `cbor:"8,keyasint,omitempty"`
	Discoverable    bool      `cbor:"9,keyasint,omitempty"`
	Indexable       bool      `cbor:"10,keyasint,omitempty"`
	HideCollections bool      `cbor:"11,keyasint,omitempty"`
	Fields          []Field   `cbor:"12,keyasint,omitempty"`
	FieldSources    []Field   `cbor:"13,keyasint,omitempty"`
	CreatedAt       time.Time `cbor:"14,keyasint"`
	URI             string    `cbor:"15,keyasint,omitempty"` // remote: actor id
	URL             string    `cbor:"16,keyasint,omitempty"` // remote: profile page
	AvatarURL       string    `cbor:"17,keyasint,omitempty"`
	HeaderURL       string    `cbor:"18,keyasint,omitempty"`
	Suspended       bool      `cbor:"19,keyasint,omitempty"`
	// Federation facts of remote accounts, from their actor documents.
	InboxURL       string    `cbor:"20,keyasint,omitempty"`
	SharedInboxURL string    `cbor:"21,keyasint,omitempty"`
	OutboxURL      string    `cbor:"22,keyasint,omitempty"`
	FollowersURL   string    `cbor:"23,keyasint,omitempty"`
	FollowingURL   string    `cbor:"24,keyasint,omitempty"`
	FeaturedURL    string    `cbor:"25,keyasint,omitempty"`
	PublicKeyID    string    `cbor:"26,keyasint,omitempty"`
	PublicKeyPEM   string    `cbor:"27,keyasint,omitempty"`
	ActorType      string    `cbor:"28,keyasint,omitempty"`
	FetchedAt      time.Time `cbor:"29,keyasint,omitempty"`
	AlsoKnownAs    []string  `cbor:"30,keyasint,omitempty"`
	MovedToURI     string    `cbor:"31,keyasint,omitempty"`
	// AvatarKey and HeaderKey name the account's pictures in the media store: a local
	// account's uploads, a remote account's cached copies (see AvatarFile).
	AvatarKey string `cbor:"32,keyasint,omitempty"`
	HeaderKey string `cbor:"33,keyasint,omitempty"`
	// Moderation state set by the instance's moderators (package moderation).
	Silenced    bool      `cbor:"34,keyasint,omitempty"`
	Sensitized  bool      `cbor:"35,keyasint,omitempty"`
	SuspendedAt time.Time `cbor:"36,keyasint,omitempty"`
	// Pending marks a local account whose registration awaits a moderator's approval:
	// it mirrors its User.Pending (Register sets both, ApprovePending clears both in one
	// batch), so that every read of the account knows to hide it from the public.
	Pending bool `cbor:"37,keyasint,omitempty"`
	// Role mirrors a local user's User.Role (SetRole writes both), so that rendering
	// the account's badge reads no user; zero for everyone and for remote accounts.
	Role int64 `cbor:"38,keyasint,omitempty"`
	// SilencedAt is set on a remote account silenced by a domain block: the block's
	// creation, so that lifting it unsilences the accounts it silenced, as Mastodon's.
	SilencedAt time.Time `cbor:"39,keyasint,omitempty"`
	// The profile's settings of Mastodon 4.3 to 4.6 (GET/PATCH /api/v1/profile).
	// AvatarDescription and HeaderDescription are the pictures' alt text.
	AvatarDescription string `cbor:"40,keyasint,omitempty"`
	HeaderDescription string `cbor:"41,keyasint,omitempty"`
	// HideMediaTab, HideMediaReplies and HideFeaturedTab are Mastodon's show_media,
	// show_media_replies and show_featured negated, so that the zero value is their
	// default (shown).
	HideMediaTab     bool `cbor:"42,keyasint,omitempty"`
	HideMediaReplies bool `cbor:"43,keyasint,omitempty"`
	HideFeaturedTab  bool `cbor:"44,keyasint,omitempty"`
	// AttributionDomains are the sites allowed to credit the account as an author
	// (fediverse:creator); federated as the actor's attributionDomains.
	AttributionDomains []string `cbor:"45,keyasint,omitempty"`
	// FeaturedTagsURL is a remote actor's featuredTags collection.
	FeaturedTagsURL string `cbor:"46,keyasint,omitempty"`
	// AvatarCachedFrom and HeaderCachedFrom are the URLs a remote account's cached
	// pictures (AvatarKey, HeaderKey) were fetched from: they stand for the pictures
	// only while the actor names the same (AvatarFile, HeaderFile).
	AvatarCachedFrom string `cbor:"47,keyasint,omitempty"`
	HeaderCachedFrom string `cbor:"48,keyasint,omitempty"`
	// MovedAt is when a local account last moved to another with its followers (a
	// migration, not a redirect): Mastodon's cooldown between moves counts from it.
	MovedAt time.Time `cbor:"49,keyasint,omitempty"`
	// DeletedAt is set on a suspended account a moderator deleted (MarkDeleted): its
	// data is erased, its row stays as a tombstone so that its username is never
	// taken again, and a local one's actor answers 410 Gone.
	DeletedAt time.Time `cbor:"50,keyasint,omitempty"`
}

// AvatarFile is the key of the account's avatar in the media store: a local account's
// upload, or a remote account's picture cached from the URL its actor names now; ""
// when there is none.
func (a *Account) AvatarFile() string {
	if a.Local() || (a.AvatarCachedFrom == a.AvatarURL && a.AvatarURL != "") {
		return a.AvatarKey
	}
	return ""
}

// HeaderFile is AvatarFile for the header.
func (a *Account) HeaderFile() string {
	if a.Local() || (a.HeaderCachedFrom == a.HeaderURL && a.HeaderURL != "") {
		return a.HeaderKey
	}
	return ""
}

// Local reports whether the account lives on this server.
func (a *Account) Local() bool { return a.Domain == "" }

// Acct is the handle Mastodon shows: username for local accounts, user@domain otherwise.
func (a *Account) Acct() string {
	if a.Local() {
		return a.Username
	}
	return a.Username + "@" + a.Domain
}

// Counts are an account's counters.
type Counts struct {
	Statuses, Followers, Following int64
}

// Counter names of the account_counters table.
const (
	CountStatuses  = "statuses"
	CountFollowers = "followers"
	CountFollowing = "following"
)

// Tables of this package.
const (
	tAccounts     = "accounts"
	tAccountNames = "account_names"
	tCounters     = "account_counters"
	tUsers        = "users"
	tUserEmails   = "user_emails"
	tFollows      = "follows"
	tFollowing    = "following"
	tFollowers    = "followers"
	tReqOut       = "follow_requests_out"
	tReqIn        = "follow_requests_in"
	tBlocks       = "blocks"
	tBlocksByID   = "blocks_by_id"
	tBlockedBy    = "blocked_by"
	tMutes        = "mutes"
	tMutesByID    = "mutes_by_id"
	tMutedBy      = "muted_by"
	tMarkers      = "markers"
	tActivity     = "account_activity"
	tLogins       = "instance_logins"
	tDomains      = "instance_peers"
	tDomainBlocks = "account_domain_blocks"
	tDomainByID   = "account_domain_blocks_by_id"
	tNotes        = "account_notes"
	tEndorsed     = "endorsements"
	tEndorsedByID = "endorsements_by_id"
	// tListing lists account ids newest first for moderators: partitions "all", "local",
	// "remote" and "domain/<domain>" (listingKeys).
	tListing = "account_listing"
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return append(store.Schema{
		{Name: tAccounts}, {Name: tAccountNames}, {Name: tCounters, Kind: store.Counters},
		{Name: tUsers}, {Name: tUserEmails},
		{Name: tFollows}, {Name: tFollowing, Order: store.Desc}, {Name: tFollowers, Order: store.Desc},
		{Name: tReqOut}, {Name: tReqIn, Order: store.Desc},
		{Name: tBlocks}, {Name: tBlocksByID, Order: store.Desc}, {Name: tBlockedBy},
		{Name: tMutes}, {Name: tMutesByID, Order: store.Desc}, {Name: tMutedBy},
		{Name: tMarkers}, {Name: tActivity}, {Name: tURIs},
		{Name: tLogins, TTL: activityWeeks * week}, {Name: tDomains}, {Name: tDaily},
		{Name: tDomainBlocks}, {Name: tDomainByID, Order: store.Desc}, {Name: tNotes},
		{Name: tEndorsed}, {Name: tEndorsedByID, Order: store.Desc},
		{Name: tListing, Order: store.Desc}, {Name: tEmailTokens}, {Name: tBackfill},
	}, append(append(append(directoryTables(), suggestTables()...), inviteTables()...), ipTables()...)...)
}

// Options configure the service.
type Options struct {
	// Domain is the local domain, as in handles (example.com or localhost:8080).
	Domain string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// BcryptCost is the password hashing cost; default bcrypt.DefaultCost.
	BcryptCost int
	// Indexer, if set, is told of every account written, for search.
	Indexer Indexer
	// DomainSilence, if set, says since when a domain is silenced by a domain block
	// (zero if it is not): a remote account first seen on such a domain is silenced
	// from the start, as Mastodon's auto-silence.
	DomainSilence func(ctx context.Context, domain string) (time.Time, error)
	// Mail, if set, makes new users confirm their address and lets users reset
	// their password by mail (email.go). Without it users are confirmed at once.
	Mail *MailOptions
	// Cache bounds the accounts this node keeps decoded for rendering (Cached);
	// zero: recordcache's defaults.
	Cache recordcache.Options
	// Pictures, if set, deletes the files of the cached pictures of remote accounts
	// that UncachePictures forgets (also when DeleteRemote suspends an account).
	Pictures PictureFiles
}

// Indexer is told of every account the service writes, after the write: a, and prev,
// the account as it was (nil for a new account, or when not read before the write).
type Indexer interface {
	AccountWritten(ctx context.Context, a, prev *Account)
}

// Registrar is an Indexer that is told of registrations apart: Register tells it
// AccountRegistered (pending if the user awaits approval) instead of AccountWritten,
// and ApprovePending tells it AccountApproved.
type Registrar interface {
	AccountRegistered(ctx context.Context, a *Account, pending bool)
	AccountApproved(ctx context.Context, a *Account)
}

// registered tells the Indexer of a local account registered.
func (s *Service) registered(ctx context.Context, a *Account, pending bool) {
	if r, ok := s.opts.Indexer.(Registrar); ok {
		r.AccountRegistered(ctx, a, pending)
		return
	}
	s.written(ctx, a, nil)
}

func (s *Service) written(ctx context.Context, a, prev *Account) {
	if s.opts.Indexer != nil {
		s.opts.Indexer.AccountWritten(ctx, a, prev)
	}
}

// Service is the account repository and its use cases.
type Service struct {
	st     store.Store
	ids    *shard.Generator
	opts   Options
	logins loginsSeen
	ips    ipsSeen
	// cache keeps records for Cached; every write of a record here forgets it.
	cache *recordcache.Cache[*Account]
}

// New returns a service on st.
func New(st store.Store, ids *shard.Generator, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{st: st, ids: ids, opts: opts, cache: recordcache.New[*Account](opts.Cache)}
}

var empty = []byte{}

// Get returns one account.
func (s *Service) Get(ctx context.Context, id shard.ID) (*Account, error) {
	b, err := s.st.Get(ctx, tAccounts, id.Bytes(), empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("account %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load account %d: %w", id, err)
	}
	var a Account
	if err := store.Unmarshal(b, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// GetMany returns the accounts of ids that exist, keyed by id.
func (s *Service) GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*Account, error) {
	keys := make([]store.Key, 0, len(ids))
	seen := make(map[shard.ID]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			keys = append(keys, store.Key{PK: id.Bytes(), CK: empty})
		}
	}
	vals, err := s.st.MultiGet(ctx, tAccounts, keys)
	if err != nil {
		return nil, fmt.Errorf("load accounts: %w", err)
	}
	out := make(map[shard.ID]*Account, len(vals))
	for _, v := range vals {
		if v == nil {
			continue
		}
		var a Account
		if err := store.Unmarshal(v, &a); err != nil {
			return nil, err
		}
		out[a.ID] = &a
	}
	return out, nil
}

// CacheStats counts the lookups of Cached's cache since the service was made.
func (s *Service) CacheStats() recordcache.Stats { return s.cache.Stats() }

// Cached returns the accounts of ids that exist, keyed by id, as GetMany does, but
// from this node's cache where it holds them: for rendering. A write here forgets the
// record at once (a client reads its own writes), and node forgets those the event
// log tells of (Forget). Use cases that change an account read it with Get. Each
// account returned is a copy the caller may change, but not its slices, which are
// shared.
func (s *Service) Cached(ctx context.Context, ids []shard.ID) (map[shard.ID]*Account, error) {
	kept, err := s.cache.GetMany(ctx, ids, s.GetMany)
	if err != nil {
		return nil, err
	}
	for id, a := range kept {
		cp := *a
		kept[id] = &cp
	}
	return kept, nil
}

// Forget drops accounts from this node's cache (Cached), after a write elsewhere.
func (s *Service) Forget(ids ...shard.ID) { s.cache.Forget(ids...) }

// nameKey is the uniqueness key of a handle: case-insensitive, as Mastodon's.
func nameKey(username, domain string) []byte {
	return []byte(strings.ToLower(username) + "@" + strings.ToLower(domain))
}

// Lookup finds an account by username and domain ("" for local).
func (s *Service) Lookup(ctx context.Context, username, domain string) (*Account, error) {
	b, err := s.st.Get(ctx, tAccountNames, nameKey(username, domain), empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("account %s@%s: %w", username, domain, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("look up %s@%s: %w", username, domain, err)
	}
	return s.Get(ctx, shard.FromBytes(b))
}

// LookupAcct resolves a handle as clients type it: user, @user, user@domain; the
// local domain counts as local.
func (s *Service) LookupAcct(ctx context.Context, acct string) (*Account, error) {
	acct = strings.TrimPrefix(strings.TrimSpace(acct), "@")
	user, domain, _ := strings.Cut(acct, "@")
	if strings.EqualFold(domain, s.opts.Domain) {
		domain = ""
	}
	if user == "" {
		return nil, fmt.Errorf("account %q: %w", acct, ErrNotFound)
	}
	return s.Lookup(ctx, user, domain)
}

// Counts returns the counters of accounts, in order.
func (s *Service) Counts(ctx context.Context, ids []shard.ID) ([]Counts, error) {
	keys := make([]store.Key, 0, 3*len(ids))
	for _, id := range ids {
		for _, c := range []string{CountStatuses, CountFollowers, CountFollowing} {
			keys = append(keys, store.Key{PK: id.Bytes(), CK: []byte(c)})
		}
	}
	vals, err := s.st.Counters(ctx, tCounters, keys)
	if err != nil {
		return nil, fmt.Errorf("load account counters: %w", err)
	}
	out := make([]Counts, len(ids))
	for i := range ids {
		out[i] = Counts{Statuses: max(vals[3*i], 0), Followers: max(vals[3*i+1], 0), Following: max(vals[3*i+2], 0)}
	}
	return out, nil
}

// FollowersCount reads the followers counter of one account alone. Fan-out asks it of
// every status's author: reading the three counters would also sum the statuses
// counter's merge operands, one per status since the store last compacted it.
func (s *Service) FollowersCount(ctx context.Context, id shard.ID) (int64, error) {
	vals, err := s.st.Counters(ctx, tCounters, []store.Key{{PK: id.Bytes(), CK: []byte(CountFollowers)}})
	if err != nil {
		return 0, fmt.Errorf("load followers counter: %w", err)
	}
	return max(vals[0], 0), nil
}

// CountMutation returns the batch mutation that adds delta to one counter of id.
func CountMutation(id shard.ID, counter string, delta int64) store.Mutation {
	return store.Mutation{Kind: store.Add, Table: tCounters, PK: id.Bytes(), CK: []byte(counter), Delta: delta}
}

// Save writes an account record as it is.
func (s *Service) Save(ctx context.Context, a *Account) error {
	b, err := store.Marshal(a)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tAccounts, a.ID.Bytes(), empty, b, 0); err != nil {
		return fmt.Errorf("save account %d: %w", a.ID, err)
	}
	s.cache.Forget(a.ID)
	s.written(ctx, a, nil)
	return nil
}

// TouchLastStatus records that the account posted at t, and moves it in the active
// directory when t is later than what it had.
func (s *Service) TouchLastStatus(ctx context.Context, id shard.ID, t time.Time) error {
	muts, err := s.LastStatusMutations(ctx, id, t)
	if err != nil {
		return err
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("record activity of %d: %w", id, err)
	}
	return nil
}

// LastStatusMutations returns the writes of TouchLastStatus, so that a new status's
// batch can carry them instead of paying synced writes of their own.
func (s *Service) LastStatusMutations(ctx context.Context, id shard.ID, t time.Time) ([]store.Mutation, error) {
	was, err := s.LastStatusAt(ctx, []shard.ID{id})
	if err != nil {
		return nil, err
	}
	ms := shard.ID(t.UnixMilli())
	muts := []store.Mutation{{Kind: store.Put, Table: tActivity, PK: id.Bytes(), CK: empty, Value: ms.Bytes()}}
	if t.UnixMilli() <= was[0].UnixMilli() {
		return muts, nil
	}
	active, err := s.activeMutations(ctx, id, was[0], t)
	if err != nil {
		return nil, err
	}
	return append(muts, active...), nil
}

// LastStatusAt returns when each account last posted, zero when never, in order.
func (s *Service) LastStatusAt(ctx context.Context, ids []shard.ID) ([]time.Time, error) {
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = store.Key{PK: id.Bytes(), CK: empty}
	}
	vals, err := s.st.MultiGet(ctx, tActivity, keys)
	if err != nil {
		return nil, fmt.Errorf("load account activity: %w", err)
	}
	out := make([]time.Time, len(ids))
	for i, v := range vals {
		if v != nil {
			out[i] = time.UnixMilli(int64(shard.FromBytes(v))).UTC()
		}
	}
	return out, nil
}
