// Package activitypub owns Herd's side of the Fediverse protocols as Mastodon speaks
// them: WebFinger, host-meta and NodeInfo discovery, actor documents and their keys,
// status objects and collections, and (in later steps) the inbox and outgoing
// activities. It serves the server-to-server HTTP surface, which is separate from the
// client API of package api. It must not know storage engines; HTTP signatures live in
// activitypub/httpsig. The inbox applies relationship activities (Follow, Accept,
// Reject, Like, Block, Add, Remove and their Undo) through the action layer
// (Deps.Actions), so that they have the effects the same action has from the client
// API, and files the reports of peers (Flag) through it too; it must not assemble
// those consequences itself.
package activitypub

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/asyncrefresh"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/rules"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// ErrNotFound is returned for an actor or object this server does not serve.
var ErrNotFound = errors.New("activitypub: not found")

// ErrSuspended is returned for what a suspended local account published: Mastodon
// answers 403 while the suspension may still be lifted.
var ErrSuspended = errors.New("activitypub: account suspended")

// ErrGone is returned for a local account a moderator deleted (its row stays as a
// tombstone): Mastodon answers 410 Gone for an account permanently unavailable.
var ErrGone = errors.New("activitypub: account gone")

const tKeys = "actor_keys"

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return append(store.Schema{{Name: tKeys}, {Name: tFollowIDs}, {Name: tCountsSent, TTL: 60 * 24 * time.Hour},
		{Name: tRemoteKeys, TTL: remoteKeyTTL}},
		append(inboxSchema(), repliesSchema()...)...)
}

// Topics lists the bus topics this package uses.
func Topics() []bus.Topic {
	return []bus.Topic{{Name: InboxTopic, Partitions: 16}, {Name: FetchTopic, Partitions: 16}, {Name: RelayTopic, Partitions: 16}}
}

// Accounts is the part of the account service that federation reads.
type Accounts interface {
	Get(ctx context.Context, id shard.ID) (*account.Account, error)
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*account.Account, error)
	// Cached is GetMany from the node's cache, for the inbox's signers.
	Cached(ctx context.Context, ids []shard.ID) (map[shard.ID]*account.Account, error)
	Lookup(ctx context.Context, username, domain string) (*account.Account, error)
	Counts(ctx context.Context, ids []shard.ID) ([]account.Counts, error)
	Followers(ctx context.Context, target shard.ID, p paging.Page) ([]account.Entry, error)
	Following(ctx context.Context, follower shard.ID, p paging.Page) ([]account.Entry, error)
	InstanceCounts(ctx context.Context) (users, posts int64, err error)
	ByURI(ctx context.Context, uri string) (*account.Account, error)
	UpsertRemote(ctx context.Context, a *account.Account) (*account.Account, error)
	DeleteRemote(ctx context.Context, a *account.Account) error
	FollowerIDs(ctx context.Context, target, cursor shard.ID, limit int) ([]shard.ID, shard.ID, error)
	FollowingIDs(ctx context.Context, follower, cursor shard.ID, limit int) ([]shard.ID, shard.ID, error)
	Unfollow(ctx context.Context, follower, target shard.ID) error
	FollowOf(ctx context.Context, follower, target shard.ID) (*account.Follow, error)
	EitherBlocks(ctx context.Context, a, b shard.ID) (bool, error)
	Save(ctx context.Context, a *account.Account) error
	CachedPicture(ctx context.Context, id shard.ID, header bool, from, key string) error
	UncachePictures(ctx context.Context, id shard.ID, avatar, header bool) (int, error)
}

// Statuses is the part of the status service that federation reads.
type Statuses interface {
	Get(ctx context.Context, id shard.ID) (*status.Status, error)
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*status.Status, error)
	ByAccount(ctx context.Context, viewer, author shard.ID, p paging.Page, f status.AccountFilter) ([]shard.ID, error)
	Pinned(ctx context.Context, account shard.ID) ([]status.Listed, error)
	Counts(ctx context.Context, ids []shard.ID) ([]status.Counts, error)
	Replies(ctx context.Context, id shard.ID, limit int) ([]shard.ID, error)
	ByURI(ctx context.Context, uri string) (*status.Status, error)
	CreateRemote(ctx context.Context, st *status.Status) (*status.Status, bool, error)
	UpdateRemote(ctx context.Context, st *status.Status, content, spoiler string, sensitive bool, rs []media.Remote) error
	Delete(ctx context.Context, author, id shard.ID) (*status.Status, error)
	Tombstone(ctx context.Context, uri string) error
	Polls(ctx context.Context, viewer shard.ID, sts []*status.Status) (map[shard.ID]poll.Tally, map[shard.ID][]int, error)
	Voters(ctx context.Context, st *status.Status, localOnly bool) ([]shard.ID, error)
	RecordTally(ctx context.Context, st *status.Status, q *poll.Poll) error
	SetQuoteState(ctx context.Context, id shard.ID, state status.QuoteState, authorization string) (*status.Status, bool, error)
	ByQuoteAuthorization(ctx context.Context, uri string) ([]*status.Status, error)
}

// Options configure the service.
type Options struct {
	// Domain is the local domain; Scheme is http or https.
	Domain, Scheme string
	// Software and Version name the server in NodeInfo.
	Software, Version string
	// OpenRegistrations, published in NodeInfo, tells whether anyone may sign up now;
	// nil: nobody.
	OpenRegistrations func(context.Context) (bool, error)
	// Title and Description name the instance in NodeInfo metadata.
	Title, Description string
	// Client is what outbound requests may reach; HTTP is the client built from it
	// (NewHTTPClient).
	Client ClientOptions
	HTTP   *http.Client
	// KeyFetchBudget bounds the fetches of the signer's actor that one inbox POST may
	// cause (one, and one refresh after a failed check); default 5s.
	KeyFetchBudget time.Duration
	// AuthorizedFetch is Mastodon's secure mode: every GET of a document but the
	// instance actor's must be signed by an actor that is not on a blocked domain
	// (authfetch.go). Off by default, as in Mastodon.
	AuthorizedFetch bool
	// Relay runs the instance as a relay (relaymode.go); off by default.
	Relay RelayMode
	// RejectMedia, if set, says whether moderators blocked a domain's media
	// (reject_media): its actors' pictures and custom emoji are not recorded, and its
	// attachments are kept as links.
	RejectMedia func(ctx context.Context, domain string) (bool, error)
}

// Actions is the part of action.Service that the inbox applies relationship
// activities through, so that a peer's Follow, Like, Add, Block or their Undo has the
// effects the same action has when a local user takes it.
type Actions interface {
	Follow(ctx context.Context, follower, target *account.Account, opts account.FollowOptions) error
	Unfollow(ctx context.Context, follower, target *account.Account) error
	FollowAccepted(ctx context.Context, follower, target shard.ID) error
	FollowRejected(ctx context.Context, follower, target shard.ID) error
	FollowBackfilled(ctx context.Context, follower, target shard.ID) error
	Block(ctx context.Context, blocker, target *account.Account) error
	Unblock(ctx context.Context, blocker, target *account.Account) error
	CarryMove(ctx context.Context, origin, target *account.Account, followers []shard.ID) error
	Favourite(ctx context.Context, by *account.Account, statusID shard.ID) (*status.Status, error)
	Unfavourite(ctx context.Context, by *account.Account, statusID shard.ID) (*status.Status, error)
	Pin(ctx context.Context, by *account.Account, statusID shard.ID) (*status.Status, error)
	Unpin(ctx context.Context, by *account.Account, statusID shard.ID) (*status.Status, error)
	SyncPins(ctx context.Context, by *account.Account, ids []shard.ID, read time.Time) error
	FeatureTag(ctx context.Context, by *account.Account, name string) (*hashtag.Featured, error)
	UnfeatureTag(ctx context.Context, by *account.Account, name string) error
	SyncFeaturedTags(ctx context.Context, by *account.Account, names []string, read time.Time) error
	Report(ctx context.Context, by *account.Account, n moderation.NewReport) (*moderation.Report, error)
	Vote(ctx context.Context, by *account.Account, statusID shard.ID, choices []int) (*status.Status, error)
	// ScreenRemote applies the content rules to a remote status before it is stored.
	ScreenRemote(ctx context.Context, st *status.Status) (rules.Verdict, error)
	// ReportMatches files the report of the Report rules that matched a stored status.
	ReportMatches(ctx context.Context, st *status.Status, v rules.Verdict)
}

// Service builds and serves federation documents.
type Service struct {
	// Sender sends the activities of local accounts.
	*Sender
	// Keys holds the local actors' keys and signs with them.
	*Keys
	// Resolver fetches remote documents and actors, and resolves handles.
	*Resolver
	actions  Actions
	st       store.Store
	bus      bus.Bus
	accounts Accounts
	statuses Statuses
	media    Media
	opts     Options
	log      *slog.Logger
	dead     DeadLetters
	// refreshes records the replies crawls that clients poll.
	refreshes Refreshes
	// onSignedRequest is Deps.OnSignedRequest.
	onSignedRequest func(ctx context.Context, domain string)
	viewers         Viewers
	domains         Domains
	relays          Relays
	subscribers     RelaySubscribers
	// verified keeps the parsed keys that verify the inbox's signatures.
	verified *verifyKeys
	tags     FeaturedTags
	pictures Pictures
	// retried keeps what the inbox applied of a batch that will come again.
	retried retriedOffsets
}

// Deps are the services federation reads and changes.
type Deps struct {
	Store     store.Store
	Bus       bus.Bus
	Accounts  Accounts
	Statuses  Statuses
	Deliverer Deliverer
	Logger    *slog.Logger
	// Actions applies the relationship activities of peers; required.
	Actions Actions
	// Keys holds the local actors' keys; nil builds one from Store and Accounts
	// (node builds it first, for delivery to sign with).
	Keys *Keys
	// Sender sends the activities of local accounts and builds their actor
	// documents; nil builds one from Store, Accounts, Statuses, Deliverer, Keys,
	// Emojis, Media and the options (node builds it first, for the actions).
	Sender *Sender
	// Resolver fetches remote actors and resolves handles; nil builds one from
	// Accounts, Keys and the options (node builds it first, for the status formatter).
	Resolver *Resolver
	// OnSignedRequest, if set, hears the domain of every verified inbox POST (delivery
	// clears that domain's failure record).
	OnSignedRequest func(ctx context.Context, domain string)
	// DeadLetters sets aside the messages the inbox, outbox and fetch workers can
	// never process; default a deadletter.Keeper on Store.
	DeadLetters DeadLetters
	// Media holds the attachments of local statuses; nil: statuses go without.
	Media Media
	// Emojis keeps custom emoji; nil: none are sent or recorded.
	Emojis Emojis
	// Visibility decides which statuses a signed fetch's signer may see; nil: only
	// public and unlisted ones are served.
	Visibility Viewers
	// Domains says which domains the instance refuses, suspended by moderators or, in
	// limited-federation mode, not allowed (their inbox POSTs and, with authorized
	// fetch, their fetches refused); nil: none.
	Domains Domains
	// Relays keeps the relays the instance subscribes to (relay.go); nil: none, and
	// the relay admin answers errors.
	Relays Relays
	// Subscribers keeps the servers subscribed to the relay actor, in relay mode
	// (relaymode.go); nil: relay mode stays off.
	Subscribers RelaySubscribers
	// Refreshes records the replies crawls that clients poll; nil: an
	// asyncrefresh.Keeper on Store.
	Refreshes Refreshes
	// Tags lists the tags local accounts feature (their featuredTags collections);
	// nil: the collections are empty.
	Tags FeaturedTags
	// Pictures keeps copies of remote accounts' pictures; nil: they stay at their
	// servers.
	Pictures Pictures
}

// FeaturedTags is the part of hashtag.Service that the featuredTags collections read.
type FeaturedTags interface {
	FeaturedTags(ctx context.Context, account shard.ID) ([]hashtag.Featured, error)
}

// Domains is the part of moderation.Service that the inbox and the fetches ask.
type Domains interface {
	Refused(ctx context.Context, domain string) (bool, error)
	BlockFor(ctx context.Context, domain string) (*moderation.DomainBlock, error)
}

// DeadLetters is the part of deadletter.Keeper that the workers need.
type DeadLetters interface {
	Handler(group string, each deadletter.Each) bus.Handler
	// Settle judges one try of a message, for the inbox, which handles its batches
	// its own way (inboxapply.go).
	Settle(ctx context.Context, group string, m bus.Message, err error) error
}

// New returns a service, or an error if a required dependency is missing.
func New(d Deps, opts Options) (*Service, error) {
	if d.Actions == nil {
		return nil, errors.New("activitypub: Deps.Actions is required")
	}
	if opts.HTTP == nil {
		opts.HTTP = http.DefaultClient
	}
	if opts.KeyFetchBudget <= 0 {
		opts.KeyFetchBudget = 5 * time.Second
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	s := &Service{st: d.Store, bus: d.Bus, accounts: d.Accounts, statuses: d.Statuses,
		media: d.Media, opts: opts, log: d.Logger, verified: &verifyKeys{}}
	s.actions, s.Sender, s.onSignedRequest = d.Actions, d.Sender, d.OnSignedRequest
	s.viewers, s.domains, s.relays, s.subscribers = d.Visibility, d.Domains, d.Relays, d.Subscribers
	s.tags, s.pictures = d.Tags, d.Pictures
	if s.Keys = d.Keys; s.Keys == nil {
		s.Keys = NewKeys(d.Store, d.Accounts, opts)
	}
	if s.Sender == nil {
		s.Sender = NewSender(SenderDeps{Store: d.Store, Accounts: d.Accounts, Statuses: d.Statuses,
			Deliverer: d.Deliverer, Keys: s.Keys, Emojis: d.Emojis, Media: d.Media}, opts)
	}
	if s.Resolver = d.Resolver; s.Resolver == nil {
		s.Resolver = NewResolver(d.Accounts, s.Keys, d.Emojis, opts)
	}
	s.Resolver.stored = s.queuePictures
	s.dead = d.DeadLetters
	if s.refreshes = d.Refreshes; s.refreshes == nil {
		s.refreshes = asyncrefresh.New(d.Store)
	}
	if s.dead == nil {
		s.dead = deadletter.New(d.Store, deadletter.Options{Logger: d.Logger})
	}
	return s, nil
}

// InstanceActorURI is the id of the server's own actor.
func (s *Service) InstanceActorURI() string { return instanceActorURI(s.opts) }
