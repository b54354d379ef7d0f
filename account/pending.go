package account

import (
	"context"
	"fmt"
	"strings"

	"github.com/herd-social/herd/store"
)

// ApprovePending lets a pending user in, shows its account (both flags clear in one
// batch), and tells the Registrar (webhooks fire account.approved on it, search
// indexes the account).
func (s *Service) ApprovePending(ctx context.Context, a *Account, u *User) error {
	if !u.Pending || u.AccountID != a.ID {
		return fmt.Errorf("approve account %d: not a pending registration: %w", a.ID, ErrNotFound)
	}
	u.Pending, a.Pending = false, false
	if err := s.saveBoth(ctx, a, u); err != nil {
		return err
	}
	if r, ok := s.opts.Indexer.(Registrar); ok {
		r.AccountApproved(ctx, a)
	}
	return nil
}

// DeletePending removes a local account whose registration a moderator rejected, as
// Mastodon destroys it: the account, its user, the directory and listing rows, and
// the reservations of its username and email, so that both may register again. Only
// a pending user may be removed so (a user who was ever approved may have posted).
// The Indexer is told, so that search forgets the account.
func (s *Service) DeletePending(ctx context.Context, a *Account, u *User) error {
	if !u.Pending || u.AccountID != a.ID || !a.Local() {
		return fmt.Errorf("delete account %d: not a pending registration: %w", a.ID, ErrNotFound)
	}
	muts := []store.Mutation{
		{Kind: store.Delete, Table: tAccounts, PK: a.ID.Bytes(), CK: empty},
		{Kind: store.Delete, Table: tUsers, PK: a.ID.Bytes(), CK: empty},
		{Kind: store.Delete, Table: tAccountNames, PK: nameKey(a.Username, ""), CK: empty},
		{Kind: store.Delete, Table: tUserEmails, PK: []byte(strings.ToLower(u.Email)), CK: empty},
		InstanceCountMutation(CountUsers, -1),
	}
	for _, m := range append(indexed(a), listingMutations(a)...) {
		m.Kind, m.Value = store.Delete, nil
		muts = append(muts, m)
	}
	ips, err := s.ipDeletions(ctx, a.ID)
	if err != nil {
		return err
	}
	if err := s.st.Batch(ctx, append(muts, ips...)); err != nil {
		return fmt.Errorf("delete pending account %d: %w", a.ID, err)
	}
	s.cache.Forget(a.ID)
	// The indexer finds the account gone and drops its document.
	s.written(ctx, a, a)
	return nil
}
