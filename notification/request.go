package notification

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Request holds the notifications a policy filtered from one sender, as Mastodon's
// NotificationRequest, until the recipient accepts or dismisses them.
type Request struct {
	ID           shard.ID  `cbor:"1,keyasint"`
	From         shard.ID  `cbor:"2,keyasint"`
	Count        int       `cbor:"3,keyasint"`
	LastStatusID shard.ID  `cbor:"4,keyasint,omitempty"`
	CreatedAt    time.Time `cbor:"5,keyasint"`
	UpdatedAt    time.Time `cbor:"6,keyasint"`
}

// file keeps a filtered notification out of the listings, in its sender's request.
func (s *Service) file(ctx context.Context, to shard.ID, n *Notification) error {
	rid := s.ids.Next()
	fresh, old, err := s.st.PutIfAbsent(ctx, tRequestFrom, to.Bytes(), n.From.Bytes(), rid.Bytes(), 0)
	if err != nil {
		return fmt.Errorf("file a notification for %d: %w", to, err)
	}
	r := &Request{ID: rid, From: n.From, CreatedAt: n.CreatedAt}
	if !fresh {
		if r, err = s.Request(ctx, to, shard.FromBytes(old)); errors.Is(err, ErrNotFound) { // the request row is still to come
			r = &Request{ID: shard.FromBytes(old), From: n.From, CreatedAt: n.CreatedAt}
		} else if err != nil {
			return err
		}
	}
	r.Count++
	r.UpdatedAt = n.CreatedAt
	if n.StatusID != 0 {
		r.LastStatusID = n.StatusID
	}
	nb, err := store.Marshal(n)
	if err != nil {
		return err
	}
	rb, err := store.Marshal(r)
	if err != nil {
		return err
	}
	err = s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Put, Table: tNotifications, PK: to.Bytes(), CK: n.ID.Bytes(), Value: nb},
		{Kind: store.Put, Table: tFiltered, PK: pairPK(to, n.From), CK: n.ID.Bytes(), Value: []byte{}},
		{Kind: store.Put, Table: tRequests, PK: to.Bytes(), CK: r.ID.Bytes(), Value: rb}})
	if err != nil {
		return fmt.Errorf("file a notification for %d: %w", to, err)
	}
	return nil
}

func pairPK(a, b shard.ID) []byte { return append(a.Bytes(), b.Bytes()...) }

// Requests returns a page of account's notification requests, newest first.
func (s *Service) Requests(ctx context.Context, account shard.ID, p paging.Page) ([]Request, error) {
	rows, err := s.st.Scan(ctx, tRequests, account.Bytes(), p.Range())
	if err != nil {
		return nil, fmt.Errorf("list the notification requests of %d: %w", account, err)
	}
	rows = p.Newest(rows)
	out := make([]Request, len(rows))
	for i, r := range rows {
		if err := store.Unmarshal(r.Value, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Request returns one notification request of account.
func (s *Service) Request(ctx context.Context, account, id shard.ID) (*Request, error) {
	b, err := s.st.Get(ctx, tRequests, account.Bytes(), id.Bytes())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("notification request %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load notification request %d: %w", id, err)
	}
	var r Request
	if err := store.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// AcceptRequest moves a request's notifications into the listings and lets its
// sender's notifications through from now on.
func (s *Service) AcceptRequest(ctx context.Context, account, id shard.ID) error {
	return s.settle(ctx, account, id, true)
}

// DismissRequest deletes a request and the notifications it holds.
func (s *Service) DismissRequest(ctx context.Context, account, id shard.ID) error {
	return s.settle(ctx, account, id, false)
}

func (s *Service) settle(ctx context.Context, account, id shard.ID, accept bool) error {
	r, err := s.Request(ctx, account, id)
	if err != nil {
		return err
	}
	if accept { // first, so that what the sender does next is not filtered again
		if err := s.st.Put(ctx, tPermissions, account.Bytes(), r.From.Bytes(), []byte{}, 0); err != nil {
			return fmt.Errorf("allow notifications from %d to %d: %w", r.From, account, err)
		}
	}
	pk := pairPK(account, r.From)
	for {
		rows, err := s.st.Scan(ctx, tFiltered, pk, store.Range{Limit: 100})
		if err != nil {
			return fmt.Errorf("list the filtered notifications of %d: %w", account, err)
		}
		for _, row := range rows {
			if err := s.release(ctx, account, shard.FromBytes(row.CK), accept); err != nil {
				return err
			}
			if err := s.st.Delete(ctx, tFiltered, pk, row.CK); err != nil {
				return fmt.Errorf("release a filtered notification of %d: %w", account, err)
			}
		}
		if len(rows) < 100 {
			break
		}
	}
	err = s.st.Batch(ctx, []store.Mutation{{Kind: store.Delete, Table: tRequests, PK: account.Bytes(), CK: id.Bytes()},
		{Kind: store.Delete, Table: tRequestFrom, PK: account.Bytes(), CK: r.From.Bytes()}})
	if err != nil {
		return fmt.Errorf("remove notification request %d: %w", id, err)
	}
	return nil
}

// release unfilters one filtered notification (accept) or deletes it.
func (s *Service) release(ctx context.Context, account, id shard.ID, accept bool) error {
	n, err := s.Get(ctx, account, id)
	if errors.Is(err, ErrNotFound) { // withdrawn meanwhile
		return nil
	}
	if err != nil {
		return err
	}
	if !accept {
		return s.remove(ctx, account, n)
	}
	n.Filtered = false
	b, err := store.Marshal(n)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tNotifications, account.Bytes(), n.ID.Bytes(), b, 0); err != nil {
		return fmt.Errorf("unfilter notification %d: %w", id, err)
	}
	return nil
}
