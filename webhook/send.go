package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

const (
	// Topic is the topic of first tries, keyed by webhook.
	Topic = "webhooks"
	// Tiers is the number of retry tiers: try n+1 (n in 1..Tiers) waits in
	// RetryTopic(n), so a job is tried at most Tiers+1 times (over about three hours
	// at the default backoff unit).
	Tiers = 8
	// Partitions is the partition count of every webhook topic.
	Partitions = 4
)

// RetryTopic is the topic where jobs wait for try n+1.
func RetryTopic(n int) string { return Topic + ".retry." + strconv.Itoa(n) }

// Topics declares the topics of the package: Topic and its retry tiers.
func Topics() []bus.Topic {
	ts := []bus.Topic{{Name: Topic, Partitions: Partitions, Retention: 7 * 24 * time.Hour}}
	for n := 1; n <= Tiers; n++ {
		ts = append(ts, bus.Topic{Name: RetryTopic(n), Partitions: Partitions, Retention: 7 * 24 * time.Hour})
	}
	return ts
}

// Signature is the X-Hub-Signature of body under secret: "sha256=" and the hex of its
// HMAC-SHA256.
func Signature(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Run consumes the job topics until ctx is done, posting each job to its webhook.
func (s *Service) Run(ctx context.Context) error {
	inner, cancel := context.WithCancel(ctx)
	defer cancel()
	topics := Topics()
	errc := make(chan error, len(topics))
	var wg sync.WaitGroup
	for _, t := range topics {
		wg.Go(func() {
			if err := s.bus.Consume(inner, Group, t.Name, bus.ConsumeOptions{MaxBatch: 64},
				s.opts.DeadLetters.Handler(Group, s.handleJob)); err != nil && inner.Err() == nil {
				errc <- fmt.Errorf("webhook: consume %s: %w", t.Name, err)
			}
			cancel() // one consumer stopping stops them all, and Run returns to be restarted
		})
	}
	wg.Wait()
	close(errc)
	return <-errc // nil when closed and empty
}

func (s *Service) handleJob(ctx context.Context, m bus.Message) error {
	var j job
	if err := store.Unmarshal(m.Value, &j); err != nil {
		return bus.Permanent(fmt.Errorf("webhook: undecodable job: %w", err))
	}
	if j.NotBefore.After(s.opts.Now().Add(2 * s.backoff(Tiers))) {
		return bus.Permanent(fmt.Errorf("webhook: job due at %s, later than any retry", j.NotBefore))
	}
	if err := s.wait(ctx, j.NotBefore); err != nil {
		return err
	}
	w, err := s.Get(ctx, j.WebhookID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !w.Enabled { // disabled after the job was queued: nothing is sent
		return nil
	}
	now := s.opts.Now()
	at := Attempt{At: now.UTC(), Event: j.Event, Try: j.Try}
	var cause error
	if !s.breakers.allow(w.ID, now) {
		cause = errors.New("circuit breaker open")
	} else {
		at.Status, cause = s.post(ctx, w, j)
		if cause == nil {
			s.breakers.success(w.ID)
		} else {
			s.breakers.failure(w.ID, now)
		}
	}
	if cause != nil {
		at.Error = cause.Error()
	}
	if err := s.record(ctx, w.ID, at); err != nil {
		return err
	}
	switch {
	case cause == nil:
		return nil
	case unsalvageable(at.Status):
		s.opts.Logger.Info("webhook: dropped after an unsalvageable answer", "webhook", w.ID, "event", j.Event, "status", at.Status)
		return nil
	case j.Try > Tiers:
		s.opts.Logger.Warn("webhook: dropped after its last try", "webhook", w.ID, "event", j.Event, "err", cause)
		return nil
	}
	next := j
	next.NotBefore = s.opts.Now().Add(s.backoff(j.Try))
	next.Try++
	msg, err := jobMessage(RetryTopic(j.Try), next)
	if err != nil {
		return err
	}
	return s.bus.Publish(ctx, msg)
}

// post sends j's body to w, signed with w's current secret.
func (s *Service) post(ctx context.Context, w *Webhook, j job) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(j.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.opts.UserAgent)
	req.Header.Set("X-Hub-Signature", Signature(w.Secret, j.Body))
	resp, err := s.opts.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return resp.StatusCode, nil
}

// unsalvageable tells the answers Mastodon does not retry: 4xx but 401, 408 and 429,
// and 501.
func unsalvageable(code int) bool {
	return code == 501 || (code >= 400 && code < 500 && code != 401 && code != 408 && code != 429)
}

// backoff is the wait before try n+1: n⁴+15 units, as Sidekiq's without its jitter.
func (s *Service) backoff(n int) time.Duration {
	return time.Duration((math.Pow(float64(n), 4) + 15) * float64(s.opts.BackoffUnit))
}

// wait returns when the clock reaches t, or with ctx's error.
func (s *Service) wait(ctx context.Context, t time.Time) error {
	d := t.Sub(s.opts.Now())
	if t.IsZero() || d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// record appends an attempt to a webhook's delivery log.
func (s *Service) record(ctx context.Context, id shard.ID, at Attempt) error {
	b, err := store.Marshal(&at)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tAttempts, id.Bytes(), s.ids.Next().Bytes(), b, 0); err != nil {
		return fmt.Errorf("webhook %d: record attempt: %w", id, err)
	}
	return nil
}

// Attempts returns the newest LogSize attempts of a webhook, newest first.
func (s *Service) Attempts(ctx context.Context, id shard.ID) ([]Attempt, error) {
	rows, err := s.st.Scan(ctx, tAttempts, id.Bytes(), store.Range{Limit: LogSize})
	if err != nil {
		return nil, fmt.Errorf("webhook %d: attempts: %w", id, err)
	}
	out := make([]Attempt, 0, len(rows))
	for _, r := range rows {
		var at Attempt
		if err := store.Unmarshal(r.Value, &at); err != nil {
			return nil, err
		}
		out = append(out, at)
	}
	return out, nil
}

// breakers are the per-webhook circuit breakers of one node, in memory: one opens
// after threshold consecutive failures and stays open for cooldown; once cooled, tries
// pass again, and one more failure opens it again (the count is kept until a success).
type breakers struct {
	threshold int
	cooldown  time.Duration
	mu        struct {
		sync.Mutex
		m map[shard.ID]*breaker
	}
}

type breaker struct {
	fails     int
	openUntil time.Time
}

func newBreakers(threshold int, cooldown time.Duration) *breakers {
	b := &breakers{threshold: threshold, cooldown: cooldown}
	b.mu.m = make(map[shard.ID]*breaker)
	return b
}

func (b *breakers) allow(id shard.ID, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	br := b.mu.m[id]
	return br == nil || !now.Before(br.openUntil)
}

func (b *breakers) failure(id shard.ID, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	br := b.mu.m[id]
	if br == nil {
		br = &breaker{}
		b.mu.m[id] = br
	}
	br.fails++
	if br.fails >= b.threshold {
		br.openUntil = now.Add(b.cooldown)
	}
}

func (b *breakers) success(id shard.ID) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.mu.m, id)
}
