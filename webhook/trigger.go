package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/search/indexer"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// Group is the consumer group of the webhook consumers, on the topics they read and
// on their own.
const Group = "webhooks"

// SourceTopics are the topics whose facts become events.
var SourceTopics = []string{indexer.Topic, moderation.ReportTopic, status.Topic}

// Accounts is the part of the account service the consumers need: whether an
// account, or a status's author, is local.
type Accounts interface {
	Get(ctx context.Context, id shard.ID) (*account.Account, error)
}

// payload is the body Mastodon posts.
type payload struct {
	Event     Event  `json:"event"`
	CreatedAt string `json:"created_at"`
	Object    any    `json:"object"`
}

// RunTriggers consumes the source topics until ctx is done, queueing a job per
// webhook subscribed to each event they carry.
func (s *Service) RunTriggers(ctx context.Context, accounts Accounts) error {
	inner, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(SourceTopics))
	var wg sync.WaitGroup
	for _, t := range SourceTopics {
		wg.Go(func() {
			if err := s.bus.Consume(inner, Group, t, bus.ConsumeOptions{},
				s.opts.DeadLetters.Handler(Group, func(ctx context.Context, m bus.Message) error {
					return s.handleSource(ctx, accounts, m)
				})); err != nil && inner.Err() == nil {
				errc <- fmt.Errorf("webhook: consume %s: %w", t, err)
			}
			cancel()
		})
	}
	wg.Wait()
	close(errc)
	return <-errc
}

// handleSource reads the events of one message of a source topic: Mastodon fires
// account and status events for local accounts and statuses only.
func (s *Service) handleSource(ctx context.Context, accounts Accounts, m bus.Message) error {
	var (
		events []Event
		id     shard.ID
		author shard.ID
	)
	switch m.Topic {
	case indexer.Topic:
		var e indexer.AccountEvent
		if err := store.Unmarshal(m.Value, &e); err != nil {
			return bus.Permanent(fmt.Errorf("webhook: account event: %w", err))
		}
		id, author, events = e.AccountID, e.AccountID, []Event{AccountUpdated}
		switch {
		case e.Registered && e.Pending:
			events = []Event{AccountCreated}
		case e.Registered:
			events = []Event{AccountCreated, AccountApproved}
		case e.Approved:
			events = []Event{AccountApproved}
		}
	case moderation.ReportTopic:
		var e moderation.ReportEvent
		if err := store.Unmarshal(m.Value, &e); err != nil {
			return bus.Permanent(fmt.Errorf("webhook: report event: %w", err))
		}
		id, events = e.ReportID, []Event{ReportUpdated}
		if e.Created {
			events = []Event{ReportCreated}
		}
	case status.Topic:
		e, err := status.DecodeEvent(m)
		if err != nil {
			return bus.Permanent(fmt.Errorf("webhook: status event: %w", err))
		}
		switch e.Kind {
		case status.Created:
			events = []Event{StatusCreated}
		case status.Updated:
			events = []Event{StatusUpdated}
		default:
			return nil
		}
		id, author = e.StatusID, e.Author
	}
	hooks, err := s.subscribers(ctx, events)
	if err != nil || len(hooks) == 0 {
		return err
	}
	if author != 0 {
		a, err := accounts.Get(ctx, author)
		if errors.Is(err, account.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if !a.Local() {
			return nil
		}
	}
	return s.trigger(ctx, events, id, hooks)
}

// subscribers returns the enabled webhooks subscribed to any of events.
func (s *Service) subscribers(ctx context.Context, events []Event) ([]*Webhook, error) {
	all, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Webhook
	for _, w := range all {
		for _, e := range events {
			if w.Subscribed(e) {
				out = append(out, w)
				break
			}
		}
	}
	return out, nil
}

// trigger renders the object once and queues a job per webhook and event it
// subscribes to.
func (s *Service) trigger(ctx context.Context, events []Event, id shard.ID, hooks []*Webhook) error {
	obj, err := s.render.WebhookObject(ctx, ObjectOf(events[0]), id)
	if errors.Is(err, ErrGone) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("webhook: render %s %d: %w", ObjectOf(events[0]), id, err)
	}
	now := s.opts.Now().UTC()
	var msgs []bus.Message
	for _, e := range events {
		body, err := json.Marshal(payload{Event: e, CreatedAt: now.Format("2006-01-02T15:04:05.000Z"), Object: obj})
		if err != nil {
			return bus.Permanent(fmt.Errorf("webhook: payload: %w", err))
		}
		for _, w := range hooks {
			if !w.Subscribed(e) {
				continue
			}
			b := body
			if w.Template != "" {
				b = renderTemplate(w.Template, body)
			}
			m, err := jobMessage(Topic, job{WebhookID: w.ID, Event: e, Body: b, Try: 1, Queued: now})
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return s.bus.Publish(ctx, msgs...)
}

// job is one event to post to one webhook, at one try.
type job struct {
	WebhookID shard.ID  `cbor:"1,keyasint"`
	Event     Event     `cbor:"2,keyasint"`
	Body      []byte    `cbor:"3,keyasint"`
	Try       int       `cbor:"4,keyasint"`
	Queued    time.Time `cbor:"5,keyasint"`
	NotBefore time.Time `cbor:"6,keyasint,omitempty"`
}

func jobMessage(topic string, j job) (bus.Message, error) {
	b, err := store.Marshal(&j)
	if err != nil {
		return bus.Message{}, err
	}
	return bus.Message{Topic: topic, Key: j.WebhookID.Bytes(), Value: b}, nil
}
