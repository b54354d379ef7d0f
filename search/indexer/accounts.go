package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Topic is the bus topic of accounts to index, keyed by account: the account service
// has no topic of its own, so its Indexer hook (Hook) publishes here, and every
// indexer (one per node for an embedded engine) indexes from the store.
const Topic = "search_accounts"

// Topics lists the topics of the package.
func Topics() []bus.Topic { return []bus.Topic{{Name: Topic, Partitions: 4}} }

// AccountEvent asks for an account to be indexed again, and its statuses when its
// indexable or suspended flag changed.
type AccountEvent struct {
	AccountID shard.ID `cbor:"1,keyasint"`
	Statuses  bool     `cbor:"2,keyasint,omitempty"`
	// Registered marks the event of a local account's registration (webhooks fire
	// account.created on it, and account.approved unless it is Pending).
	Registered bool `cbor:"3,keyasint,omitempty"`
	Pending    bool `cbor:"4,keyasint,omitempty"`
	// Approved marks the approval of a pending registration (account.approved).
	Approved bool `cbor:"5,keyasint,omitempty"`
}

// Hook is the account service's Indexer: it publishes every account written.
type Hook struct {
	bus bus.Bus
	log *slog.Logger
}

// NewHook returns the hook publishing on b.
func NewHook(b bus.Bus, log *slog.Logger) *Hook {
	if log == nil {
		log = slog.Default()
	}
	return &Hook{bus: b, log: log}
}

// AccountWritten implements account.Indexer. A failed publish is logged: the write
// stands, and a reindex repairs the index.
func (h *Hook) AccountWritten(ctx context.Context, a, prev *account.Account) {
	h.publish(ctx, AccountEvent{AccountID: a.ID,
		Statuses: (prev == nil && a.Suspended) || (prev != nil && (prev.Indexable != a.Indexable || prev.Suspended != a.Suspended))})
}

// AccountRegistered implements account.Registrar: one event, marked Registered.
func (h *Hook) AccountRegistered(ctx context.Context, a *account.Account, pending bool) {
	h.publish(ctx, AccountEvent{AccountID: a.ID, Statuses: a.Suspended, Registered: true, Pending: pending})
}

// AccountApproved implements account.Registrar: one event, marked Approved.
func (h *Hook) AccountApproved(ctx context.Context, a *account.Account) {
	h.publish(ctx, AccountEvent{AccountID: a.ID, Approved: true})
}

func (h *Hook) publish(ctx context.Context, e AccountEvent) {
	a := e.AccountID
	b, err := store.Marshal(&e)
	if err == nil {
		err = h.bus.Publish(context.WithoutCancel(ctx), bus.Message{Topic: Topic, Key: a.Bytes(), Value: b})
	}
	if err != nil {
		h.log.Error("search: publish account to index", "account", a, "err", err)
	}
}

// RunAccounts consumes the accounts topic until ctx is done.
func (s *Service) RunAccounts(ctx context.Context) error {
	return s.bus.Consume(ctx, s.opts.Group, Topic, bus.ConsumeOptions{}, s.opts.DeadLetters.Handler(s.opts.Group, s.handleAccount))
}

func (s *Service) handleAccount(ctx context.Context, m bus.Message) error {
	var e AccountEvent
	if err := store.Unmarshal(m.Value, &e); err != nil {
		return fmt.Errorf("search: account event: %w", err)
	}
	a, err := s.accounts.Get(ctx, e.AccountID)
	if errors.Is(err, account.ErrNotFound) {
		return s.engine.DeleteAccounts(ctx, uint64(e.AccountID))
	}
	if err != nil {
		return err
	}
	if err := s.indexAccount(ctx, a); err != nil {
		return err
	}
	if e.Statuses {
		return s.IndexAccountStatuses(ctx, a.ID)
	}
	return nil
}
