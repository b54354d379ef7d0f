// Package delivery owns outbound federation delivery: one signed POST per distinct inbox,
// retries with backoff through retry-tier topics of the event log, a dead letter after the
// last attempt, and per-inbox and per-domain health (an in-memory circuit breaker per
// inbox, and domains marked unavailable after failures on 7 distinct days), as Mastodon's
// DeliveryWorker and DeliveryFailureTracker do.
//
// Every pending job lives in the event log (topic "delivery" and one retry tier per attempt
// number), so a node that dies loses none; delivery is at least once, which is harmless
// for receivers that dedupe by activity id. It must not know what an activity means: the
// body is opaque bytes, sent as is, and signing is the Signer's business.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

const (
	// Topic is the topic of first attempts.
	Topic = "delivery"
	// Group is the consumer group of the delivery workers on every delivery topic.
	Group = "delivery"
	// Tiers is the number of retry tiers: attempt n (1..Tiers) waits in RetryTopic(n).
	Tiers = 15
	// Partitions is the partition count of every delivery topic.
	Partitions = 16
	// ContentType is the content type of every POST.
	ContentType = "application/activity+json"
	// UnavailableAfterDays is how many distinct days with failures, and no success in
	// between, mark a domain unavailable.
	UnavailableAfterDays = 7
	// DeadLetterTTL is how long dead letters are kept.
	DeadLetterTTL = 30 * 24 * time.Hour
)

const (
	tHealth = "delivery_domain_health" // pk domain; ck "d"+YYYYMMDD per failure day, "u" when unavailable
	tDead   = "delivery_dead_letters"  // pk domain; ck job id; value deadLetterRecord
)

var (
	// ErrBreakerOpen is the error of an attempt that was not sent because the inbox's
	// circuit breaker was open.
	ErrBreakerOpen = errors.New("delivery: circuit breaker open")
	// ErrPermanent, wrapped in a Signer's error, drops the job without retry (for
	// example when the signing account is gone).
	ErrPermanent = errors.New("delivery: permanent failure")
	// ErrRefused is the outcome of a job to a domain the moderators suspended.
	ErrRefused = errors.New("delivery: domain suspended")
)

// Topics declares the delivery topics: Topic and RetryTopic(1..Tiers). Retention covers
// the longest backoff (about 21 h at tier 15) with room for a node that was down.
func Topics() []bus.Topic {
	ts := make([]bus.Topic, 0, Tiers+1)
	ts = append(ts, bus.Topic{Name: Topic, Partitions: Partitions, Retention: 7 * 24 * time.Hour})
	for n := 1; n <= Tiers; n++ {
		ts = append(ts, bus.Topic{Name: RetryTopic(n), Partitions: Partitions, Retention: 7 * 24 * time.Hour})
	}
	return ts
}

// RetryTopic is the topic where jobs wait for attempt n (1..Tiers).
func RetryTopic(n int) string { return Topic + ".retry." + strconv.Itoa(n) }

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{
		{Name: tHealth},
		{Name: tDead, TTL: DeadLetterTTL},
	}
}

// Job is one POST of one activity to one inbox, at one attempt.
type Job struct {
	ID        string    // unique, for logs and idempotent dead-lettering
	Inbox     string    // absolute URL
	Activity  []byte    // JSON body, sent as is
	Signer    shard.ID  // local account that signs (0 = the instance actor)
	Attempt   int       // 0 for the first try
	NotBefore time.Time // zero = now
}

// Signer signs an outgoing POST (node wires it to activitypub keys + HTTP signatures). It
// may set any header; an error wrapping ErrPermanent drops the job, any other error
// retries it later without counting against the inbox's health.
type Signer interface {
	SignPost(ctx context.Context, req *http.Request, body []byte, signer shard.ID) error
}

// Knocker is a Signer that double-knocks: it signs with the scheme a host is known to
// accept, and is told every answer. When it reports true for a first knock (second
// false), the job is signed again (SignPost then picks the other scheme) and sent once
// more.
type Knocker interface {
	Answered(req *http.Request, status int, second bool) bool
}

// Result is what became of one attempt of a job.
type Result uint8

const (
	// Delivered: the inbox answered 2xx.
	Delivered Result = iota
	// Dropped: the answer was unsalvageable (4xx but 401, 408, 429; or 501), or the
	// job can never be sent; no retry.
	Dropped
	// Retried: the attempt failed (or the breaker was open); the job waits in the next tier.
	Retried
	// DeadLettered: the last attempt failed; the job is in the dead-letter table.
	DeadLettered
	// Skipped: the domain is unavailable; the job was not enqueued, or not sent.
	Skipped
)

var resultNames = [...]string{"delivered", "dropped", "retried", "dead-lettered", "skipped"}

func (r Result) String() string {
	if int(r) < len(resultNames) {
		return resultNames[r]
	}
	return "result(" + strconv.Itoa(int(r)) + ")"
}

// Outcome reports one attempt to Options.Observe.
type Outcome struct {
	Job    Job
	Result Result
	Status int   // HTTP status of the answer; 0 when none came
	Err    error // why the attempt failed, for Retried, DeadLettered and Dropped
}

// Options tune a Service. Zero fields take the documented defaults.
type Options struct {
	// Client sends the POSTs; default a client with a 10 s timeout and keep-alive
	// connections. Redirects are never followed (a 3xx answer is retried).
	Client *http.Client
	// Now is the clock of backoffs, breakers and failure days; default time.Now.
	Now func() time.Time
	// Logger receives drops, dead letters and infrastructure errors; default slog.Default().
	Logger *slog.Logger
	// MaxAttempts is the number of tries before a job is dead-lettered, 1 to Tiers+1;
	// default 16.
	MaxAttempts int
	// UserAgent is sent with every POST; default "Herd".
	UserAgent string
	// BreakerThreshold is how many consecutive failures open an inbox's breaker;
	// default 10.
	BreakerThreshold int
	// BreakerCooldown is how long an open breaker stays open; default 60 s.
	BreakerCooldown time.Duration
	// Rand returns a number in [0, 1) for backoff jitter; default math/rand/v2.Float64.
	Rand func() float64
	// BackoffUnit scales the backoff: attempt n waits (n⁴ + 15 + r·0.5·n⁴ + r'·10·(n+1))
	// units; default 1 s. Tests shrink it.
	BackoffUnit time.Duration
	// Timeout bounds each POST, answer included; default 10 s.
	Timeout time.Duration
	// MaxResponseBytes is how much of an answer's body is read (and discarded); default 64 KiB.
	MaxResponseBytes int64
	// Concurrency bounds the POSTs in flight of the Service, over all topics; default 64.
	Concurrency int
	// Refused, if set, says whether the instance's moderators cut a domain off (a
	// suspending domain block); its jobs are dropped unsent.
	Refused func(ctx context.Context, domain string) (bool, error)
	// Observe, if set, is told the outcome of every attempt (for metrics). It is called
	// from many goroutines and must be quick.
	Observe func(Outcome)
	// DeadLetters sets aside the messages of the delivery topics that are not jobs, or
	// whose job could not be handed on after its tries; default a deadletter.Keeper
	// on the service's store.
	DeadLetters DeadLetters
}

// DeadLetters is the part of deadletter.Keeper that the delivery workers need.
type DeadLetters interface {
	Settle(ctx context.Context, group string, m bus.Message, err error) error
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = Tiers + 1
	}
	if o.UserAgent == "" {
		o.UserAgent = "Herd"
	}
	if o.BreakerThreshold == 0 {
		o.BreakerThreshold = 10
	}
	if o.BreakerCooldown == 0 {
		o.BreakerCooldown = 60 * time.Second
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.BackoffUnit == 0 {
		o.BackoffUnit = time.Second
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.MaxResponseBytes == 0 {
		o.MaxResponseBytes = 64 << 10
	}
	if o.Concurrency == 0 {
		o.Concurrency = 64
	}
	return o
}

// Validate reports whether the options, once defaults are filled in, are usable.
func (o Options) Validate() error { return o.withDefaults().validate() }

func (o Options) validate() error {
	switch {
	case o.MaxAttempts < 1 || o.MaxAttempts > Tiers+1:
		return fmt.Errorf("delivery: MaxAttempts %d is not in 1..%d", o.MaxAttempts, Tiers+1)
	case o.BreakerThreshold < 1:
		return fmt.Errorf("delivery: BreakerThreshold %d is below 1", o.BreakerThreshold)
	case o.BreakerCooldown < 0 || o.BackoffUnit < 0 || o.Timeout < 0:
		return errors.New("delivery: durations must not be negative")
	case o.MaxResponseBytes < 0:
		return errors.New("delivery: MaxResponseBytes must not be negative")
	case o.Concurrency < 1:
		return fmt.Errorf("delivery: Concurrency %d is below 1", o.Concurrency)
	}
	return nil
}

// defaultClient keeps enough idle connections per host for the Service's concurrency.
func defaultClient(concurrency int, timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = concurrency
	tr.MaxIdleConns = 4 * concurrency
	return &http.Client{Transport: tr, Timeout: timeout}
}

// Service enqueues and delivers jobs. Its methods are safe for concurrent use.
type Service struct {
	bus      bus.Bus
	st       store.Store
	signer   Signer
	opts     Options
	invalid  error // from opts.Validate; returned by Run and Enqueue
	log      *slog.Logger
	client   *http.Client
	sem      chan struct{} // one slot per POST in flight
	breakers *breakers
	dead     DeadLetters
}

// New returns a delivery service. Options that fail Validate make Run and Enqueue
// return the validation error.
func New(b bus.Bus, st store.Store, signer Signer, opts Options) *Service {
	opts = opts.withDefaults()
	invalid := opts.validate()
	if opts.Client == nil {
		opts.Client = defaultClient(opts.Concurrency, opts.Timeout)
	}
	if opts.DeadLetters == nil {
		opts.DeadLetters = deadletter.New(st, deadletter.Options{Logger: opts.Logger})
	}
	client := *opts.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Service{
		bus:      b,
		st:       st,
		signer:   signer,
		opts:     opts,
		invalid:  invalid,
		log:      opts.Logger,
		client:   &client,
		sem:      make(chan struct{}, max(opts.Concurrency, 1)),
		breakers: newBreakers(opts.BreakerThreshold, opts.BreakerCooldown),
		dead:     opts.DeadLetters,
	}
}

// Run consumes Topic and every retry tier until ctx is done (it returns nil) or a
// consumer fails (it stops the others and returns that error, e.g. bus.ErrClosed).
func (s *Service) Run(ctx context.Context) error {
	if s.invalid != nil {
		return s.invalid
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	topics := Topics()
	errc := make(chan error, len(topics))
	var wg sync.WaitGroup
	for i, t := range topics {
		opts := bus.ConsumeOptions{MaxBatch: 256}
		if i > 0 {
			// A tier batch may be handled for hours; a small one re-sends less after a crash.
			opts.MaxBatch = 64
		}
		wg.Go(func() {
			if err := s.bus.Consume(ctx, Group, t.Name, opts, s.handle); err != nil {
				errc <- fmt.Errorf("delivery: consume %s: %w", t.Name, err)
				cancel()
			}
		})
	}
	wg.Wait()
	close(errc)
	return <-errc // nil when closed and empty
}

// observe reports an outcome to Options.Observe.
func (s *Service) observe(j Job, r Result, status int, err error) {
	if s.opts.Observe != nil {
		s.opts.Observe(Outcome{Job: j, Result: r, Status: status, Err: err})
	}
}
