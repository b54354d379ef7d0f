// Package webhook owns Mastodon's admin webhooks: the endpoints an admin registers
// (URL, subscribed events, secret, optional template, enabled), and their delivery off
// the request path. Its consumers read the topics that already carry the facts
// (`search_accounts` for accounts, `reports`, `statuses`), render the object of each
// subscribed event through the Renderer they are handed, and queue one job per webhook
// on `webhooks` (retried through `webhooks.retry.N` tiers with backoff), signed with
// HMAC-SHA256 of the body in X-Hub-Signature, as Mastodon's Webhooks::DeliveryWorker.
// A breaker per webhook and a log of each webhook's last attempts are Herd's own. It
// must not know HTTP entities, the doors or engines: objects come rendered.
package webhook

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

var (
	// ErrNotFound is returned for a webhook that does not exist.
	ErrNotFound = errors.New("webhook: not found")
	// ErrGone is a Renderer's answer for an object that no longer exists: the event is
	// not sent.
	ErrGone = errors.New("webhook: object gone")
)

// Validation is a user-facing validation failure (Mastodon answers 422).
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

func invalid(format string, args ...any) error {
	return &Validation{Msg: fmt.Sprintf(format, args...)}
}

// Event is a kind of event a webhook subscribes to, as Mastodon names them.
type Event string

// The events of Mastodon's webhooks.
const (
	AccountApproved Event = "account.approved"
	AccountCreated  Event = "account.created"
	AccountUpdated  Event = "account.updated"
	ReportCreated   Event = "report.created"
	ReportUpdated   Event = "report.updated"
	StatusCreated   Event = "status.created"
	StatusUpdated   Event = "status.updated"
)

// Events lists every event a webhook may subscribe to.
var Events = []Event{AccountApproved, AccountCreated, AccountUpdated, ReportCreated, ReportUpdated,
	StatusCreated, StatusUpdated}

// Object is the kind of object an event carries: Mastodon's Admin::Account,
// Admin::Report or Status entity.
type Object string

// The objects of events.
const (
	ObjectAccount Object = "Account"
	ObjectReport  Object = "Report"
	ObjectStatus  Object = "Status"
)

// ObjectOf is the kind of object event carries.
func ObjectOf(e Event) Object {
	switch e {
	case AccountApproved, AccountCreated, AccountUpdated:
		return ObjectAccount
	case ReportCreated, ReportUpdated:
		return ObjectReport
	}
	return ObjectStatus
}

// Webhook is one registered endpoint.
type Webhook struct {
	ID        shard.ID  `cbor:"1,keyasint"`
	URL       string    `cbor:"2,keyasint"`
	Events    []Event   `cbor:"3,keyasint"`
	Secret    string    `cbor:"4,keyasint"`
	Enabled   bool      `cbor:"5,keyasint"`
	Template  string    `cbor:"6,keyasint,omitempty"`
	CreatedAt time.Time `cbor:"7,keyasint"`
	UpdatedAt time.Time `cbor:"8,keyasint"`
}

// Subscribed reports whether w is enabled and subscribes to e.
func (w *Webhook) Subscribed(e Event) bool {
	if !w.Enabled {
		return false
	}
	for _, x := range w.Events {
		if x == e {
			return true
		}
	}
	return false
}

// Attempt is one POST of an event to a webhook, as its delivery log keeps it.
type Attempt struct {
	At    time.Time `cbor:"1,keyasint"`
	Event Event     `cbor:"2,keyasint"`
	// Try is 1 for the first attempt of a job.
	Try int `cbor:"3,keyasint"`
	// Status is the HTTP status of the answer; 0 when none came.
	Status int `cbor:"4,keyasint,omitempty"`
	// Error says why the attempt failed; empty for a 2xx answer.
	Error string `cbor:"5,keyasint,omitempty"`
}

const (
	tWebhooks = "webhooks"         // pk "all"; ck id; Webhook (an instance has a handful)
	tAttempts = "webhook_attempts" // pk webhook id; ck attempt id (Desc); Attempt
	// LogSize is how many attempts a webhook's delivery log shows.
	LogSize = 20
	// attemptTTL bounds the delivery log rows kept beyond the newest LogSize.
	attemptTTL = 7 * 24 * time.Hour
)

var (
	empty = []byte{}
	all   = []byte("all")
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tWebhooks}, {Name: tAttempts, Order: store.Desc, TTL: attemptTTL}}
}

// Renderer renders the object of an event as the client API renders it (node wires
// it to the API server). It answers ErrGone for an object that no longer exists.
type Renderer interface {
	WebhookObject(ctx context.Context, kind Object, id shard.ID) (any, error)
}

// DeadLetters is the part of deadletter.Keeper the consumers need.
type DeadLetters interface {
	Handler(group string, each deadletter.Each) bus.Handler
}

// Options configure the service. Zero fields take the documented defaults.
type Options struct {
	// HTTP sends the POSTs; node hands it the guarded outbound client. Default: a
	// client with a 10 s timeout.
	HTTP *http.Client
	// AllowHTTP lets a webhook's URL be plain http to a loopback host (tests), as
	// federation's AllowHTTP lets peers be.
	AllowHTTP bool
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger; default slog.Default().
	Logger *slog.Logger
	// UserAgent is sent with every POST; default "Herd".
	UserAgent string
	// BackoffUnit scales the retry backoff: try n+1 waits n⁴+15 units (Sidekiq's,
	// without its jitter); default 1 s. Tests shrink it.
	BackoffUnit time.Duration
	// BreakerThreshold is how many consecutive failures open a webhook's breaker;
	// default 5. BreakerCooldown is how long it stays open; default 60 s.
	BreakerThreshold int
	BreakerCooldown  time.Duration
	// DeadLetters builds every consumer's handler (required to run).
	DeadLetters DeadLetters
}

func (o Options) withDefaults() Options {
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.UserAgent == "" {
		o.UserAgent = "Herd"
	}
	if o.BackoffUnit == 0 {
		o.BackoffUnit = time.Second
	}
	if o.BreakerThreshold == 0 {
		o.BreakerThreshold = 5
	}
	if o.BreakerCooldown == 0 {
		o.BreakerCooldown = 60 * time.Second
	}
	return o
}

// Service keeps the webhooks and delivers their events.
type Service struct {
	st       store.Store
	bus      bus.Bus
	ids      *shard.Generator
	render   Renderer
	opts     Options
	breakers *breakers
}

// New returns a service on st and b; render renders the objects of events.
func New(st store.Store, b bus.Bus, ids *shard.Generator, render Renderer, opts Options) *Service {
	opts = opts.withDefaults()
	return &Service{st: st, bus: b, ids: ids, render: render, opts: opts,
		breakers: newBreakers(opts.BreakerThreshold, opts.BreakerCooldown)}
}

// newSecret is a random secret of 32 bytes, hex encoded, as Mastodon's.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
