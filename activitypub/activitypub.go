// Package activitypub owns Herd's side of the Fediverse protocols as Mastodon speaks
// them: WebFinger, host-meta and NodeInfo discovery, actor documents and their keys,
// status objects and collections, and (in later steps) the inbox and outgoing
// activities. It serves the server-to-server HTTP surface, which is separate from the
// client API of package api. It must not know storage engines; HTTP signatures live in
// activitypub/httpsig.
package activitypub

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// ErrNotFound is returned for an actor or object this server does not serve.
var ErrNotFound = errors.New("activitypub: not found")

const tKeys = "actor_keys"

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return append(store.Schema{{Name: tKeys}, {Name: tFollowIDs}}, inboxSchema()...)
}

// Topics lists the bus topics this package uses.
func Topics() []bus.Topic {
	return []bus.Topic{{Name: InboxTopic, Partitions: 16}, {Name: FetchTopic, Partitions: 16}}
}

// Accounts is the part of the account service that federation reads.
type Accounts interface {
	Get(ctx context.Context, id shard.ID) (*account.Account, error)
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*account.Account, error)
	Lookup(ctx context.Context, username, domain string) (*account.Account, error)
	Counts(ctx context.Context, ids []shard.ID) ([]account.Counts, error)
	Followers(ctx context.Context, target shard.ID, p paging.Page) ([]account.Entry, error)
	Following(ctx context.Context, follower shard.ID, p paging.Page) ([]account.Entry, error)
	InstanceCounts(ctx context.Context) (users, posts int64, err error)
	ByURI(ctx context.Context, uri string) (*account.Account, error)
	UpsertRemote(ctx context.Context, a *account.Account) (*account.Account, error)
	DeleteRemote(ctx context.Context, a *account.Account) error
	FollowerIDs(ctx context.Context, target, cursor shard.ID, limit int) ([]shard.ID, shard.ID, error)
	Follow(ctx context.Context, follower shard.ID, target *account.Account, opts account.FollowOptions, n account.Notifier) error
	Unfollow(ctx context.Context, follower, target shard.ID) error
	Accepted(ctx context.Context, follower, target shard.ID) error
	Block(ctx context.Context, blocker, target shard.ID) error
	Unblock(ctx context.Context, blocker, target shard.ID) error
	FollowOf(ctx context.Context, follower, target shard.ID) (*account.Follow, error)
	Save(ctx context.Context, a *account.Account) error
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
	UpdateRemote(ctx context.Context, st *status.Status, content, spoiler string, sensitive bool) error
	Delete(ctx context.Context, author, id shard.ID) (*status.Status, error)
	Tombstone(ctx context.Context, uri string) error
	Favourite(ctx context.Context, account, id shard.ID) (*status.Status, error)
	Unfavourite(ctx context.Context, account, id shard.ID) (*status.Status, error)
	PinRemote(ctx context.Context, account, id shard.ID) error
	Unpin(ctx context.Context, account, id shard.ID) (*status.Status, error)
}

// Notifier is the part of the notification service that federation needs.
type Notifier interface {
	Notify(ctx context.Context, to, from shard.ID, kind notification.Kind, statusID shard.ID) error
}

// Options configure the service.
type Options struct {
	// Domain is the local domain; Scheme is http or https.
	Domain, Scheme string
	// Software and Version name the server in NodeInfo.
	Software, Version string
	// OpenRegistrations is published in NodeInfo.
	OpenRegistrations bool
	// Title and Description name the instance in NodeInfo metadata.
	Title, Description string
	// Client is what outbound requests may reach; HTTP is the client built from it
	// (NewHTTPClient).
	Client ClientOptions
	HTTP   *http.Client
	// KeyFetchBudget bounds the fetches of the signer's actor that one inbox POST may
	// cause (one, and one refresh after a failed check); default 5s.
	KeyFetchBudget time.Duration
}

// Service builds and serves federation documents.
type Service struct {
	http     *http.Client
	st       store.Store
	bus      bus.Bus
	accounts Accounts
	statuses Statuses
	notifier Notifier
	delivery Deliverer
	reports  Reports
	opts     Options
	// homeMerge is Deps.HomeMerge.
	homeMerge func(ctx context.Context, follower, author shard.ID) error
	log       *slog.Logger
	now       func() time.Time
	keys      struct {
		sync.Mutex
		m map[shard.ID]*rsa.PrivateKey
	}
	dead DeadLetters
	// OnSignedRequest, if set, hears the domain of every verified inbox POST (delivery
	// clears that domain's failure record).
	OnSignedRequest func(ctx context.Context, domain string)
}

// Deps are the services federation reads and changes.
type Deps struct {
	Store     store.Store
	Bus       bus.Bus
	Accounts  Accounts
	Statuses  Statuses
	Notifier  Notifier
	Deliverer Deliverer
	Logger    *slog.Logger
	// HomeMerge merges an author's recent posts into a follower's home (fan-out's
	// merge on follow), for follows of remote accounts once they are accepted.
	HomeMerge func(ctx context.Context, follower, author shard.ID) error
	// Reports files the reports that other servers send (Flag); nil drops them.
	Reports Reports
	// DeadLetters sets aside the messages the inbox, outbox and fetch workers can
	// never process; default a deadletter.Keeper on Store.
	DeadLetters DeadLetters
}

// DeadLetters is the part of deadletter.Keeper that the workers need.
type DeadLetters interface {
	Handler(group string, each deadletter.Each) bus.Handler
}

// New returns a service.
func New(d Deps, opts Options) *Service {
	if opts.HTTP == nil {
		opts.HTTP = http.DefaultClient
	}
	if opts.KeyFetchBudget <= 0 {
		opts.KeyFetchBudget = 5 * time.Second
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	s := &Service{http: opts.HTTP, st: d.Store, bus: d.Bus, accounts: d.Accounts, statuses: d.Statuses,
		notifier: d.Notifier, delivery: d.Deliverer, reports: d.Reports, opts: opts, log: d.Logger, now: time.Now, homeMerge: d.HomeMerge}
	s.keys.m = map[shard.ID]*rsa.PrivateKey{}
	s.dead = d.DeadLetters
	if s.dead == nil {
		s.dead = deadletter.New(d.Store, deadletter.Options{Logger: d.Logger})
	}
	return s
}

// Base is the public base URL, such as https://example.com.
func (s *Service) Base() string { return s.opts.Scheme + "://" + s.opts.Domain }

// ActorURI is the id of a local actor.
func (s *Service) ActorURI(username string) string {
	return s.Base() + "/users/" + url.PathEscape(username)
}

// ProfileURL is the web page of a local account.
func (s *Service) ProfileURL(username string) string {
	return s.Base() + "/@" + url.PathEscape(username)
}

// StatusURI is the id of a local status object.
func (s *Service) StatusURI(username string, id shard.ID) string {
	return s.ActorURI(username) + "/statuses/" + id.String()
}

// InstanceActorURI is the id of the server's own actor.
func (s *Service) InstanceActorURI() string { return s.Base() + "/actor" }

// key is a local actor's key pair, kept as PEM.
type key struct {
	Private string `cbor:"1,keyasint"`
	Public  string `cbor:"2,keyasint"`
}

// keyBits is the size of actor keys, as Mastodon's.
const keyBits = 2048

// PublicKeyPEM returns the public key of a local actor (account id, or zero for the
// instance actor), making the key pair on first use.
func (s *Service) PublicKeyPEM(ctx context.Context, owner shard.ID) (string, error) {
	k, err := s.keyOf(ctx, owner)
	if err != nil {
		return "", err
	}
	return k.Public, nil
}

// PrivateKey returns the signing key of a local actor, making it on first use. Parsed
// keys are kept in memory: parsing validates the key, which costs several signatures.
func (s *Service) PrivateKey(ctx context.Context, owner shard.ID) (*rsa.PrivateKey, error) {
	s.keys.Lock()
	priv := s.keys.m[owner]
	s.keys.Unlock()
	if priv != nil {
		return priv, nil
	}
	priv, err := s.parsePrivateKey(ctx, owner)
	if err != nil {
		return nil, err
	}
	s.keys.Lock()
	if len(s.keys.m) >= maxCachedKeys {
		clear(s.keys.m)
	}
	s.keys.m[owner] = priv
	s.keys.Unlock()
	return priv, nil
}

// maxCachedKeys bounds the parsed-key cache (about 2 KiB a key).
const maxCachedKeys = 10_000

func (s *Service) parsePrivateKey(ctx context.Context, owner shard.ID) (*rsa.PrivateKey, error) {
	k, err := s.keyOf(ctx, owner)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode([]byte(k.Private))
	if block == nil {
		return nil, fmt.Errorf("activitypub: key of %d is not PEM", owner)
	}
	priv, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("activitypub: key of %d: %w", owner, err)
	}
	return priv, nil
}

func (s *Service) keyOf(ctx context.Context, owner shard.ID) (*key, error) {
	b, err := s.st.Get(ctx, tKeys, owner.Bytes(), []byte{})
	if err == nil {
		var k key
		return &k, store.Unmarshal(b, &k)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("activitypub: load key of %d: %w", owner, err)
	}
	priv, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, fmt.Errorf("activitypub: generate key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("activitypub: encode key: %w", err)
	}
	k := key{
		Private: string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(priv)})),
		Public:  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
	}
	enc, err := store.Marshal(&k)
	if err != nil {
		return nil, err
	}
	// Two racing first uses keep one key: the loser adopts the winner's.
	ok, existing, err := s.st.PutIfAbsent(ctx, tKeys, owner.Bytes(), []byte{}, enc, 0)
	if err != nil {
		return nil, fmt.Errorf("activitypub: save key of %d: %w", owner, err)
	}
	if !ok {
		var won key
		return &won, store.Unmarshal(existing, &won)
	}
	return &k, nil
}
