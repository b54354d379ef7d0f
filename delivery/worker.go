package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/logctx"
)

// errSign marks an attempt that failed before anything was sent: the inbox's health is
// not to blame.
var errSign = errors.New("delivery: sign")

// StatusError is the error of an attempt whose answer was not 2xx.
type StatusError struct{ Code int }

func (e *StatusError) Error() string {
	return fmt.Sprintf("delivery: inbox answered %d %s", e.Code, http.StatusText(e.Code))
}

// handle is the handler of every delivery topic. It takes the jobs in offset order, waits
// for each one's NotBefore (a tier's jobs all have about the same delay, so waiting on the
// head keeps FIFO order and never sends early), and runs them with at most
// Options.Concurrency POSTs in flight. It returns an error, so that the bus delivers the
// batch again, only when a job could not be handed on (retry tier, dead letter) or ctx
// ended; jobs of the batch already sent are then sent again, which receivers tolerate.
// A message that is not a job, or a job that could not be handed on for
// Options.DeadLetters' tries, is set aside as a dead letter of the event log (not one of
// this package's delivery dead letters: no inbox is to blame).
func (s *Service) handle(ctx context.Context, msgs []bus.Message) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			first = err
		}
	}
	failed := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return first != nil
	}
	for _, m := range msgs {
		j, err := s.validJob(m)
		if err != nil {
			if err := s.dead.Settle(ctx, Group, m, err); err != nil {
				fail(err)
				break
			}
			continue
		}
		if err := s.wait(ctx, j.NotBefore); err != nil {
			fail(err)
			break
		}
		if err := s.acquire(ctx); err != nil {
			fail(err)
			break
		}
		if failed() {
			s.release()
			break
		}
		wg.Go(func() {
			defer s.release()
			ctx := messageContext(ctx, m)
			if err := s.dead.Settle(ctx, Group, m, s.process(ctx, j)); err != nil {
				fail(err)
			}
		})
	}
	wg.Wait()
	return first
}

// validJob decodes the job of m; its error, permanent, tells a message that is not a
// job, or a job due later than any tier would have scheduled it (it would stop its
// partition until then).
func (s *Service) validJob(m bus.Message) (Job, error) {
	j, err := decodeJob(m.Value)
	if err != nil {
		return Job{}, bus.Permanent(fmt.Errorf("delivery: undecodable job: %w", err))
	}
	if latest := s.opts.Now().Add(2 * s.maxBackoff()); j.NotBefore.After(latest) {
		return Job{}, bus.Permanent(fmt.Errorf("delivery: job %s is due at %s, later than any retry", j.ID, j.NotBefore))
	}
	return j, nil
}

// wait returns when the clock reaches t, or with ctx's error. It measures the wait once
// against Options.Now and sleeps on the real clock.
func (s *Service) wait(ctx context.Context, t time.Time) error {
	if t.IsZero() {
		return ctx.Err()
	}
	d := t.Sub(s.opts.Now())
	if d <= 0 {
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

func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) release() { <-s.sem }

// process makes one attempt of j and hands the job on: done, dropped, to the next
// tier or to the dead letters. Its error means the job was not handed on.
func (s *Service) process(ctx context.Context, j Job) error {
	domain := domainOf(j.Inbox)
	h, err := s.health(ctx, domain)
	if err != nil {
		return err
	}
	if h.unavailable {
		s.log.DebugContext(ctx, "delivery: domain unavailable, job skipped", "job", j.ID, "inbox", j.Inbox)
		s.observe(j, Skipped, 0, nil)
		return nil
	}
	if s.opts.Refused != nil {
		refused, err := s.opts.Refused(ctx, domain)
		if err != nil {
			return err
		}
		if refused {
			s.log.InfoContext(ctx, "delivery: domain suspended, job dropped", "job", j.ID, "inbox", j.Inbox)
			s.observe(j, Dropped, 0, ErrRefused)
			return nil
		}
	}
	if !s.breakers.allow(j.Inbox, s.opts.Now()) {
		return s.retry(ctx, j, 0, ErrBreakerOpen)
	}
	status, err := s.send(ctx, j)
	if err != nil && ctx.Err() != nil {
		return ctx.Err() // shutting down: not the inbox's fault, and the batch comes again
	}
	switch {
	case errors.Is(err, ErrPermanent):
		s.log.WarnContext(ctx, "delivery: job dropped", "job", j.ID, "inbox", j.Inbox, "err", err)
		s.observe(j, Dropped, 0, err)
		return nil
	case errors.Is(err, errSign):
		return s.retry(ctx, j, 0, err)
	case err == nil && status >= 200 && status < 300:
		s.alive(ctx, j.Inbox, domain, h)
		s.log.DebugContext(ctx, "delivery: delivered", "job", j.ID, "inbox", j.Inbox, "status", status)
		s.observe(j, Delivered, status, nil)
		return nil
	case err == nil && unsalvageable(status):
		s.alive(ctx, j.Inbox, domain, h)
		s.log.InfoContext(ctx, "delivery: unsalvageable answer, job dropped", "job", j.ID, "inbox", j.Inbox, "status", status)
		s.observe(j, Dropped, status, &StatusError{status})
		return nil
	}
	if err == nil {
		err = &StatusError{status}
	}
	s.breakers.failure(j.Inbox, s.opts.Now())
	s.trackFailure(ctx, domain)
	return s.retry(ctx, j, status, err)
}

// unsalvageable tells answers that retrying cannot fix, as Mastodon does: 4xx but 401,
// 408 and 429, and 501.
func unsalvageable(code int) bool {
	if code == http.StatusNotImplemented {
		return true
	}
	return code >= 400 && code < 500 &&
		code != http.StatusUnauthorized && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests
}

// alive records that the inbox answered: it closes the breaker and clears the domain's
// failure days.
func (s *Service) alive(ctx context.Context, inbox, domain string, h domainHealth) {
	s.breakers.success(inbox)
	if h.dirty {
		if err := s.clearHealth(ctx, domain); err != nil {
			s.log.ErrorContext(ctx, "delivery: clear domain failures", "domain", domain, "err", err)
		}
	}
}

// send POSTs the job and returns the answer's status, or an error when there was
// none. When the signer double-knocks (Knocker), a first knock it asks to repeat is
// signed and sent once more, and the second answer is returned.
func (s *Service) send(ctx context.Context, j Job) (int, error) {
	req, status, err := s.sendOnce(ctx, j)
	knocker, ok := s.signer.(Knocker)
	if err != nil || !ok || !knocker.Answered(req, status, false) {
		return status, err
	}
	if req, status, err = s.sendOnce(ctx, j); err == nil {
		knocker.Answered(req, status, true)
	}
	return status, err
}

// sendOnce signs and POSTs the job once. The answer's body is read up to
// MaxResponseBytes and discarded.
func (s *Service) sendOnce(ctx context.Context, j Job) (*http.Request, int, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.Inbox, bytes.NewReader(j.Activity))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: build request: %w", ErrPermanent, err)
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("User-Agent", s.opts.UserAgent)
	if err := s.signer.SignPost(ctx, req, j.Activity, j.Signer); err != nil {
		return nil, 0, fmt.Errorf("%w: %w", errSign, err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	io.CopyN(io.Discard, resp.Body, s.opts.MaxResponseBytes) // best effort, for connection reuse
	return req, resp.StatusCode, nil
}

// retry publishes the job to the tier of its next attempt, or dead-letters it after the
// last one.
func (s *Service) retry(ctx context.Context, j Job, status int, cause error) error {
	next := j.Attempt + 1
	if next >= s.opts.MaxAttempts || next > Tiers {
		if err := s.deadLetter(ctx, j, status, cause); err != nil {
			return err
		}
		s.log.InfoContext(ctx, "delivery: attempts exhausted, job dead-lettered", "job", j.ID, "inbox", j.Inbox,
			"attempts", next, "status", status, "err", cause)
		s.observe(j, DeadLettered, status, cause)
		return nil
	}
	nj := j
	nj.Attempt = next
	nj.NotBefore = s.opts.Now().Add(s.backoff(next))
	v, err := encodeJob(nj)
	if err != nil {
		return err
	}
	msg := bus.Message{Topic: RetryTopic(next), Key: []byte(domainOf(j.Inbox)), Value: v}
	if err := s.bus.Publish(ctx, msg); err != nil {
		return fmt.Errorf("delivery: reschedule job %s: %w", j.ID, err)
	}
	s.log.DebugContext(ctx, "delivery: attempt failed, job rescheduled", "job", j.ID, "inbox", j.Inbox,
		"attempt", next, "not_before", nj.NotBefore, "status", status, "err", cause)
	s.observe(j, Retried, status, cause)
	return nil
}

// maxBackoff is the longest wait backoff can return.
func (s *Service) maxBackoff() time.Duration {
	p := math.Pow(float64(Tiers), 4)
	return time.Duration((1.5*p + 15 + 10*float64(Tiers+1)) * float64(s.opts.BackoffUnit))
}

// backoff is the wait before attempt n (1-based), as Mastodon's DeliveryWorker computes
// it with Sidekiq's jitter: n⁴ + 15 + rand·0.5·n⁴ + rand·10·(n+1), in BackoffUnits.
func (s *Service) backoff(n int) time.Duration {
	p := math.Pow(float64(n), 4)
	units := p + 15 + s.opts.Rand()*0.5*p + s.opts.Rand()*10*float64(n+1)
	return time.Duration(units * float64(s.opts.BackoffUnit))
}

// messageContext is ctx carrying the id of the request the job started from, if its
// message names one, for the log lines of its attempt.
func messageContext(ctx context.Context, m bus.Message) context.Context {
	id, _ := m.HeaderValue(logctx.Header)
	return logctx.With(ctx, string(id))
}
