// Package push owns Web Push as Mastodon offers it (WebPushSubscription): one
// subscription per access token with its alerts and policy, the instance's VAPID key
// pair, and the delivery of an encrypted message (RFC 8291 aes128gcm, signed with
// VAPID, RFC 8292; or the legacy aesgcm drafts, for clients that do not ask for the
// standard) to the push service of every subscription a new notification concerns. Delivery runs off the request path: the notification service tells
// Notified, which appends to the `push` topic, and Run sends. It must not know HTTP
// routing, the API's entities or engines.
package push

import (
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// ErrNotFound is returned for a token without a subscription.
var ErrNotFound = errors.New("push: not found")

// Validation is a subscription Mastodon would refuse (422).
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

// Topic carries one message per new notification, keyed by its recipient.
const Topic = "push"

// Group is the consumer group of the senders, on Topic.
const Group = "push"

const (
	tSubscriptions = "push_subscriptions"
	tVAPID         = "push_vapid"
	tSent          = "push_sent"
	// sentFor is how long a sent message is remembered, so that a batch delivered
	// again does not push twice to the subscriptions it reached.
	sentFor = 24 * time.Hour
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tSubscriptions}, {Name: tVAPID}, {Name: tSent, TTL: sentFor}}
}

// Topics lists the topic this package publishes to.
func Topics() []bus.Topic { return []bus.Topic{{Name: Topic, Partitions: 8}} }

// Policy says whose notifications are pushed, as Mastodon's data[policy].
type Policy string

// The policies Mastodon defines.
const (
	All      Policy = "all"
	Followed Policy = "followed" // from accounts the recipient follows
	Follower Policy = "follower" // from accounts following the recipient
	None     Policy = "none"
)

// Alerts are the kinds of notification a subscription wants pushed.
type Alerts struct {
	Mention       bool `cbor:"1,keyasint,omitempty"`
	Status        bool `cbor:"2,keyasint,omitempty"`
	Reblog        bool `cbor:"3,keyasint,omitempty"`
	Follow        bool `cbor:"4,keyasint,omitempty"`
	FollowRequest bool `cbor:"5,keyasint,omitempty"`
	Favourite     bool `cbor:"6,keyasint,omitempty"`
	Poll          bool `cbor:"7,keyasint,omitempty"`
	Update        bool `cbor:"8,keyasint,omitempty"`
	AdminSignUp   bool `cbor:"9,keyasint,omitempty"`
	AdminReport   bool `cbor:"10,keyasint,omitempty"`
	Quote         bool `cbor:"11,keyasint,omitempty"`
	QuotedUpdate  bool `cbor:"12,keyasint,omitempty"`
}

// Subscription is the push subscription of one access token.
type Subscription struct {
	ID        shard.ID `cbor:"1,keyasint"`
	AccountID shard.ID `cbor:"2,keyasint"`
	Endpoint  string   `cbor:"3,keyasint"`
	// P256DH and Auth are the user agent's public key and auth secret, base64url.
	P256DH string `cbor:"4,keyasint"`
	Auth   string `cbor:"5,keyasint"`
	// Standard is Mastodon 4.4's flag: RFC 8291 messages (Service.send) when set,
	// the legacy `aesgcm` encoding (Service.sendLegacy) otherwise.
	Standard bool   `cbor:"6,keyasint,omitempty"`
	Alerts   Alerts `cbor:"7,keyasint"`
	Policy   Policy `cbor:"8,keyasint"`
	// Token is the access token the subscription belongs to, which each message
	// carries as Mastodon's do (access_token), so that the client can fetch the
	// notification; it goes with the token.
	Token     string    `cbor:"9,keyasint"`
	CreatedAt time.Time `cbor:"10,keyasint"`
}

// Accounts is the part of the account service that delivery reads.
type Accounts interface {
	Get(ctx context.Context, id shard.ID) (*account.Account, error)
	User(ctx context.Context, id shard.ID) (*account.User, error)
	FollowOf(ctx context.Context, follower, target shard.ID) (*account.Follow, error)
}

// Statuses is the part of the status service that delivery reads.
type Statuses interface {
	Get(ctx context.Context, id shard.ID) (*status.Status, error)
}

// Tokens says whether an access token is still valid (auth.Service.Verify succeeds);
// the subscription of a revoked token is removed instead of used.
type Tokens interface {
	Valid(ctx context.Context, raw string) (bool, error)
}

// Options tune the service. Zero fields take the documented defaults.
type Options struct {
	// HTTP is the client of every POST to a push service (required): node hands it
	// the guarded outbound client of federation.
	HTTP *http.Client
	// Subscriber is the VAPID `sub` claim, an https URL or a mail address (required).
	Subscriber string
	// Icon is the URL of an account's avatar in a message (required).
	Icon func(a *account.Account) string
	// DeadLetters keeps the messages that can never be processed (required).
	DeadLetters *deadletter.Keeper
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Timeout bounds one POST; default 15 s.
	Timeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	return o
}

// Validate reports a missing required option.
func (o Options) Validate() error {
	switch {
	case o.HTTP == nil:
		return errors.New("push: Options.HTTP is required")
	case o.Subscriber == "":
		return errors.New("push: Options.Subscriber is required")
	case o.Icon == nil:
		return errors.New("push: Options.Icon is required")
	case o.DeadLetters == nil:
		return errors.New("push: Options.DeadLetters is required")
	}
	return nil
}

// Service keeps subscriptions and the VAPID keys, and delivers messages.
type Service struct {
	st       store.Store
	bus      bus.Bus
	ids      *shard.Generator
	accounts Accounts
	statuses Statuses
	tokens   Tokens
	opts     Options
	// vapid holds the instance's keys once read: they never change.
	vapid struct {
		sync.Mutex
		keys *vapid
	}
}

// New returns the service; it refuses incomplete options.
func New(st store.Store, b bus.Bus, ids *shard.Generator, accounts Accounts, statuses Statuses, tokens Tokens,
	opts Options) (*Service, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &Service{st: st, bus: b, ids: ids, accounts: accounts, statuses: statuses, tokens: tokens,
		opts: opts.withDefaults()}, nil
}

// tokenKey is a subscription's clustering key: the token's hash, as auth keys tokens.
func tokenKey(raw string) []byte {
	h := sha256.Sum256([]byte(raw))
	return h[:]
}
