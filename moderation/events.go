package moderation

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// ReportTopic is the bus topic of reports filed and changed, keyed by report, for
// the consumers that react to them (webhooks).
const ReportTopic = "reports"

// EraseTopic is the bus topic of the accounts moderators deleted, keyed by account,
// for the consumer that erases their data off the request's path (node).
const EraseTopic = "account_erasures"

// EraseGroup is the consumer group of EraseTopic.
const EraseGroup = "account_erase"

// Topics lists the topics of the package.
func Topics() []bus.Topic {
	return []bus.Topic{{Name: ReportTopic, Partitions: 4}, {Name: EraseTopic, Partitions: 4}}
}

// EraseEvent asks for the data of a deleted account to be erased.
type EraseEvent struct {
	AccountID shard.ID `cbor:"1,keyasint"`
}

// ReportEvent tells of a report written: filed (Created) or changed.
type ReportEvent struct {
	ReportID shard.ID `cbor:"1,keyasint"`
	Created  bool     `cbor:"2,keyasint,omitempty"`
}

// Publisher is the part of the event log the service publishes report events to.
type Publisher interface {
	Publish(ctx context.Context, msgs ...bus.Message) error
}

// published tells Options.Events of a report written. A failed publish is logged:
// the write stands (filing it again would make a second report).
func (s *Service) published(ctx context.Context, r *Report, created bool) {
	if s.opts.Events == nil {
		return
	}
	b, err := store.Marshal(&ReportEvent{ReportID: r.ID, Created: created})
	if err == nil {
		err = s.opts.Events.Publish(context.WithoutCancel(ctx), bus.Message{Topic: ReportTopic, Key: r.ID.Bytes(), Value: b})
	}
	if err != nil {
		s.opts.Logger.Error("moderation: publish report event", "report", r.ID, "err", err)
	}
}

// erase asks Options.Events to erase the data of a deleted account; without an
// event log there is no one to ask, and the deletion is refused.
func (s *Service) erase(ctx context.Context, id shard.ID) error {
	if s.opts.Events == nil {
		return fmt.Errorf("erase %d: no event log: %w", id, ErrForbidden)
	}
	b, err := store.Marshal(&EraseEvent{AccountID: id})
	if err != nil {
		return err
	}
	return s.opts.Events.Publish(context.WithoutCancel(ctx), bus.Message{Topic: EraseTopic, Key: id.Bytes(), Value: b})
}

func defaultLogger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.Default()
	}
	return l
}
