package delivery

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/herd-social/herd/store"
)

const (
	ckUnavailable = "u" // row of an unavailable domain; value: since, Unix seconds
	ckDayPrefix   = "d" // rows "d"+YYYYMMDD: days with failures
	// maxBreakers bounds the breaker map; past it, closed and cooled breakers are pruned.
	maxBreakers = 100_000
)

// breakers are the per-inbox circuit breakers of one node, in memory. A breaker opens
// after threshold consecutive failures and stays open for cooldown; once it has cooled,
// attempts pass again, and one more failure opens it again at once (the consecutive count
// is kept until a success).
type breakers struct {
	threshold int
	cooldown  time.Duration
	mu        struct {
		sync.Mutex
		m map[string]*breaker
	}
}

type breaker struct {
	fails     int
	openUntil time.Time
}

func newBreakers(threshold int, cooldown time.Duration) *breakers {
	b := &breakers{threshold: threshold, cooldown: cooldown}
	b.mu.m = make(map[string]*breaker)
	return b
}

// allow reports whether an attempt to inbox may be sent now.
func (b *breakers) allow(inbox string, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	br := b.mu.m[inbox]
	return br == nil || !now.Before(br.openUntil)
}

// failure counts a failed attempt and opens the breaker at the threshold.
func (b *breakers) failure(inbox string, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	br := b.mu.m[inbox]
	if br == nil {
		if len(b.mu.m) >= maxBreakers {
			b.pruneLocked(now)
		}
		br = &breaker{}
		b.mu.m[inbox] = br
	}
	br.fails++
	if br.fails >= b.threshold {
		br.openUntil = now.Add(b.cooldown)
	}
}

// success closes the breaker of inbox.
func (b *breakers) success(inbox string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.mu.m, inbox)
}

// pruneLocked forgets breakers that are not open.
func (b *breakers) pruneLocked(now time.Time) {
	for k, br := range b.mu.m {
		if !now.Before(br.openUntil) {
			delete(b.mu.m, k)
		}
	}
}

// domainHealth is what the health table says of a domain.
type domainHealth struct {
	unavailable bool // marked unavailable
	dirty       bool // has failure days to clear on success
}

// health reads a domain's partition of the health table (a few rows at most).
func (s *Service) health(ctx context.Context, domain string) (domainHealth, error) {
	rows, err := s.st.Scan(ctx, tHealth, []byte(domain), store.Range{})
	if err != nil {
		return domainHealth{}, fmt.Errorf("delivery: read health of %s: %w", domain, err)
	}
	h := domainHealth{dirty: len(rows) > 0}
	for _, r := range rows {
		if string(r.CK) == ckUnavailable {
			h.unavailable = true
		}
	}
	return h, nil
}

// trackFailure records today (by Options.Now, UTC) as a failure day of domain, and marks
// the domain unavailable once it has UnavailableAfterDays of them. Errors are logged: the
// health table is bookkeeping, not worth sending a batch again.
func (s *Service) trackFailure(ctx context.Context, domain string) {
	now := s.opts.Now()
	pk := []byte(domain)
	day := []byte(ckDayPrefix + now.UTC().Format("20060102"))
	if err := s.st.Put(ctx, tHealth, pk, day, nil, 0); err != nil {
		s.log.Error("delivery: record failure day", "domain", domain, "err", err)
		return
	}
	days, err := s.st.Scan(ctx, tHealth, pk, store.Range{
		Lower: store.Incl([]byte(ckDayPrefix)), Upper: store.Excl([]byte{ckDayPrefix[0] + 1}),
		Limit: UnavailableAfterDays,
	})
	if err != nil {
		s.log.Error("delivery: count failure days", "domain", domain, "err", err)
		return
	}
	if len(days) < UnavailableAfterDays {
		return
	}
	since := []byte(strconv.FormatInt(now.Unix(), 10))
	if err := s.st.Put(ctx, tHealth, pk, []byte(ckUnavailable), since, 0); err != nil {
		s.log.Error("delivery: mark domain unavailable", "domain", domain, "err", err)
		return
	}
	s.log.Warn("delivery: domain marked unavailable", "domain", domain, "failure_days", len(days))
}

// clearHealth forgets a domain's failure days and unavailability.
func (s *Service) clearHealth(ctx context.Context, domain string) error {
	err := s.st.Batch(ctx, []store.Mutation{{Kind: store.DeletePartition, Table: tHealth, PK: []byte(domain)}})
	if err != nil {
		return fmt.Errorf("delivery: clear health of %s: %w", domain, err)
	}
	return nil
}

// Unavailable reports whether deliveries to domain are skipped.
func (s *Service) Unavailable(ctx context.Context, domain string) (bool, error) {
	_, err := s.st.Get(ctx, tHealth, []byte(normDomain(domain)), []byte(ckUnavailable))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("delivery: read health of %s: %w", domain, err)
	}
	return true, nil
}

// MarkAvailable clears a domain's failure record; it is called when a signed request
// arrives from that domain (and by an admin reset). It reads before it deletes: it runs
// on every signed request an inbox accepts, nearly always for a domain with no
// record, and a deletion of a partition is a range tombstone that every later read of
// the store steps over until compaction.
func (s *Service) MarkAvailable(ctx context.Context, domain string) error {
	domain = normDomain(domain)
	rows, err := s.st.Scan(ctx, tHealth, []byte(domain), store.Range{Limit: 1})
	if err != nil {
		return fmt.Errorf("delivery: read health of %s: %w", domain, err)
	}
	if len(rows) == 0 {
		return nil
	}
	return s.clearHealth(ctx, domain)
}

// DeadLetter is a job whose last attempt failed.
type DeadLetter struct {
	Job    Job // as of its last attempt
	Status int // HTTP status of the last answer; 0 when none came
	Err    string
	At     time.Time
}

type wireDeadLetter struct {
	Job    wireJob `cbor:"1,keyasint"`
	Status int     `cbor:"2,keyasint,omitempty"`
	Err    string  `cbor:"3,keyasint,omitempty"`
	At     int64   `cbor:"4,keyasint"` // Unix nanoseconds
}

// deadLetter stores j under its domain and id, so that storing it again is harmless.
func (s *Service) deadLetter(ctx context.Context, j Job, status int, cause error) error {
	w := wireDeadLetter{Job: toWire(j), Status: status, At: s.opts.Now().UnixNano()}
	if cause != nil {
		w.Err = cause.Error()
	}
	v, err := store.Marshal(&w)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tDead, []byte(domainOf(j.Inbox)), []byte(j.ID), v, 0); err != nil {
		return fmt.Errorf("delivery: dead-letter job %s: %w", j.ID, err)
	}
	return nil
}

// DeadLetters returns up to limit (0: all) dead letters of domain, by job id.
func (s *Service) DeadLetters(ctx context.Context, domain string, limit int) ([]DeadLetter, error) {
	rows, err := s.st.Scan(ctx, tDead, []byte(normDomain(domain)), store.Range{Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("delivery: read dead letters of %s: %w", domain, err)
	}
	out := make([]DeadLetter, 0, len(rows))
	for _, r := range rows {
		var w wireDeadLetter
		if err := store.Unmarshal(r.Value, &w); err != nil {
			return nil, fmt.Errorf("delivery: dead letter %s: %w", r.CK, err)
		}
		out = append(out, DeadLetter{Job: w.Job.job(), Status: w.Status, Err: w.Err, At: time.Unix(0, w.At)})
	}
	return out, nil
}
