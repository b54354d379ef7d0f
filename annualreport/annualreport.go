// Package annualreport owns the annual reports ("Wrapstodon"), as Mastodon's: a summary
// of one account's year — its archetype, its statuses, follows and followers month by
// month, its top hashtags, statuses, apps and the accounts it replied to and boosted
// most — computed once, off the request path, by a consumer of the event log, and kept.
// It decides when a report may be asked for (the campaign: December 10th to 31st of the
// year reported, as Mastodon, unless the instance turned the reports off) and records
// that the owner has seen one. It reads statuses and follows through small interfaces;
// it must not know HTTP, engines or how the report is drawn.
package annualreport

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/herd-social/herd/asyncrefresh"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// SchemaVersion is the version of Data, as Mastodon's schema_version: clients read
// data by it. Version 2 holds archetype, time_series, top_hashtags and top_statuses;
// the version 1 breakdowns Herd still computes ride along as extra keys.
const SchemaVersion = 2

// Topic carries the requests to generate a report; Group is the consumer group that
// generates them.
const (
	Topic = "annual_reports"
	Group = "annual_reports"
)

// Topics lists the topic of this package.
func Topics() []bus.Topic { return []bus.Topic{{Name: Topic, Partitions: 4}} }

// Tables of this package.
const (
	tReports = "annual_reports"        // account → year → Report
	tPending = "annual_report_pending" // account → year → — while a report is generated
)

// pendingTTL is how long a request to generate stays "generating" if its job never
// ends (Mastodon's refresh marker lives a day while running).
const pendingTTL = 24 * time.Hour

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tReports}, {Name: tPending, TTL: pendingTTL}}
}

// ErrNotFound is returned when the account has no report of that year.
var ErrNotFound = errors.New("annualreport: not found")

// State is where an account's report of a year stands.
type State string

// The states, as Mastodon names them.
const (
	Available  State = "available"  // generated and kept
	Generating State = "generating" // asked for, not done yet
	Eligible   State = "eligible"   // may be asked for now
	Ineligible State = "ineligible" // may not be asked for
)

// Report is a generated report.
type Report struct {
	AccountID     shard.ID `cbor:"1,keyasint"`
	Year          int      `cbor:"2,keyasint"`
	SchemaVersion int      `cbor:"3,keyasint"`
	// Data is the report as clients read it, JSON: kept as generated, so that a later
	// change of the sources never rewrites a report someone has seen.
	Data      []byte    `cbor:"4,keyasint"`
	CreatedAt time.Time `cbor:"5,keyasint"`
	// ViewedAt is when the owner marked it read; zero until then.
	ViewedAt time.Time `cbor:"6,keyasint,omitempty"`
	// AccountIDs and StatusIDs are what Data names, for the response to include.
	AccountIDs []shard.ID `cbor:"7,keyasint,omitempty"`
	StatusIDs  []shard.ID `cbor:"8,keyasint,omitempty"`
}

// Options configure a Service.
type Options struct {
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Disabled turns the campaign off: no year may be generated (reports already
	// kept are still served). Mastodon gates the campaign with its wrapstodon
	// feature.
	Disabled bool
	// Refreshes, when set, keep each generation as an async refresh (running from the
	// request, finished with the report), so that a client can poll the id the
	// Mastodon-Async-Refresh header names, as Mastodon's does.
	Refreshes Refreshes
	// DeadLetters sets aside the requests that cannot be generated; required for Run.
	DeadLetters *deadletter.Keeper
	// Logger; default slog.Default().
	Logger *slog.Logger
}

// Refreshes is what the service needs of the async refreshes.
type Refreshes interface {
	Start(ctx context.Context, key string) (*asyncrefresh.Refresh, error)
	Finish(ctx context.Context, key string, count int) error
}

// RefreshKey is the async refresh of the generation of acct's report of year, keyed
// as Mastodon keys it.
func RefreshKey(acct shard.ID, year int) string { return fmt.Sprintf("wrapstodon:%d:%d", acct, year) }

// Service keeps and generates annual reports.
type Service struct {
	st   store.Store
	bus  bus.Bus
	src  sources
	opts Options
}

// New returns a service on st that queues generation on b and reads the year's
// activity from src.
func New(st store.Store, b bus.Bus, src Sources, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Service{st: st, bus: b, src: sources{src}, opts: o}
}

// Campaign is the year whose reports may be generated now, or 0: Mastodon offers the
// report of a year from December 10th to the year's end (UTC).
func (s *Service) Campaign() int {
	if s.opts.Disabled {
		return 0
	}
	now := s.opts.Now().UTC()
	if now.Month() == time.December && now.Day() >= 10 {
		return now.Year()
	}
	return 0
}

func yearKey(year int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(year)) }

// Pending lists the account's reports it has not marked read, newest year first.
func (s *Service) Pending(ctx context.Context, acct shard.ID) ([]*Report, error) {
	rows, err := s.st.Scan(ctx, tReports, acct.Bytes(), store.Range{Reverse: true})
	if err != nil {
		return nil, fmt.Errorf("annual reports of %d: %w", acct, err)
	}
	var out []*Report
	for _, r := range rows {
		var rep Report
		if err := store.Unmarshal(r.Value, &rep); err != nil {
			return nil, fmt.Errorf("annual report of %d: %w", acct, err)
		}
		if rep.ViewedAt.IsZero() {
			out = append(out, &rep)
		}
	}
	return out, nil
}

// Get returns the account's report of year, or ErrNotFound.
func (s *Service) Get(ctx context.Context, acct shard.ID, year int) (*Report, error) {
	b, err := s.st.Get(ctx, tReports, acct.Bytes(), yearKey(year))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("annual report %d of %d: %w", year, acct, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("annual report %d of %d: %w", year, acct, err)
	}
	var rep Report
	if err := store.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("annual report %d of %d: %w", year, acct, err)
	}
	return &rep, nil
}

// Read marks the account's report of year as seen: it leaves the pending list.
func (s *Service) Read(ctx context.Context, acct shard.ID, year int) error {
	rep, err := s.Get(ctx, acct, year)
	if err != nil {
		return err
	}
	if !rep.ViewedAt.IsZero() {
		return nil
	}
	rep.ViewedAt = s.opts.Now().UTC()
	return s.put(ctx, rep)
}

func (s *Service) put(ctx context.Context, rep *Report) error {
	b, err := store.Marshal(rep)
	if err != nil {
		return fmt.Errorf("encode annual report: %w", err)
	}
	if err := s.st.Put(ctx, tReports, rep.AccountID.Bytes(), yearKey(rep.Year), b, 0); err != nil {
		return fmt.Errorf("store annual report %d of %d: %w", rep.Year, rep.AccountID, err)
	}
	return nil
}

// State tells where the account's report of year stands.
func (s *Service) State(ctx context.Context, acct shard.ID, year int) (State, error) {
	if _, err := s.Get(ctx, acct, year); err == nil {
		return Available, nil
	} else if !errors.Is(err, ErrNotFound) {
		return "", err
	}
	_, err := s.st.Get(ctx, tPending, acct.Bytes(), yearKey(year))
	switch {
	case err == nil:
		return Generating, nil
	case !errors.Is(err, store.ErrNotFound):
		return "", fmt.Errorf("annual report %d of %d: %w", year, acct, err)
	case year == s.Campaign():
		// Every account may have its report, as in Mastodon, whose sources
		// declare no minimum of activity: a quiet year makes a lurker's report.
		return Eligible, nil
	}
	return Ineligible, nil
}

// Generate asks for the account's report of year, generated by Run. Outside the
// campaign, or when the report exists or is being generated, it does nothing, as
// Mastodon. It returns the state the report is in afterwards.
func (s *Service) Generate(ctx context.Context, acct shard.ID, year int) (State, error) {
	st, err := s.State(ctx, acct, year)
	if err != nil || st != Eligible {
		return st, err
	}
	ok, _, err := s.st.PutIfAbsent(ctx, tPending, acct.Bytes(), yearKey(year), []byte{}, 0)
	if err != nil {
		return "", fmt.Errorf("annual report %d of %d: %w", year, acct, err)
	}
	if !ok { // a concurrent request queued it
		return Generating, nil
	}
	if s.opts.Refreshes != nil {
		if _, err := s.opts.Refreshes.Start(ctx, RefreshKey(acct, year)); err != nil { // the report comes all the same
			s.opts.Logger.Warn("annualreport: record the refresh", "err", err)
		}
	}
	b, err := store.Marshal(&job{Account: acct, Year: year})
	if err != nil {
		return "", fmt.Errorf("encode annual report job: %w", err)
	}
	if err := s.bus.Publish(ctx, bus.Message{Topic: Topic, Key: acct.Bytes(), Value: b}); err != nil {
		// Without its job the marker would say "generating" for a day: take it back.
		if derr := s.st.Delete(ctx, tPending, acct.Bytes(), yearKey(year)); derr != nil {
			s.opts.Logger.Warn("annualreport: clear pending marker", "err", derr)
		}
		return "", fmt.Errorf("queue annual report %d of %d: %w", year, acct, err)
	}
	return Generating, nil
}

// job is one request to generate, as published.
type job struct {
	Account shard.ID `cbor:"1,keyasint"`
	Year    int      `cbor:"2,keyasint"`
}

// Run generates the requested reports until ctx is done.
func (s *Service) Run(ctx context.Context) error {
	return s.bus.Consume(ctx, Group, Topic, bus.ConsumeOptions{}, s.opts.DeadLetters.Handler(Group, s.handle))
}

// handle generates one report. A report already kept is never generated again, so a
// redelivered job is harmless.
func (s *Service) handle(ctx context.Context, m bus.Message) error {
	var j job
	if err := store.Unmarshal(m.Value, &j); err != nil {
		return bus.Permanent(fmt.Errorf("annualreport: job: %w", err))
	}
	if _, err := s.Get(ctx, j.Account, j.Year); errors.Is(err, ErrNotFound) {
		rep, err := s.build(ctx, j.Account, j.Year)
		if err != nil {
			return fmt.Errorf("annualreport: generate %d of %d: %w", j.Year, j.Account, err)
		}
		if err := s.put(ctx, rep); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if s.opts.Refreshes != nil {
		if err := s.opts.Refreshes.Finish(ctx, RefreshKey(j.Account, j.Year), 1); err != nil {
			return err
		}
	}
	return s.st.Delete(ctx, tPending, j.Account.Bytes(), yearKey(j.Year))
}
