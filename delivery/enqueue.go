package delivery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// publishChunk caps the messages of one Publish call.
const publishChunk = 1000

// target is one distinct inbox of an Enqueue call.
type target struct{ inbox, domain string }

// Enqueue publishes one job per distinct inbox, keyed by the inbox's domain so that a
// domain's jobs keep their order. Inboxes that are not absolute http(s) URLs are logged
// and skipped, and so are inboxes of unavailable domains. When it returns nil every job
// is stored in the event log.
func (s *Service) Enqueue(ctx context.Context, activity []byte, signer shard.ID, inboxes []string) error {
	if s.invalid != nil {
		return s.invalid
	}
	targets := s.distinct(inboxes)
	if len(targets) == 0 {
		return nil
	}
	down, err := s.unavailableSet(ctx, targets)
	if err != nil {
		return err
	}
	msgs := make([]bus.Message, 0, len(targets))
	for _, t := range targets {
		j := Job{ID: newID(), Inbox: t.inbox, Activity: activity, Signer: signer}
		if down[t.domain] {
			s.observe(j, Skipped, 0, nil)
			continue
		}
		v, err := encodeJob(j)
		if err != nil {
			return err
		}
		msgs = append(msgs, bus.Message{Topic: Topic, Key: []byte(t.domain), Value: v})
	}
	for len(msgs) > 0 {
		n := min(len(msgs), publishChunk)
		if err := s.bus.Publish(ctx, msgs[:n]...); err != nil {
			return fmt.Errorf("delivery: enqueue %d jobs: %w", n, err)
		}
		msgs = msgs[n:]
	}
	return nil
}

// distinct parses and dedupes inboxes, in their first order.
func (s *Service) distinct(inboxes []string) []target {
	seen := make(map[string]bool, len(inboxes))
	out := make([]target, 0, len(inboxes))
	for _, raw := range inboxes {
		inbox, domain, err := parseInbox(raw)
		if err != nil {
			s.log.Warn("delivery: inbox skipped", "inbox", raw, "err", err)
			continue
		}
		if seen[inbox] {
			continue
		}
		seen[inbox] = true
		out = append(out, target{inbox: inbox, domain: domain})
	}
	return out
}

// unavailableSet returns the unavailable domains among those of targets, in one read.
func (s *Service) unavailableSet(ctx context.Context, targets []target) (map[string]bool, error) {
	var keys []store.Key
	seen := make(map[string]bool)
	for _, t := range targets {
		if !seen[t.domain] {
			seen[t.domain] = true
			keys = append(keys, store.Key{PK: []byte(t.domain), CK: []byte(ckUnavailable)})
		}
	}
	vals, err := s.st.MultiGet(ctx, tHealth, keys)
	if err != nil {
		return nil, fmt.Errorf("delivery: read domain health: %w", err)
	}
	down := make(map[string]bool)
	for i, v := range vals {
		if v != nil {
			down[string(keys[i].PK)] = true
		}
	}
	return down, nil
}

// parseInbox normalises an inbox URL (lower-case scheme and host, no fragment) and
// returns it with its domain.
func parseInbox(raw string) (inbox, domain string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", err
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", "", fmt.Errorf("scheme %q is not http(s)", u.Scheme)
	}
	if u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", "", errors.New("not an absolute URL with a host and no user info")
	}
	u.Host = strings.ToLower(u.Host)
	u.Fragment, u.RawFragment = "", ""
	domain = normDomain(u.Hostname())
	if domain == "" {
		return "", "", errors.New("empty host")
	}
	return u.String(), domain, nil
}

// normDomain is the form of a domain in the health table: lower case, no trailing dot.
func normDomain(d string) string { return strings.TrimSuffix(strings.ToLower(d), ".") }

// domainOf returns the domain of an inbox that parseInbox accepted.
func domainOf(inbox string) string {
	u, err := url.Parse(inbox)
	if err != nil {
		return ""
	}
	return normDomain(u.Hostname())
}

// newID returns 128 random bits in hex.
func newID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b[:])
}

// wireJob is a Job in the event log.
type wireJob struct {
	ID        string `cbor:"1,keyasint"`
	Inbox     string `cbor:"2,keyasint"`
	Activity  []byte `cbor:"3,keyasint"`
	Signer    uint64 `cbor:"4,keyasint,omitempty"`
	Attempt   int    `cbor:"5,keyasint,omitempty"`
	NotBefore int64  `cbor:"6,keyasint,omitempty"` // Unix nanoseconds; 0 = now
}

func toWire(j Job) wireJob {
	w := wireJob{ID: j.ID, Inbox: j.Inbox, Activity: j.Activity, Signer: uint64(j.Signer), Attempt: j.Attempt}
	if !j.NotBefore.IsZero() {
		w.NotBefore = j.NotBefore.UnixNano()
	}
	return w
}

func (w wireJob) job() Job {
	j := Job{ID: w.ID, Inbox: w.Inbox, Activity: w.Activity, Signer: shard.ID(w.Signer), Attempt: w.Attempt}
	if w.NotBefore != 0 {
		j.NotBefore = time.Unix(0, w.NotBefore)
	}
	return j
}

func encodeJob(j Job) ([]byte, error) {
	w := toWire(j)
	return store.Marshal(&w)
}

func decodeJob(b []byte) (Job, error) {
	var w wireJob
	if err := store.Unmarshal(b, &w); err != nil {
		return Job{}, err
	}
	if w.Inbox == "" || w.Attempt < 0 {
		return Job{}, errors.New("delivery: job without inbox or with a negative attempt")
	}
	return w.job(), nil
}
